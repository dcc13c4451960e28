"""Proposals to the plan from the parties who do not edit it (no HTTP here).

The safety delegate, the union representative and the occupational health service propose a
new activity for a theme, or a new status for an activity whose status they cannot change; the
manager or the contact person (``can_edit``) accepts or declines it with a reason; the proposer
may withdraw it while it is open. Accepting goes through the plan's own services: a new activity
is added by ``add_activity`` (a sent or agreed plan opens a new version), a status is changed by
``change_status`` (never a new version).

A proposal leaves ``proposed`` by a conditional UPDATE (``WHERE status = 'proposed'``): whoever
answers at the same moment (a double click, two tabs, the manager and the contact person), the
database lets one through, so an accepted proposal makes its activity once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session, joinedload

from ..access import member_role
from ..errors import DomainError
from ..health_words import check_health_details
from ..models import (
    ActionPlan,
    ActivityStatus,
    MemberRole,
    PlanActivity,
    PlanProposal,
    PlanTheme,
    ProposalKind,
    ProposalStatus,
    Responsible,
    User,
    UserKind,
    utcnow,
)
from ..notifications.services import notify, register_event, withdraw
from ..translation import format_date
from ..translation import gettext as _
from ..translation import lazy_gettext as _l
from . import services
from .services import MAX_TEXT, RESPONSIBLE_FOR, can_change_status, can_edit, plan_path

S = ProposalStatus

# The state machine as data: where a proposal may go from each state.
TRANSITIONS: dict[ProposalStatus, frozenset[ProposalStatus]] = {
    S.PROPOSED: frozenset({S.ACCEPTED, S.DECLINED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset(),
    S.DECLINED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# The parties at the workplace who propose rather than edit.
PROPOSERS = tuple(RESPONSIBLE_FOR)
MAX_REASON = 2000

register_event(
    "plan.proposal_new",
    _l("%(actor)s proposed “%(title)s” for the action plan for %(enterprise)s."),
    mail_default=True,
    mail_line=_l("A proposal to an action plan awaits your answer."),
)
register_event(
    "plan.proposal_accepted",
    _l("%(actor)s accepted your proposal “%(title)s” for the action plan for %(enterprise)s."),
)
register_event(
    "plan.proposal_declined",
    _l("%(actor)s declined your proposal “%(title)s” for the action plan for %(enterprise)s."),
)
NEW_KINDS = ("plan.proposal_new",)


def proposal_subject(proposal_id: int) -> str:
    """Notices about one proposal, taken back once it is answered or withdrawn."""
    return f"plan-proposal:{proposal_id}"


# --- who may do what ------------------------------------------------------------------------


def can_propose(user: User, role: MemberRole | None, plan: ActionPlan) -> bool:
    """The safety delegate, the union representative and the occupational health service."""
    return user.kind == UserKind.EMPLOYER and role in PROPOSERS and not can_edit(user, plan)


def can_propose_status(user: User, role: MemberRole | None, activity: PlanActivity) -> bool:
    """A party proposes a status for an activity whose status it cannot change itself."""
    return can_propose(user, role, activity.theme.plan) and not can_change_status(
        user, role, activity
    )


def can_answer(user: User, plan: ActionPlan) -> bool:
    """The manager and the contact person accept or decline."""
    return can_edit(user, plan)


def can_withdraw(user: User, proposal: PlanProposal) -> bool:
    return proposal.status == S.PROPOSED and proposal.proposed_by_id == user.id


def can_transition(current: ProposalStatus, wanted: ProposalStatus) -> bool:
    return wanted in TRANSITIONS[current]


# --- reading --------------------------------------------------------------------------------


def open_proposals(session: Session, plan: ActionPlan) -> list[PlanProposal]:
    """The plan's open proposals, oldest first, with their theme and activity: one statement,
    none when the themes are loaded already (``load_themes`` brings them)."""
    if "themes" not in inspect(plan).unloaded and all(
        "open_proposals" not in inspect(theme).unloaded for theme in plan.themes
    ):
        found = [p for theme in plan.themes for p in theme.open_proposals]
        return sorted(found, key=lambda p: (p.created_at, p.id))
    return list(
        session.scalars(
            select(PlanProposal)
            .where(PlanProposal.plan_id == plan.id, PlanProposal.status == S.PROPOSED)
            .options(joinedload(PlanProposal.theme), joinedload(PlanProposal.activity))
            .order_by(PlanProposal.created_at, PlanProposal.id)
        )
    )


# --- proposing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityProposal:
    title: str
    description: str
    responsible: Responsible
    due_date: date
    reason: str


def _reason(text: str, field: str = "reason", missing: str | None = None) -> str:
    """The cleaned ``text``, required and at most ``MAX_REASON`` long; errors at ``field``,
    ``missing`` the message when it is empty (else "Say briefly why.")."""
    reason = services._clean(text)
    if not reason:
        raise DomainError(missing if missing is not None else _("Say briefly why."), field)
    if len(reason) > MAX_REASON:
        raise DomainError(_("The text can be at most %(max)d characters.", max=MAX_REASON), field)
    return reason


def _refuse_proposer() -> DomainError:
    return DomainError(
        _(
            "The safety delegate, the union representative and the occupational health "
            "service propose changes; the manager and the contact person make them."
        ),
        status=403,
    )


def _announce(session: Session, proposal: PlanProposal, plan: ActionPlan, actor: User) -> None:
    """The manager(s) and the contact person are asked to answer."""
    notify(
        session,
        services._concerned(session, plan, (MemberRole.MANAGER,)),
        "plan.proposal_new",
        enterprise_id=plan.enterprise_id,
        url=plan_path(plan) + "#proposals",
        params={"actor": actor.name, "title": proposal.title, "enterprise": plan.enterprise.name},
        exclude=actor.id,
        subject=proposal_subject(proposal.id),
    )


def _create(session: Session, plan: ActionPlan, actor: User, **fields: Any) -> PlanProposal:
    """A proposal by ``actor`` to ``plan`` with its kind's own ``fields``; answerers are told."""
    proposal = PlanProposal(
        plan_id=plan.id,
        **fields,
        proposed_by_id=actor.id,
        proposed_by_name=actor.name,
        created_at=utcnow(),
    )
    session.add(proposal)
    session.flush()
    _announce(session, proposal, plan, actor)
    session.flush()
    return proposal


