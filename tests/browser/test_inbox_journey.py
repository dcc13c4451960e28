"""The adviser's inbox in a real browser (issue 11, point 9): order by the enterprise's urgency,
then pass a request on to a colleague with a note (htmx, no reload). axe on each step, in
bokmål and English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World

SignIn = Callable[..., None]
Check = Callable[[Page], None]

ADVISER = "radgiver.oslo@nav.example"
NOTE = "Lederen ønsker et møte før fredag."
TEXT = {
    "order": ("Rekkefølge", "Order"),
    "urgent_first": ("Mest haster først", "Most urgent first"),
    "show": ("Vis", "Show"),
    "urgency": ("Hastegrad", "Urgency"),
    "colleague": ("Kollega", "Colleague"),
    "note": ("Notat til kollegaen", "Note to your colleague"),
    "pass_on": ("Gi videre", "Pass on"),
}


@pytest.mark.parametrize("language", ["nb", "en"])
def test_inbox_by_urgency_and_a_hand_over_with_a_note(
    world: World, page: Page, sign_in: SignIn, assert_accessible: Check, language: str
) -> None:
    def t(key: str) -> str:
        nb, en = TEXT[key]
        return nb if language == "nb" else en

    sign_in(page, ADVISER)
    if language == "en":
        with page.expect_navigation():
            page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.goto("/inbox")
    page.get_by_label(t("order")).select_option("urgency")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=t("show"), exact=True).click()
    expect(page.get_by_label(t("order"))).to_have_value("urgency")
    expect(page.get_by_role("columnheader", name=t("urgency"))).to_be_visible()
    assert_accessible(page)

    # The most urgent request comes first; open it and pass it on with a note.
    with page.expect_navigation():
        page.locator("table.inbox-table tbody tr").first.get_by_role("link").first.click()
    page.evaluate("window.__inboxNoReload = true")
    page.get_by_label(t("colleague"), exact=True).select_option(label="Jonas Berg")
    page.get_by_label(t("note")).fill(NOTE)
    page.get_by_role("button", name=t("pass_on"), exact=True).click()
    expect(page.locator("#conversation")).to_contain_text(NOTE)
    assert page.evaluate("window.__inboxNoReload === true"), "the page was reloaded"
    assert_accessible(page)
