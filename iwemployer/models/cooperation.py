"""Working together: meetings with the contact person, the occupational health service's
reports, and the Labour Inspection Authority's inspections and orders.

``Meeting`` is one thread from the request to the minutes: the asker suggests times
(``MeetingSlot`` rows, or a week), the contact person accepts one or proposes others, the asker
accepts; either side can move or cancel it. The messages and recorded steps are
``MeetingMessage`` rows. On PostgreSQL an exclusion constraint (created in the migration, since
SQLAlchemy's metadata cannot compare it) forbids two confirmed meetings of one adviser at
overlapping times; SQLite serialises the booking instead (see ``cooperation/services.py``).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, child_of, owned_by, utcnow
from .core import Enterprise, User, _enum
from .plans import PlanActivity, PlanTheme


class MeetingStatus(enum.StrEnum):
    # The contact person's turn: accept one of the asker's times or propose others.
    REQUESTED = "requested"
    # The asker's turn: accept one of the contact person's times.
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class MeetingMode(enum.StrEnum):
    AT_CENTRE = "at_centre"
    AT_ENTERPRISE = "at_enterprise"
    ONLINE = "online"


class MeetingStep(enum.StrEnum):
    """A line in the meeting's thread that records a step rather than a comment."""

    REQUESTED = "requested"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    MOVED = "moved"
    CANCELLED = "cancelled"
    MINUTES = "minutes"
    COMMENT = "comment"


