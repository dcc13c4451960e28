"""Training rules: capacity, the waiting list and its promotion, the deadline, one booking per
person, cancelling a course, editing it, attendance, retention, the CSV, calendars and feeds,
and no overbooking when many book the last seat at once (on the suite's database)."""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest
from flask import Flask
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.orm import Session

from iwemployer.errors import DomainError
from iwemployer.extensions import _sqlite_pragmas
from iwemployer.models import (
    AttendanceCount,
    Booking,
    BookingStatus,
    Course,
    CourseStatus,
    CourseTopic,
    Enterprise,
    MemberRole,
    Notification,
    ParticipantRole,
    User,
    UserKind,
)
from iwemployer.training import services
from iwemployer.training.services import CourseDetails

from ..conftest import build_centre, build_enterprise, build_membership, build_user

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
P = ParticipantRole


@dataclass
class Setup:
    session: Session
    enterprise: Enterprise
    manager: User
    delegate: User
    adviser: User
    centre_id: int


@pytest.fixture
def setup(session: Session) -> Setup:
    centre = build_centre(session)
    enterprise = build_enterprise(session, centre)
    manager = build_user(session, name="Marte Leder")
    delegate = build_user(session, name="Ola Verneombud")
    build_membership(session, manager, enterprise, MemberRole.MANAGER)
    build_membership(session, delegate, enterprise, MemberRole.SAFETY_DELEGATE)
    adviser = build_user(session, UserKind.ADVISER, centre=centre)
    session.commit()
    return Setup(session, enterprise, manager, delegate, adviser, centre.id)


def details(capacity: int = 2, days: int = 20, **overrides: Any) -> CourseDetails:
    start = NOW + timedelta(days=days)
    values: dict[str, Any] = {
        "title": "Verneombudets rolle",
        "description": "",
        "topic": CourseTopic.WORKING_ENVIRONMENT,
        "audience": (P.SAFETY_DELEGATE,),
        "language": "nb",
        "place": "Sannergata 2",
        "online_url": "",
        "capacity": capacity,
        "booking_deadline": start - timedelta(days=3),
        "sessions": [(start, start + timedelta(hours=6))],
    }
    values.update(overrides)
    return CourseDetails(**values)


def course(s: Setup, capacity: int = 2, **overrides: Any) -> Course:
    created = services.publish(s.session, s.centre_id, s.adviser, details(capacity, **overrides))
    s.session.commit()
    return created


def book(s: Setup, target: Course, n: int, now: datetime = NOW, **kwargs: Any) -> Booking:
    booking = services.book(
        s.session,
        target,
        s.enterprise.id,
        kwargs.pop("user", s.manager),
        kwargs.pop("role", MemberRole.MANAGER),
        kwargs.pop("name", f"Person {n}"),
        kwargs.pop("email", f"person{n}@example.org"),
        kwargs.pop("participant_role", P.EMPLOYEE),
        now,
    )
    s.session.commit()
    return booking


@pytest.fixture
def refused() -> Any:
    def check(status: int = 422, field: str | None = None) -> Any:
        return _Refused(status, field)

    return check


class _Refused:
    def __init__(self, status: int, field: str | None) -> None:
        self.status, self.field = status, field

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, _tb: Any) -> bool:
        assert isinstance(error, DomainError), f"expected a DomainError, got {error!r}"
        assert (error.status, error.field) == (self.status, self.field), str(error)
        return True


# --- capacity and the waiting list ----------------------------------------------------------


def test_seats_are_confirmed_up_to_capacity_then_the_waiting_list(setup: Setup) -> None:
    target = course(setup, capacity=2)
    statuses = [book(setup, target, n).status for n in range(4)]
    assert statuses == [BookingStatus.CONFIRMED] * 2 + [BookingStatus.WAITING] * 2
    setup.session.refresh(target)
    assert target.seats_taken == 2
    assert services.waiting_positions(setup.session, target.id) == {
        b.id: n
        for n, b in enumerate(services.course_bookings(setup.session, target.id)[2:], start=1)
    }


def test_a_cancellation_promotes_the_first_in_line_and_tells_them(setup: Setup) -> None:
    target = course(setup, capacity=1)
    first = book(setup, target, 1)
    second = book(setup, target, 2, user=setup.manager)
    third = book(setup, target, 3)
    promoted = services.cancel_booking(setup.session, first, setup.manager, MemberRole.MANAGER, NOW)
    setup.session.commit()
    assert [b.id for b in promoted] == [second.id]
    setup.session.refresh(second)
    setup.session.refresh(third)
    assert (second.status, third.status) == (BookingStatus.CONFIRMED, BookingStatus.WAITING)
    assert second.promoted_at is not None
    note = setup.session.scalar(
        select(Notification).where(Notification.kind == "training.promoted")
    )
    assert note is not None and note.user_id == setup.manager.id
    assert note.params["name"] == "Person 2"
    assert note.url == f"/enterprises/{setup.enterprise.id}/training/courses/{target.id}"
    setup.session.refresh(target)
    assert target.seats_taken == 1


