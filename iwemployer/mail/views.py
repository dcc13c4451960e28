"""Forgot password, the users' mail settings, and the administrator's outbox and mailboxes."""

from __future__ import annotations

import logging
from collections import defaultdict

from flask import Blueprint, current_app, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import deny, kind_required
from ..auth.forms import AcceptInvitationForm
from ..auth.services import normalise_email, start_session
from ..auth.views import after_password
from ..extensions import db, limiter
from ..htmx import finish
from ..mfa.services import step_after_password
from ..models import MailStatus, OutboxMail, UserKind
from ..notifications.services import EVENT_MAIL, EVENT_TEXTS
from ..templating import template_globals
from ..translation import gettext as _
from ..translation import lazy_gettext as _l
from . import outbox, reset
from .forms import ForgotPasswordForm, MailSettingsForm
from .messages import queue_reset_mail

bp = Blueprint("mail", __name__)
log = logging.getLogger("iwemployer.mail")
admin_only = kind_required(UserKind.ADMIN)
ID = "int(min=1, max=2147483647)"
MAILBOX_SIZE = 100

# Headings for the groups of kinds on the settings page, by the kind's prefix ("plan.sent").
KIND_GROUPS = {
    "plan": _l("Action plans"),
    "requests": _l("Requests"),
    "agreement": _l("Cooperation agreement"),
    "meeting": _l("Meetings"),
    "inspection": _l("Inspections"),
    "health_service": _l("Occupational health service"),
    "subsidies": _l("Subsidies"),
    "training": _l("Training"),
}
RESET_LIMIT = "5 per 15 minutes"
MAIL_STATUS_LABELS = {
    MailStatus.WAITING: _l("Waiting"),
    MailStatus.SENT: _l("Sent"),
    MailStatus.FAILED: _l("Failed"),
}
OUTBOX_MENU_LABEL = _l("Outbox")


def mail_status_label(status: MailStatus) -> str:
    return str(MAIL_STATUS_LABELS[status])


template_globals(bp, mail_status_label=mail_status_label)


def _status() -> int:
    return 422 if request.method == "POST" else 200


def _development_only() -> None:
    """The local mailbox shows mail as sent; production mail belongs in people's inboxes."""
    if current_app.config["ENV_NAME"] == "production":
        deny(None, "read", 404)


# --- forgot password ----------------------------------------------------------------------


def _reset_account_key() -> str:
    return "reset:" + normalise_email(request.form.get("email", ""))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(RESET_LIMIT, key_func=get_remote_address, methods=["POST"])
@limiter.limit(RESET_LIMIT, key_func=_reset_account_key, methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("mail/forgot_password.html", form=form), _status()
    issued = reset.issue_reset(db.session(), form.email.data or "")
    if issued is not None:
        queue_reset_mail(db.session(), *issued)
    db.session.commit()
    # The same answer whether or not the address has an account.
    return render_template("mail/forgot_password_sent.html"), 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    found = reset.find_open_reset(db.session(), token)
    if found is None:
        return render_template("mail/reset_invalid.html"), 404
    user = found.user
    form = AcceptInvitationForm(user_inputs=[user.email, user.name])
    if form.validate_on_submit():
        if not reset.use_reset(db.session(), found, form.new_password.data or ""):
            db.session.rollback()
            return render_template("mail/reset_invalid.html"), 404
        # A new password is no way around the second factor.
        step = step_after_password(db.session(), user)
        new_token = start_session(db.session(), user, step)
        db.session.commit()
        log.info("password reset account=%s", user.email)
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        session.permanent = True
        user.session_token = new_token
        login_user(user)
        return finish(
            _("Your new password is set. You are signed out everywhere else."),
            after_password(step, None),
        )
    return render_template("mail/reset_password.html", form=form, user=user), _status()


# --- the user's mail settings and own mailbox ----------------------------------------------


def _kind_label(kind: str) -> str:
    setting = EVENT_MAIL[kind]
    if setting.line:
        return str(setting.line)
    # The in-site text with its details left out.
    return str(EVENT_TEXTS[kind]).replace("%%", "%") % defaultdict(lambda: "…")


@bp.route("/account/mail-settings", methods=["GET", "POST"])
@login_required
def mail_settings() -> ResponseReturnValue:
    defaults = {kind: setting.by_default for kind, setting in sorted(EVENT_MAIL.items())}
    form = MailSettingsForm()
    if form.validate_on_submit():
        chosen = set(request.form.getlist("by_mail"))
        outbox.save_choices(db.session(), current_user.id, {k: k in chosen for k in defaults})
        db.session.commit()
        return finish(_("Your e-mail choices are saved."), url_for("mail.mail_settings"))
    choices = outbox.mail_choices(db.session(), current_user.id, defaults)
    groups: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    for kind, by_mail in choices.items():
        prefix = kind.split(".", 1)[0]
        heading = str(KIND_GROUPS.get(prefix, _l("Other")))
        groups[heading].append((kind, _kind_label(kind), by_mail))
    for kinds in groups.values():
        # The events that need action (those with a mail line of their own) first.
        kinds.sort(key=lambda k: (EVENT_MAIL[k[0]].line is None, k[1]))
    return render_template(
        "mail/settings.html", form=form, groups=sorted(groups.items())
    ), _status()


@bp.get("/account/mailbox")
@login_required
def own_mailbox() -> ResponseReturnValue:
    _development_only()
    mails = db.session.scalars(
        select(OutboxMail)
        .where(OutboxMail.user_id == current_user.id)
        .options(selectinload(OutboxMail.user))
        .order_by(OutboxMail.id.desc())
        .limit(MAILBOX_SIZE)
    ).all()
    return render_template("mail/mailbox.html", mails=mails, everyone=False)


# --- the administrator's outbox and the development mailbox --------------------------------


@bp.get("/admin/outbox")
@admin_only
def admin_outbox() -> ResponseReturnValue:
    mails = db.session.scalars(
        select(OutboxMail)
        .where(OutboxMail.status != MailStatus.SENT)
        .options(selectinload(OutboxMail.user))
        .order_by(OutboxMail.status, OutboxMail.due_at)
        .limit(MAILBOX_SIZE)
    ).all()
    return render_template("mail/outbox.html", mails=mails, MailStatus=MailStatus)


@bp.post(f"/admin/outbox/<{ID}:mail_id>/resend")
@admin_only
def admin_resend(mail_id: int) -> ResponseReturnValue:
    if outbox.resend(db.session(), mail_id):
        db.session.commit()
        return finish(_("The mail is queued again."), url_for("mail.admin_outbox"))
    return finish(_("Only failed mail can be sent again."), url_for("mail.admin_outbox"))


@bp.get("/admin/mailbox")
@admin_only
def admin_mailbox() -> ResponseReturnValue:
    _development_only()
    mails = db.session.scalars(
        select(OutboxMail)
        .options(selectinload(OutboxMail.user))
        .order_by(OutboxMail.id.desc())
        .limit(MAILBOX_SIZE)
    ).all()
    return render_template("mail/mailbox.html", mails=mails, everyone=True)
