"""Training: the centre's courses, their sessions, the enterprises' bookings and the record kept
after the participants' names are deleted.

Seats are counted on the course (``seats_taken``); a booking takes one by a conditional update
that the database evaluates under its write lock, and a CHECK keeps the count within capacity,
so no race overbooks a course. One person (by e-mail) is booked at most once per course.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, child_of, owned_by, utcnow
from .core import Centre, Enterprise, User, _enum


class CourseTopic(enum.StrEnum):
    SICK_LEAVE = "sick_leave"
    WORKING_ENVIRONMENT = "working_environment"
    COOPERATION = "cooperation"
    INCLUSION = "inclusion"
    OTHER = "other"


class CourseStatus(enum.StrEnum):
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class ParticipantRole(enum.StrEnum):
    """A participant's role in the enterprise: the member roles, or another employee."""

    MANAGER = "manager"
    SAFETY_DELEGATE = "safety_delegate"
    UNION_REP = "union_rep"
    OCCUPATIONAL_HEALTH = "occupational_health"
    EMPLOYEE = "employee"


class BookingStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class Course(Base):
    """A course the centre offers to its enterprises' people."""

    __tablename__ = "course"
    __owner__ = owned_by("centre", "centre_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[CourseTopic] = mapped_column(_enum(CourseTopic, "course_topic"))
    # The roles the course is meant for, as ",manager,safety_delegate," (ParticipantRole values):
    # a plain LIKE filters by audience on every backend.
    audience: Mapped[str] = mapped_column(String(200), default="")
    # The language it is taught in: one of the site's language codes.
    language: Mapped[str] = mapped_column(String(5), default="nb")
    place: Mapped[str] = mapped_column(String(200), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)
    booking_deadline: Mapped[datetime]
    # The first session's start and the last one's end, kept with the sessions: lists, filters
    # and the retention purge read them without loading the sessions.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[CourseStatus] = mapped_column(
        _enum(CourseStatus, "course_status"), default=CourseStatus.PUBLISHED
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the participants' names were deleted (attendance kept as counts).
    purged_at: Mapped[datetime | None]

    centre: Mapped[Centre] = relationship()
    sessions: Mapped[list[CourseSession]] = relationship(
        back_populates="course",
        cascade="all, delete-orphan",
        order_by="CourseSession.starts_at",
    )

    __table_args__ = (
        CheckConstraint("capacity BETWEEN 1 AND 1000", name="capacity_in_range"),
        CheckConstraint("seats_taken BETWEEN 0 AND capacity", name="seats_within_capacity"),
        CheckConstraint("ends_at > starts_at", name="period_ordered"),
        Index("ix_course_centre_starts_at", "centre_id", "starts_at"),
    )

    @property
    def is_cancelled(self) -> bool:
        return self.status == CourseStatus.CANCELLED

    @property
    def audience_roles(self) -> list[ParticipantRole]:
        return [ParticipantRole(v) for v in self.audience.split(",") if v]

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken


class CourseSession(Base):
    """One date of a course, with its start and end (UTC)."""

    __tablename__ = "course_session"
    __owner__ = child_of("Course", "course_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]

    course: Mapped[Course] = relationship(back_populates="sessions")

    __table_args__ = (CheckConstraint("ends_at > starts_at", name="period_ordered"),)


class Booking(Base):
    """A seat (or a place on the waiting list) for one named participant of an enterprise.

    Only the name and e-mail are kept about the participant; both are deleted a while after
    the course (see ``training.services.purge``).
    """

    __tablename__ = "booking"
    __owner__ = owned_by("enterprise", "enterprise_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    participant_name: Mapped[str] = mapped_column(String(200))
    participant_email: Mapped[str] = mapped_column(String(254))
    # The e-mail folded to lower case: one person once per course.
    email_key: Mapped[str] = mapped_column(String(254))
    role: Mapped[ParticipantRole] = mapped_column(_enum(ParticipantRole, "participant_role"))
    status: Mapped[BookingStatus] = mapped_column(_enum(BookingStatus, "booking_status"))
    # None until the centre marks attendance after the course.
    attended: Mapped[bool | None]
    booked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    promoted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    booked_by: Mapped[User | None] = relationship()

    __table_args__ = (
        # One live booking per person and course; a cancelled one may be booked again.
        Index(
            "uq_booking_course_email_live",
            "course_id",
            "email_key",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
        Index("ix_booking_course_status", "course_id", "status", "id"),
    )

    @property
    def is_live(self) -> bool:
        return self.status != BookingStatus.CANCELLED


class AttendanceCount(Base):
    """What is kept after the names are deleted: how many of an enterprise's people in a role
    attended a course."""

    __tablename__ = "attendance_count"
    __owner__ = owned_by("enterprise", "enterprise_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[ParticipantRole] = mapped_column(_enum(ParticipantRole, "participant_role"))
    attended: Mapped[int]

    course: Mapped[Course] = relationship()

    __table_args__ = (
        UniqueConstraint("course_id", "enterprise_id", "role"),
        CheckConstraint("attended >= 0", name="attended_not_negative"),
    )


class CalendarFeed(Base):
    """A user's private calendar feed: the URL's token is the credential, stored hashed;
    a new one replaces the old, and deleting it revokes the feed."""

    __tablename__ = "calendar_feed"
    __owner__ = owned_by("user", "user_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    # SHA-256 of the token in the URL; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
