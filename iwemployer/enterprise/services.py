"""The enterprise's people: who is a member, and the manager's invitation of its occupational
health service (the one role an enterprise may add by itself).

An invitation gives access only once the invited account accepts it. Whatever the address (a new
one, an employer account, a member already, a NAV staff or deactivated account), the manager gets
the same answer and sees the same pending invitation to the address typed; only a new address or
an employer account that is not yet a member gets something it can accept.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from ..auth.services import IssuedInvitation, issue_invitation, normalise_email
from ..errors import DomainError
from ..locking import lock_row
from ..models import (
    AccessInvitation,
    AccessInvitationStatus,
    AccessOffer,
    Enterprise,
    MemberRole,
    Membership,
    User,
    UserKind,
    utcnow,
)
from ..notifications.services import notify, register_event, withdraw
from ..translation import lazy_gettext as _l

ACCESS_INVITED = "enterprise.access_invited"
register_event(
    ACCESS_INVITED,
    _l(
        "%(enterprise)s invites you to read its pages as its occupational health service. "
        "Accept or decline the invitation."
    ),
    mail_default=True,
    mail_line=_l(
        "You are invited to be an enterprise's occupational health service on the IW "
        "employer site. Sign in to accept or decline."
    ),
)
# A manager's invitations are counted over this window for the daily limit.
LIMIT_WINDOW = timedelta(days=1)


class InviteOutcome(enum.StrEnum):
    """What an invitation reached; for the log and the tests, never for the manager."""

    NEW_ACCOUNT = "new_account"
    EXISTING_ACCOUNT = "existing_account"
    ALREADY_MEMBER = "already_member"
    # A NAV staff or deactivated account: nothing is sent, the invitation runs out unanswered.
    NOT_INVITABLE = "not_invitable"


@dataclass(frozen=True)
class InviteResult:
    invitation: AccessInvitation
    outcome: InviteOutcome
    # The account the invitation reached, if any (never shown to the manager).
    user: User | None
    # A new account's link to choose a password.
    account_invitation: IssuedInvitation | None


def access_subject(invitation_id: int) -> str:
    return f"access-invitation:{invitation_id}"


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
    daily_limit: int,
    now: datetime | None = None,
) -> InviteResult:
    """Invite a person at the occupational health service to ``enterprise``.

    Every call records a pending invitation to the typed address and counts towards the
    inviter's daily limit, whatever the address turns out to be. A new address gets an account
    (without a password) and an offer; an existing employer account that is not a member gets an
    offer, which it accepts or declines (occupational health staff often serve several
    enterprises, so they keep one account). Staff, deactivated accounts and members already get
    nothing.
    """
    now = now or utcnow()
    address = normalise_email(email)
    clean_name = " ".join(name.split())
    if not clean_name:
        raise DomainError(_l("Enter the name."), "name")
    # The inviter's row queues concurrent invitations by the same person, so the count below
    # and the insert cannot interleave: the limit holds under parallel requests.
    lock_row(session, invited_by)
    sent = session.scalar(
        select(func.count())
        .select_from(AccessInvitation)
        .where(
            AccessInvitation.invited_by_id == invited_by.id,
            AccessInvitation.created_at > now - LIMIT_WINDOW,
        )
    )
    if (sent or 0) >= daily_limit:
        raise DomainError(
            _l(
                "You have sent %(n)d invitations in the last 24 hours, which is the limit. "
                "Try again tomorrow, or ask your contact person at the centre.",
                n=daily_limit,
            ),
            "email",
            429,
        )
    _replace_open(session, enterprise.id, address, now)
    invitation = AccessInvitation(
        enterprise_id=enterprise.id,
        email=address,
        invited_by_id=invited_by.id,
        created_at=now,
        expires_at=now + valid_for,
    )
    session.add(invitation)
    user = session.scalar(select(User).where(User.email == address))
    issued = None
    if user is None:
        user = User(
            email=address,
            name=clean_name,
            kind=UserKind.EMPLOYER,
            password_hash=None,
            locale=enterprise.written_standard.value,
        )
        session.add(user)
        session.flush()
        issued = issue_invitation(session, user, invited_by, valid_for)
        outcome = InviteOutcome.NEW_ACCOUNT
    elif user.kind != UserKind.EMPLOYER or not user.active:
        outcome = InviteOutcome.NOT_INVITABLE
    elif session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id, Membership.enterprise_id == enterprise.id
        )
    ):
        outcome = InviteOutcome.ALREADY_MEMBER
    else:
        outcome = InviteOutcome.EXISTING_ACCOUNT
    session.flush()
    if outcome in (InviteOutcome.NEW_ACCOUNT, InviteOutcome.EXISTING_ACCOUNT):
        session.add(AccessOffer(invitation_id=invitation.id, user_id=user.id))
        notify(
            session,
            [user.id],
            ACCESS_INVITED,
            url="/access-invitations",
            params={"enterprise": enterprise.name},
            subject=access_subject(invitation.id),
        )
        session.flush()
    return InviteResult(invitation, outcome, user, issued)


def _replace_open(session: Session, enterprise_id: int, address: str, now: datetime) -> None:
    """A new invitation to the same address replaces the open one (and its notice)."""
    open_ids = list(
        session.scalars(
            select(AccessInvitation.id).where(
                AccessInvitation.enterprise_id == enterprise_id,
                AccessInvitation.email == address,
                AccessInvitation.status == AccessInvitationStatus.PENDING,
            )
        )
    )
    for invitation_id in open_ids:
        _end(session, invitation_id, AccessInvitationStatus.WITHDRAWN, now)


def _end(
    session: Session, invitation_id: int, status: AccessInvitationStatus, now: datetime
) -> bool:
    """Move a pending, unexpired invitation to ``status``; False when it was not open.

    A conditional update: of two concurrent answers (a double click, an accept racing a
    withdrawal) exactly one finds it pending.
    """
    result = session.execute(
        update(AccessInvitation)
        .where(
            AccessInvitation.id == invitation_id,
            AccessInvitation.status == AccessInvitationStatus.PENDING,
            AccessInvitation.expires_at > now,
        )
        .values(status=status, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    ended = bool(getattr(result, "rowcount", 0))
    if ended:
        withdraw(session, access_subject(invitation_id), [ACCESS_INVITED])
    return ended


def pending_invitations(
    session: Session, enterprise_id: int, now: datetime | None = None
) -> list[AccessInvitation]:
    """The enterprise's open invitations: the typed address and until when, nothing more."""
    return list(
        session.scalars(
            select(AccessInvitation)
            .where(
                AccessInvitation.enterprise_id == enterprise_id,
                AccessInvitation.status == AccessInvitationStatus.PENDING,
                AccessInvitation.expires_at > (now or utcnow()),
            )
            .order_by(AccessInvitation.created_at, AccessInvitation.id)
        )
    )


