"""The enterprise home page and the employer-side enterprise switcher."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..access import (
    CURRENT_ENTERPRISE_KEY,
    audit,
    can_act,
    current_enterprise_id,
    get_or_404,
    kind_required,
    member_role,
    member_role_required,
)
from ..admin.deputies import contact_and_deputies
from ..auth.invitations import invitation_validity, send_invitation
from ..errors import DomainError
from ..extensions import db
from ..forms import optional_id, show_error
from ..home.tasks import employer_tasks
from ..htmx import finish, is_fragment_request, render_page_or_fragment
from ..models import AccessInvitation, AccessOffer, Enterprise, MemberRole, Membership, UserKind
from ..translation import gettext as _
from . import services
from .forms import InviteOccupationalHealthForm

bp = Blueprint("enterprise", __name__)


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Where each kind of user starts."""
    if current_user.kind == UserKind.ADMIN:
        return redirect(url_for("admin.enterprises"), code=303)
    if current_user.kind == UserKind.ADVISER:
        return redirect(url_for("adviser.enterprises"), code=303)
    enterprise_id = current_enterprise_id(current_user)
    if enterprise_id is None:
        # A new occupational health account starts here, with the invitation to answer.
        return render_template(
            "enterprise/no_enterprise.html",
            offers=services.open_offers(db.session(), current_user.id),
        )
    return redirect(url_for("enterprise.home", enterprise_id=enterprise_id), code=303)


@bp.get("/enterprises/<int:enterprise_id>")
@login_required
def home(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id)
    if current_user.kind == UserKind.EMPLOYER:
        # Opening an enterprise's page makes it the current one for the switcher.
        session[CURRENT_ENTERPRISE_KEY] = enterprise.id
    today = date.today()
    agreement = enterprise.current_agreement(today)
    earlier = [a for a in enterprise.agreements if a is not agreement]
    role = member_role(current_user, enterprise.id)
    return render_template(
        "enterprise/home.html",
        enterprise=enterprise,
        agreement=agreement,
        earlier_agreements=earlier,
        today=today,
        role=role,
        deputies=contact_and_deputies(db.session(), enterprise),
        # Advisers see the enterprise's page but have their tasks on their own home.
        tasks=employer_tasks(db.session(), current_user, role, enterprise, today)
        if current_user.kind == UserKind.EMPLOYER
        else None,
    )


@bp.post("/switch-enterprise")
@kind_required(UserKind.EMPLOYER)
def switch() -> ResponseReturnValue:
    try:
        wanted = optional_id(request.form.get("enterprise_id")) or 0
    except ValueError:
        wanted = 0  # finds nothing: 404
    enterprise = get_or_404(Enterprise, wanted)
    session[CURRENT_ENTERPRISE_KEY] = enterprise.id
    return redirect(url_for("enterprise.home", enterprise_id=enterprise.id), code=303)


# Who gives and removes the occupational health service's access (administrators too).
MANAGERS = (MemberRole.MANAGER,)


def _members_page(
    enterprise: Enterprise,
    form: InviteOccupationalHealthForm,
    status: int = 200,
    problem: DomainError | None = None,
) -> ResponseReturnValue:
    members = services.members(db.session(), enterprise.id)
    can_manage = can_act(current_user, enterprise.id, MANAGERS, adviser=False)
    return render_page_or_fragment(
        "enterprise/members.html",
        "enterprise/_invitations.html",
        status,
        enterprise=enterprise,
        members=members,
        form=form,
        can_manage=can_manage,
        pending=services.pending_invitations(db.session(), enterprise.id) if can_manage else [],
        # The occupational health service sees who the others are, not their addresses.
        show_emails=member_role(current_user, enterprise.id) != MemberRole.OCCUPATIONAL_HEALTH,
        removable={m.id for m in members if can_manage and services.can_remove_access(m)},
        problem=str(problem) if problem is not None else None,
    )


@bp.get("/enterprises/<int:enterprise_id>/members")
@login_required
def members(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id)
    return _members_page(enterprise, InviteOccupationalHealthForm(formdata=None))


