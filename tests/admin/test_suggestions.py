"""Choosing the other side of a membership: a search field with suggestions, never a <select>
of every user or enterprise; without JavaScript the whole e-mail address or number is typed."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from iwemployer.models import Membership, User
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
    # The value sent is the suggestion as written (the server reads the number back from it).
    assert '<option value="Nordlys Omsorg AS (987 654 325)"></option>' in enterprises.text
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


def test_the_invitation_offers_a_search_field_not_a_list_of_enterprises(
    world: World, client: WebClient
) -> None:
    page = _admin(world, client).get("/admin/users/invite")
    assert page.status_code == 200
    assert 'id="enterprise" list="enterprise-suggestions"' in page.text
    assert 'hx-get="/admin/suggestions/enterprises"' in page.text
    assert "<select" in page.text and 'name="enterprise_id"' not in page.text
    assert "Fjellbygg" not in page.text  # no enterprise is listed in the page


def _invite(client: WebClient, enterprise: str) -> Any:
    return client.post(
        "/admin/users/invite",
        {
            "name": "Nora Nyansatt",
            "email": "nora.nyansatt@nordlys.example",
            "kind": "employer",
            "enterprise": enterprise,
            "role": "manager",
        },
    )


def test_an_invitation_without_javascript_finds_the_enterprise_by_part_of_its_name(
    world: World, client: WebClient
) -> None:
    _admin(world, client)
    assert _invite(client, "  fjellBYGG ").status_code == 303
    world.session.expire_all()
    nora = world.user("nora.nyansatt@nordlys.example")
    joined = world.session.scalars(
        select(Membership.enterprise_id).where(Membership.user_id == nora.id)
    ).all()
    assert joined == [world.fjellbygg.id]


def test_an_ambiguous_or_unknown_enterprise_is_refused_at_the_field(
    world: World, client: WebClient
) -> None:
    _admin(world, client)
    several = _invite(client, "AS")
    assert several.status_code == 422
    # At the field, naming the first candidates; all of them offered in its datalist.
    assert re.search(r'id="enterprise-error"[^>]*>\s*<p class="aksel-error-message', several.text)
    assert "Flere virksomheter passer til «AS», blant dem" in several.text
    datalist = several.text.split('<datalist id="enterprise-suggestions">')[1]
    datalist = datalist.split("</datalist>")[0]
    assert '<option value="Fjellbygg AS (923 456 783)">' in datalist
    unknown = _invite(client, "Ingen slik virksomhet")
    assert unknown.status_code == 422
    assert "Ingen virksomhet passer til «Ingen slik virksomhet»" in unknown.text
    number = _invite(client, "812 345 680")
    assert number.status_code == 422 and "812 345 680" in number.text
    assert world.session.scalar(select(User).where(User.email.startswith("nora."))) is None
