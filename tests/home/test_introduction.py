"""The first-visit introduction on each role's home page: its text per role, closing it (with and
without htmx) so it stays away, and bringing it back from the footer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iwemployer.home.introduction import (
    Introduction,
    dismiss_introduction,
    introduction_for,
    show_introduction_again,
)
from iwemployer.models import MemberRole, utcnow
from tests.conftest import WebClient, World

HEADING = {"nb": "Slik bruker du nettstedet", "en": "How to use this site"}
CLOSE = {"nb": "Skjønner, ikke vis igjen", "en": "Got it, don't show this again"}


def _home(world: World, email: str) -> str:
    """Each demo person's home page; the employer side (the health service too) at Nordlys."""
    if email == "admin@nav.example":
        return "/admin/enterprises"
    if email == "radgiver.oslo@nav.example":
        return "/adviser/enterprises"
    return f"/enterprises/{world.nordlys.id}"


# --- the rules ---------------------------------------------------------------------------------


def test_each_role_gets_its_own_introduction_until_it_is_dismissed(world: World) -> None:
    manager = world.user("leder@nordlys.example")
    assert introduction_for(manager, MemberRole.MANAGER) == Introduction.MANAGER
    assert introduction_for(manager, MemberRole.SAFETY_DELEGATE) == Introduction.SAFETY_DELEGATE
    assert introduction_for(manager, None) is None
    assert introduction_for(world.user("radgiver.oslo@nav.example"), None) == Introduction.ADVISER
    assert introduction_for(world.user("admin@nav.example"), None) == Introduction.ADMIN

    now = utcnow()
    dismiss_introduction(manager, now)
    dismiss_introduction(manager, now + timedelta(hours=1))
    assert manager.introduction_dismissed_at == now  # the first closing is kept
    assert introduction_for(manager, MemberRole.MANAGER) is None

    show_introduction_again(manager)
    assert introduction_for(manager, MemberRole.MANAGER) == Introduction.MANAGER


# --- the pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "nb_text", "en_text"),
    [
        (
            "leder@nordlys.example",
            "Lag handlingsplanen sammen med verneombudet og den tillitsvalgte",
            "Make the action plan with the safety delegate and the union representative",
        ),
        (
            "verneombud@nordlys.example",
            "Som verneombud er du med på virksomhetens handlingsplan",
            "As safety delegate you take part in the enterprise's action plan",
        ),
        (
            "tillitsvalgt@nordlys.example",
            "Som tillitsvalgt er du med på virksomhetens handlingsplan",
            "As union representative you take part in the enterprise's action plan",
        ),
        (
            "bht@helsepartner.example",
            "Du bekrefter ikke planen.",
            "You do not confirm the plan.",
        ),
        (
            "radgiver.oslo@nav.example",
            "Svar på nye henvendelser i innboksen",
            "Answer new requests in the inbox",
        ),
        ("admin@nav.example", "Inviter en bruker", "Invite a user"),
    ],
)
@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_home_page_introduces_the_site_to_each_role(
    world: World, client: WebClient, email: str, nb_text: str, en_text: str, language: str
) -> None:
    client.login_as(world.user(email))
    if language == "en":
        client.post("/language", {"language": "en", "next": "/"})
    page = client.get(_home(world, email)).text
    assert HEADING[language] in page
    assert (nb_text if language == "nb" else en_text) in page
    assert CLOSE[language] in page


def test_closing_it_without_javascript_keeps_it_away(world: World, client: WebClient) -> None:
    manager = world.user("leder@nordlys.example")
    client.login_as(manager)
    home = f"/enterprises/{world.nordlys.id}"
    assert HEADING["nb"] in client.get(home).text

    closed = client.post("/introduction/dismiss")
    assert closed.status_code == 303
    page = client.get(closed.headers["Location"], follow_redirects=True).text
    assert "Introduksjonen er lukket" in page  # the message says how to get it back
    assert HEADING["nb"] not in page
    assert HEADING["nb"] not in client.get(home).text
    world.session.refresh(manager)
    assert manager.introduction_dismissed_at is not None

    # Signing in again does not bring it back; the footer's button does.
    client.login_as(manager)
    assert HEADING["nb"] not in client.get(home).text
    shown = client.post("/introduction/show")
    assert shown.status_code == 303
    assert HEADING["nb"] in client.get(shown.headers["Location"], follow_redirects=True).text


def test_htmx_swaps_the_panel_for_a_note_in_place(world: World, client: WebClient) -> None:
    client.login_as(world.user("radgiver.oslo@nav.example"))
    response = client.post("/introduction/dismiss", htmx=True)
    assert response.status_code == 200
    assert 'role="status"' in response.text
    assert "Vis introduksjonen" in response.text
    assert HEADING["nb"] not in response.text
    assert HEADING["nb"] not in client.get("/adviser/enterprises").text


def test_the_footer_offers_it_back(world: World, client: WebClient) -> None:
    client.login_as(world.user("leder@nordlys.example"))
    page = client.get(f"/enterprises/{world.nordlys.id}").text
    assert 'action="/introduction/show"' in page
    assert "Vis introduksjonen" in page


def test_an_adviser_on_an_enterprise_page_gets_no_employer_introduction(
    world: World, client: WebClient
) -> None:
    # The adviser's introduction belongs on their own home, not on the enterprises they open.
    client.login_as(world.user("radgiver.oslo@nav.example"))
    assert HEADING["nb"] not in client.get(f"/enterprises/{world.nordlys.id}").text
