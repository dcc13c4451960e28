"""Deputies in a real browser: the administrator names Jonas Berg a deputy of Nordlys's contact
person through the search field's suggestions, Jonas then changes the plan, and the administrator
removes him again after the confirmation. axe on every page, bokmål and English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World

from .conftest import use_language

Check = Callable[[Page], None]
SECOND = "radgiver2.oslo@nav.example"
# Texts by language: (bokmål, English).
TEXTS = {
    "adviser": ("Rådgiver", "Adviser"),
    "add": ("Legg til stedfortreder", "Add deputy"),
    "named": ("er nå stedfortreder", "is now a deputy"),
    "remove_button": ("Fjern Jonas Berg som stedfortreder", "Remove Jonas Berg as deputy"),
    "removed": ("er ikke lenger stedfortreder", "is no longer a deputy"),
    "none": ("Ingen stedfortredere.", "No deputies."),
    "deputy": ("Stedfortreder", "Deputy"),
}


def _t(key: str, language: str) -> str:
    return TEXTS[key][0 if language == "nb" else 1]


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_administrator_names_and_removes_a_deputy(
    world: World,
    page: Page,
    sign_in: Callable[..., None],
    assert_accessible: Check,
    language: str,
) -> None:
    sign_in(page, "admin@nav.example")
    page.goto(f"/admin/enterprises/{world.nordlys.id}")
    use_language(page, language)
    expect(page.get_by_text(_t("none", language))).to_be_visible()

    field = page.get_by_label(_t("adviser", language), exact=True)
    field.press_sequentially("jonas", delay=30)
    # htmx fills the datalist with the centre's advisers as the administrator types.
    expect(page.locator(f'#adviser-suggestions option[value="{SECOND}"]')).to_have_count(1)
    assert_accessible(page)
    field.fill(SECOND)
    with page.expect_navigation():
        page.get_by_role("button", name=_t("add", language)).click()
    expect(page.get_by_text(_t("named", language))).to_be_visible()
    expect(page.get_by_text(f"Jonas Berg ({SECOND})")).to_be_visible()
    assert_accessible(page)

    # The enterprise's own page shows the deputy next to the contact person.
    page.goto(f"/enterprises/{world.nordlys.id}")
    expect(page.locator(".deputies")).to_contain_text("Jonas Berg")
    expect(page.locator(".deputies dt")).to_have_text(_t("deputy", language))

    page.goto(f"/admin/enterprises/{world.nordlys.id}")
    page.locator("#deputies summary").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name=_t("remove_button", language)).click()
    expect(page.get_by_text(_t("removed", language))).to_be_visible()
    expect(page.get_by_text(_t("none", language))).to_be_visible()
