"""Proposals to an action plan from the parties who do not edit it.

The safety delegate, the union representative and the occupational health service propose a new
activity for a theme, or a status change for an activity they cannot change themselves; the
manager or the contact person accepts (the plan's own rules then apply) or declines with a
reason, and the proposer may withdraw an open proposal. The status moves only from ``proposed``,
by a conditional UPDATE, so a proposal is answered once whoever answers at the same moment.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, child_of, utcnow
from .core import _enum
from .plans import ActivityStatus, PlanActivity, PlanTheme, Responsible


class ProposalKind(enum.StrEnum):
    ACTIVITY = "activity"
    STATUS = "status"


class ProposalStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class PlanProposal(Base):
    """A new activity for ``theme`` or a new status for ``activity``, with the proposer's why."""

    __tablename__ = "plan_proposal"
    __owner__ = child_of("ActionPlan", "plan_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plan.id", ondelete="CASCADE"))
    kind: Mapped[ProposalKind] = mapped_column(_enum(ProposalKind, "proposal_kind"))
    status: Mapped[ProposalStatus] = mapped_column(
        _enum(ProposalStatus, "proposal_status"), default=ProposalStatus.PROPOSED
    )
    # The theme the new activity goes into, or the theme of the activity whose status is proposed
    # (the plan page loads the open proposals with its themes, in the same statement). A deleted
    # theme takes its proposals with it.
    theme_id: Mapped[int] = mapped_column(ForeignKey("plan_theme.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[Responsible | None] = mapped_column(_enum(Responsible, "responsible"))
    due_date: Mapped[date | None]
    # A status change: the activity and the status wanted. For an accepted new activity, the
    # activity it became.
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_activity.id", ondelete="SET NULL")
    )
    to_status: Mapped[ActivityStatus | None] = mapped_column(
        _enum(ActivityStatus, "activity_status")
    )
    reason: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Kept with the proposal, so the page names the proposer without loading the user.
    proposed_by_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    answered_at: Mapped[datetime | None]
    answer: Mapped[str] = mapped_column(Text, default="")

    theme: Mapped[PlanTheme] = relationship()
    activity: Mapped[PlanActivity | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "(kind = 'activity' AND title <> '' AND due_date IS NOT NULL) "
            "OR (kind = 'status' AND to_status IS NOT NULL)",
            name="kind_fields",
        ),
        # The plan page lists the open ones.
        Index("ix_plan_proposal_plan_id_status", "plan_id", "status"),
    )
