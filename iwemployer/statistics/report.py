"""The centre report: per enterprise and in total, is the cooperation working?

Each enterprise's row is kept in ``report_figures`` (with the histogram of its answer times, and
the day it expires: overdue activities and the agreement in force change with the day), so a page
of the report reads a page whatever the number of enterprises: sorting, filtering and the page
are done by the database, the totals are sums over the kept rows. Database triggers mark an
enterprise stale whenever a row its figures are made from changes (migration 0026); ``refresh``
recomputes the stale ones in scope before the report reads, in four aggregate statements (the
enterprises with their agreements, quarters, plans with their activities, and one for answered
requests, ratings, training attendance and subsidies granted). Answer times and scores come as
histograms (value, count): medians and averages are taken from those in Python, the same on
SQLite (which has no percentile function) and PostgreSQL.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    case,
    delete,
    func,
    insert,
    literal,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy import cast as cast_
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
    ReportAnswerDays,
    ReportFigures,
    ReportStale,
    RequestRating,
    SubsidyApplication,
    User,
)
from ..models.plans import OPEN_ACTIVITY_STATUSES
from ..models.requests import COMMENT_BLANKS
from ..pagination import page_count
from .figures import (
    MASK_BELOW,
    Change,
    Figures,
    Quarter,
    change_since,
    graded_share,
    sick_leave_rate,
)

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
PAGE_SIZE = 20
# Enterprises recomputed per round of statements (the bound of an IN list).
REFRESH_BATCH = 500


@dataclass(frozen=True)
class ReportFilter:
    search: str = ""
    centre_id: int | None = None
    sort: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class ChangeSince:
    """The change in the sick-leave rate since the agreement started, in percentage points
    (negative: fewer on sick leave)."""

    points: Decimal


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
    change: ChangeSince | None = None
    plan: PlanState | None = None
    # Requests answered, and the median of the working days to the first answer.
    answered: int = 0
    median_answer_days: Decimal | None = None
    # Ratings by score.
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
    # One page of rows (every row for the CSV), page ``number`` of ``pages``.
    rows: list[ReportRow]
    totals: Totals
    number: int = 1
    pages: int = 1


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


def build(
    session: Session,
    user: User,
    filters: ReportFilter,
    today: date,
    page: int | None = None,
    size: int = PAGE_SIZE,
) -> Report:
    """The enterprises the user sees (narrowed by ``filters``), sorted, with the totals: one
    page of ``size`` rows (the page number kept within the pages there are), or every row when
    ``page`` is None (the CSV)."""
    scope = _scope(user, filters)
    refresh(session, scope, today)
    totals = _totals(session, scope)
    pages = page_count(totals.enterprises, size)
    number = 1 if page is None else min(max(1, page), pages)
    figures = ReportFigures
    query = (
        select(Enterprise.id, Enterprise.name, Enterprise.org_number, Centre.name, figures)
        .join(Centre, Centre.id == Enterprise.centre_id)
        .outerjoin(figures, figures.enterprise_id == Enterprise.id)
        .where(scope)
        .order_by(*_order(filters))
        # Figures loaded earlier in the session may have been recomputed since.
        .execution_options(populate_existing=True)
    )
    if page is not None:
        query = query.limit(size).offset((number - 1) * size)
    rows = [
        _row(eid, name, org, centre, kept)
        for eid, name, org, centre, kept in session.execute(query)
    ]
    return Report(rows, totals, number, pages)


def _row(eid: int, name: str, org: str, centre: str, kept: ReportFigures | None) -> ReportRow:
    row = ReportRow(eid, name, org, centre)
    if kept is None:
        return row
    if kept.latest_year is not None:
        row.latest = Figures(
            Quarter(kept.latest_year, cast(int, kept.latest_quarter)),
            cast(Decimal, kept.latest_lost),
            cast(Decimal, kept.latest_possible),
            cast(Decimal, kept.latest_graded),
            cast(Decimal, kept.latest_short),
            cast(int, kept.latest_employees),
        )
    if kept.change_points is not None:
        row.change = ChangeSince(kept.change_points)
    if kept.plan_status is not None:
        row.plan = PlanState(kept.plan_status, kept.plan_done, kept.plan_overdue, kept.plan_total)
    row.scores = Counter(
        {
            score: n
            for score, n in enumerate(
                (kept.score_1, kept.score_2, kept.score_3, kept.score_4, kept.score_5), start=1
            )
            if n
        }
    )
    row.attended, row.granted = kept.attended, kept.granted
    row.answered = kept.answered
    if kept.answer_days_key is not None:
        # A median of whole days is whole or a half: exact as a float.
        row.median_answer_days = Decimal(str(kept.answer_days_key))
    return row


def _order(filters: ReportFilter) -> list[Any]:
    """Rows without a value sort last ascending (first descending), then by name."""
    figures = ReportFigures
    descending = filters.descending
    if filters.sort == "name":
        # As every list of enterprises, by the index on (name, id): a page stops at the page.
        if descending:
            return [Enterprise.name.desc(), Enterprise.id.desc()]
        return [Enterprise.name, Enterprise.id]
    keys: dict[str, Any] = {
        "change": figures.change_points,
        "rate": figures.rate_key,
        "graded": figures.graded_key,
        "answered": func.coalesce(figures.answered, 0),
        "answer_days": figures.answer_days_key,
        "rating": figures.rating_key,
        "attended": func.coalesce(figures.attended, 0),
        "granted": func.coalesce(figures.granted, 0),
    }
    key = keys[filters.sort]
    if descending:
        return [key.desc().nulls_first(), Enterprise.name.desc(), Enterprise.id.desc()]
    return [key.asc().nulls_last(), Enterprise.name, Enterprise.id]


# --- keeping the figures ------------------------------------------------------------------------


def refresh(session: Session, scope: ColumnElement[bool], today: date) -> int:
    """Recompute the figures of the enterprises in ``scope`` that a write made stale or that
    expired (an activity became overdue, an agreement signed ahead started); returns how many.
    The caller commits.

    The stale marks are claimed by deleting them; on PostgreSQL marks another refresh holds are
    skipped, not waited for, and the enterprises' rows are locked (in id order) before the
    figures are read, so of two refreshes of one enterprise the later reads what the earlier
    committed; writes to the enterprise's data go on meanwhile. SQLite has one writer at a
    time: the delete serialises the refresh.
    """
    in_scope = select(Enterprise.id).where(scope)
    marks = select(ReportStale.id).where(ReportStale.enterprise_id.in_(in_scope))
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        marks = marks.with_for_update(skip_locked=True)
    stale = set(
        session.scalars(
            delete(ReportStale)
            .where(ReportStale.id.in_(marks))
            .returning(ReportStale.enterprise_id)
        )
    )
    stale.update(
        session.scalars(
            select(ReportFigures.enterprise_id).where(
                ReportFigures.enterprise_id.in_(in_scope), ReportFigures.expires_on <= today
            )
        )
    )
    ids = sorted(stale)
    for start in range(0, len(ids), REFRESH_BATCH):
        _recompute(session, ids[start : start + REFRESH_BATCH], today, lock=postgres)
    return len(ids)


def _recompute(session: Session, ids: list[int], today: date, lock: bool) -> None:
    in_batch = select(Enterprise.id).where(Enterprise.id.in_(ids))
    computed = computed_rows(session, in_batch, today, lock=lock)
    # Their answer-day histograms go with them (ON DELETE CASCADE).
    session.execute(delete(ReportFigures).where(ReportFigures.enterprise_id.in_(ids)))
    if not computed:
        return
    session.execute(insert(ReportFigures), [_kept(c) for c in computed.values()])
    answer_days = [
        {"enterprise_id": eid, "days": days, "requests": n}
        for eid, c in computed.items()
        for days, n in c.answer_days.items()
    ]
    if answer_days:
        session.execute(insert(ReportAnswerDays), answer_days)


def _key(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _kept(c: Computed) -> dict[str, Any]:
    row, latest = c.row, c.row.latest
    return {
        "enterprise_id": row.enterprise_id,
        "latest_year": latest.quarter.year if latest else None,
        "latest_quarter": latest.quarter.number if latest else None,
        "latest_lost": latest.lost_days if latest else None,
        "latest_possible": latest.possible_days if latest else None,
        "latest_graded": latest.graded_days if latest else None,
        "latest_short": latest.short_term_days if latest else None,
        "latest_employees": latest.employees if latest else None,
        "start_lost": c.change.start.lost_days if c.change else None,
        "start_possible": c.change.start.possible_days if c.change else None,
        "change_points": c.change.points if c.change else None,
        "expires_on": c.expires_on,
        "plan_status": row.plan.status if row.plan else None,
        "plan_done": row.plan.done if row.plan else 0,
        "plan_overdue": row.plan.overdue if row.plan else 0,
        "plan_total": row.plan.total if row.plan else 0,
        "answered": row.answered,
        **{f"score_{score}": row.scores[score] for score in range(1, 6)},
        "attended": row.attended,
        "granted": row.granted,
        "rate_key": _key(row.rate),
        "graded_key": _key(row.graded),
        "answer_days_key": _key(row.median_answer_days),
        "rating_key": _key(row.rating),
    }


@dataclass
class Computed:
    """An enterprise's row computed from the source tables, with what is kept beside it."""

    row: ReportRow
    change: Change | None = None
    # Requests answered by working days to the first answer.
    answer_days: Counter[int] = field(default_factory=Counter)
    # The first day the row would be computed otherwise (see ReportFigures.expires_on): an
    # agreement signed ahead starts, or the newest plan's next open activity is overdue.
    starts_on: date | None = None
    overdue_from: date | None = None

    @property
    def expires_on(self) -> date | None:
        days = [d for d in (self.starts_on, self.overdue_from) if d is not None]
        return min(days) if days else None


