"""Audit rows: wrong-kind refusals, the account acted on, the source address, password events."""

from __future__ import annotations

from sqlalchemy import select

from iwemployer.models import AuditEntry
from tests.conftest import WebClient, World


def _rows(world: World) -> list[AuditEntry]:
    world.session.expire_all()
    return list(world.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_wrong_kind_refusals_leave_a_row(world: World, client: WebClient) -> None:
    manager = world.user("leder@nordlys.example")
    client.login_as(manager)
    assert client.get("/admin/users").status_code in (403, 404)
    assert client.get("/inbox").status_code in (403, 404)
    refused = [r for r in _rows(world) if r.user_id == manager.id and not r.permitted]
    assert len(refused) >= 2


def test_admin_changes_of_an_account_name_it_and_the_address(
    world: World, client: WebClient
) -> None:
    target = world.user("verneombud@nordlys.example")
    client.login_as(world.user("admin@nav.example"))
    for action in ("deactivate", "activate"):
        response = client.post(
            f"/admin/users/{target.id}/{action}", environ_base={"REMOTE_ADDR": "10.1.2.3"}
        )
        assert response.status_code == 303
    rows = [r for r in _rows(world) if r.endpoint.startswith("admin.user_") and r.method == "POST"]
    assert {r.endpoint for r in rows} == {"admin.user_deactivate", "admin.user_activate"}
    assert all(r.subject_user_id == target.id and r.address == "10.1.2.3" for r in rows)


def test_password_change_is_audited(world: World, client: WebClient) -> None:
    manager = world.user("leder@nordlys.example")
    client.sign_in(manager.email)
    new = "Nytt-og-langt-passord-9"
    response = client.post(
        "/account/password",
        {"current_password": "Demo-passord-2026", "new_password": new, "confirm_password": new},
    )
    assert response.status_code == 303
    assert any(
        r.endpoint == "auth.change_password" and r.subject_user_id == manager.id and r.permitted
        for r in _rows(world)
    )
