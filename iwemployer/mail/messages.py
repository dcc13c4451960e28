"""Mail written at the moment of the change, in the recipient's language."""

from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import Session

from ..auth.invitations import in_language_of
from ..models import OutboxMail, User
from ..translation import gettext as _
from .links import public_url
from .outbox import queue_mail


def queue_reset_mail(session: Session, user: User, token: str) -> OutboxMail:
    with in_language_of(user):
        link = public_url(url_for("mail.reset_password", token=token))
        paragraphs = [
            _("Someone asked to set a new password for your account on the IW employer site."),
            _("Open this link within an hour to choose a new password:") + "\n" + link,
            _(
                "The link can be used once. If you did not ask for it, you can ignore this "
                "e-mail: your password stays as it is."
            ),
        ]
        subject = _("New password for the IW employer site")
    return queue_mail(session, user, subject, "\n\n".join(paragraphs) + "\n")
