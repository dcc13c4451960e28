"""The second sign-in step, enrolment, recovery codes and the administrator's reset."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user
from limits import parse

from ..access import audit, get_or_404, kind_required
from ..auth.services import HALF_SIGNED_IN, end_session, start_session
from ..errors import DomainError
from ..extensions import db, limiter, login_manager
from ..forms import show_error
from ..htmx import finish
from ..i18n import safe_next
from ..models import SecondStep, User, UserKind
from ..templating import template_globals
from ..translation import gettext as _
from . import services
from .demo import DEMO_TOTP_SECRET
from .forms import CodeForm, EnrolForm

bp = Blueprint("mfa", __name__)
log = logging.getLogger("iwemployer.mfa")
ID = "int(min=1, max=2147483647)"


def _half_signed_in(step: SecondStep) -> User | None:
    """The user whose session has the password but still lacks ``step``."""
    if current_user.is_authenticated:
        return None
    user: User | None = g.get(HALF_SIGNED_IN)
    return user if user is not None and user.second_step == step else None


def _admit(user_id: int) -> bool:
    """Reserve one code check for the user (atomic in the limiter's storage)."""
    limit = parse(current_app.config["SECOND_FACTOR_CODE_LIMIT"])
    return bool(limiter.limiter.hit(limit, "second-factor", f"user:{user_id}"))


def _passed(user_id: int) -> None:
    limit = parse(current_app.config["SECOND_FACTOR_CODE_LIMIT"])
    limiter.limiter.clear(limit, "second-factor", f"user:{user_id}")


def _refused_secrets() -> frozenset[str]:
    # The published demo secret is no second factor where it matters.
    if current_app.config["ENV_NAME"] == "production":
        return frozenset({DEMO_TOTP_SECRET})
    return frozenset()


def _sign_in_fully(user: User) -> None:
    """Replace the half-signed-in session by a signed-in one (a new token: fixation)."""
    old = user.session_token
    token = start_session(db.session(), user)
    if old:
        end_session(db.session(), old)
    db.session.commit()
    session.clear()
    session.permanent = True
    user.session_token = token
    user.second_step = None
    login_user(user)


def _next() -> str:
    return safe_next(request.args.get("next"), url_for("enterprise.index"))


def _status() -> int:
    return 422 if request.method == "POST" else 200


@bp.route("/sign-in/code", methods=["GET", "POST"])
def code() -> ResponseReturnValue:
    user = _half_signed_in(SecondStep.CODE)
    if user is None:
        if current_user.is_authenticated:
            return redirect(url_for("enterprise.index"), code=303)
        return login_manager.unauthorized()
    form = CodeForm()
    if form.validate_on_submit():
        if not _admit(user.id):
            log.info("second factor refused (limit) account=%s", user.email)
            return render_template("errors/429.html"), 429
        try:
            services.check_code(
                db.session(), user, form.code.data or "", refused_secrets=_refused_secrets()
            )
        except DomainError as error:
            db.session.rollback()
            log.info("second factor failure account=%s", user.email)
            show_error(error, form)
        else:
            _passed(user.id)
            log.info("second factor success account=%s", user.email)
            _sign_in_fully(user)
            return redirect(_next(), code=303)
    return render_template("mfa/code.html", form=form), _status()


@bp.route("/account/two-step", methods=["GET", "POST"])
def enrol() -> ResponseReturnValue:
    half = _half_signed_in(SecondStep.ENROLMENT)
    user: User | None = half or (current_user if current_user.is_authenticated else None)
    if user is None:
        return login_manager.unauthorized()
    db_session = db.session()
    factor = services.active_factor(db_session, user.id)
    if factor is not None:
        return _status_page(user)
    pending = services.pending_factor(db_session, user)
    db.session.commit()
    form = EnrolForm()
    if form.validate_on_submit():
        if not _admit(user.id):
            return render_template("errors/429.html"), 429
        try:
            codes = services.confirm_enrolment(db_session, user, form.code.data or "")
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
        else:
            _passed(user.id)
            audit(None, "change", True, subject_user_id=user.id)
            log.info("second factor enrolled account=%s", user.email)
            if half is not None:
                _sign_in_fully(user)
            else:
                db.session.commit()
            return render_template(
                "mfa/recovery_codes.html", codes=codes, next_url=_next(), enrolled=True
            )
    uri = services.provisioning_uri(pending, user)
    return render_template(
        "mfa/enrol.html",
        form=form,
        qr=services.qr_svg(uri),
        secret=services.grouped(pending.secret),
        required=services.is_required(user),
        half_signed_in=half is not None,
    ), _status()


def _status_page(user: User) -> str:
    db_session = db.session()
    return render_template(
        "mfa/status.html",
        factor=services.active_factor(db_session, user.id),
        codes_left=services.recovery_codes_left(db_session, user.id),
        can_turn_off=services.can_turn_off(user),
    )


@bp.post("/account/two-step/recovery-codes")
@login_required
def recovery_codes() -> ResponseReturnValue:
    try:
        codes = services.replace_recovery_codes(db.session(), current_user)
    except DomainError as error:
        show_error(error)
        return redirect(url_for(".enrol"), code=303)
    audit(None, "change", True, subject_user_id=current_user.id)
    db.session.commit()
    return render_template(
        "mfa/recovery_codes.html",
        codes=codes,
        next_url=url_for(".enrol"),
        enrolled=False,
    )


@bp.post("/account/two-step/off")
@login_required
def turn_off() -> ResponseReturnValue:
    try:
        services.turn_off(db.session(), current_user)
    except DomainError as error:
        show_error(error)
        return redirect(url_for(".enrol"), code=303)
    audit(None, "change", True, subject_user_id=current_user.id)
    log.info("second factor turned off account=%s", current_user.email)
    db.session.commit()
    return finish(_("Two-step verification is off."), url_for(".enrol"))


@bp.route(f"/admin/users/<{ID}:user_id>/two-step/reset", methods=["GET", "POST"])
@kind_required(UserKind.ADMIN)
def admin_reset(user_id: int) -> ResponseReturnValue:
    user = get_or_404(User, user_id, "change" if request.method == "POST" else "read")
    if request.method == "POST":
        try:
            services.reset(db.session(), user, current_user)
        except DomainError as error:
            show_error(error)
        else:
            log.info("second factor reset account=%s by=%s", user.email, current_user.email)
            db.session.commit()
            return finish(
                _(
                    "Two-step verification of %(name)s is reset. They set it up again at their "
                    "next sign-in.",
                    name=user.name,
                ),
                url_for("admin.user_detail", user_id=user.id),
            )
    return render_template(
        "mfa/admin_reset.html",
        user=user,
        can_reset=services.can_reset(user, current_user),
        has_factor=services.has_factor(db.session(), user.id),
    ), (422 if request.method == "POST" else 200)


def second_factor_on(user: User) -> bool:
    """For the administrator's user page: has this user set up two-step verification?"""
    return services.active_factor(db.session(), user.id) is not None


template_globals(bp, second_factor_on=second_factor_on)
