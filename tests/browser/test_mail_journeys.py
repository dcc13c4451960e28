"""Mail in a real browser: forgot password → mail → new password → signed in, and invitation →
set password → signed in. The mail goes through the outbox and a real SMTP server on loopback;
the browser follows the link in it. axe on every page, bokmål and English."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.admin.test_views import _invite_form
from tests.conftest import SmtpServer, WebClient, World

from .conftest import use_language

Check = Callable[[Page], None]
SignIn = Callable[..., None]
NEW_PASSWORD = "lilla sjiraff danser tango"
# Texts by language: (bokmål, English).
TEXTS = {
    "forgot": ("Glemt passordet?", "Forgot your password?"),
    "send": ("Send lenken", "Send the link"),
    "check": ("Sjekk e-posten din", "Check your e-mail"),
    "choose": ("Velg et nytt passord", "Choose a new password"),
    "new": ("Nytt passord", "New password"),
    "repeat": ("Gjenta det nye passordet", "Repeat the new password"),
    "set": ("Lagre det nye passordet", "Set the new password"),
    "done": ("Det nye passordet ditt er satt.", "Your new password is set."),
    "email": ("E-postadresse", "E-mail address"),
    "password": ("Passord", "Password"),
    "sign_in": ("Logg inn", "Sign in"),
    "sign_out": ("Logg ut", "Sign out"),
}


def _t(key: str, language: str) -> str:
    return TEXTS[key][0 if language == "nb" else 1]


def _link(smtp_server: SmtpServer, live_server: str, path: str) -> str:
    body = smtp_server.deliver()[-1].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    match = re.search(re.escape(live_server) + path + r"[A-Za-z0-9_-]+", body)
    assert match, body
    return match.group(0)


@pytest.fixture
def links_to_live_server(app: Flask, live_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_forgot_password_mail_new_password_sign_in(
    world: World,
    page: Page,
    live_server: str,
    smtp_server: SmtpServer,
    links_to_live_server: None,
    assert_accessible: Check,
    language: str,
) -> None:
    manager = world.user("leder@nordlys.example")
    manager.locale = language
    world.session.commit()
    page.goto("/sign-in")
    use_language(page, language)
    with page.expect_navigation():
        page.get_by_role("link", name=_t("forgot", language)).click()
    assert_accessible(page)
    page.get_by_label(_t("email", language)).fill(manager.email)
    with page.expect_navigation():
        page.get_by_role("button", name=_t("send", language)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_t("check", language))
    assert_accessible(page)

    page.goto(_link(smtp_server, live_server, "/reset-password/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(_t("choose", language))
    assert_accessible(page)
    page.get_by_label(_t("new", language), exact=True).fill(NEW_PASSWORD)
    page.get_by_label(_t("repeat", language)).fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=_t("set", language)).click()
    expect(page.locator("main")).to_contain_text(_t("done", language))
    assert_accessible(page)

    # Signed out, then in with the new password.
    with page.expect_navigation():
        page.get_by_role("button", name=_t("sign_out", language)).click()
    page.get_by_label(_t("email", language)).fill(manager.email)
    page.get_by_label(_t("password", language), exact=True).fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=_t("sign_in", language)).click()
    expect(page.get_by_role("button", name=_t("sign_out", language))).to_be_visible()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_invitation_mail_set_password_sign_in(
    world: World,
    session: Session,
    page: Page,
    live_server: str,
    client: WebClient,
    smtp_server: SmtpServer,
    links_to_live_server: None,
    assert_accessible: Check,
    language: str,
) -> None:
    client.login_as(world.user("admin@nav.example"))
    assert client.post("/admin/users/invite", _invite_form()).status_code == 303
    page.goto("/sign-in")
    use_language(page, language)
    page.goto(_link(smtp_server, live_server, "/invitation/"))
    assert_accessible(page)
    page.get_by_label(_t("new", language), exact=True).fill(NEW_PASSWORD)
    page.get_by_label(_t("repeat", language)).fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.locator("main").get_by_role("button").last.click()
    expect(page.get_by_role("button", name=_t("sign_out", language))).to_be_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name=_t("sign_out", language)).click()
    page.get_by_label(_t("email", language)).fill("nora.nyansatt@nordlys.example")
    page.get_by_label(_t("password", language), exact=True).fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=_t("sign_in", language)).click()
    expect(page.get_by_role("button", name=_t("sign_out", language))).to_be_visible()
