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
    assert user is not None and user.password_hash is None
    assert user.memberships[0].role == MemberRole.OCCUPATIONAL_HEALTH
    mail = smtp_server.deliver()[-1]
    assert mail["To"] == "bente@bht.example"
    assert "/invitation/" in mail.get_body(("plain",)).get_content()
    again = manager.post(
        f"{_url(world)}/occupational-health", {"name": "Bente Berg", "email": "bente@bht.example"}
    )
    assert again.status_code == 422


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
    mail = smtp_server.deliver()[-1]
    assert mail["Subject"] == "Kontoen din på IA-arbeidsgivarsida"
    assert "har oppretta ein konto for deg" in mail.get_body(("plain",)).get_content()
    # The manager's own pages stay in their language.
    assert '<html lang="nb">' in client.get(f"/enterprises/{world.fjellbygg.id}/members").text


def test_existing_ohs_account_gets_one_more_membership(
    world: World, manager: WebClient, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    other = world.user("bht@helsepartner.example")
    # Remove the Nordlys access first, then give it again: no second account is made.
    membership = next(m for m in other.memberships if m.enterprise_id == world.nordlys.id)
    assert manager.post(f"{_url(world)}/{membership.id}/remove").status_code == 303
    response = manager.post(
        f"{_url(world)}/occupational-health",
        {"name": "Eva Strand", "email": "bht@helsepartner.example"},
    )
    assert response.status_code == 303
    world.session.expire_all()
    count = world.session.scalars(
        select(User).where(User.email == "bht@helsepartner.example")
    ).all()
    assert len(count) == 1
    assert "Nordlys Omsorg AS" in smtp_server.deliver()[-1].get_body(("plain",)).get_content()
    assert "/invitation/" not in smtp_server.messages[-1].get_body(("plain",)).get_content()


def test_invalid_input_keeps_what_was_typed(world: World, manager: WebClient) -> None:
    response = manager.post(
        f"{_url(world)}/occupational-health", {"name": "Bente", "email": "nope"}
    )
    assert response.status_code == 422
    assert 'value="Bente"' in response.text and 'value="nope"' in response.text


def test_adviser_or_staff_address_cannot_be_added(world: World, manager: WebClient) -> None:
    response = manager.post(
        f"{_url(world)}/occupational-health", {"name": "X", "email": "radgiver.oslo@nav.example"}
    )
    assert response.status_code == 422


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
    world: World, manager: WebClient
) -> None:
    from iwemployer.models import AuditEntry

    # The service refuses an adviser's address; the view rolls back; the attempt stays logged.
    response = manager.post(
        f"{_url(world)}/occupational-health", {"name": "X", "email": "radgiver.oslo@nav.example"}
    )
    assert response.status_code == 422
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