def test_cancelling_a_waiting_booking_frees_no_seat(setup: Setup) -> None:
    target = course(setup, capacity=1)
    book(setup, target, 1)
    waiting = book(setup, target, 2)
    assert (
        services.cancel_booking(setup.session, waiting, setup.manager, MemberRole.MANAGER, NOW)
        == []
    )
    setup.session.commit()
    setup.session.refresh(target)
    assert target.seats_taken == 1


def test_booking_and_cancelling_close_at_the_deadline(setup: Setup, refused: Any) -> None:
    target = course(setup)
    booking = book(setup, target, 1)
    late = target.booking_deadline
    with refused(409):
        book(setup, target, 2, now=late)
    with refused(409):
        services.cancel_booking(setup.session, booking, setup.manager, MemberRole.MANAGER, late)
    assert not services.can_book(target, MemberRole.MANAGER, late)
    assert services.can_book(target, MemberRole.MANAGER, late - timedelta(seconds=1))


def test_one_person_is_booked_once_per_course(setup: Setup, refused: Any) -> None:
    target = course(setup, capacity=5)
    first = book(setup, target, 1, email="Kari@Example.org")
    with refused(422, "email"):
        book(setup, target, 2, email="kari@example.ORG")
    setup.session.rollback()
    services.cancel_booking(setup.session, first, setup.manager, MemberRole.MANAGER, NOW)
    setup.session.commit()
    # Cancelled, the same person may book again.
    assert book(setup, target, 3, email="kari@example.org").status == BookingStatus.CONFIRMED


def test_others_than_the_manager_book_themselves_only(setup: Setup, refused: Any) -> None:
    target = course(setup)
    with refused(422, "email"):
        book(setup, target, 1, user=setup.delegate, role=MemberRole.SAFETY_DELEGATE)
    setup.session.rollback()
    own = book(
        setup,
        target,
        2,
        user=setup.delegate,
        role=MemberRole.SAFETY_DELEGATE,
        email=setup.delegate.email.upper(),
    )
    assert own.role == P.SAFETY_DELEGATE
    other = book(setup, target, 3)
    assert not services.can_cancel_booking(
        other, target, setup.delegate, MemberRole.SAFETY_DELEGATE, NOW
    )
    assert services.can_cancel_booking(own, target, setup.delegate, MemberRole.SAFETY_DELEGATE, NOW)


def test_nobody_without_a_role_books(setup: Setup) -> None:
    target = course(setup)
    assert not services.can_book(target, None, NOW)


# --- the centre's changes -------------------------------------------------------------------


def test_a_cancelled_course_frees_every_booking_and_tells_the_bookers(setup: Setup) -> None:
    target = course(setup, capacity=1)
    book(setup, target, 1)
    book(setup, target, 2)
    services.cancel_course(setup.session, target, setup.adviser, NOW)
    setup.session.commit()
    assert target.status == CourseStatus.CANCELLED and target.seats_taken == 0
    statuses = set(setup.session.scalars(select(Booking.status)))
    assert statuses == {BookingStatus.CANCELLED}
    notes = list(
        setup.session.scalars(
            select(Notification.user_id).where(Notification.kind == "training.cancelled")
        )
    )
    # One notice per person who booked, however many they booked.
    assert notes == [setup.manager.id]
    assert not services.can_book(target, MemberRole.MANAGER, NOW)


def test_capacity_cannot_drop_below_the_seats_taken_and_a_raise_promotes(
    setup: Setup, refused: Any
) -> None:
    target = course(setup, capacity=2)
    for n in range(3):
        book(setup, target, n)
    with refused(422, "capacity"):
        services.edit(setup.session, target, setup.adviser, details(1), NOW)
    setup.session.rollback()
    services.edit(setup.session, target, setup.adviser, details(3), NOW)
    setup.session.commit()
    assert target.seats_taken == 3
    assert set(setup.session.scalars(select(Booking.status))) == {BookingStatus.CONFIRMED}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"audience": ()}, "audience"),
        ({"place": "", "online_url": ""}, "place"),
        ({"online_url": "http://insecure.example"}, "online_url"),
        ({"sessions": []}, "sessions"),
        ({"sessions": [(NOW + timedelta(days=5), NOW + timedelta(days=4))]}, "sessions"),
        ({"booking_deadline": NOW + timedelta(days=30)}, "booking_deadline"),
    ],
)
def test_a_course_needs_its_details(
    setup: Setup, refused: Any, overrides: dict[str, Any], field: str
) -> None:
    with refused(422, field):
        services.publish(setup.session, setup.centre_id, setup.adviser, details(**overrides))


