"""The enterprise's statistics: its quarters against its industry, the country and its goal.

Everything shown is computed by the pure functions in ``figures.py``; this module loads the
figures (a fixed number of statements per page) and enforces who may enter them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..errors import DomainError
from ..models import (
    ActionPlan,
    CooperationAgreement,
    Enterprise,
    EnterpriseQuarter,
    MemberRole,
    ReferenceLevel,
    ReferenceQuarter,
    User,
    UserKind,
)
from .figures import (
    Change,
    Figures,
    Forecast,
    Quarter,
    Verdict,
    change_since,
    cost,
    prognosis,
    verdict,
)
from .importer import check_values, store_enterprise_quarter


def industry_code(nace_code: str) -> str:
    """The NACE division (two digits) the reference figures are published for: 87.301 → 87."""
    return nace_code[:2]


def figures_of(row: EnterpriseQuarter | ReferenceQuarter) -> Figures:
    return Figures(
        Quarter(row.year, row.quarter),
        row.lost_days,
        row.possible_days,
        row.graded_days,
        row.short_term_days,
        row.employees,
    )


def enterprise_series(session: Session, enterprise_id: int) -> list[Figures]:
    rows = session.scalars(
        select(EnterpriseQuarter)
        .where(EnterpriseQuarter.enterprise_id == enterprise_id)
        .order_by(EnterpriseQuarter.year, EnterpriseQuarter.quarter)
    )
    return [figures_of(r) for r in rows]


def reference_series(
    session: Session, code: str
) -> tuple[dict[Quarter, Figures], dict[Quarter, Figures]]:
    """The industry's and the country's quarters, in one statement."""
    rows = session.scalars(
        select(ReferenceQuarter).where(
            or_(
                ReferenceQuarter.level == ReferenceLevel.COUNTRY,
                (ReferenceQuarter.level == ReferenceLevel.INDUSTRY)
                & (ReferenceQuarter.code == code),
            )
        )
    )
    industry: dict[Quarter, Figures] = {}
    country: dict[Quarter, Figures] = {}
    for row in rows:
        target = industry if row.level == ReferenceLevel.INDUSTRY else country
        target[Quarter(row.year, row.quarter)] = figures_of(row)
    return industry, country


def agreement_start(session: Session, enterprise_id: int, today: date) -> date | None:
    """The start of the agreement in force today (else the latest that has started)."""
    agreements = session.scalars(
        select(CooperationAgreement)
        .where(
            CooperationAgreement.enterprise_id == enterprise_id,
            CooperationAgreement.start_date <= today,
        )
        .order_by(CooperationAgreement.start_date.desc())
    ).all()
    return agreements[0].start_date if agreements else None


def target_rate(session: Session, enterprise_id: int) -> Decimal | None:
    """The sick-leave target of the enterprise's newest action plan."""
    return session.scalar(
        select(ActionPlan.sick_leave_target_pct)
        .where(ActionPlan.enterprise_id == enterprise_id)
        .order_by(ActionPlan.period_start.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class QuarterRow:
    """One quarter in the table: the enterprise's figures (or masked), the references'."""

    quarter: Quarter
    figures: Figures | None
    industry: Figures | None
    country: Figures | None


@dataclass(frozen=True)
class Statistics:
    enterprise: Enterprise
    series: list[Figures]
    industry: dict[Quarter, Figures]
    country: dict[Quarter, Figures]
    start: date | None
    target: Decimal | None
    day_cost: Decimal

    @property
    def shown(self) -> list[Figures]:
        return [f for f in self.series if not f.masked]

    @property
    def latest(self) -> Figures | None:
        """The newest quarter, masked or not (the page says when it is masked)."""
        return self.series[-1] if self.series else None

    @property
    def latest_shown(self) -> Figures | None:
        return self.shown[-1] if self.shown else None

    @property
    def verdict(self) -> Verdict | None:
        latest = self.latest
        if latest is None or latest.masked or latest.quarter not in self.industry:
            return None
        return verdict(latest.rate, self.industry[latest.quarter].rate)

    @property
    def change(self) -> Change | None:
        return change_since(self.series, self.start) if self.start else None

    @property
    def prognosis(self) -> list[Forecast]:
        return prognosis(self.series)

    @property
    def quarters(self) -> list[Quarter]:
        """Every quarter with any figure, oldest first."""
        return sorted({f.quarter for f in self.series} | set(self.industry) | set(self.country))

    @property
    def rows(self) -> list[QuarterRow]:
        mine = {f.quarter: f for f in self.series}
        return [
            QuarterRow(q, mine.get(q), self.industry.get(q), self.country.get(q))
            for q in self.quarters
        ]

    @property
    def last_year(self) -> list[Figures]:
        """The last four quarters the enterprise has figures for (the cost estimate's basis)."""
        return self.series[-4:]

    @property
    def cost_latest(self) -> Decimal | None:
        latest = self.latest
        return None if latest is None or latest.masked else cost(latest.lost_days, self.day_cost)

    @property
    def lost_days_last_year(self) -> Decimal | None:
        quarters = self.last_year
        if not quarters or any(f.masked for f in quarters):
            return None
        return sum((f.lost_days for f in quarters), Decimal(0))

    @property
    def cost_last_year(self) -> Decimal | None:
        days = self.lost_days_last_year
        return None if days is None else cost(days, self.day_cost)


def statistics(
    session: Session, enterprise: Enterprise, today: date, day_cost: Decimal
) -> Statistics:
    """What the statistics page shows; four statements whatever the number of quarters."""
    industry, country = reference_series(session, industry_code(enterprise.nace_code))
    return Statistics(
        enterprise=enterprise,
        series=enterprise_series(session, enterprise.id),
        industry=industry,
        country=country,
        start=agreement_start(session, enterprise.id, today),
        target=target_rate(session, enterprise.id),
        day_cost=day_cost,
    )


# --- the plan's goal card -----------------------------------------------------------------------


@dataclass(frozen=True)
class LatestFigure:
    quarter: Quarter
    rate: Decimal | None  # None: masked


def latest_figure(session: Session, enterprise_id: int) -> LatestFigure | None:
    row = session.scalar(
        select(EnterpriseQuarter)
        .where(EnterpriseQuarter.enterprise_id == enterprise_id)
        .order_by(EnterpriseQuarter.year.desc(), EnterpriseQuarter.quarter.desc())
        .limit(1)
    )
    if row is None:
        return None
    figures = figures_of(row)
    return LatestFigure(figures.quarter, None if figures.masked else figures.rate)


# --- entering a quarter by hand -----------------------------------------------------------------


def can_enter(user: User, role: MemberRole | None) -> bool:
    """The manager enters the enterprise's quarters; its adviser and administrators may too."""
    return user.kind in (UserKind.ADVISER, UserKind.ADMIN) or role == MemberRole.MANAGER


ENTRY_FIELDS = {
    "aar": "year",
    "kvartal": "quarter",
    "tapte_dagsverk": "lost_days",
    "mulige_dagsverk": "possible_days",
    "graderte_dagsverk": "graded_days",
    "korttid_dagsverk": "short_term_days",
    "antall_ansatte": "employees",
}


class EntryErrors(DomainError):
    """Several fields of the entry form are wrong at once: the messages by form field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(next(iter(errors.values())), next(iter(errors)))
        self.errors = errors


def enter_quarter(
    session: Session,
    enterprise_id: int,
    raw: dict[str, str],
    user: User,
    role: MemberRole | None,
) -> tuple[Quarter, bool]:
    """Store a quarter typed by hand (the same checks as an import); True if it was new."""
    if not can_enter(user, role):
        raise DomainError("not allowed", status=403)
    by_column = {column: raw.get(name, "") for column, name in ENTRY_FIELDS.items()}
    quarter, values, errors = check_values(by_column)
    if errors or quarter is None or values is None:
        raise EntryErrors({ENTRY_FIELDS[column]: message for column, message in errors.items()})
    _row, previous = store_enterprise_quarter(session, enterprise_id, quarter, values, None, user)
    return quarter, previous is None
