"""The enterprise's people: who is a member, and the manager's invitation of its occupational
health service (the one role an enterprise may add by itself)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..auth.services import IssuedInvitation, issue_invitation, normalise_email
from ..errors import DomainError
from ..models import Enterprise, MemberRole, Membership, User, UserKind


@dataclass(frozen=True)
class InviteResult:
    user: User
    # None when the person already had an account and only got access to one more enterprise.
    invitation: IssuedInvitation | None


def members(session: Session, enterprise_id: int) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .join(Membership.user)
            .options(joinedload(Membership.user))
            .where(Membership.enterprise_id == enterprise_id, User.active.is_(True))
            .order_by(Membership.role, User.name)
        )
    )


def invite_occupational_health(
    session: Session,
    enterprise: Enterprise,
    *,
    name: str,
    email: str,
    invited_by: User,
    valid_for: timedelta,
) -> InviteResult:
    """Give a person at the occupational health service access to ``enterprise``.

    Occupational health staff often serve several enterprises, so an existing employer-side
    account gets one more membership instead of a second account.
    """
    address = normalise_email(email)
    clean_name = " ".join(name.split())
    if not clean_name:
        raise DomainError(_l("Enter the name."), "name")
    user = session.scalar(select(User).where(User.email == address))
    if user is not None:
        if user.kind != UserKind.EMPLOYER or not user.active:
            raise DomainError(
                _l("This address cannot be added here. Ask the centre to add the person."), "email"
            )
        already = session.scalar(
            select(Membership).where(
                Membership.user_id == user.id, Membership.enterprise_id == enterprise.id
            )
        )
        if already is not None:
            raise DomainError(_l("This person already has access to the enterprise."), "email")
        session.add(
            Membership(
                user_id=user.id, enterprise_id=enterprise.id, role=MemberRole.OCCUPATIONAL_HEALTH
            )
        )
        session.flush()
        return InviteResult(user, None)
    user = User(
        email=address,
        name=clean_name,
        kind=UserKind.EMPLOYER,
        password_hash=None,
        locale=enterprise.written_standard.value,
    )
    session.add(user)
    session.flush()
    session.add(
        Membership(
            user_id=user.id, enterprise_id=enterprise.id, role=MemberRole.OCCUPATIONAL_HEALTH
        )
    )
    issued = issue_invitation(session, user, invited_by, valid_for)
    session.flush()
    return InviteResult(user, issued)


def can_remove_access(membership: Membership) -> bool:
    """Managers may end the access they gave; other roles are the centre's to change."""
    return membership.role == MemberRole.OCCUPATIONAL_HEALTH


def remove_occupational_health(session: Session, membership: Membership) -> None:
    """End the occupational health service's access (see ``can_remove_access``)."""
    if not can_remove_access(membership):
        raise DomainError(
            _l("Only the occupational health service's access can be removed here."), "membership"
        )
    session.delete(membership)