def computed_rows(
    session: Session, ids: Any, today: date, lock: bool = False
) -> dict[int, Computed]:
    """The report's rows of the enterprises in ``ids`` (a select of ids), from the source
    tables, as of ``today``; with ``lock``, the enterprises' rows are locked first (in id order,
    FOR NO KEY UPDATE: refreshes of an enterprise take turns, writers' foreign-key checks do
    not wait)."""
    # The start of the agreement in force (the latest started), for the change since then, and
    # the start of one signed ahead, from which the figures expire.
    agreement_start = (
        select(func.max(CooperationAgreement.start_date))
        .where(
            CooperationAgreement.enterprise_id == Enterprise.id,
            CooperationAgreement.start_date <= today,
        )
        .scalar_subquery()
    )
    next_start = (
        select(func.min(CooperationAgreement.start_date))
        .where(
            CooperationAgreement.enterprise_id == Enterprise.id,
            CooperationAgreement.start_date > today,
        )
        .scalar_subquery()
    )
    computed: dict[int, Computed] = {}
    starts: dict[int, date] = {}
    enterprises = (
        select(
            Enterprise.id,
            Enterprise.name,
            Enterprise.org_number,
            Centre.name,
            agreement_start,
            next_start,
        )
        .join(Centre, Centre.id == Enterprise.centre_id)
        .where(Enterprise.id.in_(ids))
        .order_by(Enterprise.id)
    )
    if lock:
        enterprises = enterprises.with_for_update(of=Enterprise, key_share=True)
    for eid, name, org, centre, started, expires in session.execute(enterprises):
        computed[eid] = Computed(ReportRow(eid, name, org, centre), starts_on=expires)
        if started is not None:
            starts[eid] = started
    rows = {eid: c.row for eid, c in computed.items()}

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
        change = change_since(quarters, start) if start else None
        if change is not None:
            computed[eid].change = change
            row.change = ChangeSince(change.points)

    _plans(session, ids, computed, today)
    _counts(session, ids, computed)
    return computed


