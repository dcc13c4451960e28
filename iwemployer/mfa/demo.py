"""Demo data: the demo staff accounts have two-step verification on, all with one published
secret (README), so a newcomer can sign in as them with any authenticator app or oathtool."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import SecondFactor, User, utcnow

# Published in the README next to the demo password; refused in production.
DEMO_TOTP_SECRET = "IWDEMOSTAFFTOTPSECRETNOTFORPRODX"  # noqa: S105


def enrol_demo_staff(session: Session, emails: Iterable[str]) -> None:
    """Idempotent: a user who already has a second factor keeps it."""
    users = session.scalars(select(User).where(User.email.in_(list(emails))))
    for user in users:
        found = session.scalar(select(SecondFactor.id).where(SecondFactor.user_id == user.id))
        if found is None:
            session.add(
                SecondFactor(user_id=user.id, secret=DEMO_TOTP_SECRET, confirmed_at=utcnow())
            )
    session.flush()
