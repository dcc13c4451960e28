"""The enterprise home page and the employer-side enterprise switcher."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..access import (
    CURRENT_ENTERPRISE_KEY,
    current_enterprise_id,
    get_or_404,
    member_enterprises,
    member_role,
    member_role_required,
)
from ..auth.invitations import invitation_validity, send_access_granted, send_invitation
from ..extensions import db
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
    return render_template(
        "enterprise/home.html",
        enterprise=enterprise,
        agreement=agreement,
        earlier_agreements=earlier,
        today=today,
        role=member_role(current_user, enterprise.id),
    )


@bp.post("/switch-enterprise")
@login_required
def switch() -> ResponseReturnValue:
    if current_user.kind != UserKind.EMPLOYER:
        abort(403)
    try:
        wanted = int(request.form.get("enterprise_id", ""))
    except ValueError:
        wanted = -1
    if wanted not in {e.id for e in member_enterprises(current_user)}:
        abort(404)
    session[CURRENT_ENTERPRISE_KEY] = wanted
    return redirect(url_for("enterprise.home", enterprise_id=wanted), code=303)


def _members_page(
    enterprise: Enterprise, form: InviteOccupationalHealthForm, status: int = 200
) -> ResponseReturnValue:
    return (
        render_template(
            "enterprise/members.html",
            enterprise=enterprise,
            members=services.members(db.session(), enterprise.id),
            form=form,
            is_manager=member_role(current_user, enterprise.id) == MemberRole.MANAGER,
        ),
        status,
    )


@bp.get("/enterprises/<int:enterprise_id>/members")
@login_required
def members(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id)
    return _members_page(enterprise, InviteOccupationalHealthForm(formdata=None))


@bp.post("/enterprises/<int:enterprise_id>/members/occupational-health")
@member_role_required(MemberRole.MANAGER, adviser=False)
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
        except services.MembershipError as error:
            db.session.rollback()
            getattr(form, error.field).errors = [str(error)]
        else:
            db.session.commit()
            if result.invitation is not None:
                sent = send_invitation(result.user, result.invitation)
            else:
                sent = send_access_granted(result.user, enterprise.name)
            if sent:
                flash(
                    _(
                        "%(email)s now has access and has been told by e-mail.",
                        email=result.user.email,
                    ),
                    "success",
                )
            else:
                flash(
                    _(
                        "%(email)s now has access, but the e-mail could not be sent. "
                        "Ask the centre to send the invitation again.",
                        email=result.user.email,
                    ),
                    "warning",
                )
            return redirect(url_for("enterprise.members", enterprise_id=enterprise.id), code=303)
    return _members_page(enterprise, form, 422)


@bp.post("/enterprises/<int:enterprise_id>/members/<int:membership_id>/remove")
@member_role_required(MemberRole.MANAGER, adviser=False)
def remove_member(enterprise_id: int, membership_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id, action="change")
    membership = db.session.scalar(
        select(Membership).where(
            Membership.id == membership_id, Membership.enterprise_id == enterprise.id
        )
    )
    if membership is None:
        abort(404)
    try:
        services.remove_occupational_health(db.session(), membership)
    except services.MembershipError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _members_page(enterprise, InviteOccupationalHealthForm(formdata=None), 422)
    db.session.commit()
    flash(_("The access is removed."), "success")
    return redirect(url_for("enterprise.members", enterprise_id=enterprise.id), code=303)
