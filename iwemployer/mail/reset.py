"""Forgot password: a one-hour, single-use link, stored hashed, mailed through the outbox."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..auth.services import end_all_sessions, hash_password, hash_token, normalise_email
from ..models import PasswordReset, User, utcnow

RESET_VALIDITY = timedelta(hours=1)


def issue_reset(
    session: Session, email: str, now: datetime | None = None
) -> tuple[User, str] | None:
    """A reset token for the active account at ``email``; None for an unknown address.

    The same statements run either way (the unknown address writes nothing): the answer and
    its time do not tell which addresses have an account.
    """
    now = now or utcnow()
    user = session.scalar(
        select(User).where(User.email == normalise_email(email), User.active.is_(True))
    )
    token = secrets.token_urlsafe(32)
    if user is None:
        return None
    session.add(
        PasswordReset(
            token_hash=hash_token(token), user_id=user.id, expires_at=now + RESET_VALIDITY
        )
    )
    return user, token


def find_open_reset(
    session: Session, token: str, now: datetime | None = None
) -> PasswordReset | None:
    now = now or utcnow()
    reset = session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    )
    if reset is None or reset.used_at is not None or reset.expires_at < now:
        return None
    if not reset.user.active:
        return None
    return reset


def use_reset(
    session: Session, reset: PasswordReset, password: str, now: datetime | None = None
) -> bool:
    """Set the new password, once: a conditional update, so a link used twice at the same
    moment sets it only once. Ends every session of the user (the caller starts a new one)."""
    now = now or utcnow()
    used = session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        return False
    reset.used_at = now
    reset.user.password_hash = hash_password(password)
    end_all_sessions(session, reset.user_id)
    return True