def _plans(session: Session, ids: Any, computed: dict[int, Computed], today: date) -> None:
    """The newest plan of each enterprise, with its activities done and overdue, and the day
    the next open activity becomes overdue."""
    done = func.sum(case((PlanActivity.status == ActivityStatus.DONE, 1), else_=0))
    open_activity = PlanActivity.status.in_(OPEN_ACTIVITY_STATUSES)
    overdue = func.sum(case((open_activity & (PlanActivity.end_date < today), 1), else_=0))
    next_due = func.min(
        case((open_activity & (PlanActivity.end_date >= today), PlanActivity.end_date))
    )
    for eid, status, _start, n_done, n_overdue, total, first_due in session.execute(
        select(
            ActionPlan.enterprise_id,
            ActionPlan.status,
            ActionPlan.period_start,
            done,
            overdue,
            func.count(PlanActivity.id),
            next_due,
        )
        .outerjoin(PlanTheme, PlanTheme.plan_id == ActionPlan.id)
        .outerjoin(PlanActivity, PlanActivity.theme_id == PlanTheme.id)
        .where(ActionPlan.enterprise_id.in_(ids))
        .group_by(
            ActionPlan.id, ActionPlan.enterprise_id, ActionPlan.status, ActionPlan.period_start
        )
        .order_by(ActionPlan.period_start, ActionPlan.id)
    ):
        # Ordered by period: the newest plan's row comes last and stays.
        c = computed[eid]
        c.row.plan = PlanState(status, int(n_done or 0), int(n_overdue or 0), int(total))
        # An activity ending on a day is overdue from the next.
        c.overdue_from = None if first_due is None else first_due + timedelta(days=1)


