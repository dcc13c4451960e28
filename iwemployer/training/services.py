"""Training: publishing courses, bookings with a waiting list, attendance, the training record,
calendar files and the retention purge.

Functions of ``(session, plain values)``; they raise ``DomainError`` for what the user can
correct or the course's state refuses, and never commit or roll back (a savepoint catches the
unique race of one person booked twice). Every change to a course's seats first takes the
course's row lock (``_lock``: an UPDATE, which PostgreSQL holds as a row lock and SQLite as its
one write lock until commit), and a seat is taken by a conditional UPDATE that a CHECK backs:
concurrent bookings of the last seat give exactly one seat, on every backend and process.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from ..errors import DomainError
from ..models import (
    AttendanceCount,
    Booking,
    BookingStatus,
    CalendarFeed,
    Course,
    CourseSession,
    CourseStatus,
    CourseTopic,
    MemberRole,
    Membership,
    ParticipantRole,
    PlanActivity,
    PlanTheme,
    User,
    UserKind,
    utcnow,
)
from ..notifications.services import notify, register_event
from ..translation import lazy_gettext as _l

LOCAL_TIME = ZoneInfo("Europe/Oslo")
DEFAULT_RETENTION_DAYS = 90
MAX_SESSIONS = 4
# Roles that may book for themselves only; the manager books anyone in the enterprise.
SELF_BOOKERS = (MemberRole.SAFETY_DELEGATE, MemberRole.UNION_REP, MemberRole.OCCUPATIONAL_HEALTH)
TRAINEES = (MemberRole.MANAGER, *SELF_BOOKERS)
# Links in notifications; tests check that they match the blueprint's routes.
COURSE_PATH = "/enterprises/{enterprise_id}/training/courses/{course_id}"

# Each needs someone to act (come, or not): mailed unless the user turns it off; the mail's one
# line names no participant.
register_event(
    "training.promoted",
    _l("%(name)s has a seat on %(title)s (from the waiting list)"),
    mail_default=True,
    mail_line=_l("A booking on the waiting list has got a seat."),
)
register_event(
    "training.cancelled",
    _l("The course %(title)s is cancelled"),
    mail_default=True,
    mail_line=_l("A course you have booked is cancelled."),
)
register_event(
    "training.changed",
    _l("The course %(title)s has changed"),
    mail_default=True,
    mail_line=_l("A course you have booked has changed."),
)


# --- times ----------------------------------------------------------------------------------


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TIME)


def at_local(day: date, clock: time) -> datetime:
    """A local (Oslo) date and time as UTC."""
    return datetime.combine(day, clock, LOCAL_TIME).astimezone(UTC)


def deadline_from_date(day: date) -> datetime:
    """Booking is open to the end of the deadline's day, Oslo time."""
    return at_local(day + timedelta(days=1), time(0, 0))


def deadline_day(course: Course) -> date:
    """The last day of booking, Oslo time (the deadline is stored as the end of that day)."""
    return local(course.booking_deadline - timedelta(microseconds=1)).date()


# --- publishing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseDetails:
    title: str
    description: str
    topic: CourseTopic
    audience: Sequence[ParticipantRole]
    language: str
    place: str
    online_url: str
    capacity: int
    booking_deadline: datetime
    # (start, end) pairs in UTC.
    sessions: Sequence[tuple[datetime, datetime]] = field(default_factory=tuple)


