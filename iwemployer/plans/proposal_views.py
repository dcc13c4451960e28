"""Proposals to the plan (routes on the plans blueprint). Thin, like ``views.py``.

* propose a new activity for a theme, or a status for an activity: the safety delegate, the
  union representative and the occupational health service (``proposals.can_propose*``), each
  on a page of its own with a form (htmx posts it in place for errors at the fields);
* accept or decline: the manager and the contact person (``proposals.can_answer``);
* withdraw: the proposer, while the proposal is open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, make_response, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from ..access import get_or_404, member_role, member_role_required, require
from ..errors import DomainError
from ..extensions import db
from ..forms import show_error
from ..htmx import is_fragment_request, render_page_or_fragment
from ..models import (
    ActionPlan,
    ActivityStatus,
    MemberRole,
    PlanActivity,
    PlanProposal,
    PlanTheme,
    Responsible,
)
from ..translation import gettext as _
from . import proposals
from .forms import ActivityProposalForm, ProposalAnswerForm, StatusProposalForm
from .services import RESPONSIBLE_FOR
from .views import PLAN, _finish, _plan_url, _respond, bp, proposals_region

REGION = "plans/_proposals.html"
PROPOSE = "plans/propose.html"
PROPOSERS = proposals.PROPOSERS
ANSWERERS = (MemberRole.MANAGER,)


def _done(plan: ActionPlan, message: str) -> Response:
    """After proposing: back to the plan (htmx too, which follows ``HX-Redirect``)."""
    flash(message, "success")
    url = _plan_url(plan, "proposals")
    if is_fragment_request():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def _send(
    plan: ActionPlan, form: Any, context: dict[str, Any], send: Callable[[], object]
) -> ResponseReturnValue:
    """The same for both kinds of proposal: validate → the service (``send``) → commit; errors
    at the fields (422, or the service's status)."""
    if not form.validate():
        return _form_page(PROPOSE, plan, form, 422, **context)
    try:
        send()
    except DomainError as error:
        db.session.rollback()
        show_error(error, form)
        return _form_page(PROPOSE, plan, form, error.status, **context)
    db.session.commit()
    return _done(plan, _("Your proposal is sent to the manager and the contact person."))


def _form_page(
    template: str, plan: ActionPlan, form: Any, status: int = 200, **context: Any
) -> Response:
    return render_page_or_fragment(
        template,
        "plans/_proposal_form.html",
        status,
        plan=plan,
        enterprise=plan.enterprise,
        form=form,
        **context,
    )


# --- proposing a new activity ---------------------------------------------------------------


def _activity_context(theme: PlanTheme) -> dict[str, Any]:
    plan = theme.plan
    return {
        "theme": theme,
        "heading": _("Propose an activity for “%(theme)s”", theme=theme.title),
        "action": url_for(
            "plans.create_activity_proposal",
            enterprise_id=plan.enterprise_id,
            plan_id=plan.id,
            theme_id=theme.id,
        ),
    }


def _may_propose(plan: ActionPlan) -> MemberRole | None:
    role = member_role(current_user, plan.enterprise_id)
    require(proposals.can_propose(current_user, role, plan), plan.enterprise_id)
    return role


@bp.get(PLAN + "/themes/<int:theme_id>/proposals/new")
@member_role_required(*PROPOSERS, adviser=False)
def new_activity_proposal(theme_id: int, **ids: int) -> ResponseReturnValue:
    theme = get_or_404(PlanTheme, theme_id, "read", **ids)
    plan = theme.plan
    role = _may_propose(plan)
    form = ActivityProposalForm(prefix="proposal", formdata=None)
    form.due_date.data = plan.period_end
    form.responsible.data = RESPONSIBLE_FOR.get(role, Responsible.MANAGER).value  # type: ignore[arg-type]
    return _form_page(PROPOSE, plan, form, **_activity_context(theme))


@bp.post(PLAN + "/themes/<int:theme_id>/proposals")
@member_role_required(*PROPOSERS, adviser=False)
def create_activity_proposal(theme_id: int, **ids: int) -> ResponseReturnValue:
    theme = get_or_404(PlanTheme, theme_id, "change", **ids)
    plan = theme.plan
    _may_propose(plan)
    form = ActivityProposalForm(prefix="proposal")

    def send() -> object:
        assert form.due_date.data is not None
        return proposals.propose_activity(
            db.session(),
            theme,
            current_user,
            proposals.ActivityProposal(
                form.title.data or "",
                form.description.data or "",
                Responsible(form.responsible.data),
                form.due_date.data,
                form.reason.data or "",
            ),
            confirmed=bool(form.no_health_details.data),
        )

    return _send(plan, form, _activity_context(theme), send)


# --- proposing a status ---------------------------------------------------------------------


def _status_context(activity: PlanActivity) -> dict[str, Any]:
    plan = activity.theme.plan
    return {
        "activity": activity,
        "heading": _("Propose a change to “%(title)s”", title=activity.title),
        "action": url_for(
            "plans.create_status_proposal",
            enterprise_id=plan.enterprise_id,
            plan_id=plan.id,
            activity_id=activity.id,
        ),
    }


def _may_propose_status(activity: PlanActivity) -> None:
    plan = activity.theme.plan
    role = member_role(current_user, plan.enterprise_id)
    require(proposals.can_propose_status(current_user, role, activity), plan.enterprise_id)


@bp.get(PLAN + "/activities/<int:activity_id>/proposals/new")
@member_role_required(*PROPOSERS, adviser=False)
def new_status_proposal(activity_id: int, **ids: int) -> ResponseReturnValue:
    activity = get_or_404(PlanActivity, activity_id, "read", **ids)
    _may_propose_status(activity)
    form = StatusProposalForm(prefix="proposal", formdata=None)
    form.to_status.data = next(s for s in ActivityStatus if s != activity.status).value
    return _form_page(PROPOSE, activity.theme.plan, form, **_status_context(activity))


@bp.post(PLAN + "/activities/<int:activity_id>/proposals")
@member_role_required(*PROPOSERS, adviser=False)
def create_status_proposal(activity_id: int, **ids: int) -> ResponseReturnValue:
    activity = get_or_404(PlanActivity, activity_id, "change", **ids)
    plan = activity.theme.plan
    _may_propose_status(activity)
    form = StatusProposalForm(prefix="proposal")

    def send() -> object:
        return proposals.propose_status(
            db.session(),
            activity,
            current_user,
            ActivityStatus(form.to_status.data),
            form.reason.data or "",
            confirmed=bool(form.no_health_details.data),
        )

    return _send(plan, form, _status_context(activity), send)


# --- answering and withdrawing: the plan page's proposals region ----------------------------


def _region(plan: ActionPlan, status: int = 200, **extra: Any) -> Response:
    return _respond(plan, REGION, proposals_region(plan, **extra), status)


def _answered(plan: ActionPlan, message: str, anchor: str) -> Response:
    """htmx gets the region (and the other regions refresh), a plain form a 303."""
    return _finish(plan, message, anchor, REGION, lambda: proposals_region(plan))


def _refused(plan: ActionPlan, error: DomainError) -> Response:
    db.session.rollback()
    if error.status == 403:
        require(False, plan.enterprise_id)
    if is_fragment_request():
        return _region(plan, error.status, problem=error.message)
    show_error(error)
    return redirect(_plan_url(plan, "proposals"), code=303)


@bp.post(PLAN + "/proposals/<int:proposal_id>/accept")
@member_role_required(*ANSWERERS, adviser=True)
def accept_proposal(proposal_id: int, **ids: int) -> ResponseReturnValue:
    proposal = get_or_404(PlanProposal, proposal_id, "change", **ids)
    plan = db.session.get_one(ActionPlan, proposal.plan_id)
    require(proposals.can_answer(current_user, plan), plan.enterprise_id)
    version = plan.version
    try:
        added = proposals.accept(db.session(), proposal, plan, current_user)
    except DomainError as error:
        return _refused(plan, error)
    db.session.commit()
    message = _("The proposal is accepted and the plan changed.")
    if plan.version != version:
        message += " " + _(
            "The plan is now version %(version)d, a draft: it must be sent and confirmed again.",
            version=plan.version,
        )
    # A new activity (or status) shows in the themes: the whole page, also for htmx.
    anchor = f"activity-{added.id if added else proposal.activity_id}"
    return _finish(plan, message, anchor)


@bp.post(PLAN + "/proposals/<int:proposal_id>/decline")
@member_role_required(*ANSWERERS, adviser=True)
def decline_proposal(proposal_id: int, **ids: int) -> ResponseReturnValue:
    proposal = get_or_404(PlanProposal, proposal_id, "change", **ids)
    plan = db.session.get_one(ActionPlan, proposal.plan_id)
    require(proposals.can_answer(current_user, plan), plan.enterprise_id)
    form = ProposalAnswerForm(prefix=f"proposal{proposal.id}")
    if not form.validate():
        return _region(plan, 422, answer_forms={proposal.id: form})
    try:
        proposals.decline(db.session(), proposal, plan, current_user, form.answer.data or "")
    except DomainError as error:
        if error.field:
            db.session.rollback()
            show_error(error, form)
            return _region(plan, error.status, answer_forms={proposal.id: form})
        return _refused(plan, error)
    db.session.commit()
    return _answered(plan, _("The proposal is declined. The proposer is told why."), "proposals")


@bp.post(PLAN + "/proposals/<int:proposal_id>/withdraw")
@member_role_required(*PROPOSERS, adviser=False)
def withdraw_proposal(proposal_id: int, **ids: int) -> ResponseReturnValue:
    proposal = get_or_404(PlanProposal, proposal_id, "change", **ids)
    plan = db.session.get_one(ActionPlan, proposal.plan_id)
    require(proposal.proposed_by_id == current_user.id, plan.enterprise_id)
    try:
        proposals.withdraw_proposal(db.session(), proposal, current_user)
    except DomainError as error:
        return _refused(plan, error)
    db.session.commit()
    return _answered(plan, _("Your proposal is withdrawn."), "proposals")
