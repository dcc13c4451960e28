"""In-app notifications: areas register their event kinds with a translatable text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import LazyString
from sqlalchemy import ColumnElement, func, insert, or_, select, update
from sqlalchemy.orm import Session

from ..access import visible_enterprise_ids
from ..mail.outbox import queue_notification_mail
from ..models import Notification, User, utcnow
from ..pagination import Peek, peek

# kind -> text with %(name)s placeholders filled from the notification's params.
EVENT_TEXTS: dict[str, LazyString] = {}


@dataclass(frozen=True)
class MailSetting:
    """How a kind is mailed: on or off until the user chooses, and the mail's one line."""

    by_default: bool
    # Free of personal details (the site shows those); None: a general line is used.
    line: LazyString | None


EVENT_MAIL: dict[str, MailSetting] = {}


def register_event(
    kind: str,
    text: LazyString,
    *,
    mail_default: bool = False,
    mail_line: LazyString | None = None,
) -> None:
    """Register ``kind``; ``mail_default`` for events someone must act on (mail unless the
    user turns it off), off for the rest (the site only unless the user turns it on)."""
    EVENT_TEXTS[kind] = text
    EVENT_MAIL[kind] = MailSetting(mail_default, mail_line)


def notify(
    session: Session,
    user_ids: Iterable[int],
    kind: str,
    *,
    enterprise_id: int | None = None,
    url: str = "",
    params: dict[str, str] | None = None,
    exclude: int | None = None,
) -> None:
    """Record ``kind`` for each user (once each, never for ``exclude``, the one who acted)."""
    if kind not in EVENT_TEXTS:
        raise ValueError(f"unregistered notification kind {kind!r}")
    recipients = sorted(set(user_ids) - {exclude})
    if recipients:
        # One INSERT for all recipients on every database (ORM objects would be inserted one by
        # one on SQLite, which cannot hand back several new ids at once).
        session.execute(
            insert(Notification),
            [
                {
                    "user_id": user_id,
                    "enterprise_id": enterprise_id,
                    "kind": kind,
                    "params": dict(params or {}),
                    "url": url,
                }
                for user_id in recipients
            ],
        )
    # Mail goes through the outbox in this same transaction: a change is never without its mail.
    queue_notification_mail(
        session,
        recipients,
        kind,
        url=url,
        params=dict(params or {}),
        by_default=EVENT_MAIL[kind].by_default,
    )


def render_text(note: Notification) -> str:
    text = EVENT_TEXTS.get(note.kind)
    if text is None:
        return note.kind
    try:
        return str(text) % note.params
    except (KeyError, TypeError, ValueError):
        return str(text)


def _still_visible(user: User) -> ColumnElement[bool]:
    """A notification about an enterprise shows only while the user may still see it."""
    return or_(
        Notification.enterprise_id.is_(None),
        Notification.enterprise_id.in_(visible_enterprise_ids(user)),
    )


def unread_count(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.user_id == user.id,
                Notification.read_at.is_(None),
                _still_visible(user),
            )
        )
        or 0
    )


def recent(session: Session, user: User, page: int = 1, size: int = 50) -> Peek[Notification]:
    """The user's notifications, newest first, a page at a time (not counted: the index on
    the user and time gives the newest without reading the rest)."""
    return peek(
        session,
        select(Notification)
        .where(Notification.user_id == user.id, _still_visible(user))
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page,
        size,
    )


def mark_all_read(session: Session, user_id: int) -> None:
    session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
