"""The second factor at sign-in: a TOTP secret per user and single-use recovery codes."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, owned_by, utcnow


class SecondStep(enum.StrEnum):
    """What a session still lacks after the password; a session without one is signed in."""

    CODE = "code"
    ENROLMENT = "enrolment"


class SecondFactor(Base):
    """A user's TOTP secret (RFC 6238); unconfirmed until the first code from the app is given."""

    __tablename__ = "second_factor"
    __owner__ = owned_by("user", "user_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    # One per user: a second enrolment of the same user at the same moment fails on this.
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    # Base32, as the authenticator app gets it; it must be readable to check codes.
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    # The last 30-second time step whose code was accepted: a code is never taken twice.
    last_used_step: Mapped[int | None]


class RecoveryCode(Base):
    """A single-use code for signing in without the app; only its SHA-256 is stored."""

    __tablename__ = "recovery_code"
    __owner__ = owned_by("user", "user_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)
