"""Outgoing mail kept in the database until delivered, and who wants which mail."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, owned_by, utcnow
from .core import User, _enum


class MailStatus(enum.StrEnum):
    WAITING = "waiting"
    SENT = "sent"
    FAILED = "failed"


class OutboxMail(Base):
    """One mail to send, written in the same transaction as the change that caused it.

    Either ``events`` (notifications, rendered in the recipient's language when sent, so events
    about the same subject within the grouping window become one mail) or a ready ``subject`` and
    ``body`` (invitations and password resets, whose links exist only at the moment of writing).
    """

    __tablename__ = "outbox_mail"
    __owner__ = owned_by("user", "user_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # A plan or request ("plan:12") whose events within the window share one mail; "" for none.
    group_key: Mapped[str] = mapped_column(String(100), default="")
    events: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MailStatus] = mapped_column(
        _enum(MailStatus, "mail_status"), default=MailStatus.WAITING
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Not sent before this moment: the end of the grouping window, or the next retry.
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    # A worker's claim; a claim older than the stale limit is taken over (the worker died).
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")

    user: Mapped[User] = relationship()

    __table_args__ = (
        Index("ix_outbox_mail_status_due", "status", "due_at"),
        Index("ix_outbox_mail_grouping", "user_id", "group_key", "status"),
    )


class MailPreference(Base):
    """A user's choice for one notification kind; without a row the kind's default applies."""

    __tablename__ = "mail_preference"
    __owner__ = owned_by("user", "user_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))
    by_mail: Mapped[bool]

    __table_args__ = (UniqueConstraint("user_id", "kind"),)


class PasswordReset(Base):
    """A one-hour, single-use link to choose a new password; only its SHA-256 is stored."""

    __tablename__ = "password_reset"
    __owner__ = owned_by("user", "user_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
