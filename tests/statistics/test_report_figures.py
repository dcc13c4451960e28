"""The centre report's kept figures (migration 0026, ``report.refresh``): after any kind of write,
by the services' ORM or by bulk statements, and as days pass, the report shows what computing
every row anew from the source tables shows. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from flask import Flask
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.orm import Session

from iwemployer.extensions import db
from iwemployer.models import (
    ActionPlan,
    ActivityStatus,
    ApplicationStatus,
    AttendanceCount,
    Booking,
    CooperationAgreement,
    Course,
    EmployerRequest,
    Enterprise,
    EnterpriseQuarter,
    ParticipantRole,
    PlanActivity,
    PlanTheme,
    QuestionKind,
    ReportStale,
    RequestKind,
    RequestRating,
    RequestStatus,
    SubsidyApplication,
    User,
)
from iwemployer.statistics import report
from iwemployer.statistics.figures import MASK_BELOW
from tests.conftest import World, build_agreement, build_enterprise

ADMIN = "admin@nav.example"


def _points(row: report.ReportRow) -> Decimal | None:
    # Kept as NUMERIC, which SQLite stores as a float: equal to many more places than shown.
    return None if row.change is None else round(row.change.points, 6)


def _shown(row: report.ReportRow) -> tuple[object, ...]:
    plan = row.plan
    return (
        row.name,
        row.masked,
        row.rate,
        row.graded,
        _points(row),
        None if plan is None else (plan.status, plan.done, plan.overdue, plan.total),
        row.answered,
        row.median_answer_days,
        +row.scores,
        row.attended,
        row.granted,
    )


def assert_kept(session: Session, today: date) -> report.Report:
    """The administrator's report (every enterprise) equals the rows computed anew, and so do
    its totals."""
    admin = session.scalars(select(User).where(User.email == ADMIN)).one()
    built = report.build(session, admin, report.ReportFilter(), today)
    session.commit()
    fresh = report.computed_rows(session, select(Enterprise.id), today)
    assert {r.enterprise_id: _shown(r) for r in built.rows} == {
        eid: _shown(c.row) for eid, c in fresh.items()
    }
    t = built.totals
    rows = [c.row for c in fresh.values()]
    shown = [r.latest for r in rows if r.latest is not None and not r.latest.masked]
    scores = sum((r.scores for r in rows), Counter[int]())
    answer_days = sum((c.answer_days for c in fresh.values()), Counter[int]())
    plans = [r.plan for r in rows if r.plan is not None]
    assert t.enterprises == len(rows)
    assert t.answered == sum(r.answered for r in rows)
    assert t.median_answer_days == report.median(answer_days)
    assert t.ratings == scores.total() and t.rating == report.average(scores)
    assert t.activities_done == sum(p.done for p in plans)
    assert t.activities_overdue == sum(p.overdue for p in plans)
    assert t.attended == sum(r.attended for r in rows)
    assert t.granted == sum(r.granted for r in rows)
    lost = sum((f.lost_days for f in shown), Decimal(0))
    assert t.rate == (
        lost / sum((f.possible_days for f in shown), Decimal(0)) * 100 if shown else None
    )
    return built


def _stale(session: Session) -> int:
    return session.scalar(select(func.count(ReportStale.id))) or 0


def test_every_kind_of_write_marks_the_figures_stale_and_the_report_recomputes_them(
    world: World,
) -> None:
    s = world.session
    today = date.today()
    nordlys, fjellbygg = world.nordlys, world.fjellbygg
    assert_kept(s, today)
    assert _stale(s) == 0

    # Sick-leave quarters: a new one by the ORM, then every one changed by a bulk update.
    s.add(
        EnterpriseQuarter(
            enterprise_id=nordlys.id,
            year=2031,
            quarter=1,
            lost_days=Decimal(30),
            possible_days=Decimal(1000),
            graded_days=Decimal(3),
            short_term_days=Decimal(5),
            employees=MASK_BELOW,
        )
    )
    s.commit()
    assert _stale(s) > 0
    assert_kept(s, today)
    s.execute(update(EnterpriseQuarter).values(lost_days=EnterpriseQuarter.lost_days / 2))
    s.commit()
    assert_kept(s, today)

    # Plans: an activity done and one deleted by statements, a whole plan deleted.
    activity = s.scalars(
        select(PlanActivity)
        .join(PlanTheme)
        .join(ActionPlan)
        .where(ActionPlan.enterprise_id == nordlys.id)
        .order_by(PlanActivity.id)
    ).first()
    assert activity is not None
    s.execute(
        update(PlanActivity)
        .where(PlanActivity.id == activity.id)
        .values(status=ActivityStatus.DONE)
    )
    s.commit()
    assert_kept(s, today)
    s.execute(delete(PlanActivity).where(PlanActivity.id == activity.id))
    s.commit()
    assert_kept(s, today)
    s.execute(delete(ActionPlan).where(ActionPlan.enterprise_id == fjellbygg.id))
    s.commit()
    assert_kept(s, today)

    # Requests: answer times changed in bulk, a rating given, rescored and deleted.
    s.execute(
        update(EmployerRequest)
        .where(EmployerRequest.answer_working_days.is_not(None))
        .values(answer_working_days=EmployerRequest.answer_working_days + 3)
    )
    rated = EmployerRequest(
        enterprise_id=fjellbygg.id,
        kind=RequestKind.QUESTION,
        question_kind=QuestionKind.QUESTION,
        subject="Spørsmål",
        status=RequestStatus.CLOSED,
        form_token="t-figures",
        answer_working_days=4,
        rating=RequestRating(score=2, comment="Greit"),
    )
    s.add(rated)
    s.commit()
    assert_kept(s, today)
    s.execute(update(RequestRating).where(RequestRating.request_id == rated.id).values(score=4))
    s.commit()
    assert_kept(s, today)
    s.execute(delete(RequestRating).where(RequestRating.request_id == rated.id))
    s.commit()
    assert_kept(s, today)

    # Training and subsidies, by statements as the services write them.
    s.execute(update(Booking).where(Booking.enterprise_id == nordlys.id).values(attended=True))
    course = s.scalars(select(Course)).first()
    assert course is not None
    s.add(
        AttendanceCount(
            course_id=course.id,
            enterprise_id=fjellbygg.id,
            role=next(iter(ParticipantRole)),
            attended=4,
        )
    )
    s.execute(
        update(SubsidyApplication)
        .where(SubsidyApplication.enterprise_id == fjellbygg.id)
        .values(status=ApplicationStatus.GRANTED, granted_amount=12_000)
    )
    s.commit()
    assert_kept(s, today)

    # A new enterprise gets its figures; a deleted one's go with it.
    new = build_enterprise(s, nordlys.centre)
    s.commit()
    built = assert_kept(s, today)
    assert new.id in {r.enterprise_id for r in built.rows}
    s.delete(new)
    s.commit()
    assert_kept(s, today)
    assert _stale(s) == 0


def test_figures_that_depend_on_the_day_follow_it_without_a_write(world: World) -> None:
    """Activities become overdue as their end dates pass, and an agreement signed ahead moves
    the change's start on the day it starts."""
    s = world.session
    today = date.today()
    # Days only go forward: each read below is on a later day than the one before.
    overdue_today = assert_kept(s, today).totals.activities_overdue
    later = today + timedelta(days=800)
    assert assert_kept(s, later).totals.activities_overdue > overdue_today
    # Quarters on both sides of a renewal starting next year; the change runs from the
    # current agreement's start until then, and from the renewal's after.
    nordlys = world.nordlys
    for year, lost in ((2031, 80), (2032, 60), (2033, 40)):
        s.add(
            EnterpriseQuarter(
                enterprise_id=nordlys.id,
                year=year,
                quarter=1,
                lost_days=Decimal(lost),
                possible_days=Decimal(1000),
                graded_days=Decimal(0),
                short_term_days=Decimal(0),
                employees=50,
            )
        )
    build_agreement(s, nordlys, start=date(2032, 1, 1))
    s.commit()
    assert_kept(s, date(2031, 6, 1))
    stored = s.scalars(
        select(CooperationAgreement.start_date).where(
            CooperationAgreement.enterprise_id == nordlys.id
        )
    ).all()
    assert date(2032, 1, 1) in stored
    assert _stale(s) == 0
    assert_kept(s, date(2032, 6, 1))