class Meeting(Base):
    """A meeting between an enterprise and its contact person, from request to minutes."""

    __tablename__ = "meeting"
    __owner__ = owned_by("enterprise", "enterprise_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    # The contact person the meeting is with; the double-booking rule is about this person.
    adviser_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    status: Mapped[MeetingStatus] = mapped_column(
        _enum(MeetingStatus, "meeting_status"), default=MeetingStatus.REQUESTED
    )
    purpose: Mapped[str] = mapped_column(Text)
    agenda: Mapped[str] = mapped_column(Text, default="")
    # Whom the enterprise would like to take part (names or roles, as typed).
    wished_participants: Mapped[str] = mapped_column(Text, default="")
    # "Any time in week N" instead of suggested times.
    wished_week: Mapped[int | None]
    mode: Mapped[MeetingMode] = mapped_column(_enum(MeetingMode, "meeting_mode"))
    # Set when confirmed; kept (with the status) when cancelled, for the calendar's CANCEL.
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    # The iCalendar SEQUENCE: raised on every move and on cancelling.
    sequence: Mapped[int] = mapped_column(default=0)
    minutes_discussed: Mapped[str] = mapped_column(Text, default="")
    minutes_decisions: Mapped[str] = mapped_column(Text, default="")
    minutes_written_at: Mapped[datetime | None]
    # The meeting request (requests area) this meeting was migrated from, for the downgrade.
    source_request_id: Mapped[int | None] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    adviser: Mapped[User | None] = relationship(foreign_keys=[adviser_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    slots: Mapped[list[MeetingSlot]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="MeetingSlot.starts_at",
        passive_deletes=True,
    )
    messages: Mapped[list[MeetingMessage]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="(MeetingMessage.created_at, MeetingMessage.id)",
        passive_deletes=True,
    )
    follow_ups: Mapped[list[MeetingFollowUp]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True
    )
    # Plan themes and activities picked for the agenda when the meeting was asked for.
    agenda_items: Mapped[list[MeetingAgendaItem]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by=lambda: MeetingAgendaItem.position,
    )

    __table_args__ = (
        CheckConstraint(
            "starts_at IS NULL OR (ends_at IS NOT NULL AND ends_at > starts_at)",
            name="ends_after_start",
        ),
        CheckConstraint(
            "status != 'confirmed' OR starts_at IS NOT NULL", name="confirmed_has_time"
        ),
        CheckConstraint("wished_week IS NULL OR wished_week BETWEEN 1 AND 53", name="week_range"),
        Index("ix_meeting_adviser_starts_at", "adviser_id", "starts_at"),
    )


class MeetingSlot(Base):
    """A suggested time: by the asker (``from_centre`` false) or the contact person."""

    __tablename__ = "meeting_slot"
    __owner__ = child_of("Meeting", "meeting_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    from_centre: Mapped[bool]

    meeting: Mapped[Meeting] = relationship(back_populates="slots")

    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)


class MeetingMessage(Base):
    """A comment or a recorded step (``step``) in the meeting's thread."""

    __tablename__ = "meeting_message"
    __owner__ = child_of("Meeting", "meeting_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    from_centre: Mapped[bool]
    step: Mapped[MeetingStep] = mapped_column(_enum(MeetingStep, "meeting_step"))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()


class MeetingFollowUp(Base):
    """A follow-up from the minutes that became a plan activity."""

    __tablename__ = "meeting_follow_up"
    __owner__ = child_of("Meeting", "meeting_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_activity.id", ondelete="SET NULL"), index=True
    )
    # The activity's title when it was created (the activity may be deleted later).
    title: Mapped[str] = mapped_column(String(200))

    meeting: Mapped[Meeting] = relationship(back_populates="follow_ups")
    activity: Mapped[PlanActivity | None] = relationship()


class MeetingAgendaItem(Base):
    """A plan theme or a plan activity on a meeting's agenda (exactly one of the two)."""

    __tablename__ = "meeting_agenda_item"
    __owner__ = child_of("Meeting", "meeting_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    # A theme or activity deleted from the plan leaves the agenda with it.
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_theme.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_activity.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")
    theme: Mapped[PlanTheme | None] = relationship()
    activity: Mapped[PlanActivity | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "(theme_id IS NULL AND activity_id IS NOT NULL) "
            "OR (theme_id IS NOT NULL AND activity_id IS NULL)",
            name="theme_or_activity",
        ),
    )


class HealthServiceReport(Base):
    """An assessment or report by the occupational health service (BHT) for the enterprise.

    No health data about named employees: the text is screened for identity numbers.
    """

    __tablename__ = "health_service_report"
    __owner__ = owned_by("enterprise", "enterprise_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    report_date: Mapped[date]
    summary: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # The plan activity that refers to this report (follows it up), if any.
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_activity.id", ondelete="SET NULL"), index=True
    )
    # An optional file in the attachment store (``attachments.py``): the name shown, the
    # generated name it is kept under, its type by content, and its size in bytes.
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_content_type: Mapped[str | None] = mapped_column(String(50))
    file_size: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()
    activity: Mapped[PlanActivity | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "file_stored_name IS NULL OR (file_name IS NOT NULL "
            "AND file_content_type IS NOT NULL AND file_size IS NOT NULL)",
            name="file_complete",
        ),
    )


class Inspection(Base):
    """An inspection by the Labour Inspection Authority (Arbeidstilsynet)."""

    __tablename__ = "inspection"
    __owner__ = owned_by("enterprise", "enterprise_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    inspected_on: Mapped[date]
    topic: Mapped[str] = mapped_column(String(200))
    # The authority's letter (a link to its archive or Altinn).
    letter_url: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    orders: Mapped[list[InspectionOrder]] = relationship(
        back_populates="inspection",
        cascade="all, delete-orphan",
        order_by="(InspectionOrder.deadline, InspectionOrder.id)",
        passive_deletes=True,
    )


class InspectionOrder(Base):
    """An order (pålegg) with its deadline; answered when the enterprise has done what it says."""

    __tablename__ = "inspection_order"
    __owner__ = child_of("Inspection", "inspection_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspection.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date]
    # The plan activity that answers the order.
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_activity.id", ondelete="SET NULL"), index=True
    )
    answered_on: Mapped[date | None]
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    inspection: Mapped[Inspection] = relationship(back_populates="orders")
    activity: Mapped[PlanActivity | None] = relationship()

    __table_args__ = (
        CheckConstraint("answered_on IS NULL OR answer != ''", name="answer_says_how"),
        Index("ix_inspection_order_deadline", "deadline", "answered_on"),
    )

    @property
    def is_open(self) -> bool:
        return self.answered_on is None
