"""The occupational health service's access waits for the invited account's consent (issue 9,
point 3): the same answer whatever the address, nothing of the account shown before it accepts,
one membership however often it accepts, and a daily limit per manager that holds in parallel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iwemployer.enterprise import services
from iwemployer.enterprise.services import InviteOutcome
from iwemployer.errors import DomainError
from iwemployer.models import (
    AccessInvitation,
    AccessInvitationStatus,
    AccessOffer,
    Invitation,
    MemberRole,
    Membership,
    Notification,
    OutboxMail,
    User,
    utcnow,
)
from tests.conftest import World
from tests.reliability.race import race, refusals

WEEK = timedelta(days=7)
MANAGER = "leder@nordlys.example"
# An employer account at another enterprise only: the example the other way round.
OUTSIDER = "leder@fjellbygg.example"


def _invite(world: World, email: str, limit: int = 20, **kwargs):  # type: ignore[no-untyped-def]
    return services.invite_occupational_health(
        world.session,
        world.nordlys,
        name=kwargs.pop("name", "Bente Berg"),
        email=email,
        invited_by=world.user(kwargs.pop("by", MANAGER)),
        valid_for=WEEK,
        daily_limit=limit,
        **kwargs,
    )


def _membership(world: World, email: str) -> Membership | None:
    return world.session.scalar(
        select(Membership).where(
            Membership.user_id == world.user(email).id,
            Membership.enterprise_id == world.nordlys.id,
        )
    )


def _offers(world: World, email: str) -> list[AccessOffer]:
    return list(
        world.session.scalars(
            select(AccessOffer).where(AccessOffer.user_id == world.user(email).id)
        )
    )


def test_an_existing_account_gets_an_offer_not_a_membership(world: World) -> None:
    result = _invite(world, " Leder@Fjellbygg.example ")
    assert result.outcome == InviteOutcome.EXISTING_ACCOUNT
    assert _membership(world, OUTSIDER) is None
    [offer] = _offers(world, OUTSIDER)
    assert offer.invitation.email == "leder@fjellbygg.example"
    # The manager's side holds the typed address only: nothing that names the account.
    assert services.pending_invitations(world.session, world.nordlys.id) == [result.invitation]
    assert not any(
        m.user.email == OUTSIDER for m in services.members(world.session, world.nordlys.id)
    )
    # The invited person hears of it in the site and by mail.
    note = world.session.scalar(
        select(Notification).where(Notification.user_id == world.user(OUTSIDER).id)
    )
    assert note is not None and note.kind == services.ACCESS_INVITED
    assert note.url == "/access-invitations"


@pytest.mark.parametrize(
    ("email", "outcome"),
    [
        ("ny.person@bht.example", InviteOutcome.NEW_ACCOUNT),
        (OUTSIDER, InviteOutcome.EXISTING_ACCOUNT),
        ("verneombud@nordlys.example", InviteOutcome.ALREADY_MEMBER),
        ("radgiver.oslo@nav.example", InviteOutcome.NOT_INVITABLE),
        ("admin@nav.example", InviteOutcome.NOT_INVITABLE),
    ],
)
def test_every_address_gives_the_manager_the_same_pending_invitation(
    world: World, email: str, outcome: InviteOutcome
) -> None:
    result = _invite(world, email)
    assert result.outcome == outcome
    [pending] = services.pending_invitations(world.session, world.nordlys.id)
    assert (pending.email, pending.status) == (email, AccessInvitationStatus.PENDING)
    offers = world.session.scalar(select(func.count()).select_from(AccessOffer))
    assert offers == (
        1 if outcome in (InviteOutcome.NEW_ACCOUNT, InviteOutcome.EXISTING_ACCOUNT) else 0
    )


def test_nothing_reaches_staff_or_deactivated_accounts(world: World) -> None:
    inactive = world.user(OUTSIDER)
    inactive.active = False
    world.session.flush()
    mails_before = world.session.scalar(select(func.count()).select_from(OutboxMail))
    for email in (OUTSIDER, "radgiver.oslo@nav.example"):
        assert _invite(world, email).outcome == InviteOutcome.NOT_INVITABLE
    assert world.session.scalar(select(func.count()).select_from(AccessOffer)) == 0
    assert world.session.scalar(select(func.count()).select_from(OutboxMail)) == mails_before
    assert not world.session.scalars(
        select(Notification).where(Notification.kind == services.ACCESS_INVITED)
    ).all()


def test_a_member_already_keeps_the_one_membership(world: World) -> None:
    before = _membership(world, "verneombud@nordlys.example")
    assert before is not None
    _invite(world, "verneombud@nordlys.example")
    world.session.expire_all()
    after = _membership(world, "verneombud@nordlys.example")
    assert after is not None and (after.id, after.role) == (before.id, MemberRole.SAFETY_DELEGATE)


def test_a_new_address_gets_an_account_and_a_password_link_but_no_membership(world: World) -> None:
    result = _invite(world, "ny.person@bht.example")
    assert result.account_invitation is not None and result.user is not None
    user = world.user("ny.person@bht.example")
    assert user.password_hash is None and user.locale == world.nordlys.written_standard.value
    assert not user.memberships
    assert world.session.scalar(select(Invitation).where(Invitation.user_id == user.id))
    [offer] = _offers(world, "ny.person@bht.example")
    membership = services.accept_offer(world.session, offer)
    assert membership.role == MemberRole.OCCUPATIONAL_HEALTH


def test_accepting_gives_one_membership_however_often(world: World) -> None:
    _invite(world, OUTSIDER)
    [offer] = _offers(world, OUTSIDER)
    first = services.accept_offer(world.session, offer)
    second = services.accept_offer(world.session, offer)
    assert first.id == second.id and first.role == MemberRole.OCCUPATIONAL_HEALTH
    assert offer.invitation.status == AccessInvitationStatus.ACCEPTED
    assert services.pending_invitations(world.session, world.nordlys.id) == []
    # Its notice is taken back: there is nothing left to answer.
    assert not world.session.scalars(
        select(Notification).where(Notification.kind == services.ACCESS_INVITED)
    ).all()
    with pytest.raises(DomainError) as refused:
        services.decline_offer(world.session, offer)
    assert refused.value.status == 409


def test_declining_ends_the_invitation_and_gives_nothing(world: World) -> None:
    _invite(world, OUTSIDER)
    [offer] = _offers(world, OUTSIDER)
    services.decline_offer(world.session, offer)
    services.decline_offer(world.session, offer)  # a second click changes nothing
    assert offer.invitation.status == AccessInvitationStatus.DECLINED
    assert _membership(world, OUTSIDER) is None
    assert services.pending_invitations(world.session, world.nordlys.id) == []
    assert services.open_offers(world.session, world.user(OUTSIDER).id) == []
    with pytest.raises(DomainError):
        services.accept_offer(world.session, offer)


def test_an_expired_invitation_cannot_be_accepted(world: World) -> None:
    _invite(world, OUTSIDER)
    [offer] = _offers(world, OUTSIDER)
    later = utcnow() + WEEK + timedelta(minutes=1)
    assert services.open_offers(world.session, world.user(OUTSIDER).id, later) == []
    assert services.pending_invitations(world.session, world.nordlys.id, later) == []
    with pytest.raises(DomainError) as refused:
        services.accept_offer(world.session, offer, now=later)
    assert refused.value.status == 409
    assert _membership(world, OUTSIDER) is None


def test_a_withdrawn_invitation_cannot_be_accepted(world: World) -> None:
    result = _invite(world, OUTSIDER)
    services.withdraw_invitation(world.session, result.invitation)
    services.withdraw_invitation(world.session, result.invitation)  # again: no change
    [offer] = _offers(world, OUTSIDER)
    with pytest.raises(DomainError):
        services.accept_offer(world.session, offer)
    assert _membership(world, OUTSIDER) is None


def test_inviting_the_same_address_again_replaces_the_open_invitation(world: World) -> None:
    first = _invite(world, OUTSIDER)
    second = _invite(world, OUTSIDER)
    world.session.refresh(first.invitation)
    assert first.invitation.status == AccessInvitationStatus.WITHDRAWN
    assert services.pending_invitations(world.session, world.nordlys.id) == [second.invitation]
    assert [o.invitation for o in services.open_offers(world.session, world.user(OUTSIDER).id)] == [
        second.invitation
    ]


def test_the_daily_limit_counts_every_address_and_refuses_at_the_field(world: World) -> None:
    for email in ("a@bht.example", "radgiver.oslo@nav.example", "verneombud@nordlys.example"):
        _invite(world, email, limit=3)
    with pytest.raises(DomainError) as refused:
        _invite(world, "b@bht.example", limit=3)
    assert (refused.value.field, refused.value.status) == ("email", 429)
    assert "3" in str(refused.value)
    # A day later the count starts again; another manager has a limit of their own.
    _invite(world, "b@bht.example", limit=3, now=utcnow() + timedelta(days=1, minutes=1))


def test_parallel_invitations_cannot_exceed_the_daily_limit(app: Flask, world: World) -> None:
    limit = 3
    enterprise_id, manager_id = world.nordlys.id, world.user(MANAGER).id

    def inviting(number: int):  # type: ignore[no-untyped-def]
        def prepare(session: Session):  # type: ignore[no-untyped-def]
            from iwemployer.models import Enterprise

            enterprise = session.get(Enterprise, enterprise_id)
            manager = session.get(User, manager_id)
            assert enterprise is not None and manager is not None
            return lambda: services.invite_occupational_health(
                session,
                enterprise,
                name="Bente Berg",
                email=f"person{number}@bht.example",
                invited_by=manager,
                valid_for=WEEK,
                daily_limit=limit,
            )

        return prepare

    results = race(app, [inviting(n) for n in range(8)])
    assert len(refusals(results)) == 8 - limit
    assert all(error.status == 429 for error in refusals(results))
    world.session.expire_all()
    sent = world.session.scalar(
        select(func.count())
        .select_from(AccessInvitation)
        .where(AccessInvitation.invited_by_id == manager_id)
    )
    assert sent == limit


def test_parallel_accepts_give_one_membership(app: Flask, world: World) -> None:
    _invite(world, OUTSIDER)
    [offer] = _offers(world, OUTSIDER)
    offer_id = offer.id
    world.session.commit()

    def accepting(session: Session):  # type: ignore[no-untyped-def]
        record = session.get(AccessOffer, offer_id)
        assert record is not None
        record.invitation  # noqa: B018 (loaded before the barrier, as a request would)
        return lambda: services.accept_offer(session, record).id

    results = race(app, [accepting for _ in range(4)])
    assert not refusals(results) and len(set(results)) == 1
    world.session.expire_all()
    count = world.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.user_id == world.user(OUTSIDER).id,
            Membership.enterprise_id == world.nordlys.id,
        )
    )
    assert count == 1
