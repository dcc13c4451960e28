"""In-app notifications: areas register their event kinds with a translatable text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import LazyString, format_datetime
from sqlalchemy import ColumnElement, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from ..access import enterprise_visible
from ..mail.outbox import queue_notification_mail
from ..models import Notification, User, utcnow
from ..pagination import Peek, count_rows, peek
from ..translation import format_date

# kind -> text with %(name)s placeholders filled from the notification's params.
EVENT_TEXTS: dict[str, LazyString] = {}


@dataclass(frozen=True)
class MailSetting:
    """How a kind is mailed: on or off until the user chooses, and the mail's one line."""

    by_default: bool
    # Free of personal details (the site shows those); None: a general line is used.
    line: LazyString | None


EVENT_MAIL: dict[str, MailSetting] = {}
# kind -> the params that hold a date or an aware time (ISO, as stored), shown in the reader's
# language and time zone.
EVENT_DATES: dict[str, tuple[str, ...]] = {}


def register_event(
    kind: str,
    text: LazyString,
    *,
    mail_default: bool = False,
    mail_line: LazyString | None = None,
    dates: tuple[str, ...] = (),
) -> None:
    """Register ``kind``; ``mail_default`` for events someone must act on (mail unless the
    user turns it off), off for the rest (the site only unless the user turns it on);
    ``dates`` names the params given as ISO dates or times."""
    EVENT_TEXTS[kind] = text
    EVENT_MAIL[kind] = MailSetting(mail_default, mail_line)
    EVENT_DATES[kind] = dates


def notify(
    session: Session,
    user_ids: Iterable[int],
    kind: str,
    *,
    enterprise_id: int | None = None,
    url: str = "",
    params: dict[str, str] | None = None,
    exclude: int | None = None,
    subject: str | None = None,
) -> None:
    """Record ``kind`` for each user (once each, never for ``exclude``, the one who acted).

    ``subject`` names what it is about (``plan_subject``, ``request_subject``): the list groups
    by it and ``withdraw`` finds the notice by it when its news goes stale.
    """
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
                    "subject": subject,
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


def plan_subject(plan_id: int) -> str:
    return f"plan:{plan_id}"


def request_subject(request_id: int) -> str:
    return f"request:{request_id}"


def withdraw(
    session: Session,
    subject: str,
    kinds: Iterable[str],
    user_ids: Iterable[int] | None = None,
) -> int:
    """Take back the notices of ``kinds`` about ``subject`` (of ``user_ids`` only, if given),
    read or not: what they announced is no longer so (a version that was declined, agreed or
    replaced; a request that was closed). Returns how many were withdrawn."""
    stmt = delete(Notification).where(
        Notification.subject == subject, Notification.kind.in_(list(kinds))
    )
    if user_ids is not None:
        stmt = stmt.where(Notification.user_id.in_(list(user_ids)))
    result = session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


def render_text(note: Notification) -> str:
    text = EVENT_TEXTS.get(note.kind)
    if text is None:
        return note.kind
    params = dict(note.params)
    for name in EVENT_DATES.get(note.kind, ()):
        if name in params:
            params[name] = _localised(params[name])
    try:
        return str(text) % params
    except (KeyError, TypeError, ValueError):
        return str(text)


def _localised(value: str) -> str:
    """An ISO date or time in the reader's language; any other text as it is (an older
    notification written before its date was stored as ISO)."""
    try:
        if "T" in value:
            return format_datetime(datetime.fromisoformat(value), "short")
        return format_date(date.fromisoformat(value), "long")
    except (TypeError, ValueError):
        return value


def _still_visible(user: User) -> ColumnElement[bool]:
    """A notification about an enterprise shows only while the user may still see it."""
    return or_(
        Notification.enterprise_id.is_(None),
        enterprise_visible(Notification.enterprise_id, user),
    )


# The header shows the unread count up to this many ("99+" beyond): it is on every page, and an
# adviser's unread notices grow with the centre (525 at 100× the demo, all read to count them).
UNREAD_SHOWN_UP_TO = 99


def unread_count(session: Session, user: User) -> int:
    """The user's unread notifications, counted up to one more than ``UNREAD_SHOWN_UP_TO``."""
    unread = select(Notification.id).where(
        Notification.user_id == user.id,
        Notification.read_at.is_(None),
        _still_visible(user),
    )
    return count_rows(session, unread, up_to=UNREAD_SHOWN_UP_TO + 1)


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


@dataclass(frozen=True)
class NoticeGroup:
    """The notices about one plan or request, newest first (a notice without a subject is a
    group of its own)."""

    notes: list[Notification]

    @property
    def latest(self) -> Notification:
        return self.notes[0]

    @property
    def earlier(self) -> list[Notification]:
        return self.notes[1:]

    @property
    def unread(self) -> int:
        return sum(1 for note in self.notes if note.read_at is None)


def grouped(notes: Iterable[Notification]) -> list[NoticeGroup]:
    """``notes`` (newest first) in groups per subject, ordered by each group's newest."""
    groups: dict[str | int, list[Notification]] = {}
    for note in notes:
        groups.setdefault(note.subject or note.id, []).append(note)
    return [NoticeGroup(members) for members in groups.values()]


def mark_read(session: Session, user_id: int, note_id: int) -> None:
    """The user opened the notice (only their own: the user is part of the condition)."""
    session.execute(
        update(Notification)
        .where(
            Notification.id == note_id,
            Notification.user_id == user_id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
    )


def mark_all_read(session: Session, user_id: int) -> None:
    session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
