"""Invitation e-mails, shared by the administrator's and the manager's invitations."""

from __future__ import annotations

import logging
import smtplib
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from ..config import LANGUAGES
from ..mail import send_mail
from ..models import User
from .services import IssuedInvitation

log = logging.getLogger("iwemployer.auth")


def invitation_validity() -> timedelta:
    return timedelta(days=int(current_app.config["INVITATION_DAYS"]))


def send_invitation(user: User, issued: IssuedInvitation) -> bool:
    """Mail the invitation link; False (and logged) when the mail server does not take it."""
    with _in_language_of(user):
        return _send_invitation(user, issued)


def _send_invitation(user: User, issued: IssuedInvitation) -> bool:
    link = url_for("auth.accept_invitation", token=issued.token, _external=True)
    subject = _("Your account on the IW employer site")
    paragraphs = [
        _("Hello %(name)s,", name=user.name),
        _(
            "%(inviter)s has created an account for you on the IW employer site, the "
            "self-service site of the Inclusive Workplace support centre.",
            inviter=current_user.name,
        ),
        _("Open this link to choose your password and sign in:") + "\n" + link,
        _(
            "The link can be used once and works until %(when)s. If it has expired, ask the "
            "centre for a new invitation.",
            when=format_datetime(issued.invitation.expires_at, "short"),
        ),
        _("Your sign-in name is your e-mail address: %(email)s", email=user.email),
        _("If you did not expect this e-mail, you can ignore it."),
    ]
    return _send(user.email, subject, paragraphs)


def send_access_granted(user: User, enterprise_name: str) -> bool:
    """Tell an existing user that they now have access to one more enterprise."""
    with _in_language_of(user):
        return _send_access_granted(user, enterprise_name)


def _send_access_granted(user: User, enterprise_name: str) -> bool:
    link = url_for("enterprise.index", _external=True)
    paragraphs = [
        _("Hello %(name)s,", name=user.name),
        _(
            "%(inviter)s has given you access to %(enterprise)s on the IW employer site.",
            inviter=current_user.name,
            enterprise=enterprise_name,
        ),
        _("Sign in with your usual password:") + "\n" + link,
    ]
    return _send(user.email, _("New access on the IW employer site"), paragraphs)


def _in_language_of(user: User) -> AbstractContextManager[None]:
    """The recipient's language, not the sender's: an invitee starts in their enterprise's."""
    if user.locale in LANGUAGES:
        return force_locale(user.locale)
    return nullcontext()


def _send(to: str, subject: str, paragraphs: list[str]) -> bool:
    try:
        send_mail(to, subject, "\n\n".join(paragraphs) + "\n")
    except (OSError, smtplib.SMTPException):
        # Never the link in the log: it is a password-setting credential.
        log.warning("mail to %s not sent", to, exc_info=True)
        return False
    log.info("mail sent to %s", to)
    return True
