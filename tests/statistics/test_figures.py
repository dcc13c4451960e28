"""The computations: rate, graded share, verdict, change, prognosis, masking, cost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from iwemployer.statistics.figures import (
    Figures,
    Quarter,
    Verdict,
    change_since,
    cost,
    graded_share,
    is_masked,
    prognosis,
    sick_leave_rate,
    verdict,
)

D = Decimal


def fig(year: int, q: int, rate: str, employees: int = 50, graded: str = "0") -> Figures:
    """A quarter with 1000 possible days, so lost days = rate × 10."""
    lost = D(rate) * 10
    return Figures(Quarter(year, q), lost, D(1000), lost * D(graded) / 100, lost / 2, employees)


def test_rate_is_lost_days_in_percent_of_possible_days() -> None:
    assert sick_leave_rate(D("486.5"), D("6588")) == D("486.5") / D("6588") * 100
    assert sick_leave_rate(D(0), D(10)) == 0
    with pytest.raises(ValueError):
        sick_leave_rate(D(1), D(0))


def test_graded_share_and_short_term_split() -> None:
    assert graded_share(D(25), D(100)) == D(25)
    assert graded_share(D(0), D(0)) is None
    f = Figures(Quarter(2026, 1), D(100), D(1000), D(30), D(40), 20)
    assert f.rate == D(10)
    assert f.graded_share == D(30)
    assert f.short_term_share == D(40)
    assert f.long_term_days == D(60)


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("11.1", Verdict.ABOVE),
        ("11.0", Verdict.SAME),  # exactly +10 % is still about the same
        ("10", Verdict.SAME),
        ("9.0", Verdict.SAME),
        ("8.9", Verdict.BELOW),
    ],
)
def test_verdict_is_within_ten_percent_of_the_industry(rate: str, expected: Verdict) -> None:
    assert verdict(D(rate), D(10)) == expected


def test_change_runs_from_the_agreements_start_quarter_to_the_latest() -> None:
    series = [fig(2024, 4, "9"), fig(2025, 1, "10"), fig(2025, 2, "9"), fig(2025, 3, "8")]
    change = change_since(series, date(2025, 2, 14))  # Q1 2025
    assert change is not None
    assert change.start.quarter == Quarter(2025, 1)
    assert change.points == D(-2)
    assert change.percent == D(-20)


def test_change_leaves_out_masked_quarters_and_needs_two_quarters() -> None:
    series = [fig(2025, 1, "10", employees=4), fig(2025, 2, "9"), fig(2025, 3, "6")]
    change = change_since(series, date(2025, 1, 1))
    assert change is not None and change.start.quarter == Quarter(2025, 2)
    assert change_since(series, date(2025, 8, 1)) is None
    assert change_since([], date(2025, 1, 1)) is None


def test_masking_below_five_employees() -> None:
    assert is_masked(4)
    assert not is_masked(5)
    assert fig(2025, 1, "5", employees=0).masked


def test_prognosis_is_seasonal_naive_plus_trend() -> None:
    # Year one 10, 8, 6, 8; year two 9, 7, 5, 7: the trend is −1 a year.
    rates = ["10", "8", "6", "8", "9", "7", "5", "7"]
    series = [fig(2024 + i // 4, i % 4 + 1, r) for i, r in enumerate(rates)]
    forecast = prognosis(series)
    assert [f.quarter for f in forecast] == [Quarter(2026, n) for n in (1, 2, 3, 4)]
    assert [f.rate for f in forecast] == [D(8), D(6), D(4), D(6)]


def test_prognosis_needs_eight_consecutive_shown_quarters() -> None:
    rates = ["10", "8", "6", "8", "9", "7", "5"]
    seven = [fig(2024 + i // 4, i % 4 + 1, r) for i, r in enumerate(rates)]
    assert prognosis(seven) == []
    eight_with_masked = [*seven, fig(2025, 4, "7", employees=3)]
    assert prognosis(eight_with_masked) == []
    gap = [*seven[:3], *[fig(2025, i, "7") for i in (1, 2, 3, 4)], fig(2026, 1, "7")]
    assert prognosis(gap) == []


def test_prognosis_never_goes_below_zero() -> None:
    rates = ["8", "8", "8", "8", "1", "1", "1", "1"]
    series = [fig(2024 + i // 4, i % 4 + 1, r) for i, r in enumerate(rates)]
    assert all(f.rate == 0 for f in prognosis(series))


def test_cost_is_lost_days_times_cost_per_day() -> None:
    assert cost(D("486.5"), D(4700)) == D("2286550.0")


def test_quarters_step_across_years() -> None:
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter(2026, 1).next(-1) == Quarter(2025, 4)
    assert Quarter.of(date(2026, 11, 30)) == Quarter(2026, 4)
