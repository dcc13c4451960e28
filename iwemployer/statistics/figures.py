"""The computations behind the statistics pages, as pure functions of plain values.

Rates are percentages with Decimal arithmetic, rounded to one decimal only when shown.
A figure based on fewer than ``MASK_BELOW`` employees is never shown (NAV's own rule).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

HUNDRED = Decimal(100)
# Figures based on fewer employees than this are masked ("skjermet").
MASK_BELOW = 5
# Within ±10 % of the industry's rate counts as "about the same".
VERDICT_MARGIN = Decimal("0.10")
# The prognosis needs two full years of quarters.
PROGNOSIS_MIN_QUARTERS = 8
PROGNOSIS_QUARTERS = 4
DEFAULT_DAY_COST = Decimal(4700)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def next(self, steps: int = 1) -> Quarter:
        index = self.year * 4 + self.number - 1 + steps
        return Quarter(index // 4, index % 4 + 1)

    @property
    def index(self) -> int:
        return self.year * 4 + self.number - 1

    def __str__(self) -> str:
        return f"{self.year} K{self.number}"


@dataclass(frozen=True)
class Figures:
    """One quarter's counts for an enterprise, an industry or the country."""

    quarter: Quarter
    lost_days: Decimal
    possible_days: Decimal
    graded_days: Decimal
    short_term_days: Decimal
    employees: int

    @property
    def masked(self) -> bool:
        return is_masked(self.employees)

    @property
    def rate(self) -> Decimal:
        return sick_leave_rate(self.lost_days, self.possible_days)

    @property
    def graded_share(self) -> Decimal | None:
        return graded_share(self.graded_days, self.lost_days)

    @property
    def short_term_share(self) -> Decimal | None:
        return graded_share(self.short_term_days, self.lost_days)

    @property
    def long_term_days(self) -> Decimal:
        return self.lost_days - self.short_term_days


def is_masked(employees: int) -> bool:
    return employees < MASK_BELOW


def sick_leave_rate(lost_days: Decimal, possible_days: Decimal) -> Decimal:
    """Lost working days in percent of possible working days."""
    if possible_days <= 0:
        raise ValueError("possible working days must be positive")
    return lost_days / possible_days * HUNDRED


def graded_share(part: Decimal, lost_days: Decimal) -> Decimal | None:
    """A part of the lost days (graded, short-term) in percent of them; None without lost days."""
    if lost_days <= 0:
        return None
    return part / lost_days * HUNDRED


class Verdict(enum.StrEnum):
    ABOVE = "above"
    SAME = "same"
    BELOW = "below"


def verdict(rate: Decimal, industry_rate: Decimal) -> Verdict:
    """Above, about the same as (within ±10 % of it) or below the industry's rate."""
    if rate > industry_rate * (1 + VERDICT_MARGIN):
        return Verdict.ABOVE
    if rate < industry_rate * (1 - VERDICT_MARGIN):
        return Verdict.BELOW
    return Verdict.SAME


@dataclass(frozen=True)
class Change:
    start: Figures
    latest: Figures

    @property
    def points(self) -> Decimal:
        """The change in percentage points (negative: fewer on sick leave)."""
        return self.latest.rate - self.start.rate

    @property
    def percent(self) -> Decimal | None:
        """The change relative to the rate at the start, in percent."""
        if self.start.rate == 0:
            return None
        return self.points / self.start.rate * HUNDRED


def change_since(series: Sequence[Figures], start: date) -> Change | None:
    """From the quarter the agreement started in (or the first after it) to the latest quarter.

    Masked quarters are left out; None without a shown quarter on both ends or when the start
    is the latest quarter itself.
    """
    shown = sorted((f for f in series if not f.masked), key=lambda f: f.quarter)
    first = Quarter.of(start)
    after = [f for f in shown if f.quarter >= first]
    if len(after) < 2:
        return None
    return Change(after[0], after[-1])


@dataclass(frozen=True)
class Forecast:
    quarter: Quarter
    rate: Decimal


def prognosis(series: Sequence[Figures]) -> list[Forecast]:
    """The next four quarters: seasonal naive plus trend.

    Each forecast quarter is the same quarter a year earlier, plus the change in the average
    rate from the four quarters before the last four to the last four. Only with at least
    eight consecutive shown quarters at the end of the series (else an empty list); never
    below zero.
    """
    shown = sorted(series, key=lambda f: f.quarter)
    tail: list[Figures] = []
    for figures in reversed(shown):
        if figures.masked or (tail and figures.quarter.next() != tail[-1].quarter):
            break
        tail.append(figures)
    if len(tail) < PROGNOSIS_MIN_QUARTERS:
        return []
    tail.reverse()
    rates = [f.rate for f in tail]
    trend = (sum(rates[-4:], Decimal(0)) - sum(rates[-8:-4], Decimal(0))) / 4
    last = tail[-1].quarter
    return [
        Forecast(last.next(step), max(Decimal(0), rates[-4 + step - 1] + trend))
        for step in range(1, PROGNOSIS_QUARTERS + 1)
    ]


def cost(lost_days: Decimal, cost_per_day: Decimal) -> Decimal:
    """What the lost days cost the enterprise, estimated: lost days × cost per day."""
    return lost_days * cost_per_day