def test_two_refreshes_of_an_enterprise_take_turns(app: Flask, world: World) -> None:
    """A refresh that read the sources before a rating was committed writes its figures only
    after a second refresh, which claimed that rating's mark, has waited for it: the second
    reads the rating, and its figures are the last written. Each on its own connection; the
    first is held between reading and writing. (Without the enterprise's lock the first one's
    figures, without the rating, would be written last: this test fails.)"""
    s = world.session
    today = date.today()
    assert_kept(s, today)
    enterprise_id = world.nordlys.id
    request = EmployerRequest(
        enterprise_id=enterprise_id,
        kind=RequestKind.QUESTION,
        question_kind=QuestionKind.QUESTION,
        subject="Spørsmål",
        status=RequestStatus.CLOSED,
        form_token="t-turns",
    )
    s.add(request)
    s.commit()  # a mark for the first refresh
    admin_id = world.user(ADMIN).id
    first_read, first_may_write = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def refresh(hold: bool) -> None:
        try:
            with db.new_session(app) as session:
                admin = session.get_one(User, admin_id)
                if hold:

                    def held(_conn: object, _cursor: object, statement: str, *_: object) -> None:
                        if statement.startswith("DELETE FROM report_figures"):
                            first_read.set()
                            first_may_write.wait(timeout=10)

                    event.listen(session.connection(), "before_cursor_execute", held)
                report.build(session, admin, report.ReportFilter(), today)
                session.commit()
        except BaseException as error:  # reported below, with the thread's own traceback
            errors.append(error)

    def rate() -> None:
        try:
            with db.new_session(app) as session:
                session.add(RequestRating(request_id=request.id, score=3))
                session.commit()
        except BaseException as error:
            errors.append(error)

    first = threading.Thread(target=refresh, args=(True,))
    first.start()
    assert first_read.wait(timeout=10)
    # SQLite has one writer at a time: the rating and the second refresh wait for the first.
    postgres = s.get_bind().dialect.name == "postgresql"
    rating = threading.Thread(target=rate)
    rating.start()
    rating.join(timeout=10 if postgres else 1)
    second = threading.Thread(target=refresh, args=(False,))
    second.start()
    second.join(timeout=1)
    first_may_write.set()
    for thread in (first, rating, second):
        thread.join(timeout=30)
    assert not errors, errors
    if postgres:
        # The second refresh claimed the rating's mark: without the lock, no mark would be left
        # to recompute the first one's stale figures. (On SQLite the rating may come after it.)
        assert _stale(s) == 0
    built = assert_kept(s, today)
    nordlys = next(r for r in built.rows if r.enterprise_id == enterprise_id)
    assert nordlys.scores[3] == 1