def _counts(session: Session, ids: Any, computed: dict[int, Computed]) -> None:
    """In one statement: requests answered (the centre wrote a message) by the working days to
    the first answer that the requests service kept on each; ratings by score; attendance at
    the centre's courses (named bookings marked attended, plus the counts kept after the names
    were deleted); kroner granted (applications approved or partly approved, reported or
    closed)."""
    days = EmployerRequest.answer_working_days
    no_value = cast_(null(), Integer)
    parts: Any = union_all(
        select(literal("answer"), EmployerRequest.enterprise_id, days, func.count())
        .where(EmployerRequest.enterprise_id.in_(ids), days.is_not(None))
        .group_by(EmployerRequest.enterprise_id, days),
        select(literal("score"), EmployerRequest.enterprise_id, RequestRating.score, func.count())
        .join(EmployerRequest, EmployerRequest.id == RequestRating.request_id)
        .where(EmployerRequest.enterprise_id.in_(ids))
        .group_by(EmployerRequest.enterprise_id, RequestRating.score),
        select(literal("attended"), Booking.enterprise_id, no_value, func.count(Booking.id))
        .where(Booking.enterprise_id.in_(ids), Booking.attended == true())
        .group_by(Booking.enterprise_id),
        select(
            literal("attended"),
            AttendanceCount.enterprise_id,
            no_value,
            func.sum(AttendanceCount.attended),
        )
        .where(AttendanceCount.enterprise_id.in_(ids))
        .group_by(AttendanceCount.enterprise_id),
        select(
            literal("granted"),
            SubsidyApplication.enterprise_id,
            no_value,
            func.sum(SubsidyApplication.granted_amount),
        )
        .where(
            SubsidyApplication.enterprise_id.in_(ids),
            SubsidyApplication.status.in_(
                (ApplicationStatus.GRANTED, ApplicationStatus.REPORTED, ApplicationStatus.CLOSED)
            ),
        )
        .group_by(SubsidyApplication.enterprise_id),
    )
    for kind, eid, value, n in session.execute(parts):
        c, n = computed[eid], int(n or 0)
        if kind == "answer":
            c.answer_days[value] = n
        elif kind == "score":
            c.row.scores[value] = n
        elif kind == "attended":
            c.row.attended += n
        else:
            c.row.granted = n
    for c in computed.values():
        c.row.answered = c.answer_days.total()
        c.row.median_answer_days = median(c.answer_days)


