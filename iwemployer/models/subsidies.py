"""Prevention and facilitation subsidies (forebyggings- og tilretteleggingstilskudd).

``SubsidyScheme`` is reference data an administrator maintains; ``CentreBudget`` is a centre's
yearly budget with the amount granted from it so far (kept by a conditional update, so two
decisions at once cannot overspend it). ``SubsidyApplication`` belongs to an enterprise, with its
budget lines, the parties' statements, attachments, the final report and an event log of every
change of status (who and why). Amounts are whole kroner.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, child_of, owned_by, utcnow
from .core import Centre, Enterprise, MemberRole, User, _enum
from .plans import PlanActivity


class SubsidyKind(enum.StrEnum):
    PREVENTION = "prevention"
    FACILITATION = "facilitation"


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    RETURNED = "returned"  # sent back for more information
    GRANTED = "granted"  # approved or partly approved: a final report is due
    REJECTED = "rejected"
    REPORTED = "reported"  # the final report is in
    CLOSED = "closed"


class SubsidyDecision(enum.StrEnum):
    APPROVED = "approved"
    PARTLY_APPROVED = "partly_approved"
    REJECTED = "rejected"


class ApplicationEventKind(enum.StrEnum):
    CREATED = "created"
    SUBMITTED = "submitted"
    TAKEN = "taken"
    RETURNED = "returned"
    DECIDED = "decided"
    REPORTED = "reported"
    REPORT_RETURNED = "report_returned"
    CLOSED = "closed"


class AttachmentPart(enum.StrEnum):
    APPLICATION = "application"
    REPORT = "report"


class SubsidyScheme(Base):
    """A subsidy scheme, its rules and its maximum amount: read by everyone signed in."""

    __tablename__ = "subsidy_scheme"
    __owner__ = owned_by("public")

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SubsidyKind] = mapped_column(_enum(SubsidyKind, "subsidy_kind"))
    name: Mapped[str] = mapped_column(String(200), unique=True)
    rules: Mapped[str] = mapped_column(Text, default="")
    max_amount: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (CheckConstraint("max_amount > 0", name="max_amount_positive"),)


class CentreBudget(Base):
    """A centre's subsidy budget for one year and what has been granted from it."""

    __tablename__ = "centre_budget"
    __owner__ = owned_by("centre", "centre_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"))
    year: Mapped[int]
    amount: Mapped[int]
    # Raised only by ``UPDATE ... WHERE granted + x <= amount``: the database keeps it in budget.
    granted: Mapped[int] = mapped_column(default=0)

    centre: Mapped[Centre] = relationship()

    __table_args__ = (
        UniqueConstraint("centre_id", "year"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("granted >= 0 AND granted <= amount", name="granted_within_amount"),
    )


class SubsidyApplication(Base):
    __tablename__ = "subsidy_application"
    __owner__ = owned_by("enterprise", "enterprise_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"))
    scheme_id: Mapped[int] = mapped_column(ForeignKey("subsidy_scheme.id"), index=True)
    plan_activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_activity.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ApplicationStatus] = mapped_column(
        _enum(ApplicationStatus, "application_status"), default=ApplicationStatus.DRAFT
    )
    # The hidden one-time token of the form that started it: a resend finds this row.
    form_token: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    expected_effect: Mapped[str] = mapped_column(Text, default="")
    activity_description: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    own_share: Mapped[int] = mapped_column(default=0)
    amount_applied: Mapped[int] = mapped_column(default=0)
    # Why it was sent without a party's statement.
    no_statement_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    handled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decision: Mapped[SubsidyDecision | None] = mapped_column(
        _enum(SubsidyDecision, "subsidy_decision")
    )
    granted_amount: Mapped[int | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    report_due: Mapped[date | None]
    # The centre budget the grant counts against.
    budget_id: Mapped[int | None] = mapped_column(ForeignKey("centre_budget.id"), index=True)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    enterprise: Mapped[Enterprise] = relationship()
    scheme: Mapped[SubsidyScheme] = relationship()
    plan_activity: Mapped[PlanActivity | None] = relationship()
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by=lambda: (BudgetLine.position, BudgetLine.id),
    )
    statements: Mapped[list[PartyStatement]] = relationship(
        back_populates="application", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[SubsidyAttachment]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by=lambda: SubsidyAttachment.id,
    )
    report: Mapped[FinalReport | None] = relationship(
        back_populates="application", cascade="all, delete-orphan", uselist=False
    )
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by=lambda: (ApplicationEvent.created_at, ApplicationEvent.id),
    )

    __table_args__ = (
        CheckConstraint("own_share >= 0 AND amount_applied >= 0", name="amounts_not_negative"),
        CheckConstraint(
            "granted_amount IS NULL OR granted_amount >= 0", name="granted_not_negative"
        ),
        Index("ix_subsidy_application_enterprise_status", "enterprise_id", "status"),
        Index("ix_subsidy_application_status_report_due", "status", "report_due"),
    )

    @property
    def number(self) -> str:
        return str(self.id)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


class BudgetLine(Base):
    """One cost item; the actual cost is filled in by the final report."""

    __tablename__ = "subsidy_budget_line"
    __owner__ = child_of("SubsidyApplication", "application_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("subsidy_application.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    item: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int]
    actual_amount: Mapped[int | None]

    application: Mapped[SubsidyApplication] = relationship(back_populates="lines")

    __table_args__ = (
        CheckConstraint(
            "amount >= 0 AND (actual_amount IS NULL OR actual_amount >= 0)",
            name="amounts_not_negative",
        ),
    )


class PartyStatement(Base):
    """The safety delegate's or the union representative's statement: one each, editable."""

    __tablename__ = "subsidy_statement"
    __owner__ = child_of("SubsidyApplication", "application_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("subsidy_application.id", ondelete="CASCADE")
    )
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole, "member_role"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[SubsidyApplication] = relationship(back_populates="statements")
    author: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("application_id", "role"),)


class SubsidyAttachment(Base):
    """A file kept outside ``static/`` under a generated name; the user's name is only shown."""

    __tablename__ = "subsidy_attachment"
    __owner__ = child_of("SubsidyApplication", "application_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("subsidy_application.id", ondelete="CASCADE"), index=True
    )
    part: Mapped[AttachmentPart] = mapped_column(_enum(AttachmentPart, "attachment_part"))
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[SubsidyApplication] = relationship(back_populates="attachments")


class FinalReport(Base):
    """What was done and the effect seen; actual costs are on the budget lines."""

    __tablename__ = "subsidy_final_report"
    __owner__ = child_of("SubsidyApplication", "application_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("subsidy_application.id", ondelete="CASCADE"), unique=True
    )
    what_was_done: Mapped[str] = mapped_column(Text)
    effect: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    accepted_at: Mapped[datetime | None]

    application: Mapped[SubsidyApplication] = relationship(back_populates="report")


class ApplicationEvent(Base):
    """Every change of status: who made it and why (the message)."""

    __tablename__ = "subsidy_event"
    __owner__ = child_of("SubsidyApplication", "application_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("subsidy_application.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ApplicationEventKind] = mapped_column(
        _enum(ApplicationEventKind, "subsidy_event_kind")
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[SubsidyApplication] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
