from __future__ import annotations

import logging

from flask import (
    Blueprint,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from .. import kept_forms
from ..access import audit
from ..extensions import db
from ..htmx import finish
from ..i18n import address_in_language_of, safe_next
from ..mfa.services import step_after_password
from ..models import SecondStep
from ..translation import gettext as _
from . import services, throttle
from .forms import AcceptInvitationForm, ChangePasswordForm, SignInForm

bp = Blueprint("auth", __name__)
log = logging.getLogger("iwemployer.auth")
# Where a half-signed-in session is sent: the page of the step it still lacks.
SECOND_STEP_ENDPOINTS = {SecondStep.CODE: "mfa.code", SecondStep.ENROLMENT: "mfa.enrol"}


def after_password(step: SecondStep | None, next_url: str | None) -> str:
    """Where a session started with the right password goes: on, or to its second step."""
    if step is None:
        return safe_next(next_url, url_for("enterprise.index"))
    return url_for(SECOND_STEP_ENDPOINTS[step], next=safe_next(next_url, "") or None)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("enterprise.index"), code=303)
    form = SignInForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("auth/sign_in.html", form=form), status
    account = services.normalise_email(form.email.data or "")
    address = get_remote_address() or "unknown"
    if not throttle.admit(account, address):
        log.info("sign-in refused account=%s address=%s", account, address)
        return render_template("errors/429.html"), 429
    throttle.wait(throttle.delay_before_check(account))
    user = services.authenticate(db.session(), account, form.password.data or "")
    outcome = "success" if user else "failure"
    # Never the password; the address is lower-cased as typed.
    log.info(
        "sign-in %s account=%s address=%s",
        outcome,
        services.normalise_email(form.email.data or ""),
        get_remote_address(),
    )
    if user is None:
        throttle.record_failure(account)
        db.session.commit()
        form.form_errors.append(_("The e-mail address or password is wrong."))
        return render_template("auth/sign_in.html", form=form), 422
    throttle.record_success(account, address)
    step = step_after_password(db.session(), user)
    token = services.start_session(db.session(), user, step)
    db.session.commit()
    # A fresh session: nothing from before sign-in (fixation) carries over, except the key of
    # a form kept when the last session ended (given back only to the same person).
    next_url = request.args.get("next")
    kept_key = session.get(kept_forms.SESSION_KEY)
    session.clear()
    session.permanent = True
    if kept_key is not None:
        session[kept_forms.SESSION_KEY] = kept_key
        if kept_forms.waiting(user.id) is None:
            kept_forms.discard()
    kept_forms.remember_owner(user.id)
    user.session_token = token
    login_user(user)
    return redirect(after_password(step, next_url), code=303)


@bp.post("/sign-out")
def sign_out() -> ResponseReturnValue:
    user = current_user if current_user.is_authenticated else g.get(services.HALF_SIGNED_IN)
    if user is not None and user.session_token:
        services.end_session(db.session(), user.session_token)
        db.session.commit()
        log.info("sign-out account=%s", user.email)
    logout_user()
    session.clear()
    return finish(_("You are signed out."), url_for("auth.sign_in"))


@bp.post("/keep-alive")
@login_required
def keep_alive() -> ResponseReturnValue:
    """Stay signed in: loading the user already moved the session's last use on. The warning's
    script gets 204; its form without the script goes back to the page it was on."""
    if "next" not in request.form:
        return "", 204
    return redirect(safe_next(request.form["next"], url_for("enterprise.index")), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm(user_inputs=[current_user.email, current_user.name])
    if form.validate_on_submit():
        if not throttle.admit_password_check(current_user.id):
            return render_template("errors/429.html"), 429
        if not services.verify_password(current_user, form.current_password.data or ""):
            form.current_password.errors = [_("The current password is wrong.")]
        else:
            throttle.password_check_passed(current_user.id)
            services.change_password(db.session(), current_user, form.new_password.data or "")
            audit(None, "change", True, subject_user_id=current_user.id)
            db.session.commit()
            return finish(
                _("Your password is changed. You are signed out everywhere else."),
                url_for("auth.change_password"),
            )
    status = 422 if request.method == "POST" else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> ResponseReturnValue:
    invitation = services.find_open_invitation(db.session(), token)
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404
    user = invitation.user
    address_in_language_of(user)
    form = AcceptInvitationForm(user_inputs=[user.email, user.name])
    if form.validate_on_submit():
        services.accept_invitation(db.session(), invitation, form.new_password.data or "")
        audit(None, "change", True, subject_user_id=user.id)
        step = step_after_password(db.session(), user)
        new_token = services.start_session(db.session(), user, step)
        db.session.commit()
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        session.permanent = True
        kept_forms.remember_owner(user.id)
        user.session_token = new_token
        login_user(user)
        return finish(_("Welcome! Your password is set."), after_password(step, None))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/accept_invitation.html", form=form, invited=user), status