def test_writes_and_reports_at_once_leave_the_figures_as_computed_anew(
    app: Flask, world: World
) -> None:
    """Ratings written while reports are read, each on its own connection and released
    together: whichever refresh runs when, the figures end as computed from what was
    committed (the refresh claims the marks and locks the enterprises before it reads)."""
    s = world.session
    today = date.today()
    assert_kept(s, today)
    requests = []
    for i in range(6):
        request = EmployerRequest(
            enterprise_id=world.nordlys.id,
            kind=RequestKind.QUESTION,
            question_kind=QuestionKind.QUESTION,
            subject="Spørsmål",
            status=RequestStatus.CLOSED,
            form_token=f"t-race-{i}",
        )
        s.add(request)
        requests.append(request)
    s.commit()
    ids = [r.id for r in requests]
    admin_id = world.user(ADMIN).id
    start = threading.Barrier(len(ids) * 2)
    errors: list[BaseException] = []

    def rate(request_id: int, score: int) -> None:
        try:
            with db.new_session(app) as session:
                start.wait(timeout=10)
                session.add(RequestRating(request_id=request_id, score=score))
                session.commit()
        except BaseException as error:  # reported below, with the thread's own traceback
            errors.append(error)

    def read() -> None:
        try:
            with db.new_session(app) as session:
                admin = session.get_one(User, admin_id)
                start.wait(timeout=10)
                report.build(session, admin, report.ReportFilter(), today)
                session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=rate, args=(rid, 1 + i % 5)) for i, rid in enumerate(ids)]
    threads += [threading.Thread(target=read) for _ in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    built = assert_kept(s, today)
    nordlys = next(r for r in built.rows if r.enterprise_id == world.nordlys.id)
    assert nordlys.ratings == 1 + len(ids)  # the demo's own rating too
