"""Audit rows: wrong-kind refusals, the account acted on, the source address, password events;
a read's row written in the request's own transaction, and kept when the request fails."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from iwemployer.admin import views as admin_views
from iwemployer.errors import DomainError
from iwemployer.extensions import db
from iwemployer.models import AuditEntry, Membership
from tests.conftest import WebClient, World

ADMIN = "admin@nav.example"


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


@dataclass
class Transactions:
    begun: int = 0
    committed: int = 0


@contextmanager
def count_transactions(app: Flask) -> Iterator[Transactions]:
    """Transactions begun and committed on the app's engine inside the block."""
    seen = Transactions()
    engine = db.engine_for(app)

    def begun(_conn: Any) -> None:
        seen.begun += 1

    def committed(_conn: Any) -> None:
        seen.committed += 1

    event.listen(engine, "begin", begun)
    event.listen(engine, "commit", committed)
    try:
        yield seen
    finally:
        event.remove(engine, "begin", begun)
        event.remove(engine, "commit", committed)


def _rows_for(world: World, endpoint: str) -> list[AuditEntry]:
    return [r for r in _rows(world) if r.endpoint == endpoint]


def test_a_read_page_is_one_transaction_with_its_audit_row(
    app: Flask, world: World, client: WebClient
) -> None:
    admin = world.user(ADMIN)
    target = world.user("leder@nordlys.example")
    client.login_as(admin)
    assert client.get(f"/admin/users/{target.id}").status_code == 200
    with count_transactions(app) as transactions:
        assert client.get(f"/admin/users/{target.id}").status_code == 200
    # Was two: the read's row committed on its own, then the page's reads in a second one.
    assert (transactions.begun, transactions.committed) == (1, 1)
    rows = _rows_for(world, "admin.user_detail")
    assert len(rows) == 2
    assert all(r.permitted and r.action == "read" and r.subject_user_id == target.id for r in rows)


def test_refusals_leave_their_rows(world: World, client: WebClient) -> None:
    manager = world.user("leder@nordlys.example")
    client.login_as(manager)
    assert client.get("/inbox").status_code == 403
    assert client.get(f"/enterprises/{world.fjellbygg.id}/requests").status_code == 404
    refused = [(r.endpoint, r.permitted) for r in _rows(world) if r.user_id == manager.id]
    assert ("requests.inbox", False) in refused
    assert ("requests.enterprise_list", False) in refused


def test_an_invalid_change_leaves_its_row_and_nothing_else(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADMIN))
    manager = world.user("leder@fjellbygg.example")
    before = world.session.scalar(select(func.count()).select_from(Membership))
    sent = client.post(
        "/admin/memberships",
        {"back": "user", "user_id": manager.id, "enterprise": "no such enterprise", "role": ""},
    )
    assert sent.status_code == 422
    rows = _rows_for(world, "admin.membership_add")
    assert [(r.method, r.action, r.permitted) for r in rows] == [("POST", "change", True)]
    assert world.session.scalar(select(func.count()).select_from(Membership)) == before


def test_a_view_that_fails_still_leaves_the_row_of_its_read(
    world: World, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the page failed after its lookup")

    monkeypatch.setattr(admin_views, "_user_page", broken)
    target = world.user("leder@nordlys.example")
    client.login_as(world.user(ADMIN))
    assert client.get(f"/admin/users/{target.id}").status_code == 500
    rows = _rows_for(world, "admin.user_detail")
    assert [(r.permitted, r.subject_user_id) for r in rows] == [(True, target.id)]


def test_a_change_that_fails_half_way_is_undone_and_its_row_kept(
    world: World, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_done(session: Any, user: Any, _by: Any) -> None:
        user.active = False
        session.flush()
        raise RuntimeError("failed after writing")

    monkeypatch.setattr(admin_views.services, "deactivate_user", half_done)
    target = world.user("verneombud@nordlys.example")
    client.login_as(world.user(ADMIN))
    assert client.post(f"/admin/users/{target.id}/deactivate").status_code == 500
    world.session.expire_all()
    assert world.user("verneombud@nordlys.example").active
    rows = _rows_for(world, "admin.user_deactivate")
    assert [(r.permitted, r.action, r.subject_user_id) for r in rows] == [
        (True, "change", target.id)
    ]


def test_a_savepoint_within_the_request_does_not_lose_its_rows(
    world: World, client: WebClient
) -> None:
    # Sending a question adds the request in a savepoint (a unique token); the change's row
    # still goes in with the request's commit.
    client.login_as(world.user("leder@nordlys.example"))
    url = f"/enterprises/{world.nordlys.id}/requests/new/question"
    token = re.search(r'name="form_token"[^>]*value="([^"]+)"', client.get(url).text)
    assert token is not None
    sent = client.post(
        url,
        {
            "form_token": token.group(1),
            "question_kind": "question",
            "subject": "Spørsmål om tilretteleggingstilskudd",
            "description": "Hvordan søker vi?",
        },
    )
    assert sent.status_code == 303, sent.text
    rows = _rows_for(world, "requests.enterprise_new_question")
    assert [(r.method, r.action, r.permitted) for r in rows if r.method == "POST"] == [
        ("POST", "change", True)
    ]


def test_a_refused_change_never_commits_what_was_left_unflushed(
    world: World, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit rows' end-of-request commit must not take along a change the view did not
    commit (here one that was never flushed either)."""

    def changed_then_refused(_session: Any, user: Any, _by: Any) -> None:
        user.active = False
        raise DomainError("refused after changing")

    monkeypatch.setattr(admin_views.services, "deactivate_user", changed_then_refused)
    target = world.user("verneombud@nordlys.example")
    client.login_as(world.user(ADMIN))
    assert client.post(f"/admin/users/{target.id}/deactivate").status_code in (303, 422)
    world.session.expire_all()
    assert world.user("verneombud@nordlys.example").active
    assert [r.permitted for r in _rows_for(world, "admin.user_deactivate")] == [True]
