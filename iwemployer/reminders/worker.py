"""One round of reminders in its own session: the CLI's and the development mail thread's."""

from __future__ import annotations

from flask import Flask

from ..cooperation.services import local
from ..extensions import db
from ..models import utcnow
from .services import send_reminders


def send_reminders_now(app: Flask) -> int:
    """Send what comes due today (Oslo's date) and commit; returns how many reminders went."""
    with db.new_session(app) as session:
        sent = send_reminders(session, local(utcnow()).date())
        session.commit()
    return sent
