from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from iwemployer.enterprise import services
from iwemployer.errors import DomainError
from iwemployer.models import MemberRole, Membership, User
from tests.conftest import WebClient, World


@pytest.fixture
def manager(world: World, client: WebClient) -> Iterator[WebClient]:
    client.login_as(world.user("leder@nordlys.example"))
    yield client


def _url(world: World) -> str:
    return f"/enterprises/{world.nordlys.id}/members"


def test_members_listed_for_everyone_at_the_enterprise(world: World, client: WebClient) -> None:
    client.login_as(world.user("tillitsvalgt@nordlys.example"))
    page = client.get(_url(world)).text
    for name in ("Marte Lie", "Ola Nilsen", "Aisha Rahman", "Eva Strand"):
        assert name in page
    assert "Give access" not in page and "Gi tilgang" not in page


def test_manager_invites_occupational_health_by_mail(
    world: World, manager: WebClient, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    response = manager.post(
        f"{_url(world)}/occupational-health", {"name": "Bente Berg", "email": "Bente@BHT.example"}
    )
    assert response.status_code == 303
    user = world.session.scalar(select(User).where(User.email == "bente@bht.example"))
    # The account exists to choose a password; the access waits for the person's answer.
    assert user is not None and user.password_hash is None and not user.memberships
    mail = next(m for m in smtp_server.deliver() if "/invitation/" in _text(m))
    assert mail["To"] == "bente@bht.example"
    page = manager.get(_url(world)).text
    assert "bente@bht.example" in page and "Bente Berg" not in page
    again = manager.post(
        f"{_url(world)}/occupational-health", {"name": "Bente Berg", "email": "bente@bht.example"}
    )
    assert again.status_code == 303


def _text(mail) -> str:  # type: ignore[no-untyped-def]
    return str(mail.get_body(("plain",)).get_content())


def test_ohs_invited_to_a_nynorsk_enterprise_starts_in_nynorsk(
    world: World, client: WebClient, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    # Fjellbygg's written standard is nynorsk (the demo seed); its manager uses bokmål.
    client.login_as(world.user("leder@fjellbygg.example"))
    response = client.post(
        f"/enterprises/{world.fjellbygg.id}/members/occupational-health",
        {"name": "Bente Berg", "email": "bente@bht.example"},
    )
    assert response.status_code == 303
    user = world.session.scalar(select(User).where(User.email == "bente@bht.example"))
    assert user is not None and user.locale == "nn"
    mails = smtp_server.deliver()
    account = next(m for m in mails if m["Subject"] == "Kontoen din på IA-arbeidsgivarsida")
    assert "har oppretta ein konto for deg" in _text(account)
    # The manager's own pages stay in their language.
    assert '<html lang="nb">' in client.get(f"/enterprises/{world.fjellbygg.id}/members").text


def test_existing_ohs_account_is_invited_not_added(
    world: World, manager: WebClient, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    other = world.user("bht@helsepartner.example")
    # Remove the Nordlys access first, then invite again: no second account, no access yet.
    membership = next(m for m in other.memberships if m.enterprise_id == world.nordlys.id)
    assert manager.post(f"{_url(world)}/{membership.id}/remove").status_code == 303
    response = manager.post(
        f"{_url(world)}/occupational-health",
        {"name": "Eva Strand", "email": "bht@helsepartner.example"},
    )
    assert response.status_code == 303
    world.session.expire_all()
    assert len(world.session.scalars(select(User).where(User.email == other.email)).all()) == 1
    assert not any(m.enterprise_id == world.nordlys.id for m in other.memberships)
    mail = next(m for m in smtp_server.deliver() if m["To"] == other.email)
    # The mail names no enterprise (details stay behind the sign-in); the link leads to them.
    assert "/access-invitations" in _text(mail) and "bedriftshelsetjeneste" in _text(mail)
    assert "/invitation/" not in _text(mail)


def test_invalid_input_keeps_what_was_typed(world: World, manager: WebClient) -> None:
    response = manager.post(
        f"{_url(world)}/occupational-health", {"name": "Bente", "email": "nope"}
    )
    assert response.status_code == 422
    assert 'value="Bente"' in response.text and 'value="nope"' in response.text


def test_manager_cannot_remove_other_roles(world: World, manager: WebClient) -> None:
    safety = world.session.scalar(
        select(Membership).where(
            Membership.enterprise_id == world.nordlys.id,
            Membership.role == MemberRole.SAFETY_DELEGATE,
        )
    )
    assert safety is not None
    response = manager.post(f"{_url(world)}/{safety.id}/remove")
    assert response.status_code == 422
    assert manager.post(f"{_url(world)}/999999/remove").status_code == 404


def test_service_refuses_removal_of_manager(world: World) -> None:
    manager_membership = world.session.scalar(
        select(Membership).where(Membership.role == MemberRole.MANAGER)
    )
    assert manager_membership is not None
    with pytest.raises(DomainError):
        services.remove_occupational_health(world.session, manager_membership)


def test_refused_change_keeps_its_audit_row_after_rollback(
    world: World, manager: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iwemployer.models import AuditEntry

    # The service refuses (the day's limit is reached); the view rolls back; the attempt stays.
    monkeypatch.setitem(manager.app.config, "ACCESS_INVITATIONS_PER_DAY", 0)
    response = manager.post(
        f"{_url(world)}/occupational-health", {"name": "X", "email": "x@bht.example"}
    )
    assert response.status_code == 429
    rows = world.session.scalars(
        select(AuditEntry).where(AuditEntry.endpoint == "enterprise.invite_occupational_health")
    ).all()
    assert [(r.enterprise_id, r.action, r.permitted) for r in rows] == [
        (world.nordlys.id, "change", True)
    ]


def test_remove_buttons_follow_the_rule_the_service_enforces(
    world: World, manager: WebClient
) -> None:
    """The manager sees "Remove access" exactly for the memberships the service would remove."""
    page = manager.get(_url(world)).text
    members = services.members(world.session, world.nordlys.id)
    assert members
    for m in members:
        url = f"{_url(world)}/{m.id}/remove"
        assert (f'action="{url}"' in page) == services.can_remove_access(m)
    refused = next(m for m in members if not services.can_remove_access(m))
    assert manager.post(f"{_url(world)}/{refused.id}/remove").status_code == 422


def test_members_of_other_roles_see_no_remove_buttons(world: World, client: WebClient) -> None:
    client.login_as(world.user("verneombud@nordlys.example"))
    assert "/remove" not in client.get(_url(world)).text