@bp.post("/enterprises/<int:enterprise_id>/members/occupational-health")
@member_role_required(*MANAGERS, adviser=False)
def invite_occupational_health(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id, action="change")
    form = InviteOccupationalHealthForm()
    if form.validate_on_submit():
        try:
            result = services.invite_occupational_health(
                db.session(),
                enterprise,
                name=form.name.data or "",
                email=form.email.data or "",
                invited_by=current_user,
                valid_for=invitation_validity(),
                daily_limit=int(current_app.config["ACCESS_INVITATIONS_PER_DAY"]),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
            return _members_page(enterprise, form, error.status)
        if result.account_invitation is not None and result.user is not None:
            send_invitation(result.user, result.account_invitation)
        if result.outcome == services.InviteOutcome.NOT_INVITABLE and result.user is not None:
            # A staff or deactivated account was named: nothing went to it; the log says who.
            audit(enterprise.id, "change", permitted=False, subject_user_id=result.user.id)
        db.session.commit()
        # The same words whatever the address: they tell nobody who has an account.
        return finish(
            _(
                "If %(email)s can be used, the person gets an invitation by e-mail. "
                "They get access when they accept it.",
                email=result.invitation.email,
            ),
            url_for("enterprise.members", enterprise_id=enterprise.id),
            fragment="enterprise/_invitations.html",
            region=lambda: _invitations_region(enterprise),
        )
    return _members_page(enterprise, form, 422)


@bp.post("/enterprises/<int:enterprise_id>/members/invitations/<int:invitation_id>/withdraw")
@member_role_required(*MANAGERS, adviser=False)
def withdraw_invitation(enterprise_id: int, invitation_id: int) -> ResponseReturnValue:
    invitation = get_or_404(AccessInvitation, invitation_id, "change", enterprise_id=enterprise_id)
    enterprise = invitation.enterprise
    try:
        services.withdraw_invitation(db.session(), invitation)
    except DomainError as error:
        db.session.rollback()
        form = InviteOccupationalHealthForm(formdata=None)
        if is_fragment_request():
            # The fragment has no flash messages: it shows the refusal itself.
            return _members_page(enterprise, form, error.status, problem=error)
        show_error(error)
        return _members_page(enterprise, form, error.status)
    db.session.commit()
    return finish(
        _("The invitation to %(email)s is withdrawn.", email=invitation.email),
        url_for("enterprise.members", enterprise_id=enterprise.id),
        fragment="enterprise/_invitations.html",
        region=lambda: _invitations_region(enterprise),
    )


def _invitations_region(enterprise: Enterprise) -> dict[str, Any]:
    """The invitations region after a change: a fresh form and the invitations still open."""
    return {
        "enterprise": enterprise,
        "form": InviteOccupationalHealthForm(formdata=None),
        "pending": services.pending_invitations(db.session(), enterprise.id),
    }


@bp.post("/enterprises/<int:enterprise_id>/members/<int:membership_id>/remove")
@member_role_required(*MANAGERS, adviser=False)
def remove_member(enterprise_id: int, membership_id: int) -> ResponseReturnValue:
    membership = get_or_404(Membership, membership_id, "change", enterprise_id=enterprise_id)
    enterprise = membership.enterprise
    try:
        services.remove_occupational_health(db.session(), membership)
    except DomainError as error:
        db.session.rollback()
        show_error(error)
        return _members_page(enterprise, InviteOccupationalHealthForm(formdata=None), error.status)
    db.session.commit()
    return finish(
        _("The access is removed."), url_for("enterprise.members", enterprise_id=enterprise.id)
    )


# --- the invited account's side ------------------------------------------------------------


def _offers_page(status: int = 200, notice: str | None = None) -> ResponseReturnValue:
    return render_page_or_fragment(
        "enterprise/access_invitations.html",
        "enterprise/_access_offers.html",
        status,
        offers=services.open_offers(db.session(), current_user.id),
        notice=notice,
    )


def _offers_region() -> dict[str, Any]:
    return {"offers": services.open_offers(db.session(), current_user.id)}


@bp.get("/access-invitations")
@kind_required(UserKind.EMPLOYER)
def access_invitations() -> ResponseReturnValue:
    return _offers_page()


@bp.post("/access-invitations/<int:offer_id>/accept")
@kind_required(UserKind.EMPLOYER)
def accept_access(offer_id: int) -> ResponseReturnValue:
    offer = get_or_404(AccessOffer, offer_id, "change")
    try:
        membership = services.accept_offer(db.session(), offer)
    except DomainError as error:
        db.session.rollback()
        show_error(error)
        return _offers_page(error.status)
    enterprise = offer.invitation.enterprise
    db.session.commit()
    session[CURRENT_ENTERPRISE_KEY] = membership.enterprise_id
    return finish(
        _("You now have access to %(enterprise)s.", enterprise=enterprise.name),
        url_for("enterprise.home", enterprise_id=membership.enterprise_id),
        fragment="enterprise/_access_offers.html",
        region=_offers_region,
        accepted=enterprise,
    )


@bp.post("/access-invitations/<int:offer_id>/decline")
@kind_required(UserKind.EMPLOYER)
def decline_access(offer_id: int) -> ResponseReturnValue:
    offer = get_or_404(AccessOffer, offer_id, "change")
    try:
        services.decline_offer(db.session(), offer)
    except DomainError as error:
        db.session.rollback()
        show_error(error)
        return _offers_page(error.status)
    db.session.commit()
    return finish(
        _("The invitation is declined."),
        url_for("enterprise.access_invitations"),
        fragment="enterprise/_access_offers.html",
        region=_offers_region,
    )
