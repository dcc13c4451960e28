"""The joint action plan: goals, themes with activities, versions, confirmations and a timeline.

Versioning rule (see also ``iwemployer/plans/services.py``):

* A plan starts as version 1 in ``draft``. While the current version has never been sent, its
  content (period, goals, themes, activities) may change freely: no new version.
* Sending the plan for confirmation freezes the current version: a ``PlanVersion`` snapshot is
  stored and the plan is ``sent``. Confirmations name the version they confirm.
* The first content change after that opens version N+1 as a new ``draft``: confirmations of N
  stay in the history but no longer count. Further edits change N+1 until it is sent.
* A party's decline (with a reason) makes the plan ``declined``: that version is answered no
  more, and the next change (or "change the plan and send a new version") opens N+1.
* The plan is ``agreed`` when the manager, the safety delegate and the union representative
  have all confirmed the current version.
* The status of an activity (planned, in progress, done, cancelled) is not content: changing it
  never opens a new version. Neither does reordering.

Three counters guard against lost updates:

* ``ActionPlan.goals_revision``, ``PlanTheme.revision`` and ``PlanActivity.revision`` are shown
  in forms as hidden fields; a save from an older form answers 409 (the user's text is kept).
* ``ActionPlan.row_version`` is SQLAlchemy's version counter. Every plan-level change (content,
  sending, a decision) updates the plan row, so two such changes committing at the same moment
  cannot interleave: the second fails with ``StaleDataError`` and is answered with 409.
  The activity and theme revisions are version counters too (bumped by hand), so their rows are
  guarded in the same way.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, child_of, owned_by, utcnow
from .core import Enterprise, MemberRole, User, _enum

if TYPE_CHECKING:
    from .proposals import PlanProposal


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    # A party declined the sent version: nobody answers it any more; the manager or the
    # contact person changes the plan and sends a new version.
    DECLINED = "declined"
    AGREED = "agreed"


class ActivityStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class Responsible(enum.StrEnum):
    MANAGER = "manager"
    SAFETY_DELEGATE = "safety_delegate"
    UNION_REP = "union_rep"
    OCCUPATIONAL_HEALTH = "occupational_health"
    CENTRE = "centre"
    LABOUR_INSPECTORATE = "labour_inspectorate"


class Decision(enum.StrEnum):
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class PlanEventKind(enum.StrEnum):
    CREATED = "created"
    COMMENT = "comment"
    STATUS = "status"
    SENT = "sent"
    NEW_VERSION = "new_version"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    AGREED = "agreed"


# The three parties at the workplace who agree to the plan, in the order they are shown.
PLAN_PARTIES: tuple[MemberRole, ...] = (
    MemberRole.MANAGER,
    MemberRole.SAFETY_DELEGATE,
    MemberRole.UNION_REP,
)
OPEN_ACTIVITY_STATUSES = (ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS)


class ActionPlan(Base):
    """One enterprise's joint action plan for one period."""

    __tablename__ = "action_plan"
    __owner__ = owned_by("enterprise", "enterprise_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    period_start: Mapped[date]
    period_end: Mapped[date]
    # The content version the parties confirm; see the module docstring.
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[PlanStatus] = mapped_column(
        _enum(PlanStatus, "plan_status"), default=PlanStatus.DRAFT
    )
    # Sick leave in percent of possible working days: the target and the rate it starts from.
    sick_leave_target_pct: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    sick_leave_baseline_pct: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    goals: Mapped[str] = mapped_column(Text, default="")
    goals_revision: Mapped[int] = mapped_column(default=1)
    row_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    sent_at: Mapped[datetime | None]
    agreed_at: Mapped[datetime | None]

    enterprise: Mapped[Enterprise] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    themes: Mapped[list[PlanTheme]] = relationship(
        back_populates="plan",
        order_by="(PlanTheme.position, PlanTheme.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    confirmations: Mapped[list[PlanConfirmation]] = relationship(
        back_populates="plan",
        order_by="(PlanConfirmation.version, PlanConfirmation.at)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="plan",
        order_by="PlanVersion.version",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        UniqueConstraint("enterprise_id", "period_start"),
        CheckConstraint("period_end > period_start", name="period_ordered"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "sick_leave_target_pct IS NULL OR "
            "(sick_leave_target_pct >= 0 AND sick_leave_target_pct <= 100)",
            name="target_pct_range",
        ),
        CheckConstraint(
            "sick_leave_baseline_pct IS NULL OR "
            "(sick_leave_baseline_pct >= 0 AND sick_leave_baseline_pct <= 100)",
            name="baseline_pct_range",
        ),
        # The overview's plans awaiting answers and declined ones, each in the order it lists
        # them: the scan stops at a page instead of sorting the county's plans.
        Index("ix_action_plan_status_sent", "status", "sent_at", "id"),
        Index("ix_action_plan_status_updated", "status", "updated_at", "id"),
    )
    __mapper_args__: dict[str, Any] = {"version_id_col": row_version}

    @property
    def activities(self) -> list[PlanActivity]:
        return [a for theme in self.themes for a in theme.activities]

    def decisions(self, version: int) -> dict[MemberRole, PlanConfirmation]:
        """Each party's decision on ``version``."""
        return {c.role: c for c in self.confirmations if c.version == version}

    def confirmed_roles(self, version: int) -> set[MemberRole]:
        return {
            role for role, c in self.decisions(version).items() if c.decision == Decision.CONFIRMED
        }

    def declines(self, version: int) -> list[PlanConfirmation]:
        """Who declined ``version``, and why."""
        return [c for c in self.decisions(version).values() if c.decision == Decision.DECLINED]

    def last_agreed_version(self) -> int | None:
        """The newest version all three parties confirmed, if any."""
        for number in sorted({c.version for c in self.confirmations}, reverse=True):
            if self.confirmed_roles(number) >= set(PLAN_PARTIES):
                return number
        return None

    def covers(self, day: date) -> bool:
        return self.period_start <= day <= self.period_end


class PlanTheme(Base):
    """A theme of the plan (partssamarbeid, sick-leave follow-up, ...) holding activities."""

    __tablename__ = "plan_theme"
    __owner__ = child_of("ActionPlan", "plan_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("action_plan.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    revision: Mapped[int] = mapped_column(default=1)

    plan: Mapped[ActionPlan] = relationship(back_populates="themes")
    activities: Mapped[list[PlanActivity]] = relationship(
        back_populates="theme",
        order_by="(PlanActivity.position, PlanActivity.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    # The parties' open proposals about the theme (``iwemployer/plans/proposals.py``), loaded
    # with the themes so the plan page lists them without a statement of their own.
    open_proposals: Mapped[list[PlanProposal]] = relationship(
        primaryjoin="and_(PlanTheme.id == PlanProposal.theme_id, "
        "PlanProposal.status == 'proposed')",
        order_by="(PlanProposal.created_at, PlanProposal.id)",
        viewonly=True,
    )

    # Ids are never reused (SQLite would reuse the highest after a delete): diffs match by id.
    __table_args__ = {"sqlite_autoincrement": True}
    __mapper_args__: dict[str, Any] = {
        "version_id_col": revision,
        "version_id_generator": False,
    }


class PlanActivity(Base):
    """One activity of a theme: who does what, when, and how far it has come."""

    __tablename__ = "plan_activity"
    __owner__ = child_of("PlanTheme", "theme_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("plan_theme.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[Responsible] = mapped_column(_enum(Responsible, "responsible"))
    start_date: Mapped[date]
    end_date: Mapped[date]
    status: Mapped[ActivityStatus] = mapped_column(
        _enum(ActivityStatus, "activity_status"), default=ActivityStatus.PLANNED
    )
    position: Mapped[int] = mapped_column(default=0)
    # Reserved for the training and subsidy areas (no foreign key until those tables exist).
    training_session_id: Mapped[int | None]
    subsidy_application_id: Mapped[int | None]
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    theme: Mapped[PlanTheme] = relationship(back_populates="activities")
    updated_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        Index("ix_plan_activity_end_date_status", "end_date", "status"),
        # The overview's overdue activities, oldest first: the scan stops at a page, however
        # many share an end date (a year's end) or are overdue across a county.
        Index(
            "ix_plan_activity_open_end_date",
            "end_date",
            "id",
            sqlite_where=text("status IN ('planned', 'in_progress')"),
            postgresql_where=text("status IN ('planned', 'in_progress')"),
        ),
        {"sqlite_autoincrement": True},
    )
    __mapper_args__: dict[str, Any] = {
        "version_id_col": revision,
        "version_id_generator": False,
    }

    def overdue(self, today: date) -> bool:
        return self.status in OPEN_ACTIVITY_STATUSES and self.end_date < today


class PlanVersion(Base):
    """The frozen content of a version, stored when it is sent: history and diffs."""

    __tablename__ = "plan_version"
    __owner__ = child_of("ActionPlan", "plan_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("action_plan.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    # Period, goals, themes and activities; never the activities' status.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    plan: Mapped[ActionPlan] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("plan_id", "version"),)


class PlanConfirmation(Base):
    """A party's decision on one version: confirmed, or declined with a reason."""

    __tablename__ = "plan_confirmation"
    __owner__ = child_of("ActionPlan", "plan_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("action_plan.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole, "member_role"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Kept as given, so the history reads the same after the account is gone.
    user_name: Mapped[str] = mapped_column(String(200))
    decision: Mapped[Decision] = mapped_column(_enum(Decision, "decision"))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[ActionPlan] = relationship(back_populates="confirmations")

    __table_args__ = (
        UniqueConstraint("plan_id", "version", "role"),
        CheckConstraint(
            "role IN ('manager', 'safety_delegate', 'union_rep')", name="role_is_party"
        ),
        CheckConstraint("decision = 'confirmed' OR reason != ''", name="decline_has_reason"),
    )


class PlanEvent(Base):
    """The plan's timeline: comments, activity status changes and the agreement's steps."""

    __tablename__ = "plan_event"
    __owner__ = child_of("ActionPlan", "plan_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plan.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[PlanEventKind] = mapped_column(_enum(PlanEventKind, "plan_event_kind"))
    version: Mapped[int]
    # A comment's text or a decline's reason.
    text: Mapped[str] = mapped_column(Text, default="")
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_activity.id", ondelete="SET NULL"), index=True
    )
    # The activity's title when the event happened (the activity may be deleted later).
    activity_title: Mapped[str] = mapped_column(String(200), default="")
    from_status: Mapped[ActivityStatus | None] = mapped_column(_enum(ActivityStatus, "from_status"))
    to_status: Mapped[ActivityStatus | None] = mapped_column(_enum(ActivityStatus, "to_status"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_plan_event_plan_at", "plan_id", "at"),)
