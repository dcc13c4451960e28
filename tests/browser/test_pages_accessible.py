"""axe-core (serious and critical) on each main page, as the user who sees it.

Adviser and administrator pages are checked once their endpoints are registered.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from iwemployer.models import UserKind
from tests.conftest import World, build_user

SignIn = Callable[..., None]
Check = Callable[[Page], None]

SIGN_IN = re.compile(r"^(Logg inn|Sign in)$")
CHANGE_PASSWORD = re.compile(r"^(Bytt passord|Change password)$")
ERROR_SUMMARY = re.compile(r"Rett opp dette|Please correct the following")
MANAGER = "leder@nordlys.example"
ADVISER = "radgiver.oslo@nav.example"
ADMIN = "admin@nav.example"


def require_endpoints(app: Flask, *endpoints: str) -> None:
    missing = [e for e in endpoints if e not in app.view_functions]
    if missing:
        pytest.skip(f"endpoint(s) {', '.join(missing)} not registered yet (area being built)")


def submit_button(page: Page, name: re.Pattern[str]) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=name).click()


# --- signed out -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nb", "en"])
def test_sign_in_page(
    page: Page, live_server: str, assert_accessible: Check, language: str
) -> None:
    page.goto("/sign-in")
    if language == "en":
        with page.expect_navigation():
            page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(SIGN_IN)
    assert_accessible(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_sign_in_page_with_errors(
    request: pytest.FixtureRequest, live_server: str, assert_accessible: Check, javascript: bool
) -> None:
    page: Page = request.getfixturevalue("page" if javascript else "no_js_page")
    page.goto("/sign-in")
    submit_button(page, SIGN_IN)
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(ERROR_SUMMARY)
    expect(page.locator(".form-field__error p")).to_have_count(2)
    # Each field says it is invalid and points at its message.
    for field in ("#email", "#password"):
        expect(page.locator(field)).to_have_attribute("aria-invalid", "true")
        expect(page.locator(field)).to_have_attribute("aria-describedby", re.compile("-error"))
    if javascript:
        # app.js moves focus to the summary so a screen reader reads it first.
        expect(summary).to_be_focused()
    assert_accessible(page)


def test_wrong_password_error(
    world: World, page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    sign_in(page, MANAGER, password="not-the-password-2026")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)


def test_not_found_signed_out(page: Page, live_server: str, assert_accessible: Check) -> None:
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"Fant ikke siden|Page not found")
    )
    assert_accessible(page)


# --- employer side --------------------------------------------------------------------------


def test_not_found_signed_in(
    world: World, page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    sign_in(page, MANAGER)
    # Another enterprise's page answers 404 like an unknown one.
    response = page.goto(f"/enterprises/{world.fjellbygg.id}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"Fant ikke siden|Page not found")
    )
    assert_accessible(page)


def test_enterprise_home(
    world: World, page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    sign_in(page, MANAGER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nordlys Omsorg AS")
    # The first-visit introduction is part of the page axe checks; htmx closes it in place.
    introduction = page.locator(".introduction")
    expect(introduction.get_by_role("heading", level=2)).to_have_text("Slik bruker du nettstedet")
    assert_accessible(page)
    introduction.get_by_role("button", name="Skjønner, ikke vis igjen").click()
    expect(page.get_by_role("status").filter(has_text="Introduksjonen er lukket")).to_be_visible()
    expect(introduction).to_have_count(0)
    assert_accessible(page)


def test_enterprise_home_in_english(
    world: World, page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    sign_in(page, MANAGER)
    with page.expect_navigation():
        page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="How to use this site")).to_be_visible()
    assert_accessible(page)


def test_switcher_page(world: World, page: Page, sign_in: SignIn, assert_accessible: Check) -> None:
    sign_in(page, "bht@helsepartner.example")
    expect(page.get_by_label(re.compile(r"^(Virksomhet|Enterprise)$"))).to_be_visible()
    assert_accessible(page)


def test_no_enterprise_page(
    world: World, page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    build_user(world.session, UserKind.EMPLOYER, email="ny@nordlys.example", name="Ny Ansatt")
    world.session.commit()
    sign_in(page, "ny@nordlys.example")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"Ingen virksomhet ennå|No enterprise yet")
    )
    assert_accessible(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_change_password(
    request: pytest.FixtureRequest,
    world: World,
    sign_in: SignIn,
    assert_accessible: Check,
    javascript: bool,
) -> None:
    page: Page = request.getfixturevalue("page" if javascript else "no_js_page")
    sign_in(page, MANAGER)
    page.get_by_role("link", name=CHANGE_PASSWORD).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CHANGE_PASSWORD)
    assert_accessible(page)
    # And with every field's error shown.
    submit_button(page, CHANGE_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text(ERROR_SUMMARY)
    assert_accessible(page)


def test_notifications(
    app: Flask, world: World, page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    require_endpoints(app, "notifications.index")
    sign_in(page, MANAGER)
    page.goto("/notifications")
    assert_accessible(page)


# --- adviser --------------------------------------------------------------------------------


def test_adviser_enterprises(
    app: Flask, world: World, page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    require_endpoints(app, "adviser.enterprises")
    sign_in(page, ADVISER)
    expect(page).to_have_url(re.compile(r"/adviser/enterprises$"))
    assert_accessible(page)
    # A search without matches: the empty state.
    page.goto("/adviser/enterprises?q=zzzz-nothing")
    assert_accessible(page)
    # An enterprise's home page as its contact person sees it.
    page.goto(f"/enterprises/{world.nordlys.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nordlys Omsorg AS")
    assert_accessible(page)


# --- administrator --------------------------------------------------------------------------


def test_admin_enterprises(
    app: Flask, world: World, page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    require_endpoints(app, "admin.enterprises")
    sign_in(page, ADMIN)
    expect(page).to_have_url(re.compile(r"/admin/enterprises$"))
    assert_accessible(page)


# One test per page, so a failure on one page does not hide the others'.
ADMIN_PAGES = [
    ("admin.users", "/admin/users"),
    ("admin.enterprise_detail", "/admin/enterprises/{nordlys}"),
    ("admin.enterprise_edit", "/admin/enterprises/{nordlys}/edit"),
    ("admin.enterprise_contact_person", "/admin/enterprises/{nordlys}/contact-person"),
    ("admin.enterprise_new", "/admin/enterprises/new"),
    ("admin.user_detail", "/admin/users/{manager}"),
    ("admin.user_invite", "/admin/users/invite"),
]


@pytest.mark.parametrize(("endpoint", "path"), ADMIN_PAGES, ids=[e for e, _ in ADMIN_PAGES])
def test_admin_page(
    app: Flask,
    world: World,
    page: Page,
    sign_in: SignIn,
    assert_accessible: Check,
    endpoint: str,
    path: str,
) -> None:
    require_endpoints(app, endpoint)
    url = path.format(nordlys=world.nordlys.id, manager=world.user(MANAGER).id)
    sign_in(page, ADMIN)
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
