"""The centre report: per enterprise and in total, is the cooperation working?

Built from one aggregate statement per column group (enterprises with their agreement start,
quarters, plans with their activities, answered requests, ratings and the newest comments, training
attendance, subsidies granted) whatever the number of enterprises; sorting, filtering and pages
are then done on the rows in memory, so any column sorts. Answer times and scores come as
histograms (value, count): the medians and averages are taken from those in Python, the same on
SQLite (which has no percentile function) and PostgreSQL.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import accumulate
from typing import Any, cast

from sqlalchemy import ColumnElement, case, func, select, true, union_all
from sqlalchemy.orm import Session

from ..access import enterprise_visible
from ..models import (
    ActionPlan,
    ActivityStatus,
    ApplicationStatus,
    AttendanceCount,
    Booking,
    Centre,
    CooperationAgreement,
    EmployerRequest,
    Enterprise,
    EnterpriseQuarter,
    PlanActivity,
    PlanStatus,
    PlanTheme,
    RequestRating,
    SubsidyApplication,
    User,
)
from .figures import Change, Figures, Quarter, change_since, graded_share, sick_leave_rate

SORTS = (
    "name",
    "change",
    "rate",
    "graded",
    "answered",
    "answer_days",
    "rating",
    "attended",
    "granted",
)
COMMENTS_SHOWN = 20
# What a comment of only these characters is: blank, not shown.
BLANKS = " \t\r\n"


@dataclass(frozen=True)
class ReportFilter:
    search: str = ""
    centre_id: int | None = None
    sort: str = "name"
    descending: bool = False


@dataclass
class PlanState:
    status: PlanStatus
    done: int
    overdue: int
    total: int


@dataclass
class ReportRow:
    enterprise_id: int
    name: str
    org_number: str
    centre: str
    latest: Figures | None = None
    change: Change | None = None
    plan: PlanState | None = None
    # Requests answered by working days to the first answer, and ratings by score.
    answer_days: Counter[int] = field(default_factory=Counter)
    scores: Counter[int] = field(default_factory=Counter)
    # People who attended the centre's courses (named, and counted after names were deleted).
    attended: int = 0
    # Kroner granted in subsidies (approved or partly approved applications, reported or not).
    granted: int = 0

    @property
    def masked(self) -> bool:
        return self.latest is not None and self.latest.masked

    @property
    def rate(self) -> Decimal | None:
        return None if self.latest is None or self.masked else self.latest.rate

    @property
    def graded(self) -> Decimal | None:
        return None if self.latest is None or self.masked else self.latest.graded_share

    @property
    def answered(self) -> int:
        return self.answer_days.total()

    @property
    def median_answer_days(self) -> Decimal | None:
        return median(self.answer_days)

    @property
    def rating(self) -> Decimal | None:
        return average(self.scores)

    @property
    def ratings(self) -> int:
        return self.scores.total()


def median(histogram: Counter[int]) -> Decimal | None:
    """The median of the values counted in ``histogram`` (value: how many times); the mean of
    the two middle values when the count is even."""
    values = sorted(value for value, count in histogram.items() if count > 0)
    if not values:
        return None
    # How many values there are up to and including each one: the value at a 0-based position
    # in the sorted values is the first whose running count passes it.
    ends = list(accumulate(histogram[value] for value in values))

    def at(position: int) -> int:
        return values[bisect_right(ends, position)]

    n = ends[-1]
    return Decimal(at((n - 1) // 2) + at(n // 2)) / 2


def average(histogram: Counter[int]) -> Decimal | None:
    n = histogram.total()
    return Decimal(sum(value * count for value, count in histogram.items())) / n if n else None


def _summed(histograms: Iterable[Counter[int]]) -> Counter[int]:
    total: Counter[int] = Counter()
    for histogram in histograms:
        total.update(histogram)
    return total


@dataclass(frozen=True)
class Comment:
    enterprise: str
    score: int
    text: str
    at: datetime


@dataclass
class Totals:
    enterprises: int
    rate: Decimal | None
    rate_at_start: Decimal | None
    graded: Decimal | None
    agreed_plans: int
    activities_done: int
    activities_overdue: int
    answered: int
    median_answer_days: Decimal | None
    rating: Decimal | None
    ratings: int
    attended: int
    granted: int
    distribution: list[tuple[int, int]]
    comments: list[Comment]

    @property
    def change(self) -> Decimal | None:
        if self.rate is None or self.rate_at_start is None:
            return None
        return self.rate - self.rate_at_start


@dataclass
class Report:
    rows: list[ReportRow]
    totals: Totals


def _scope(user: User, filters: ReportFilter) -> ColumnElement[bool]:
    condition = enterprise_visible(Enterprise.id, user)
    if filters.centre_id is not None:
        condition = condition & (Enterprise.centre_id == filters.centre_id)
    if filters.search.strip():
        term = f"%{filters.search.strip().lower()}%"
        condition = condition & (
            func.lower(Enterprise.name).like(term) | Enterprise.org_number.like(term)
        )
    return condition


def build(session: Session, user: User, filters: ReportFilter, today: date) -> Report:
    """Every enterprise the user sees (narrowed by ``filters``), sorted, with the totals."""
    scope = _scope(user, filters)
    ids = select(Enterprise.id).where(scope)
    # The start of the agreement in force (the latest started), for the change since then.
    agreement_start = (
        select(func.max(CooperationAgreement.start_date))
        .where(
            CooperationAgreement.enterprise_id == Enterprise.id,
            CooperationAgreement.start_date <= today,
        )
        .scalar_subquery()
    )
    rows: dict[int, ReportRow] = {}
    starts: dict[int, date] = {}
    for eid, name, org, centre, started in session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.org_number, Centre.name, agreement_start)
        .join(Centre, Centre.id == Enterprise.centre_id)
        .where(scope)
    ):
        rows[eid] = ReportRow(eid, name, org, centre)
        if started is not None:
            starts[eid] = started

    series: dict[int, list[Figures]] = defaultdict(list)
    for eid, year, number, lost, possible, graded, short, employees in session.execute(
        select(
            EnterpriseQuarter.enterprise_id,
            EnterpriseQuarter.year,
            EnterpriseQuarter.quarter,
            EnterpriseQuarter.lost_days,
            EnterpriseQuarter.possible_days,
            EnterpriseQuarter.graded_days,
            EnterpriseQuarter.short_term_days,
            EnterpriseQuarter.employees,
        )
        .where(EnterpriseQuarter.enterprise_id.in_(ids))
        .order_by(EnterpriseQuarter.year, EnterpriseQuarter.quarter)
    ):
        series[eid].append(Figures(Quarter(year, number), lost, possible, graded, short, employees))
    for eid, quarters in series.items():
        row = rows[eid]
        row.latest = quarters[-1]
        start = starts.get(eid)
        row.change = change_since(quarters, start) if start else None

    _plans(session, ids, rows, today)
    _answers(session, ids, rows)
    _training(session, ids, rows)
    _subsidies(session, ids, rows)
    _ratings(session, ids, rows)
    comments = _comments(session, ids, rows)
    report = Report(list(rows.values()), _totals(list(rows.values()), comments))
    report.rows.sort(key=_sort_key(filters.sort), reverse=filters.descending)
    return report


def _plans(session: Session, ids: Any, rows: dict[int, ReportRow], today: date) -> None:
    """The newest plan of each enterprise, with its activities done and overdue."""
    done = func.sum(case((PlanActivity.status == ActivityStatus.DONE, 1), else_=0))
    overdue = func.sum(
        case(
            (
                PlanActivity.status.in_((ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS))
                & (PlanActivity.end_date < today),
                1,
            ),
            else_=0,
        )
    )
    for eid, status, _start, n_done, n_overdue, total in session.execute(
        select(
            ActionPlan.enterprise_id,
            ActionPlan.status,
            ActionPlan.period_start,
            done,
            overdue,
            func.count(PlanActivity.id),
        )
        .outerjoin(PlanTheme, PlanTheme.plan_id == ActionPlan.id)
        .outerjoin(PlanActivity, PlanActivity.theme_id == PlanTheme.id)
        .where(ActionPlan.enterprise_id.in_(ids))
        .group_by(
            ActionPlan.id, ActionPlan.enterprise_id, ActionPlan.status, ActionPlan.period_start
        )
        .order_by(ActionPlan.period_start)
    ):
        # Ordered by period: the newest plan's row comes last and stays.
        rows[eid].plan = PlanState(status, int(n_done or 0), int(n_overdue or 0), int(total))


def _answers(session: Session, ids: Any, rows: dict[int, ReportRow]) -> None:
    """Requests answered (the centre wrote a message), counted by the working days to the first
    answer that the requests service kept on each."""
    days = EmployerRequest.answer_working_days
    for eid, n_days, n in session.execute(
        select(EmployerRequest.enterprise_id, days, func.count())
        .where(EmployerRequest.enterprise_id.in_(ids), days.is_not(None))
        .group_by(EmployerRequest.enterprise_id, days)
    ):
        rows[eid].answer_days[cast(int, n_days)] = n  # not None: filtered above


def _training(session: Session, ids: Any, rows: dict[int, ReportRow]) -> None:
    """Attendance at the centre's courses: named bookings marked attended, plus the counts kept
    after the names were deleted (retention); one statement."""
    named = (
        select(Booking.enterprise_id.label("eid"), func.count(Booking.id).label("n"))
        .where(Booking.enterprise_id.in_(ids), Booking.attended == true())
        .group_by(Booking.enterprise_id)
    )
    counted = (
        select(
            AttendanceCount.enterprise_id.label("eid"),
            func.sum(AttendanceCount.attended).label("n"),
        )
        .where(AttendanceCount.enterprise_id.in_(ids))
        .group_by(AttendanceCount.enterprise_id)
    )
    both = union_all(named, counted).subquery()
    for eid, n in session.execute(select(both.c.eid, func.sum(both.c.n)).group_by(both.c.eid)):
        rows[eid].attended = int(n or 0)


def _subsidies(session: Session, ids: Any, rows: dict[int, ReportRow]) -> None:
    """Kroner granted: applications approved or partly approved, whether reported or closed."""
    for eid, total in session.execute(
        select(SubsidyApplication.enterprise_id, func.sum(SubsidyApplication.granted_amount))
        .where(
            SubsidyApplication.enterprise_id.in_(ids),
            SubsidyApplication.status.in_(
                (ApplicationStatus.GRANTED, ApplicationStatus.REPORTED, ApplicationStatus.CLOSED)
            ),
        )
        .group_by(SubsidyApplication.enterprise_id)
    ):
        rows[eid].granted = int(total or 0)


def _ratings(session: Session, ids: Any, rows: dict[int, ReportRow]) -> None:
    """Each enterprise's ratings, counted by score."""
    for eid, score, n in session.execute(
        select(EmployerRequest.enterprise_id, RequestRating.score, func.count())
        .join(EmployerRequest, EmployerRequest.id == RequestRating.request_id)
        .where(EmployerRequest.enterprise_id.in_(ids))
        .group_by(EmployerRequest.enterprise_id, RequestRating.score)
    ):
        rows[eid].scores[score] = n