def open_offers(session: Session, user_id: int, now: datetime | None = None) -> list[AccessOffer]:
    """The invitations waiting for ``user_id``'s answer, with their enterprises."""
    return list(
        session.scalars(
            select(AccessOffer)
            .join(AccessOffer.invitation)
            .options(joinedload(AccessOffer.invitation).joinedload(AccessInvitation.enterprise))
            .where(
                AccessOffer.user_id == user_id,
                AccessInvitation.status == AccessInvitationStatus.PENDING,
                AccessInvitation.expires_at > (now or utcnow()),
            )
            .order_by(AccessInvitation.created_at, AccessOffer.id)
        )
    )


def _refused_answer() -> DomainError:
    return DomainError(
        _l("This invitation is no longer open. Ask the manager for a new one if you need it."),
        None,
        409,
    )


def _answer(
    session: Session,
    invitation: AccessInvitation,
    status: AccessInvitationStatus,
    now: datetime,
    refused: DomainError | None = None,
) -> None:
    """End the open invitation with ``status``; the same answer again (a double click) passes,
    any other ending is ``refused`` (by default: no longer open, ask for a new one)."""
    ended = _end(session, invitation.id, status, now)
    session.refresh(invitation)
    if not ended and invitation.status != status:
        raise refused or _refused_answer()


def accept_offer(session: Session, offer: AccessOffer, now: datetime | None = None) -> Membership:
    """The invited account accepts: now, and only now, it becomes a member. Accepting twice
    (a double click) gives the same one membership."""
    invitation = offer.invitation
    _answer(session, invitation, AccessInvitationStatus.ACCEPTED, now or utcnow())
    added = Membership(
        user_id=offer.user_id,
        enterprise_id=invitation.enterprise_id,
        role=MemberRole.OCCUPATIONAL_HEALTH,
    )
    try:
        with session.begin_nested():
            session.add(added)
        return added
    except IntegrityError:
        # A member already (an earlier click, or the centre added them): the unique
        # constraint refused a second membership, and the one there stays.
        membership = session.scalar(
            select(Membership).where(
                Membership.user_id == offer.user_id,
                Membership.enterprise_id == invitation.enterprise_id,
            )
        )
        assert membership is not None
        return membership


def decline_offer(session: Session, offer: AccessOffer, now: datetime | None = None) -> None:
    """The invited account declines: the invitation ends, and the manager learns no more."""
    _answer(session, offer.invitation, AccessInvitationStatus.DECLINED, now or utcnow())


def withdraw_invitation(
    session: Session, invitation: AccessInvitation, now: datetime | None = None
) -> None:
    """The manager takes back an open invitation (again: nothing more happens)."""
    refused = DomainError(_l("This invitation is no longer open."), None, 409)
    _answer(session, invitation, AccessInvitationStatus.WITHDRAWN, now or utcnow(), refused)


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