def propose_activity(
    session: Session,
    theme: PlanTheme,
    actor: User,
    fields: ActivityProposal,
    confirmed: bool = False,
) -> PlanProposal:
    """A new activity for ``theme``, due within the plan's period, with why."""
    plan = theme.plan
    if not can_propose(actor, member_role(actor, plan.enterprise_id), plan):
        raise _refuse_proposer()
    try:
        title = services._check_title(fields.title)
    except DomainError as error:
        raise DomainError(error.message, "title") from error
    description = services._clean(fields.description)
    if len(description) > MAX_TEXT:
        raise DomainError(
            _("The text can be at most %(max)d characters.", max=MAX_TEXT), "description"
        )
    if not plan.period_start <= fields.due_date <= plan.period_end:
        raise DomainError(
            _(
                "Choose a date within the plan's period, %(start)s to %(end)s.",
                start=format_date(plan.period_start, "long"),
                end=format_date(plan.period_end, "long"),
            ),
            "due_date",
        )
    reason = _reason(fields.reason)
    check_health_details(confirmed, description=description, reason=reason)
    return _create(
        session,
        plan,
        actor,
        kind=ProposalKind.ACTIVITY,
        theme_id=theme.id,
        title=title,
        description=description,
        responsible=Responsible(fields.responsible),
        due_date=fields.due_date,
        reason=reason,
    )


def propose_status(
    session: Session,
    activity: PlanActivity,
    actor: User,
    to_status: ActivityStatus,
    reason: str,
    confirmed: bool = False,
) -> PlanProposal:
    """A new status for an activity the proposer cannot change itself, with why."""
    plan = activity.theme.plan
    role = member_role(actor, plan.enterprise_id)
    if not can_propose(actor, role, plan):
        raise _refuse_proposer()
    if can_change_status(actor, role, activity):
        raise DomainError(_("You change the status of this activity yourself."), status=403)
    if to_status == activity.status:
        raise DomainError(_("Choose another status than the one it has."), "to_status")
    reason = _reason(reason)
    check_health_details(confirmed, reason=reason)
    return _create(
        session,
        plan,
        actor,
        kind=ProposalKind.STATUS,
        theme_id=activity.theme_id,
        activity_id=activity.id,
        title=activity.title,
        to_status=ActivityStatus(to_status),
        reason=reason,
    )


