"""Invitation e-mails, shared by the administrator's and the manager's invitations; written
to the outbox in the request's transaction and delivered by the mail worker."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale, format_datetime
from flask_login import current_user

from ..config import LANGUAGES
from ..extensions import db
from ..i18n import babel_locale
from ..mail.links import public_url
from ..mail.outbox import queue_mail
from ..models import User
from ..translation import gettext as _
from .services import IssuedInvitation


def invitation_validity() -> timedelta:
    return timedelta(days=int(current_app.config["INVITATION_DAYS"]))


def send_invitation(user: User, issued: IssuedInvitation) -> None:
    """Queue the invitation mail (the caller's commit writes it with the invitation)."""
    with in_language_of(user):
        _send_invitation(user, issued)


def _send_invitation(user: User, issued: IssuedInvitation) -> None:
    link = public_url(url_for("auth.accept_invitation", token=issued.token))
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
    _send(user, subject, paragraphs)


def in_language_of(user: User) -> AbstractContextManager[None]:
    """The recipient's language, not the sender's: an invitee starts in their enterprise's."""
    if user.locale in LANGUAGES:
        return force_locale(babel_locale(user.locale))
    return nullcontext()


def _send(user: User, subject: str, paragraphs: list[str]) -> None:
    queue_mail(db.session(), user, subject, "\n\n".join(paragraphs) + "\n")
