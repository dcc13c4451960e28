"""One journey per role in a real browser: sign in, the landing page, axe, language, sign out;
and one per role in nynorsk.

Texts are matched in both languages (bokmål or the English source string), since catalogues are
filled in as areas are built; the language itself is asserted through ``<html lang>``. The
nynorsk journeys match nynorsk texts only: a string left in bokmål or English fails them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from .conftest import SIGN_OUT

SIGN_IN_HEADING = re.compile(r"^(Logg inn|Sign in)$")
SIGNED_OUT = re.compile(r"Du er logget ut\.|You are signed out\.")
CHANGE_PASSWORD = re.compile(r"^(Bytt passord|Change password)$")
SKIP_LINK = re.compile(r"^(Hopp til hovedinnholdet|Skip to main content)$")
AGREEMENT = re.compile(r"^(Samarbeidsavtale \(IA-avtale\)|Cooperation agreement \(IW agreement\))$")
CONTACT = re.compile(r"^(Kontaktpersonen deres|Your contact person)$")
ENTERPRISE_LABEL = re.compile(r"^(Virksomhet|Enterprise)$")
SWITCH = re.compile(r"^(Bytt|Switch)$")
HOME_LINK = re.compile(r"^(Hjem|Forside|Home)$")
LANGUAGE_BUTTON = {"en": "English", "nb": "Bokmål", "nn": "Nynorsk"}

MANAGER = "leder@nordlys.example"
SAFETY_DELEGATE = "verneombud@nordlys.example"
UNION_REP = "tillitsvalgt@nordlys.example"
OCCUPATIONAL_HEALTH = "bht@helsepartner.example"
ADVISER = "radgiver.oslo@nav.example"
ADMIN = "admin@nav.example"

NORDLYS = "Nordlys Omsorg AS"
GRUNERLOKKA = "Grünerløkka Barnehager AS"

SignIn = Callable[..., None]
Check = Callable[[Page], None]


# --- steps ----------------------------------------------------------------------------------


def html_lang(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)


def switch_language(page: Page, to: str) -> None:
    """The header's language button; the other language's button takes its place."""
    with page.expect_navigation():
        page.get_by_role("button", name=LANGUAGE_BUTTON[to], exact=True).click()
    html_lang(page, to)
    # The chosen language is no longer a button; the other two are.
    expect(page.get_by_role("button", name=LANGUAGE_BUTTON[to], exact=True)).to_have_count(0)
    for other in LANGUAGE_BUTTON.keys() - {to}:
        expect(page.get_by_role("button", name=LANGUAGE_BUTTON[other], exact=True)).to_be_visible()


def heading(page: Page, name: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def nordlys_home(page: Page, role: re.Pattern[str]) -> None:
    """The employer-side home page of Nordlys: facts, the agreement and the contact person."""
    expect(page).to_have_url(re.compile(r"/enterprises/\d+$"))
    heading(page, NORDLYS)
    main = page.locator("main")
    expect(main).to_contain_text("987 654 325")
    expect(main).to_contain_text(role)
    agreement = main.locator("section.card").filter(has=page.get_by_role("heading", name=AGREEMENT))
    expect(agreement).to_have_count(1)
    expect(agreement.locator("dl.facts")).to_be_visible()
    contact = main.locator("section.card").filter(has=page.get_by_role("heading", name=CONTACT))
    expect(contact).to_have_count(1)
    expect(contact).to_contain_text("Ingrid Haugen")
    expect(contact.get_by_role("link", name="radgiver.oslo@nav.example")).to_be_visible()


def language_sticks(page: Page) -> None:
    """Switch to English, see it on another page and back, then to bokmål and English again."""
    landing = page.url
    html_lang(page, "nb")
    switch_language(page, "en")
    expect(page).to_have_url(landing)
    with page.expect_navigation():
        page.get_by_role("link", name=CHANGE_PASSWORD).click()
    html_lang(page, "en")
    page.goto(landing)
    html_lang(page, "en")
    switch_language(page, "nb")
    expect(page).to_have_url(landing)
    switch_language(page, "en")


def sign_out_in_english(page: Page, landing: str) -> None:
    """Sign out while in English: the signed-out pages stay in English; the site is closed."""
    with page.expect_navigation():
        page.get_by_role("button", name=SIGN_OUT).click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    html_lang(page, "en")
    heading(page, SIGN_IN_HEADING)
    expect(page.locator("#messages")).to_contain_text(SIGNED_OUT)
    expect(page.get_by_role("button", name=SIGN_OUT)).to_have_count(0)
    # The back button must not show the signed-in page again (Cache-Control: no-store).
    page.go_back()
    expect(page).to_have_url(re.compile(r"/sign-in(\?|$)"))
    page.goto(landing)
    expect(page).to_have_url(re.compile(r"/sign-in(\?|$)"))
    heading(page, SIGN_IN_HEADING)
    html_lang(page, "en")
    # Signed out, the language can be switched back too.
    switch_language(page, "nb")
    heading(page, SIGN_IN_HEADING)


def journey(
    page: Page,
    sign_in: SignIn,
    assert_accessible: Check,
    email: str,
    landing: Callable[[Page], None],
) -> None:
    sign_in(page, email)
    html_lang(page, "nb")
    landing(page)
    assert_accessible(page)
    url = page.url
    language_sticks(page)
    landing(page)
    sign_out_in_english(page, url)


def require_endpoints(app: Flask, *endpoints: str) -> None:
    missing = [e for e in endpoints if e not in app.view_functions]
    if missing:
        pytest.skip(f"endpoint(s) {', '.join(missing)} not registered yet (area being built)")


# --- the journeys ---------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_manager(
    request: pytest.FixtureRequest,
    world: object,
    sign_in: SignIn,
    assert_accessible: Check,
    javascript: bool,
) -> None:
    page: Page = request.getfixturevalue("page" if javascript else "no_js_page")
    journey(
        page,
        sign_in,
        assert_accessible,
        MANAGER,
        lambda p: nordlys_home(p, re.compile(r"Leder|Manager")),
    )
    # The manager belongs to one enterprise: no switcher.
    sign_in(page, MANAGER)
    expect(page.get_by_label(ENTERPRISE_LABEL)).to_have_count(0)


def test_safety_delegate(
    world: object, page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    journey(
        page,
        sign_in,
        assert_accessible,
        SAFETY_DELEGATE,
        lambda p: nordlys_home(p, re.compile(r"Verneombud|Safety delegate")),
    )


def test_union_rep(world: object, page: Page, sign_in: SignIn, assert_accessible: Check) -> None:
    journey(
        page,
        sign_in,
        assert_accessible,
        UNION_REP,
        lambda p: nordlys_home(p, re.compile(r"Tillitsvalgt|Union representative")),
    )


def choose_enterprise(page: Page, name: str) -> None:
    page.get_by_label(ENTERPRISE_LABEL).select_option(label=name)
    with page.expect_navigation():
        page.get_by_role("button", name=SWITCH).click()
    heading(page, name)
    expect(page.get_by_label(ENTERPRISE_LABEL)).to_have_value(re.compile(r"^\d+$"))
    selected = page.get_by_label(ENTERPRISE_LABEL).locator("option:checked")
    expect(selected).to_have_text(name)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_occupational_health_with_switcher(
    request: pytest.FixtureRequest,
    world: object,
    sign_in: SignIn,
    assert_accessible: Check,
    javascript: bool,
) -> None:
    page: Page = request.getfixturevalue("page" if javascript else "no_js_page")
    bht_role = re.compile(r"Bedriftshelsetjeneste|Occupational health service")
    sign_in(page, OCCUPATIONAL_HEALTH)
    html_lang(page, "nb")
    switcher = page.get_by_label(ENTERPRISE_LABEL)
    expect(switcher).to_be_visible()
    expect(switcher.locator("option")).to_have_text([GRUNERLOKKA, NORDLYS])
    landed = page.get_by_role("heading", level=1).inner_text()
    assert landed in (GRUNERLOKKA, NORDLYS)
    # Make Nordlys the current one (if it is not), then pick Grünerløkka: the heading follows.
    if landed != NORDLYS:
        choose_enterprise(page, NORDLYS)
    nordlys_home(page, bht_role)
    assert_accessible(page)
    nordlys_url = page.url
    choose_enterprise(page, GRUNERLOKKA)
    assert page.url != nordlys_url
    expect(page.locator("main")).to_contain_text("934 567 897")
    expect(page.locator("main")).not_to_contain_text("987 654 325")
    # The choice is remembered: the site's front page and the Home link lead to Grünerløkka.
    page.goto("/")
    heading(page, GRUNERLOKKA)
    # And the rest of the journey from there.
    language_sticks(page)
    heading(page, GRUNERLOKKA)
    sign_out_in_english(page, nordlys_url)


def adviser_landing(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/adviser/enterprises$"))
    current = page.get_by_role("navigation").locator('a[aria-current="page"]')
    expect(current).to_have_text(re.compile(r"^(Mine virksomheter|My enterprises)$"))
    heading(page, re.compile(r"Mine virksomheter|My enterprises"))
    # Ingrid Haugen is the contact person for Nordlys and Grünerløkka.
    main = page.locator("main")
    expect(main).to_contain_text(NORDLYS)
    expect(main).to_contain_text(GRUNERLOKKA)
    expect(main).not_to_contain_text("Fjellbygg AS")


def test_adviser(
    app: Flask, world: object, page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    require_endpoints(app, "adviser.enterprises")
    journey(page, sign_in, assert_accessible, ADVISER, adviser_landing)


def admin_landing(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/admin/enterprises$"))
    nav = page.get_by_role("navigation")
    expect(nav.locator('a[aria-current="page"]')).to_have_text(
        re.compile(r"^(Virksomheter|Enterprises)$")
    )
    expect(nav.get_by_role("link", name=re.compile(r"^(Brukere|Users)$"))).to_be_visible()
    heading(page, re.compile(r"Virksomheter|Enterprises"))


def test_admin(
    app: Flask, world: object, page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    require_endpoints(app, "admin.enterprises", "admin.users")
    journey(page, sign_in, assert_accessible, ADMIN, admin_landing)


# --- in nynorsk -----------------------------------------------------------------------------


def employer_home_nn(role: str) -> Check:
    def check(page: Page) -> None:
        expect(page).to_have_url(re.compile(r"/enterprises/\d+$"))
        main = page.locator("main")
        expect(main).to_contain_text(role)
        for title in ("Samarbeidsavtale (IA-avtale)", "Kontaktpersonen dykkar"):
            expect(main.get_by_role("heading", name=title, exact=True)).to_be_visible()

    return check


def adviser_home_nn(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/adviser/enterprises$"))
    heading(page, "Verksemdene mine")
    expect(page.locator("main")).to_contain_text(NORDLYS)


def admin_home_nn(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/admin/enterprises$"))
    heading(page, "Verksemder")
    expect(page.get_by_role("navigation").get_by_role("link", name="Brukarar")).to_be_visible()


NYNORSK_JOURNEYS = {
    "manager": (MANAGER, employer_home_nn("Leiar")),
    "safety-delegate": (SAFETY_DELEGATE, employer_home_nn("Verneombod")),
    "union-rep": (UNION_REP, employer_home_nn("Tillitsvald")),
    "occupational-health": (OCCUPATIONAL_HEALTH, employer_home_nn("Bedriftshelseteneste")),
    "adviser": (ADVISER, adviser_home_nn),
    "admin": (ADMIN, admin_home_nn),
}


@pytest.mark.parametrize("role", list(NYNORSK_JOURNEYS))
def test_role_in_nynorsk(
    world: object, page: Page, sign_in: SignIn, assert_accessible: Check, role: str
) -> None:
    """Switch to nynorsk: the landing page reads in nynorsk, passes axe, and the choice sticks."""
    email, landing = NYNORSK_JOURNEYS[role]
    sign_in(page, email)
    switch_language(page, "nn")
    expect(page.locator('[aria-current="true"][lang="nn"]')).to_have_text("Nynorsk")
    expect(page.get_by_role("link", name="Hopp til hovudinnhaldet")).to_be_attached()
    expect(page.get_by_role("button", name="Logg ut", exact=True)).to_be_visible()
    landing(page)
    assert_accessible(page)
    # Kept on the user: a fresh sign-in in a clean browser lands in nynorsk.
    with page.expect_navigation():
        page.get_by_role("button", name="Logg ut", exact=True).click()
    html_lang(page, "nn")
    expect(page.locator("#messages")).to_contain_text("Du er logga ut.")
    page.context.clear_cookies()
    sign_in(page, email)
    html_lang(page, "nn")
    landing(page)


# --- keyboard -------------------------------------------------------------------------------


def skip_link_first_and_visible(page: Page) -> None:
    """The first Tab lands on the skip link, which shows a focus outline and leads to main."""
    preset = page.evaluate(
        "document.activeElement && document.activeElement !== document.body"
        " ? document.activeElement.outerHTML.slice(0, 200) : null"
    )
    assert preset is None, (
        f"on load focus is already on {preset} (autofocus?), so the first Tab skips the skip link"
    )
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=SKIP_LINK)
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    style = skip.evaluate(
        "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert style[0] != "none" and style[1] != "0px", f"skip link focus outline: {style}"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab continues inside main, not back in the header.
    page.keyboard.press("Tab")
    inside = page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert inside, "Tab after the skip link left the main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the first control in main shows no focus outline"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_skip_link_on_sign_in_page(
    request: pytest.FixtureRequest, live_server: str, javascript: bool
) -> None:
    page: Page = request.getfixturevalue("page" if javascript else "no_js_page")
    page.goto("/sign-in")
    skip_link_first_and_visible(page)


def test_skip_link_on_home_page(world: object, page: Page, sign_in: SignIn) -> None:
    sign_in(page, MANAGER)
    # A fresh load, as a keyboard user arriving on the page.
    page.reload()
    skip_link_first_and_visible(page)