# --- answering ------------------------------------------------------------------------------


def _move(
    session: Session,
    proposal: PlanProposal,
    actor: User,
    wanted: ProposalStatus,
    answer: str = "",
) -> None:
    """Move ``proposal`` to ``wanted`` if it still may go there, in the database: of two at
    once, the second finds it answered and is refused (409)."""
    sources = [state for state, targets in TRANSITIONS.items() if wanted in targets]
    moved = session.execute(
        update(PlanProposal)
        .where(PlanProposal.id == proposal.id, PlanProposal.status.in_(sources))
        .values(status=wanted, answered_by_id=actor.id, answered_at=utcnow(), answer=answer)
        .execution_options(synchronize_session=False)
    )
    session.refresh(proposal)
    if getattr(moved, "rowcount", 0) != 1:
        raise DomainError(_("The proposal has already been answered or withdrawn."), status=409)
    withdraw(session, proposal_subject(proposal.id), NEW_KINDS)


def _tell_proposer(
    session: Session, proposal: PlanProposal, plan: ActionPlan, actor: User, kind: str
) -> None:
    if proposal.proposed_by_id is None:
        return
    notify(
        session,
        [proposal.proposed_by_id],
        kind,
        enterprise_id=plan.enterprise_id,
        url=plan_path(plan),
        params={"actor": actor.name, "title": proposal.title, "enterprise": plan.enterprise.name},
        exclude=actor.id,
        subject=proposal_subject(proposal.id),
    )


def _require_answer(actor: User, plan: ActionPlan) -> None:
    if not can_answer(actor, plan):
        raise DomainError(
            _("Only the manager and the contact person answer proposals."), status=403
        )


def _gone() -> DomainError:
    return DomainError(
        _("What the proposal is about has been deleted from the plan. Decline it instead."),
        status=409,
    )


def accept(
    session: Session, proposal: PlanProposal, plan: ActionPlan, actor: User
) -> PlanActivity | None:
    """Make the change through the plan's own rules; returns the new activity, if one."""
    _require_answer(actor, plan)
    _move(session, proposal, actor, S.ACCEPTED)
    if proposal.kind == ProposalKind.ACTIVITY:
        theme = proposal.theme
        assert proposal.due_date is not None and proposal.responsible is not None
        due = proposal.due_date
        start = min(max(plan.period_start, proposal.created_at.date()), due)
        added = services.add_activity(
            session,
            theme,
            actor,
            services.ActivityFields(
                proposal.title, proposal.description, proposal.responsible, start, due
            ),
        )
        proposal.activity_id = added.id
        _tell_proposer(session, proposal, plan, actor, "plan.proposal_accepted")
        session.flush()
        return added
    activity = proposal.activity
    if activity is None:
        raise _gone()
    assert proposal.to_status is not None
    services.change_status(session, activity, actor, activity.revision, proposal.to_status)
    _tell_proposer(session, proposal, plan, actor, "plan.proposal_accepted")
    session.flush()
    return None


def decline(
    session: Session, proposal: PlanProposal, plan: ActionPlan, actor: User, answer: str
) -> None:
    """No change to the plan; the proposer is told why."""
    _require_answer(actor, plan)
    answer = _reason(answer, "answer", _("Say why you decline, so the proposer knows."))
    _move(session, proposal, actor, S.DECLINED, answer)
    _tell_proposer(session, proposal, plan, actor, "plan.proposal_declined")
    session.flush()


def withdraw_proposal(session: Session, proposal: PlanProposal, actor: User) -> None:
    """The proposer takes it back while it is open."""
    if proposal.proposed_by_id != actor.id:
        raise DomainError(_("Only the one who proposed it withdraws it."), status=403)
    _move(session, proposal, actor, S.WITHDRAWN)
    session.flush()
