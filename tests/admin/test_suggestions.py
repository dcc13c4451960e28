"""Choosing the other side of a membership: a search field with suggestions, never a <select>
of every user or enterprise; without JavaScript the whole e-mail address or number is typed."""

from __future__ import annotations

import re

from sqlalchemy import select

from iwemployer.models import Membership
from tests.conftest import WebClient, World

ADMIN = "admin@nav.example"


def _admin(world: World, client: WebClient) -> WebClient:
    client.login_as(world.user(ADMIN))
    return client


def test_the_enterprise_page_offers_a_search_field_not_a_list_of_users(
    world: World, client: WebClient
) -> None:
    page = _admin(world, client).get(f"/admin/enterprises/{world.nordlys.id}")
    assert page.status_code == 200
    assert 'list="user-suggestions"' in page.text
    assert 'hx-get="/admin/suggestions/users"' in page.text
    assert 'name="user_id"' not in page.text  # no <select> of every employer-side user


def test_suggestions_are_employer_side_users_and_enterprises(
    world: World, client: WebClient
) -> None:
    _admin(world, client)
    users = client.get("/admin/suggestions/users?user=nordlys", htmx=True)
    assert users.status_code == 200
    assert '<option value="leder@nordlys.example">' in users.text
    advisers = client.get("/admin/suggestions/users?user=radgiver", htmx=True)
    assert "<option" not in advisers.text  # advisers are never members
    enterprises = client.get("/admin/suggestions/enterprises?enterprise=987654", htmx=True)
    assert '<option value="987654325">Nordlys Omsorg AS (987 654 325)</option>' in enterprises.text
    plain = client.get("/admin/suggestions/enterprises?enterprise=nord")
    assert plain.status_code == 303 and "/admin/enterprises?q=nord" in plain.headers["Location"]


def test_a_member_added_by_typing_the_whole_address_or_number(
    world: World, client: WebClient
) -> None:
    _admin(world, client)
    manager = world.user("leder@fjellbygg.example")
    sent = client.post(
        "/admin/memberships",
        {
            "back": "enterprise",
            "enterprise_id": world.nordlys.id,
            "user": " Leder@Fjellbygg.example ",
            "role": "manager",
        },
    )
    assert sent.status_code == 303
    unknown = client.post(
        "/admin/memberships",
        {"back": "user", "user_id": manager.id, "enterprise": "123", "role": "manager"},
    )
    assert unknown.status_code == 422
    # The message at the search field (in the page's language).
    assert re.search(r'id="enterprise-error"[^>]*>\s*<p class="aksel-error-message', unknown.text)
    by_number = client.post(
        "/admin/memberships",
        {"back": "user", "user_id": manager.id, "enterprise": "934 567 897", "role": "manager"},
    )
    assert by_number.status_code == 303
    world.session.expire_all()
    joined = world.session.scalars(
        select(Membership.enterprise_id).where(Membership.user_id == manager.id)
    ).all()
    assert {world.nordlys.id, world.fjellbygg.id} <= set(joined) and len(joined) == 3
