"""The centre report's rows and totals, from the demo data."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from iwemployer.models import (
    ApplicationStatus,
    AttendanceCount,
    Booking,
    Course,
    EmployerRequest,
    ParticipantRole,
    PlanStatus,
    QuestionKind,
    RequestKind,
    RequestRating,
    RequestStatus,
    SubsidyApplication,
    utcnow,
)
from iwemployer.statistics import report
from iwemployer.statistics.demo import SMALL
from tests.conftest import World


def test_rows_and_totals_for_the_advisers_centre(world: World) -> None:
    built = report.build(
        world.session, world.user("radgiver.oslo@nav.example"), report.ReportFilter(), date.today()
    )
    rows = {r.name: r for r in built.rows}
    assert "Fjellbygg AS" not in rows  # another centre
    nordlys = rows["Nordlys Omsorg AS"]
    assert nordlys.change is not None and nordlys.change.points < 0  # falling since the start
    assert nordlys.plan is not None and nordlys.plan.status == PlanStatus.AGREED
    assert nordlys.answered == 2 and nordlys.median_answer_days is not None
    assert nordlys.rating == Decimal(5)
    small = rows[SMALL[1]]
    assert small.masked and small.rate is None and small.graded is None
    t = built.totals
    assert t.enterprises == len(rows)
    assert t.ratings == 1 and t.distribution[0] == (5, 1)
    assert t.comments and t.comments[0].enterprise == "Nordlys Omsorg AS"
    assert t.change is not None and t.change < 0


def test_sorting_filtering_and_the_administrators_centre_filter(world: World) -> None:
    admin = world.user("admin@nav.example")
    everyone = report.build(world.session, admin, report.ReportFilter(), date.today())
    assert "Fjellbygg AS" in {r.name for r in everyone.rows}
    vestland = report.build(
        world.session, admin, report.ReportFilter(centre_id=world.fjellbygg.centre_id), date.today()
    )
    assert {r.centre for r in vestland.rows} == {"NAV Arbeidslivssenter Vestland"}
    by_rate = report.build(
        world.session, admin, report.ReportFilter(sort="rate", descending=True), date.today()
    )
    rates = [r.rate for r in by_rate.rows if r.rate is not None]
    assert rates == sorted(rates, reverse=True)
    # Masked rows (no rate) come first when descending: they sort as "no value".
    assert by_rate.rows[0].rate is None
    found = report.build(
        world.session, admin, report.ReportFilter(search="987654325"), date.today()
    )
    assert [r.name for r in found.rows] == ["Nordlys Omsorg AS"]


def test_median_and_average_from_a_histogram() -> None:
    # Even counts: the mean of the two middle values, whether they share a bar or not.
    assert report.median(Counter([1, 3, 2, 10])) == Decimal("2.5")
    assert report.median(Counter({0: 2, 4: 2})) == Decimal(2)
    assert report.median(Counter({1: 3, 7: 1})) == Decimal(1)
    # Odd counts: the middle value.
    assert report.median(Counter({5: 1, 2: 3, 9: 1})) == Decimal(2)
    assert report.median(Counter({5: 1, 2: 2, 9: 2})) == Decimal(5)
    assert report.median(Counter([4])) == Decimal(4)
    # The same as the median of the values written out, for every length.
    values = [0, 0, 1, 1, 1, 2, 3, 3, 8, 8, 8, 8, 13]
    for n in range(1, len(values) + 1):
        assert report.median(Counter(values[:n])) == Decimal(str(statistics.median(values[:n])))
    assert report.median(Counter()) is None and report.median(Counter({3: 0})) is None
    assert report.average(Counter({5: 2, 2: 1})) == Decimal(4)
    assert report.average(Counter()) is None


def test_answer_times_come_from_the_working_days_kept_on_the_requests(world: World) -> None:
    s = world.session
    adviser = world.user("radgiver.oslo@nav.example")
    answered = s.scalars(
        select(EmployerRequest)
        .where(
            EmployerRequest.enterprise_id == world.nordlys.id,
            EmployerRequest.answer_working_days.is_not(None),
        )
        .order_by(EmployerRequest.id)
    ).all()
    assert len(answered) == 2
    answered[0].answer_working_days, answered[1].answer_working_days = 1, 8

    def add(token: str, days: int) -> None:
        s.add(
            EmployerRequest(
                enterprise_id=world.nordlys.id,
                kind=RequestKind.QUESTION,
                question_kind=QuestionKind.QUESTION,
                subject="Spørsmål",
                form_token=token,
                answer_working_days=days,
            )
        )
        s.commit()

    def built() -> tuple[report.ReportRow, report.Totals]:
        found = report.build(s, adviser, report.ReportFilter(), date.today())
        return next(r for r in found.rows if r.enterprise_id == world.nordlys.id), found.totals

    add("t-two", 2)
    add("t-eight", 8)
    nordlys, totals = built()
    # 1, 2, 8, 8: an even count, the mean of the middle two.
    assert nordlys.answered == 4 and nordlys.median_answer_days == Decimal(5)
    assert totals.answered == 4 and totals.median_answer_days == Decimal(5)
    add("t-three", 3)
    nordlys, totals = built()
    assert nordlys.answered == 5 and nordlys.median_answer_days == Decimal(3)
    assert totals.median_answer_days == Decimal(3)


def test_scores_count_every_rating_and_the_newest_comments_are_shown(world: World) -> None:
    s = world.session
    now = utcnow()
    # Written a minute apart, newest last; the newest has only blanks.
    comments = [f"Kommentar {i}" for i in range(report.COMMENTS_SHOWN + 2)] + [" \n\t"]
    for i, comment in enumerate(comments):
        s.add(
            EmployerRequest(
                enterprise_id=world.nordlys.id,
                kind=RequestKind.QUESTION,
                question_kind=QuestionKind.QUESTION,
                subject="Spørsmål",
                status=RequestStatus.CLOSED,
                form_token=f"t-rated-{i}",
                rating=RequestRating(
                    score=1 + i % 2, comment=comment, created_at=now + timedelta(minutes=i)
                ),
            )
        )
    s.commit()
    built = report.build(
        s, world.user("radgiver.oslo@nav.example"), report.ReportFilter(), date.today()
    )
    nordlys = next(r for r in built.rows if r.enterprise_id == world.nordlys.id)
    assert nordlys.ratings == 1 + len(comments)  # the demo's own rating too
    assert built.totals.ratings == nordlys.ratings
    assert built.totals.distribution == [(5, 1), (4, 0), (3, 0), (2, 11), (1, 12)]
    assert nordlys.rating == Decimal(5 + 11 * 2 + 12) / 24
    shown = [c.text for c in built.totals.comments]
    assert shown == comments[-2 : -report.COMMENTS_SHOWN - 2 : -1]


def test_training_attendance_and_subsidies_granted(world: World) -> None:
    """The training and subsidy columns: named attendance plus counts kept after the names were
    deleted, and kroner granted; a rejected or pending application grants nothing."""
    session = world.session
    nordlys = world.nordlys
    named = session.scalar(
        select(func.count(Booking.id)).where(
            Booking.enterprise_id == nordlys.id, Booking.attended.is_(True)
        )
    )
    course = session.scalars(select(Course)).first()
    assert course is not None
    session.add(
        AttendanceCount(
            course_id=course.id,
            enterprise_id=nordlys.id,
            role=next(iter(ParticipantRole)),
            attended=3,
        )
    )
    granted = sum(
        a.granted_amount or 0
        for a in session.scalars(
            select(SubsidyApplication).where(
                SubsidyApplication.enterprise_id == nordlys.id,
                SubsidyApplication.status.in_(
                    (
                        ApplicationStatus.GRANTED,
                        ApplicationStatus.REPORTED,
                        ApplicationStatus.CLOSED,
                    )
                ),
            )
        )
    )
    session.commit()
    built = report.build(
        session, world.user("radgiver.oslo@nav.example"), report.ReportFilter(), date.today()
    )
    row = next(r for r in built.rows if r.enterprise_id == nordlys.id)
    assert named and row.attended == named + 3
    assert granted > 0 and row.granted == granted
    fjellbygg = report.build(
        session, world.user("radgiver.vestland@nav.example"), report.ReportFilter(), date.today()
    )
    # Fjellbygg's application is submitted, not decided: nothing granted yet.
    assert next(r for r in fjellbygg.rows if r.name == "Fjellbygg AS").granted == 0
    assert built.totals.attended >= row.attended and built.totals.granted >= row.granted
    by_granted = report.build(
        session,
        world.user("radgiver.oslo@nav.example"),
        report.ReportFilter(sort="granted", descending=True),
        date.today(),
    )
    assert by_granted.rows[0].granted == max(r.granted for r in by_granted.rows)
