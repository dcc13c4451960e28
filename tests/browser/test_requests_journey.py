"""The requests journey in a real browser: the employer asks, the contact person answers (htmx,
no reload), the employer sees the answer and rates it. axe on every page on the way, both
languages, and the same conversation without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.conftest import World

from .conftest import sign_out

SignIn = Callable[..., None]
Check = Callable[[Page], None]

MANAGER = "leder@nordlys.example"
ADVISER = "radgiver.oslo@nav.example"
SUBJECT = "Hvordan søker vi om tilretteleggingstilskudd?"
ANSWER = "Dere søker via Altinn. Jeg hjelper dere gjerne med søknaden."


def _click(page: Page, name: str | re.Pattern[str], role: str = "link") -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role(role, name=name).first.click()  # type: ignore[arg-type]


def _mark_page(page: Page) -> None:
    """A flag on window survives htmx swaps but not a page load."""
    page.evaluate("window.__requestsNoReload = true")


def _not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__requestsNoReload === true"), "the page was reloaded"


def test_employer_asks_adviser_answers_employer_rates(
    world: World, page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    # The manager asks, from the enterprise's home page.
    sign_in(page, MANAGER)
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    _click(page, "Gå til henvendelser")
    expect(page.get_by_role("heading", level=1)).to_have_text("Henvendelser til kontaktpersonen")
    assert_accessible(page)

    # Case help first: the form refuses an identity number and keeps the text.
    _click(page, "Be om hjelp i en enkeltsak eller komplisert sak")
    expect(page.locator("main")).to_contain_text(
        "Ikke skriv navn, fødselsnummer eller helseopplysninger."
    )
    assert_accessible(page)
    page.get_by_label("Tilrettelegging på arbeidsplassen").check()
    page.get_by_label("Beskriv situasjonen").fill("Gjelder 010190 12345, trenger råd.")
    _click(page, "Send henvendelsen", role="button")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Fjern fødselsnummeret.")
    expect(page.get_by_label("Beskriv situasjonen")).to_have_value(
        "Gjelder 010190 12345, trenger råd."
    )
    expect(page.get_by_label("Tilrettelegging på arbeidsplassen")).to_be_checked()
    assert_accessible(page)

    # Then a question: sent once, however eager the click.
    page.goto(f"/enterprises/{world.nordlys.id}/requests/new/question")
    assert_accessible(page)
    page.get_by_label("Emne").fill(SUBJECT)
    page.get_by_label("Spørsmålet ditt", exact=True).fill("Vi vil tilrettelegge for en ansatt.")
    # Two submits: the browser drops the first page load for the second, which the same
    # one-time token sends to the request the first one made.
    page.locator("main").get_by_role("button", name="Send").dblclick()
    page.wait_for_url(re.compile(r"/requests/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SUBJECT)
    expect(page.locator("#conversation")).to_contain_text("Sendt inn")
    expect(page.locator("#conversation")).to_contain_text("Ingrid Haugen")
    assert_accessible(page)
    request_url = page.url
    _click(page, "Tilbake til henvendelsene")
    expect(page.locator("main table")).to_contain_text(SUBJECT)
    assert page.locator("main table").get_by_text(SUBJECT).count() == 1
    sign_out(page)

    # The contact person sees it in the inbox, takes it and answers, without reloads.
    sign_in(page, ADVISER)
    expect(page.locator(".site-nav")).to_contain_text(re.compile(r"Henvendelser \(\d+ ulest"))
    page.goto("/inbox")
    expect(page.locator("#unread-badge")).to_contain_text("2 uleste")
    expect(page.locator("tr.row--overdue")).to_have_count(1)
    assert_accessible(page)
    _click(page, SUBJECT)
    conversation = page.locator("#conversation")
    _mark_page(page)
    conversation.get_by_role("button", name="Start behandlingen").click()
    expect(conversation).to_contain_text("Under arbeid")
    expect(conversation).to_contain_text("Ingrid Haugen behandler henvendelsen.")
    expect(page.locator("#messages")).to_contain_text("Du behandler nå henvendelsen.")
    # The pressed button is gone with the swap: focus moves to the region's heading.
    expect(page.locator("#conversation-heading")).to_be_focused()
    page.get_by_label("Meldingen din").fill(ANSWER)
    conversation.get_by_role("button", name="Send og marker som besvart").click()
    expect(conversation.locator(".thread")).to_contain_text(ANSWER)
    expect(conversation).to_contain_text("Besvart")
    expect(page.get_by_label("Meldingen din")).to_have_value("")
    _not_reloaded(page)
    assert_accessible(page)
    # Closing ends the conversation, so its button sits behind a disclosure.
    conversation.locator("details.confirm-action summary", has_text="Avslutt henvendelsen").click()
    conversation.get_by_role("button", name="Avslutt henvendelsen", exact=True).click()
    expect(conversation).to_contain_text("Avsluttet")
    expect(page.get_by_label("Meldingen din")).to_have_count(0)
    _not_reloaded(page)
    sign_out(page)

    # The manager sees the answer and rates the help, once.
    sign_in(page, MANAGER)
    page.goto(request_url)
    conversation = page.locator("#conversation")
    expect(conversation).to_contain_text(ANSWER)
    expect(conversation).to_contain_text("Avsluttet")
    expect(conversation.get_by_role("heading", name="Hvordan var hjelpen?")).to_be_visible()
    assert_accessible(page)
    _mark_page(page)
    conversation.get_by_label("4 – Nyttig").check()
    conversation.get_by_label("Kommentar").fill("Raskt og nyttig svar.")
    conversation.get_by_role("button", name="Send vurderingen").click()
    expect(conversation).to_contain_text("Vurdert til 4 av 5.")
    expect(page.locator("#messages")).to_contain_text("Takk for vurderingen.")
    expect(conversation.get_by_role("heading", name="Hvordan var hjelpen?")).to_have_count(0)
    _not_reloaded(page)
    assert_accessible(page)

    # The same page in English.
    with page.expect_navigation():
        page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(conversation).to_contain_text("Closed")
    expect(conversation).to_contain_text("Rated 4 of 5.")
    assert_accessible(page)
    sign_out(page)

    # The contact person's own average now counts the new rating (this browser kept English).
    sign_in(page, ADVISER)
    page.goto("/inbox")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main")).to_contain_text("Your average rating: 4.5 of 5 (2 ratings).")
    assert_accessible(page)


def test_conversation_without_javascript(
    world: World, no_js_page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    page = no_js_page
    sign_in(page, ADVISER)
    page.goto("/inbox")
    _click(page, "Langvarig eller gjentatt sykefravær")
    page.get_by_label("Meldingen din").fill("Jeg ringer deg i morgen.")
    _click(page, "Send uten å markere som besvart", role="button")
    expect(page.locator("#messages")).to_contain_text("Svaret ditt er sendt.")
    expect(page.locator("#conversation .thread")).to_contain_text("Jeg ringer deg i morgen.")
    expect(page.locator("#conversation")).to_contain_text("Under arbeid")
    page.get_by_label("Kollega", exact=True).select_option(label="Jonas Berg")
    _click(page, "Gi videre", role="button")
    expect(page.locator("#messages")).to_contain_text("Henvendelsen er gitt videre til Jonas Berg.")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, MANAGER)
    page.goto(f"/enterprises/{world.nordlys.id}/requests")
    _click(page, "Langvarig eller gjentatt sykefravær")
    expect(page.locator("#conversation")).to_contain_text("Jeg ringer deg i morgen.")
    expect(page.locator("#conversation")).to_contain_text("Jonas Berg")
    page.get_by_label("Meldingen din").fill("Takk, det passer fint.")
    _click(page, "Send", role="button")
    expect(page.locator("#conversation .thread")).to_contain_text("Takk, det passer fint.")
    # The no-JS axe check copies the page by its URL; drop the "#conversation" anchor first.
    page.goto(page.url.split("#")[0])
    assert_accessible(page)
