"""One message to the configured SMTP server (STARTTLS and authentication when configured)."""

from __future__ import annotations

import html
import re
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage

LINK = re.compile(r"^https?://\S+$")


def build_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """Plain text, and the same paragraphs as simple HTML with the links clickable."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    message.add_alternative(_as_html(body), subtype="html")
    return message


def _as_html(body: str) -> str:
    paragraphs = []
    for block in body.strip().split("\n\n"):
        lines = [
            f'<a href="{html.escape(line)}">{html.escape(line)}</a>'
            if LINK.match(line)
            else html.escape(line)
            for line in block.split("\n")
        ]
        paragraphs.append("<p>" + "<br>\n".join(lines) + "</p>")
    return "<!doctype html>\n<html><body>\n" + "\n".join(paragraphs) + "\n</body></html>\n"


def send(config: Mapping[str, object], message: EmailMessage) -> None:
    """Raises ``OSError`` or ``smtplib.SMTPException`` when the server does not take it."""
    with smtplib.SMTP(
        str(config["MAIL_SERVER"]), int(str(config["MAIL_PORT"])), timeout=10
    ) as smtp:
        if config.get("MAIL_STARTTLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(str(config["MAIL_USERNAME"]), str(config.get("MAIL_PASSWORD") or ""))
        smtp.send_message(message)
