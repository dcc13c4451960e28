"""The health-details warning and the adviser's removal in a real browser, bokmål and English:
the manager's case-help text with a diagnosis is shown again with the warning and the box, sent
after ticking it; the contact person removes the description behind a disclosure. axe on the way."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World

from .conftest import enter_as

SignIn = Callable[..., None]
Check = Callable[[Page], None]

MANAGER = "leder@nordlys.example"
ADVISER = "radgiver.oslo@nav.example"
TEXT = "Kari Nordmann er 50 % sykmeldt for depresjon."
WORDS = {
    "nb": ("Beskriv situasjonen", "Send henvendelsen", "Teksten inneholder ikke helseopplysninger"),
    "en": ("Describe the situation", "Send the request", "The text holds no health details"),
}
REMOVE = {"nb": ("Fjern beskrivelsen", "Slett teksten for godt", "[Fjernet av rådgiver")}
REMOVE["en"] = ("Remove the description", "Delete the text for good", "[Removed by the adviser")


@pytest.mark.parametrize("language", ["nb", "en"])
def test_warned_then_sent_then_removed_by_the_adviser(
    world: World, page: Page, sign_in: SignIn, assert_accessible: Check, language: str
) -> None:
    label, send, box = WORDS[language]
    enter_as(page, sign_in, MANAGER, language)
    page.goto(f"/enterprises/{world.nordlys.id}/requests/new/case-help")
    page.locator('input[name="help_kind"]').first.check()
    page.get_by_label(label).fill(TEXT)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=send).click()
    expect(page.locator("#description-error")).to_contain_text("“depresjon”")
    expect(page.get_by_label(label)).to_have_value(TEXT)
    assert_accessible(page)
    page.get_by_label(box).check()
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=send).click()
    page.wait_for_url(re.compile(r"/requests/\d+$"))
    request_id = page.url.rsplit("/", 1)[1]

    remove, confirm, note = REMOVE[language]
    enter_as(page, sign_in, ADVISER, language)
    page.goto(f"/inbox/{request_id}")
    page.locator("summary", has_text=remove).click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name=confirm).click()
    expect(page.locator(".request-details")).to_contain_text(note)
    expect(page.locator("main")).not_to_contain_text("depresjon")
    assert_accessible(page)
