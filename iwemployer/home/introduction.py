"""The short first-visit introduction on each role's home page, until the person closes it.

Whether it shows is read from the signed-in user's own row (loaded with the session), so the
home pages spend no statement on it.
"""

from __future__ import annotations

import enum
from datetime import datetime

from ..models import MemberRole, User, UserKind


class Introduction(enum.StrEnum):
    """Whose introduction: the four employer-side roles, the adviser and the administrator."""

    MANAGER = "manager"
    SAFETY_DELEGATE = "safety_delegate"
    UNION_REP = "union_rep"
    OCCUPATIONAL_HEALTH = "occupational_health"
    ADVISER = "adviser"
    ADMIN = "admin"


def introduction_for(user: User, role: MemberRole | None) -> Introduction | None:
    """The introduction ``user`` (in ``role`` at the enterprise shown, for employers) gets on
    their home page, or None once they closed it or when they have no role there."""
    if user.introduction_dismissed_at is not None:
        return None
    if user.kind == UserKind.ADMIN:
        return Introduction.ADMIN
    if user.kind == UserKind.ADVISER:
        return Introduction.ADVISER
    return Introduction(role.value) if role is not None else None


def dismiss_introduction(user: User, now: datetime) -> None:
    """Close the introduction until the person asks for it again; closing it twice (two tabs)
    keeps the first time."""
    if user.introduction_dismissed_at is None:
        user.introduction_dismissed_at = now


def show_introduction_again(user: User) -> None:
    """Bring the introduction back on the home page (the footer's "Show the introduction")."""
    user.introduction_dismissed_at = None