def test_several_sessions_give_the_course_its_period(setup: Setup) -> None:
    first = NOW + timedelta(days=10)
    second = NOW + timedelta(days=17)
    target = course(
        setup,
        sessions=[(second, second + timedelta(hours=3)), (first, first + timedelta(hours=3))],
        booking_deadline=first - timedelta(days=1),
    )
    assert (target.starts_at, target.ends_at) == (first, second + timedelta(hours=3))
    assert [s.starts_at for s in target.sessions] == [first, second]


# --- attendance, the record and retention ---------------------------------------------------


def _held(s: Setup, days_ago: int) -> tuple[Course, list[Booking]]:
    """A course held ``days_ago`` days ago, with three of the enterprise's people booked."""
    target = course(s, capacity=5)
    bookings = [book(s, target, 1, email=s.delegate.email, participant_role=P.SAFETY_DELEGATE)]
    bookings += [book(s, target, n) for n in (2, 3)]
    moved = NOW - timedelta(days=days_ago)
    target.starts_at, target.ends_at = moved - timedelta(hours=6), moved
    for sess in target.sessions:
        sess.starts_at, sess.ends_at = moved - timedelta(hours=6), moved
    s.session.commit()
    return target, bookings


def test_attendance_is_marked_after_the_start_and_counts_in_the_record(setup: Setup) -> None:
    upcoming = course(setup)
    assert not services.can_mark_attendance(upcoming, NOW)
    target, bookings = _held(setup, 1)
    record = services.training_record(setup.session, setup.enterprise.id)
    assert {(m.role, bool(m.courses)) for m in record.members} == {
        (MemberRole.MANAGER, False),
        (MemberRole.SAFETY_DELEGATE, False),
    }
    came = services.mark_attendance(setup.session, target, {bookings[0].id, bookings[1].id}, NOW)
    setup.session.commit()
    assert came == 2
    record = services.training_record(setup.session, setup.enterprise.id)
    assert {b.id for b in record.attended} == {bookings[0].id, bookings[1].id}
    # The safety delegate now has the training for the role; the manager has not.
    assert {(m.role, bool(m.courses)) for m in record.members} == {
        (MemberRole.MANAGER, False),
        (MemberRole.SAFETY_DELEGATE, True),
    }


def test_retention_deletes_names_and_keeps_counts_per_enterprise_and_role(setup: Setup) -> None:
    old, old_bookings = _held(setup, 100)
    recent, _ = _held_other(setup)
    services.mark_attendance(setup.session, old, {b.id for b in old_bookings[:2]}, NOW)
    setup.session.commit()
    assert services.purge(setup.session, NOW, retention_days=90) == 1
    setup.session.commit()
    assert (
        setup.session.scalar(
            select(func.count()).select_from(Booking).where(Booking.course_id == old.id)
        )
        == 0
    )
    counts = {
        (c.role, c.attended)
        for c in setup.session.scalars(
            select(AttendanceCount).where(AttendanceCount.course_id == old.id)
        )
    }
    assert counts == {(P.SAFETY_DELEGATE, 1), (P.EMPLOYEE, 1)}
    assert (
        setup.session.scalar(
            select(func.count()).select_from(Booking).where(Booking.course_id == recent.id)
        )
        == 3
    )
    # A second run changes nothing.
    assert services.purge(setup.session, NOW, retention_days=90) == 0
    record = services.training_record(setup.session, setup.enterprise.id)
    assert {(c.role, c.attended) for c in record.counts} == counts


def _held_other(s: Setup) -> tuple[Course, list[Booking]]:
    target = course(s, capacity=5, title="Nyere kurs")
    bookings = [book(s, target, n) for n in (4, 5, 6)]
    moved = NOW - timedelta(days=10)
    target.starts_at, target.ends_at = moved - timedelta(hours=6), moved
    s.session.commit()
    return target, bookings


def test_the_purge_command_uses_the_retention_setting(app: Flask, setup: Setup) -> None:
    _, bookings = _held(setup, 10)
    first_id = bookings[0].id
    app.config["TRAINING_RETENTION_DAYS"] = 5
    try:
        result = app.test_cli_runner().invoke(args=["training-purge"])
    finally:
        app.config["TRAINING_RETENTION_DAYS"] = services.DEFAULT_RETENTION_DAYS
    assert result.exit_code == 0, result.output
    assert "1 course(s) purged" in result.output
    setup.session.expire_all()
    assert setup.session.get(Booking, first_id) is None


# --- exports --------------------------------------------------------------------------------