def _check(details: CourseDetails, seats_taken: int = 0) -> list[tuple[datetime, datetime]]:
    if not details.title.strip():
        raise DomainError(_l("Give the course a title."), "title")
    if not details.audience:
        raise DomainError(_l("Choose at least one audience."), "audience")
    if not details.place.strip() and not details.online_url.strip():
        raise DomainError(_l("Give a place or an online link."), "place")
    if details.online_url and not details.online_url.startswith("https://"):
        raise DomainError(_l("The online link must start with https://."), "online_url")
    if not 1 <= details.capacity <= 1000:
        raise DomainError(_l("Capacity must be between 1 and 1000."), "capacity")
    if details.capacity < seats_taken:
        raise DomainError(
            _l("%(n)d seats are booked; the capacity cannot be lower.", n=seats_taken), "capacity"
        )
    sessions = sorted(details.sessions)
    if not sessions:
        raise DomainError(_l("Give at least one session."), "sessions")
    if any(end <= start for start, end in sessions):
        raise DomainError(_l("A session must end after it starts."), "sessions")
    if details.booking_deadline > sessions[0][0]:
        raise DomainError(
            _l("The booking deadline must be before the course starts."), "booking_deadline"
        )
    return sessions


def apply_details(
    course: Course, details: CourseDetails, sessions: list[tuple[datetime, datetime]]
) -> None:
    course.title = details.title.strip()
    course.description = details.description.strip()
    course.topic = details.topic
    course.audience = "," + ",".join(r.value for r in details.audience) + ","
    course.language = details.language
    course.place = details.place.strip()
    course.online_url = details.online_url.strip()
    course.capacity = details.capacity
    course.booking_deadline = details.booking_deadline
    course.starts_at = sessions[0][0]
    course.ends_at = max(end for _, end in sessions)
    course.sessions = [CourseSession(starts_at=s, ends_at=e) for s, e in sessions]


def publish(session: Session, centre_id: int, user: User, details: CourseDetails) -> Course:
    sessions = _check(details)
    course = Course(centre_id=centre_id, created_by_id=user.id, seats_taken=0)
    apply_details(course, details, sessions)
    session.add(course)
    session.flush()
    return course


def can_edit(course: Course, now: datetime) -> bool:
    return not course.is_cancelled and now < course.ends_at


def edit(
    session: Session, course: Course, user: User, details: CourseDetails, now: datetime
) -> None:
    if not can_edit(course, now):
        raise DomainError(_l("The course can no longer be changed."), status=409)
    _lock(session, course)
    sessions = _check(details, course.seats_taken)
    apply_details(course, details, sessions)
    session.flush()
    promoted = {b.id for b in _promote(session, course, now)}
    others = [b for b in _live_bookings(session, course.id) if b.id not in promoted]
    _notify_bookers(session, others, "training.changed", course, exclude=user.id)


def can_cancel_course(course: Course, now: datetime) -> bool:
    return not course.is_cancelled and now < course.starts_at


def cancel_course(session: Session, course: Course, user: User, now: datetime) -> None:
    if not can_cancel_course(course, now):
        raise DomainError(_l("The course can no longer be cancelled."), status=409)
    _lock(session, course)
    booked = list(_live_bookings(session, course.id))
    session.execute(
        update(Booking)
        .where(Booking.course_id == course.id, Booking.status != BookingStatus.CANCELLED)
        .values(status=BookingStatus.CANCELLED, cancelled_at=now)
    )
    course.status = CourseStatus.CANCELLED
    course.seats_taken = 0
    _notify_bookers(session, booked, "training.cancelled", course, exclude=user.id)


# --- seats ----------------------------------------------------------------------------------


def _lock(session: Session, course: Course) -> None:
    """Take the course's row lock for the rest of the transaction and read its seats fresh.

    An UPDATE that changes nothing is the one statement both backends lock with: PostgreSQL
    locks the row, SQLite takes its database write lock (the BEGIN IMMEDIATE of pysqlite).
    """
    session.execute(
        update(Course)
        .where(Course.id == course.id)
        .values(seats_taken=Course.seats_taken)
        .execution_options(synchronize_session=False)
    )
    session.refresh(course, ["seats_taken", "capacity", "status"])


