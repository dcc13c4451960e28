"""The enterprise home page and the employer-side enterprise switcher."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..access import (
    CURRENT_ENTERPRISE_KEY,
    current_enterprise_id,
    get_or_404,
    member_enterprises,
    member_role,
)
from ..models import Enterprise, UserKind

bp = Blueprint("enterprise", __name__)


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Where each kind of user starts."""
    if current_user.kind == UserKind.ADMIN:
        return redirect(url_for("admin.enterprises"), code=303)
    if current_user.kind == UserKind.ADVISER:
        return redirect(url_for("advisor.enterprises"), code=303)
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