def test_the_csv_has_a_bom_and_no_formulas(setup: Setup) -> None:
    target = course(setup, capacity=5)
    book(setup, target, 1, name='=HYPERLINK("http://evil")')
    book(setup, target, 2, name="@SUM(A1)", email="-2+3@example.org")
    book(setup, target, 3, name="Åse Ødegård")
    labels = {
        "name": "Navn",
        "email": "E-post",
        "enterprise": "Virksomhet",
        "role": "Rolle",
        "status": "Status",
        **{r.value: r.value for r in ParticipantRole},
        **{s.value: s.value for s in BookingStatus},
    }
    text = services.participants_csv(services.course_bookings(setup.session, target.id), labels)
    assert text.startswith("\ufeffNavn;E-post;")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))[1:]
    assert [row[:2] for row in rows] == [
        ['\'=HYPERLINK("http://evil")', "person1@example.org"],
        ["'@SUM(A1)", "'-2+3@example.org"],
        ["Åse Ødegård", "person3@example.org"],
    ]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_calendar_file_parses_back_in_oslo_time(setup: Setup) -> None:
    first = datetime(2027, 1, 12, 8, 0, tzinfo=UTC)  # 09:00 in Oslo (winter time)
    second = datetime(2027, 6, 15, 7, 0, tzinfo=UTC)  # 09:00 in Oslo (summer time)
    target = course(
        setup,
        sessions=[(first, first + timedelta(hours=6)), (second, second + timedelta(hours=6))],
        booking_deadline=first - timedelta(days=2),
        online_url="https://meet.example/kurs",
    )
    parsed = icalendar.Calendar.from_ical(services.calendar([(target, "Person 1")], "Kurs"))
    events = list(parsed.walk("VEVENT"))
    assert len(events) == 2
    starts = [e.decoded("dtstart") for e in events]
    assert [str(s.tzinfo) for s in starts] == ["Europe/Oslo", "Europe/Oslo"]
    assert [(s.hour, s.minute) for s in starts] == [(9, 0), (9, 0)]
    assert [s.astimezone(UTC) for s in starts] == [first, second]
    assert str(events[0]["summary"]) == target.title
    assert str(events[0]["location"]) == "Sannergata 2"
    assert str(events[0]["url"]) == "https://meet.example/kurs"
    assert len({str(e["uid"]) for e in events}) == 2
    assert parsed.walk("VTIMEZONE"), "the time zone travels with the file"


def test_a_new_feed_token_replaces_the_old_and_revoking_ends_it(setup: Setup) -> None:
    target = course(setup)
    book(setup, target, 1)
    old = services.new_feed_token(setup.session, setup.manager)
    new = services.new_feed_token(setup.session, setup.manager)
    setup.session.commit()
    assert services.feed_owner(setup.session, old) is None
    owner = services.feed_owner(setup.session, new)
    assert owner is not None and owner.id == setup.manager.id
    assert [c.id for c in services.feed_courses(setup.session, owner)] == [target.id]
    services.revoke_feed(setup.session, setup.manager)
    setup.session.commit()
    assert services.feed_owner(setup.session, new) is None
    assert services.feed_owner(setup.session, "") is None


# --- concurrency ----------------------------------------------------------------------------

RACERS = 20


def test_many_booking_the_last_seat_at_once_get_exactly_one_seat(
    database_url: str, setup: Setup
) -> None:
    """Each racer has its own session on its own connection; all are released together."""
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url, pool_size=RACERS, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(database_url, pool_size=RACERS)
    target = course(setup, capacity=3)
    book(setup, target, 100)
    book(setup, target, 101)
    enterprise_id, manager_id, course_id = setup.enterprise.id, setup.manager.id, target.id
    start = threading.Barrier(RACERS)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def race(n: int) -> None:
        try:
            with Session(engine, expire_on_commit=False) as session:
                mine = session.get_one(Course, course_id)
                user = session.get_one(User, manager_id)
                start.wait(timeout=30)
                booking = services.book(
                    session,
                    mine,
                    enterprise_id,
                    user,
                    MemberRole.MANAGER,
                    f"Racer {n}",
                    f"racer{n}@example.org",
                    P.EMPLOYEE,
                    NOW,
                )
                session.commit()
                outcomes.append(booking.status.value)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    engine.dispose()
    assert not errors, errors
    assert sorted(outcomes).count("confirmed") == 1
    assert sorted(outcomes).count("waiting") == RACERS - 1
    setup.session.expire_all()
    assert setup.session.get_one(Course, course_id).seats_taken == 3
    confirmed = setup.session.scalar(
        select(func.count())
        .select_from(Booking)
        .where(Booking.course_id == course_id, Booking.status == BookingStatus.CONFIRMED)
    )
    assert confirmed == 3


def test_the_database_refuses_more_seats_than_capacity(setup: Setup) -> None:
    """Even a write that skips the service cannot overbook: the CHECK holds."""
    from sqlalchemy.exc import IntegrityError

    target = course(setup, capacity=1)
    target.seats_taken = 2
    with pytest.raises(IntegrityError):
        setup.session.commit()
    setup.session.rollback()
