"""The enterprise home page and the employer-side enterprise switcher."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import (
    CURRENT_ENTERPRISE_KEY,
    can_act,
    current_enterprise_id,
    get_or_404,
    kind_required,
    member_role,
    member_role_required,
)
from ..admin.deputies import contact_and_deputies
from ..auth.invitations import invitation_validity, send_access_granted, send_invitation
from ..errors import DomainError
from ..extensions import db
from ..forms import optional_id, show_error
from ..home.tasks import employer_tasks
from ..htmx import finish
from ..models import Enterprise, MemberRole, Membership, UserKind
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
        return render_template("enterprise/no_enterprise.html")
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
    enterprise: Enterprise, form: InviteOccupationalHealthForm, status: int = 200
) -> ResponseReturnValue:
    members = services.members(db.session(), enterprise.id)
    can_manage = can_act(current_user, enterprise.id, MANAGERS, adviser=False)
    return (
        render_template(
            "enterprise/members.html",
            enterprise=enterprise,
            members=members,
            form=form,
            can_manage=can_manage,
            # The occupational health service sees who the others are, not their addresses.
            show_emails=member_role(current_user, enterprise.id) != MemberRole.OCCUPATIONAL_HEALTH,
            removable={m.id for m in members if can_manage and services.can_remove_access(m)},
        ),
        status,
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
            )
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
        else:
            if result.invitation is not None:
                send_invitation(result.user, result.invitation)
            else:
                send_access_granted(result.user, enterprise.name)
            db.session.commit()
            return finish(
                _("%(email)s now has access and has been told by e-mail.", email=result.user.email),
                url_for("enterprise.members", enterprise_id=enterprise.id),
            )
    return _members_page(enterprise, form, 422)


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
