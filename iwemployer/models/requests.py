"""Requests from an enterprise to its contact person: recruitment help, case help, questions.

One inbox for the centre: ``EmployerRequest`` holds what every kind shares (status, who asked,
who handles it, the one-time form token), ``RecruitmentRequest`` the recruitment details,
``RequestMessage`` the conversation, ``RequestRating`` the employer's rating after closing and
``RequestSeen`` when each user last looked (the unread badge). No health details are stored:
free text is screened for national identity numbers and the forms say what must not be written.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, child_of, owned_by, utcnow
from .core import Enterprise, User, _enum
from .plans import PlanActivity


class RequestKind(enum.StrEnum):
    RECRUITMENT = "recruitment"
    CASE_HELP = "case_help"
    QUESTION = "question"


class RequestStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


# Still open: the conversation may go on.
OPEN_REQUEST_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.IN_PROGRESS, RequestStatus.ANSWERED)


class CaseHelpKind(enum.StrEnum):
    SICK_LEAVE = "sick_leave"
    ADAPTATION = "adaptation"
    FOLLOW_UP_MEETING = "follow_up_meeting"
    RETURN_TO_WORK = "return_to_work"
    OTHER = "other"


class Urgency(enum.StrEnum):
    NORMAL = "normal"
    SOON = "soon"
    URGENT = "urgent"


class QuestionKind(enum.StrEnum):
    QUESTION = "question"
    MEETING = "meeting"


class RequestEvent(enum.StrEnum):
    """A line in the thread that records a change rather than a message."""

    TAKEN = "taken"
    HANDED_OVER = "handed_over"
    ANSWERED = "answered"
    REOPENED = "reopened"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class EmployerRequest(Base):
    """One request from an enterprise to the centre, of any kind."""

    __tablename__ = "employer_request"
    __owner__ = owned_by("enterprise", "enterprise_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by ix_employer_request_enterprise_status (enterprise_id first).
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"))
    kind: Mapped[RequestKind] = mapped_column(_enum(RequestKind, "request_kind"))
    status: Mapped[RequestStatus] = mapped_column(
        _enum(RequestStatus, "request_status"), default=RequestStatus.SUBMITTED
    )
    # Questions: the subject typed; recruitment: the job title; case help: empty.
    subject: Mapped[str] = mapped_column(String(200), default="")
    # Case help and questions: the description; recruitment keeps its text in the detail row.
    description: Mapped[str] = mapped_column(Text, default="")
    case_help_kind: Mapped[CaseHelpKind | None] = mapped_column(
        _enum(CaseHelpKind, "case_help_kind")
    )
    urgency: Mapped[Urgency | None] = mapped_column(_enum(Urgency, "request_urgency"))
    question_kind: Mapped[QuestionKind | None] = mapped_column(_enum(QuestionKind, "question_kind"))
    # The person who asked; they get the answers and rate the help.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # The adviser handling it; the enterprise's contact person from the start, when it has one.
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # The hidden one-time token of the form that created it: a resend finds this row.
    form_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Since when the enterprise has waited for the centre; None while the ball is with them.
    waiting_since: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Working days from asking to the centre's first message, set when that message is written
    # (the centre report's answer times, without reading every thread).
    answer_working_days: Mapped[int | None]
    # The description removed by an adviser (health details): when and by whom; the text is gone.
    description_redacted_at: Mapped[datetime | None]
    description_redacted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    enterprise: Mapped[Enterprise] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    recruitment: Mapped[RecruitmentRequest | None] = relationship(
        back_populates="request", cascade="all, delete-orphan", uselist=False
    )
    messages: Mapped[list[RequestMessage]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by=lambda: (RequestMessage.created_at, RequestMessage.id),
    )
    rating: Mapped[RequestRating | None] = relationship(
        back_populates="request", cascade="all, delete-orphan", uselist=False
    )

    __table_args__ = (
        CheckConstraint(
            "kind != 'case_help' OR (case_help_kind IS NOT NULL AND urgency IS NOT NULL)",
            name="case_help_has_kind_and_urgency",
        ),
        CheckConstraint(
            "kind != 'question' OR question_kind IS NOT NULL", name="question_has_kind"
        ),
        Index("ix_employer_request_enterprise_status", "enterprise_id", "status"),
        # An enterprise's requests, newest first, a page at a time.
        Index("ix_employer_request_enterprise_created", "enterprise_id", "created_at", "id"),
        # The centre report's answer times per enterprise, read from the index alone.
        Index("ix_employer_request_enterprise_answer_days", "enterprise_id", "answer_working_days"),
        # The inbox, group by group, the longest waiting first (requests.services.inbox).
        Index("ix_employer_request_waiting", "waiting_since", "created_at", "id"),
        # The adviser's own requests in the inbox's order; led by the handler, it serves any
        # lookup by handler too.
        Index(
            "ix_employer_request_assigned_waiting",
            "assigned_to_id",
            "waiting_since",
            "created_at",
            "id",
        ),
        # Open requests by handler with every column the unread count reads (requests.services
        # .unread_count), so the count reads the index alone.
        Index(
            "ix_employer_request_open",
            "assigned_to_id",
            "last_activity_by_id",
            "id",
            "enterprise_id",
            "last_activity_at",
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
    )

    @property
    def number(self) -> str:
        return str(self.id)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES


class RecruitmentRequest(Base):
    """The details of a request for recruitment help (rekrutteringsbistand)."""

    __tablename__ = "recruitment_request"
    __owner__ = child_of("EmployerRequest", "request_id")

    request_id: Mapped[int] = mapped_column(
        ForeignKey("employer_request.id", ondelete="CASCADE"), primary_key=True
    )
    job_title: Mapped[str] = mapped_column(String(200))
    positions: Mapped[int]
    location: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date | None]
    position_percent: Mapped[int]
    requirements: Mapped[str] = mapped_column(Text, default="")
    open_to_adaptation: Mapped[bool] = mapped_column(default=False)
    open_to_trial: Mapped[bool] = mapped_column(default=False)
    open_to_wage_subsidy: Mapped[bool] = mapped_column(default=False)
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    # The action-plan activity (recruitment, inclusion) this request serves, if any.
    plan_activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_activity.id", ondelete="SET NULL"), index=True
    )

    request: Mapped[EmployerRequest] = relationship(back_populates="recruitment")
    plan_activity: Mapped[PlanActivity | None] = relationship()

    __table_args__ = (
        CheckConstraint("positions BETWEEN 1 AND 999", name="positions_in_range"),
        CheckConstraint("position_percent BETWEEN 1 AND 100", name="position_percent_in_range"),
    )


class RequestMessage(Base):
    """A message in a request's thread, or a recorded change (``event``) with an empty body."""

    __tablename__ = "request_message"
    __owner__ = child_of("EmployerRequest", "request_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("employer_request.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Which side wrote it, kept even if the author's account is deleted later.
    from_centre: Mapped[bool]
    body: Mapped[str] = mapped_column(Text, default="")
    event: Mapped[RequestEvent | None] = mapped_column(_enum(RequestEvent, "request_event"))
    # A hand-over's new handler.
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The body removed by an adviser (health details): when and by whom; the text is gone.
    redacted_at: Mapped[datetime | None]
    redacted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    request: Mapped[EmployerRequest] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])


# A comment of only these characters is blank: the centre report leaves it out. The condition is
# written out (not bound) in the report's query too, so that the partial index serves it.
COMMENT_BLANKS = " \t\r\n"
COMMENTED = f"trim(comment, '{COMMENT_BLANKS}') <> ''"


class RequestRating(Base):
    """The asker's rating of the help, once per closed request; feeds the centre's report."""

    __tablename__ = "request_rating"
    __owner__ = child_of("EmployerRequest", "request_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("employer_request.id", ondelete="CASCADE"), unique=True
    )
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # The adviser who handled the request when it was closed: their own average.
    handler_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[EmployerRequest] = relationship(back_populates="rating")

    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score_in_range"),
        # The centre report's newest comments, of the ratings with a comment that is not blank
        # (most ratings have none): read newest first, stopping at the ones shown.
        Index(
            "ix_request_rating_commented",
            "created_at",
            "id",
            postgresql_where=text(COMMENTED),
            sqlite_where=text(COMMENTED),
        ),
    )


class RequestSeen(Base):
    """When a user last opened a request: activity after that is unread for them."""

    __tablename__ = "request_seen"
    __owner__ = child_of("EmployerRequest", "request_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("employer_request.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "request_id"),)
