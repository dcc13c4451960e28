"""Passwords, server-side sessions and invitations, as functions of a session and plain values."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload
from zxcvbn import zxcvbn

from ..models import Invitation, SecondStep, User, UserSession, utcnow
from ..translation import lazy_gettext as _l

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
# zxcvbn's top score (about 10**10 guesses or more): score 3 still let "Sommer2026!!" through,
# a season and a year, since zxcvbn knows few Norwegian words.
MIN_PASSWORD_SCORE = 4
# Words of this service and common Norwegian ones that zxcvbn's English lists miss; passed to it
# as user inputs so a password built on them scores low.
GUESSABLE_WORDS = [
    "nav",
    "iw",
    "ia",
    "arbeidsliv",
    "arbeidslivssenter",
    "inkluderende",
    "arbeidsgiver",
    "iwemployer",
    "passord",
    "sommer",
    "vinter",
    "høst",
    "vår",
    "norge",
    "oslo",
    "bergen",
    "velkommen",
    "hemmelig",
]
# The password printed in the README for the demo sign-ins: never acceptable as a chosen one.
PUBLISHED_PASSWORDS = {"Demo-passord-2026"}
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
# Key in ``flask.g`` of the user whose session has the password but lacks the second step.
HALF_SIGNED_IN = "half_signed_in"

_hasher = PasswordHasher()
# Verified against when the account does not exist, so timing does not reveal which addresses exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_problems(password: str, user_inputs: list[str]) -> list[str]:
    """Reasons to refuse ``password``; empty when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [str(_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [str(_l("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH))]
    # Each word of a name or address too: zxcvbn matches user inputs as whole tokens.
    words = [w for u in user_inputs if u for w in re.split(r"[\W_]+", u) if len(w) > 2]
    inputs = [u for u in user_inputs if u] + words + GUESSABLE_WORDS
    if password in PUBLISHED_PASSWORDS or zxcvbn(password, user_inputs=inputs)["score"] < (
        MIN_PASSWORD_SCORE
    ):
        return [
            str(
                _l(
                    "This password is too common or easy to guess. "
                    "Try a longer phrase of unrelated words."
                )
            )
        ]
    return []


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or user.password_hash is None:
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(user.password_hash, password) or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_password(user: User, password: str) -> bool:
    return user.password_hash is not None and _verify(user.password_hash, password)


def start_session(session: Session, user: User, second_step: SecondStep | None = None) -> str:
    """Create a server-side session for ``user``; returns the token for the cookie.

    With ``second_step`` the session signs nobody in until that step is done.
    """
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=hash_token(token), user_id=user.id, second_step=second_step))
    return token


def load_session_user(
    session: Session,
    token: str,
    idle_limit: timedelta,
    now: datetime | None = None,
    absolute_limit: timedelta = timedelta(hours=12),
) -> User | None:
    """The user of a live session token; expired or unknown tokens give None (and are removed).

    A session ends after ``idle_limit`` without use and, however busy, ``absolute_limit``
    after sign-in.

    The removal and the new last-seen time are left for the caller to commit.
    """
    now = now or utcnow()
    # The user comes with the session in one statement: every signed-in request asks this.
    record = session.scalar(
        select(UserSession)
        .options(joinedload(UserSession.user))
        .where(UserSession.token_hash == hash_token(token))
    )
    if record is None:
        return None
    expired = now - record.last_seen_at > idle_limit or now - record.created_at > absolute_limit
    if expired or not record.user.active:
        session.delete(record)
        return None
    if now - record.last_seen_at > LAST_SEEN_RESOLUTION:
        record.last_seen_at = now
    user = record.user
    user.session_token = token
    user.second_step = record.second_step
    return user


def end_session(session: Session, token: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == hash_token(token)))


def end_all_sessions(session: Session, user_id: int, keep_token: str | None = None) -> None:
    stmt = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_token is not None:
        stmt = stmt.where(UserSession.token_hash != hash_token(keep_token))
    session.execute(stmt)


def change_password(session: Session, user: User, new_password: str) -> None:
    """Set a new password and end the user's other sessions."""
    user.password_hash = hash_password(new_password)
    end_all_sessions(session, user.id, keep_token=user.session_token)


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str


def issue_invitation(
    session: Session, user: User, invited_by: User | None, valid_for: timedelta
) -> IssuedInvitation:
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=hash_token(token),
        user=user,
        invited_by_id=invited_by.id if invited_by else None,
        expires_at=utcnow() + valid_for,
    )
    session.add(invitation)
    return IssuedInvitation(invitation, token)


def find_open_invitation(session: Session, token: str) -> Invitation | None:
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at < utcnow():
        return None
    if not invitation.user.active:
        return None
    return invitation


def accept_invitation(session: Session, invitation: Invitation, password: str) -> User:
    invitation.used_at = utcnow()
    invitation.user.password_hash = hash_password(password)
    return invitation.user