def _comments(session: Session, ids: Any, rows: dict[int, ReportRow]) -> list[Comment]:
    """The newest comments written with a rating (blank ones left out), as many as are shown."""
    return [
        Comment(rows[eid].name, score, comment, at)
        for eid, score, comment, at in session.execute(
            select(
                EmployerRequest.enterprise_id,
                RequestRating.score,
                RequestRating.comment,
                RequestRating.created_at,
            )
            .join(EmployerRequest, EmployerRequest.id == RequestRating.request_id)
            .where(
                EmployerRequest.enterprise_id.in_(ids),
                func.trim(RequestRating.comment, BLANKS) != "",
            )
            .order_by(RequestRating.created_at.desc(), RequestRating.id.desc())
            .limit(COMMENTS_SHOWN)
        )
    ]


def _totals(rows: list[ReportRow], comments: list[Comment]) -> Totals:
    shown = [r.latest for r in rows if r.latest is not None and not r.latest.masked]
    changed = [r.change for r in rows if r.change is not None]
    lost = sum((f.lost_days for f in shown), Decimal(0))
    possible = sum((f.possible_days for f in shown), Decimal(0))
    graded = sum((f.graded_days for f in shown), Decimal(0))
    scores = _summed(r.scores for r in rows)
    plans = [r.plan for r in rows if r.plan is not None]

    def rate_of(figures: list[Figures]) -> Decimal | None:
        days = sum((f.possible_days for f in figures), Decimal(0))
        lost_days = sum((f.lost_days for f in figures), Decimal(0))
        return sick_leave_rate(lost_days, days) if days else None

    return Totals(
        enterprises=len(rows),
        # The change in total: the same enterprises' rates, weighted by their possible days.
        rate=sick_leave_rate(lost, possible) if possible else None,
        rate_at_start=rate_of([c.start for c in changed]),
        graded=graded_share(graded, lost),
        agreed_plans=sum(1 for p in plans if p.status == PlanStatus.AGREED),
        activities_done=sum(p.done for p in plans),
        activities_overdue=sum(p.overdue for p in plans),
        answered=sum(r.answered for r in rows),
        median_answer_days=median(_summed(r.answer_days for r in rows)),
        rating=average(scores),
        ratings=scores.total(),
        attended=sum(r.attended for r in rows),
        granted=sum(r.granted for r in rows),
        distribution=[(score, scores[score]) for score in range(5, 0, -1)],
        comments=comments,
    )


def _sort_key(sort: str) -> Callable[[ReportRow], Any]:
    """Rows without a value sort last ascending (first descending), then by name."""

    def numeric(value: Decimal | int | None) -> tuple[int, Decimal]:
        return (1, Decimal(0)) if value is None else (0, Decimal(value))

    keys: dict[str, Callable[[ReportRow], Any]] = {
        "change": lambda r: (numeric(r.change.points if r.change else None), r.name),
        "rate": lambda r: (numeric(r.rate), r.name),
        "graded": lambda r: (numeric(r.graded), r.name),
        "answered": lambda r: (r.answered, r.name),
        "answer_days": lambda r: (numeric(r.median_answer_days), r.name),
        "rating": lambda r: (numeric(r.rating), r.name),
        "attended": lambda r: (r.attended, r.name),
        "granted": lambda r: (r.granted, r.name),
    }
    return keys.get(sort, lambda r: r.name.lower())
