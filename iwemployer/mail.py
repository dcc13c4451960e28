"""Outgoing mail through the configured SMTP server; logged when none is set (development)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("iwemployer.mail")


def send_mail(to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    server = current_app.config["MAIL_SERVER"]
    if not server:
        log.info("no MAIL_SERVER set; mail to %s not sent:\n%s", to, message)
        return
    with smtplib.SMTP(server, int(current_app.config["MAIL_PORT"]), timeout=10) as smtp:
        smtp.send_message(message)