def take_seat(session: Session, course_id: int) -> bool:
    """One seat, if one is left: decided by the database, never by a value read earlier."""
    result = session.execute(
        update(Course)
        .where(
            Course.id == course_id,
            Course.status == CourseStatus.PUBLISHED,
            Course.seats_taken < Course.capacity,
        )
        .values(seats_taken=Course.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _free_seat(session: Session, course_id: int) -> None:
    session.execute(
        update(Course)
        .where(Course.id == course_id, Course.seats_taken > 0)
        .values(seats_taken=Course.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )


def _promote(session: Session, course: Course, now: datetime) -> list[Booking]:
    """Give free seats to the waiting list, first come first served, and tell them."""
    promoted = []
    waiting = list(
        session.scalars(
            select(Booking)
            .where(Booking.course_id == course.id, Booking.status == BookingStatus.WAITING)
            .order_by(Booking.created_at, Booking.id)
        )
    )
    for booking in waiting:
        if not take_seat(session, course.id):
            break
        booking.status = BookingStatus.CONFIRMED
        booking.promoted_at = now
        promoted.append(booking)
    session.flush()
    session.refresh(course, ["seats_taken"])
    for booking in promoted:
        _notify(session, [booking], "training.promoted", course, name=booking.participant_name)
    return promoted


def _notify(
    session: Session,
    bookings: Iterable[Booking],
    kind: str,
    course: Course,
    exclude: int | None = None,
    **params: str,
) -> None:
    """Tell whoever made each booking (in-app), in their enterprise."""
    for booking in bookings:
        if booking.booked_by_id is None:
            continue
        notify(
            session,
            [booking.booked_by_id],
            kind,
            enterprise_id=booking.enterprise_id,
            url=COURSE_PATH.format(enterprise_id=booking.enterprise_id, course_id=course.id),
            params={"title": course.title, **params},
            exclude=exclude,
        )


def _notify_bookers(
    session: Session, bookings: Iterable[Booking], kind: str, course: Course, exclude: int | None
) -> None:
    """Tell each person who booked once per enterprise, however many they booked."""
    told: set[tuple[int | None, int]] = set()
    for booking in bookings:
        key = (booking.booked_by_id, booking.enterprise_id)
        if key not in told:
            told.add(key)
            _notify(session, [booking], kind, course, exclude=exclude)


# --- booking --------------------------------------------------------------------------------


def may_book_others(role: MemberRole | None) -> bool:
    return role == MemberRole.MANAGER


def can_book(course: Course, role: MemberRole | None, now: datetime) -> bool:
    return (
        role in TRAINEES
        and course.status == CourseStatus.PUBLISHED
        and now < course.booking_deadline
    )


def book(
    session: Session,
    course: Course,
    enterprise_id: int,
    user: User,
    role: MemberRole | None,
    name: str,
    email: str,
    participant_role: ParticipantRole,
    now: datetime,
) -> Booking:
    """A seat for one named participant, or a place on the waiting list when the course is full."""
    if not can_book(course, role, now):
        raise DomainError(_l("Booking for this course is closed."), status=409)
    name, email = name.strip(), email.strip()
    if not name:
        raise DomainError(_l("Give the participant's name."), "name")
    if "@" not in email:
        raise DomainError(_l("Give the participant's e-mail address."), "email")
    if not may_book_others(role):
        # Safety delegates, union representatives and the health service book themselves only.
        if email.lower() != user.email.lower():
            raise DomainError(_l("You can book a seat for yourself only."), "email")
        participant_role = ParticipantRole(role.value) if role else participant_role
    _lock(session, course)
    booking = Booking(
        course_id=course.id,
        enterprise_id=enterprise_id,
        participant_name=name,
        participant_email=email,
        email_key=email.lower(),
        role=participant_role,
        status=BookingStatus.WAITING,
        booked_by_id=user.id,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(booking)
    except IntegrityError:
        raise DomainError(
            _l("%(name)s is already booked on this course.", name=name), "email"
        ) from None
    if take_seat(session, course.id):
        booking.status = BookingStatus.CONFIRMED
    session.flush()
    session.refresh(course, ["seats_taken"])
    return booking


def can_cancel_booking(
    booking: Booking, course: Course, user: User, role: MemberRole | None, now: datetime
) -> bool:
    own = booking.booked_by_id == user.id or booking.email_key == user.email.lower()
    return (
        booking.is_live
        and course.status == CourseStatus.PUBLISHED
        and now < course.booking_deadline
        and (may_book_others(role) or (role in TRAINEES and own))
    )


def cancel_booking(
    session: Session, booking: Booking, user: User, role: MemberRole | None, now: datetime
) -> list[Booking]:
    """Cancel; a freed seat goes to the first on the waiting list (returned, and told)."""
    course = booking.course
    if not can_cancel_booking(booking, course, user, role, now):
        raise DomainError(_l("This booking can no longer be cancelled."), status=409)
    _lock(session, course)
    session.refresh(booking, ["status"])
    if not booking.is_live:
        # Cancelled meanwhile (a second click): nothing more to do.
        return []
    had_seat = booking.status == BookingStatus.CONFIRMED
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    session.flush()
    if not had_seat:
        return []
    _free_seat(session, course.id)
    return _promote(session, course, now)


# --- attendance and retention ---------------------------------------------------------------


def can_mark_attendance(course: Course, now: datetime) -> bool:
    return not course.is_cancelled and course.purged_at is None and now >= course.starts_at


def mark_attendance(
    session: Session, course: Course, attended_ids: Iterable[int], now: datetime
) -> int:
    """Who of the confirmed participants came; the others did not. Returns how many came."""
    if not can_mark_attendance(course, now):
        raise DomainError(_l("Attendance can be marked once the course has started."), status=409)
    chosen = set(attended_ids)
    confirmed = list(
        session.scalars(
            select(Booking).where(
                Booking.course_id == course.id, Booking.status == BookingStatus.CONFIRMED
            )
        )
    )
    for booking in confirmed:
        booking.attended = booking.id in chosen
    return sum(1 for b in confirmed if b.attended)


def purge(session: Session, now: datetime, retention_days: int) -> int:
    """Delete the participants' names and e-mails of courses that ended ``retention_days`` ago,
    keeping attendance as counts per enterprise and role. Returns the number of courses purged."""
    cutoff = now - timedelta(days=retention_days)
    courses = list(
        session.scalars(select(Course).where(Course.ends_at < cutoff, Course.purged_at.is_(None)))
    )
    for course in courses:
        counts = session.execute(
            select(Booking.enterprise_id, Booking.role, func.count())
            .where(Booking.course_id == course.id, Booking.attended.is_(True))
            .group_by(Booking.enterprise_id, Booking.role)
        ).all()
        for enterprise_id, role, attended in counts:
            session.add(
                AttendanceCount(
                    course_id=course.id, enterprise_id=enterprise_id, role=role, attended=attended
                )
            )
        session.execute(delete(Booking).where(Booking.course_id == course.id))
        course.purged_at = now
    session.flush()
    return len(courses)


# --- what the pages show --------------------------------------------------------------------


@dataclass(frozen=True)
class CourseFilter:
    topic: CourseTopic | None = None
    audience: ParticipantRole | None = None
    # "YYYY-MM" of the course's start, Oslo time.
    month: str = ""


def upcoming(
    session: Session, centre_id: int, now: datetime, filters: CourseFilter
) -> list[Course]:
    stmt = (
        select(Course)
        .where(
            Course.centre_id == centre_id,
            Course.status == CourseStatus.PUBLISHED,
            Course.starts_at > now,
        )
        .options(selectinload(Course.sessions))
        .order_by(Course.starts_at, Course.id)
    )
    if filters.topic is not None:
        stmt = stmt.where(Course.topic == filters.topic)
    if filters.audience is not None:
        stmt = stmt.where(Course.audience.contains(f",{filters.audience.value},"))
    if filters.month:
        year, month = (int(part) for part in filters.month.split("-"))
        first = at_local(date(year, month, 1), time(0, 0))
        following = at_local(date(year + month // 12, month % 12 + 1, 1), time(0, 0))
        stmt = stmt.where(Course.starts_at >= first, Course.starts_at < following)
    return list(session.scalars(stmt))


def months_ahead(now: datetime, count: int = 12) -> list[date]:
    """The first day of this month and the ``count - 1`` after it, Oslo time."""
    first = local(now).date().replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return months


def enterprise_bookings(session: Session, enterprise_id: int, now: datetime) -> list[Booking]:
    """The enterprise's live bookings on courses not yet over (held ones are in the record)."""
    return list(
        session.scalars(
            select(Booking)
            .join(Course, Course.id == Booking.course_id)
            .where(
                Booking.enterprise_id == enterprise_id,
                Booking.status != BookingStatus.CANCELLED,
                Course.ends_at > now,
            )
            .options(contains_eager(Booking.course))
            .order_by(Course.starts_at, Booking.id)
        )
    )


def course_bookings(
    session: Session, course_id: int, enterprise_id: int | None = None
) -> list[Booking]:
    """Live bookings of a course (of one enterprise, or all for the centre), waiting list last."""
    stmt = (
        select(Booking)
        .where(Booking.course_id == course_id, Booking.status != BookingStatus.CANCELLED)
        .options(joinedload(Booking.enterprise))
        .order_by(Booking.status, Booking.created_at, Booking.id)
    )
    if enterprise_id is not None:
        stmt = stmt.where(Booking.enterprise_id == enterprise_id)
    return list(session.scalars(stmt))


def waiting_positions(session: Session, course_id: int) -> dict[int, int]:
    """Each waiting booking's place in line (1 is next)."""
    ids = session.scalars(
        select(Booking.id)
        .where(Booking.course_id == course_id, Booking.status == BookingStatus.WAITING)
        .order_by(Booking.created_at, Booking.id)
    )
    return {booking_id: n for n, booking_id in enumerate(ids, start=1)}


def _live_bookings(session: Session, course_id: int) -> Iterable[Booking]:
    return session.scalars(
        select(Booking).where(
            Booking.course_id == course_id, Booking.status != BookingStatus.CANCELLED
        )
    )


@dataclass(frozen=True)
class MemberTraining:
    name: str
    role: MemberRole
    # Courses they attended that were meant for their role.
    courses: list[Course]


@dataclass(frozen=True)
class TrainingRecord:
    attended: list[Booking]
    counts: list[AttendanceCount]
    members: list[MemberTraining]


def training_record(session: Session, enterprise_id: int) -> TrainingRecord:
    attended = list(
        session.scalars(
            select(Booking)
            .join(Course, Course.id == Booking.course_id)
            .where(Booking.enterprise_id == enterprise_id, Booking.attended.is_(True))
            .options(joinedload(Booking.course))
            .order_by(Course.starts_at.desc(), Booking.participant_name)
        )
    )
    counts = list(
        session.scalars(
            select(AttendanceCount)
            .join(Course, Course.id == AttendanceCount.course_id)
            .where(AttendanceCount.enterprise_id == enterprise_id)
            .options(joinedload(AttendanceCount.course))
            .order_by(Course.starts_at.desc(), AttendanceCount.role)
        )
    )
    by_email: dict[str, list[Course]] = defaultdict(list)
    for booking in attended:
        by_email[booking.email_key].append(booking.course)
    members = []
    for user, role in session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.enterprise_id == enterprise_id, User.active.is_(True))
        .order_by(Membership.role, User.name)
    ).all():
        mine = [
            c
            for c in by_email.get(user.email.lower(), [])
            if ParticipantRole(role.value) in c.audience_roles
        ]
        members.append(MemberTraining(user.name, role, mine))
    return TrainingRecord(attended, counts, members)


def participants_csv(bookings: Sequence[Booking], labels: dict[str, str]) -> str:
    """The participant list for a spreadsheet: UTF-8 with a BOM (Excel), and no cell that a
    spreadsheet would run as a formula."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [labels["name"], labels["email"], labels["enterprise"], labels["role"], labels["status"]]
    )
    for b in bookings:
        writer.writerow(
            [
                _cell(b.participant_name),
                _cell(b.participant_email),
                _cell(b.enterprise.name),
                labels[b.role.value],
                labels[b.status.value],
            ]
        )
    return out.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- plan activities ------------------------------------------------------------------------


def link_activity(session: Session, activity: PlanActivity, course: Course | None) -> None:
    """Link a plan activity to a course of the enterprise's centre, or unlink it (None)."""
    activity.training_session_id = course.id if course is not None else None


def linked_courses(
    session: Session, plan_id: int, enterprise_id: int
) -> dict[int, tuple[Course, list[Booking]]]:
    """The courses linked from the plan's activities, each with the enterprise's bookings on it
    (one statement, however many activities are linked)."""
    linked = (
        select(PlanActivity.training_session_id)
        .join(PlanTheme, PlanTheme.id == PlanActivity.theme_id)
        .where(PlanTheme.plan_id == plan_id)
    )
    rows = session.execute(
        select(Course, Booking)
        .outerjoin(
            Booking,
            and_(
                Booking.course_id == Course.id,
                Booking.enterprise_id == enterprise_id,
                Booking.status != BookingStatus.CANCELLED,
            ),
        )
        .where(Course.id.in_(linked))
        .order_by(Course.id, Booking.id)
    )
    result: dict[int, tuple[Course, list[Booking]]] = {}
    for course, booking in rows:
        bookings = result.setdefault(course.id, (course, []))[1]
        if booking is not None:
            bookings.append(booking)
    return result


# --- calendar -------------------------------------------------------------------------------


def _event(course: Course, sess: CourseSession, description: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"course-{course.id}-session-{sess.id}@iwemployer")
    event.add("dtstamp", utcnow())
    event.add("dtstart", local(sess.starts_at))
    event.add("dtend", local(sess.ends_at))
    event.add("summary", course.title)
    event.add("description", description)
    if course.place:
        event.add("location", course.place)
    if course.online_url:
        event.add("url", course.online_url)
    if course.is_cancelled:
        event.add("status", "CANCELLED")
    return event


def calendar(courses: Iterable[tuple[Course, str]], name: str) -> bytes:
    """An iCalendar file of the courses' sessions, in Europe/Oslo time."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//NAV Arbeidslivssenter//iwemployer//NO")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for course, description in courses:
        for sess in course.sessions:
            cal.add_component(_event(course, sess, description))
    cal.add_missing_timezones()
    return cal.to_ical()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(session: Session, user: User) -> str:
    """A new private feed token for ``user``; the old one stops working."""
    token = secrets.token_urlsafe(32)
    session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    session.add(CalendarFeed(user_id=user.id, token_hash=_hash(token)))
    session.flush()
    return token


def revoke_feed(session: Session, user: User) -> None:
    session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))


def has_feed(session: Session, user: User) -> bool:
    return (
        session.scalar(select(CalendarFeed.id).where(CalendarFeed.user_id == user.id)) is not None
    )


def feed_owner(session: Session, token: str) -> User | None:
    """The active user whose feed ``token`` opens, if any."""
    if not token or len(token) > 100:
        return None
    user = session.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == _hash(token))
    )
    return user if user is not None and user.active else None


def feed_courses(session: Session, user: User) -> list[Course]:
    """The feed's courses: an employer's enterprises' bookings; an adviser's centre's courses."""
    stmt = select(Course).options(selectinload(Course.sessions)).order_by(Course.starts_at)
    if user.kind == UserKind.EMPLOYER:
        enterprises = select(Membership.enterprise_id).where(Membership.user_id == user.id)
        booked = select(Booking.course_id).where(
            Booking.enterprise_id.in_(enterprises), Booking.status == BookingStatus.CONFIRMED
        )
        stmt = stmt.where(Course.id.in_(booked))
    elif user.kind == UserKind.ADVISER:
        stmt = stmt.where(Course.centre_id == user.centre_id)
    return list(session.scalars(stmt))