def _totals(session: Session, scope: ColumnElement[bool]) -> Totals:
    """The totals over every enterprise in scope, from the kept figures."""
    f = ReportFigures
    shown = f.latest_employees >= MASK_BELOW

    def shown_sum(column: Any) -> Any:
        return func.sum(case((shown, column), else_=None))

    (
        enterprises,
        lost,
        possible,
        graded,
        start_lost,
        start_possible,
        agreed,
        done,
        overdue,
        answered,
        *scores,
        attended,
        granted,
    ) = session.execute(
        select(
            func.count(Enterprise.id),
            shown_sum(f.latest_lost),
            shown_sum(f.latest_possible),
            shown_sum(f.latest_graded),
            func.sum(f.start_lost),
            func.sum(f.start_possible),
            func.sum(case((f.plan_status == PlanStatus.AGREED, 1), else_=0)),
            func.sum(f.plan_done),
            func.sum(f.plan_overdue),
            func.sum(f.answered),
            func.sum(f.score_1),
            func.sum(f.score_2),
            func.sum(f.score_3),
            func.sum(f.score_4),
            func.sum(f.score_5),
            func.sum(f.attended),
            func.sum(f.granted),
        )
        .select_from(Enterprise)
        .outerjoin(f, f.enterprise_id == Enterprise.id)
        .where(scope)
    ).one()
    answer_days: Counter[int] = Counter()
    for n_days, n in session.execute(
        select(ReportAnswerDays.days, func.sum(ReportAnswerDays.requests))
        .join(Enterprise, Enterprise.id == ReportAnswerDays.enterprise_id)
        .where(scope)
        .group_by(ReportAnswerDays.days)
    ):
        answer_days[n_days] = int(n)
    by_score: Counter[int] = Counter(
        {score: int(n) for score, n in enumerate(scores, start=1) if n}
    )

    def days(value: Any) -> Decimal:
        return Decimal(0) if value is None else Decimal(value)

    return Totals(
        enterprises=enterprises,
        # The change in total: the same enterprises' rates, weighted by their possible days.
        rate=sick_leave_rate(days(lost), days(possible)) if possible else None,
        rate_at_start=(
            sick_leave_rate(days(start_lost), days(start_possible)) if start_possible else None
        ),
        graded=graded_share(days(graded), days(lost)),
        agreed_plans=int(agreed or 0),
        activities_done=int(done or 0),
        activities_overdue=int(overdue or 0),
        answered=int(answered or 0),
        median_answer_days=median(answer_days),
        rating=average(by_score),
        ratings=by_score.total(),
        attended=int(attended or 0),
        granted=int(granted or 0),
        distribution=[(score, by_score[score]) for score in range(5, 0, -1)],
        comments=_comments(session, scope),
    )


def _comments(session: Session, scope: ColumnElement[bool]) -> list[Comment]:
    """The newest comments written with a rating (blank ones left out), as many as are shown."""
    return [
        Comment(name, score, comment, at)
        for name, score, comment, at in session.execute(
            select(
                Enterprise.name,
                RequestRating.score,
                RequestRating.comment,
                RequestRating.created_at,
            )
            .join(EmployerRequest, EmployerRequest.id == RequestRating.request_id)
            .join(Enterprise, Enterprise.id == EmployerRequest.enterprise_id)
            .where(
                scope,
                # Written out, as the partial index ix_request_rating_commented is.
                func.trim(RequestRating.comment, literal(COMMENT_BLANKS, literal_execute=True))
                != literal("", literal_execute=True),
            )
            .order_by(RequestRating.created_at.desc(), RequestRating.id.desc())
            .limit(COMMENTS_SHOWN)
        )
    ]
