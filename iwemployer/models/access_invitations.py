"""A manager's invitation of the occupational health service, which the invited account accepts.

Two records keep the two sides apart: the enterprise's ``AccessInvitation`` holds only what the
manager typed (the address) and how it stands; the invited account's ``AccessOffer`` links it to
that account. The manager reaches the first only, so nothing of an account shows before it has
accepted (and an address with no account that can be invited looks the same as one that has).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, owned_by, utcnow
from .core import Enterprise, User, _enum


class AccessInvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class AccessInvitation(Base):
    """The occupational health service invited to an enterprise, as the manager sees it."""

    __tablename__ = "access_invitation"
    __owner__ = owned_by("enterprise", "enterprise_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    # The address as the manager typed it (normalised); never the account's name.
    email: Mapped[str] = mapped_column(String(254))
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    status: Mapped[AccessInvitationStatus] = mapped_column(
        _enum(AccessInvitationStatus, "access_invitation_status"),
        default=AccessInvitationStatus.PENDING,
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]

    enterprise: Mapped[Enterprise] = relationship()

    __table_args__ = (
        # The daily limit counts a manager's invitations of the last day.
        Index("ix_access_invitation_invited_by_created", "invited_by_id", "created_at"),
    )


class AccessOffer(Base):
    """The invited account's side of an ``AccessInvitation``: what it accepts or declines."""

    __tablename__ = "access_offer"
    __owner__ = owned_by("user", "user_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("access_invitation.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )

    invitation: Mapped[AccessInvitation] = relationship()
    user: Mapped[User] = relationship()
