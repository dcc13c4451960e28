"""Two-step verification in a real browser: an adviser signs in with password and code, a
manager turns it on from the account page. axe on every page, bokmål and English."""

from __future__ import annotations

import re
from collections.abc import Callable

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from iwemployer.mfa.demo import DEMO_TOTP_SECRET
from iwemployer.seed import DEMO_PASSWORD
from tests.conftest import World, forget_used_codes

Check = Callable[[Page], None]
# Texts by language: (bokmål, English).
TEXTS = {
    "email": ("E-postadresse", "E-mail address"),
    "password": ("Passord", "Password"),
    "sign_in": ("Logg inn", "Sign in"),
    "sign_out": ("Logg ut", "Sign out"),
    "code": ("Kode", "Code"),
    "continue": ("Fortsett", "Continue"),
    "wrong": ("Koden er feil eller allerede brukt", "The code is wrong or already used"),
    "two_step": ("Totrinnsbekreftelse", "Two-step verification"),
    "app_code": ("Kode fra appen", "Code from the app"),
    "turn_on": ("Slå på totrinnsbekreftelse", "Turn on two-step verification"),
    "kept": ("Jeg har tatt vare på kodene, fortsett", "I have kept the codes, continue"),
}


def _t(key: str, language: str) -> str:
    return TEXTS[key][0 if language == "nb" else 1]


def _password(page: Page, email: str, language: str) -> None:
    page.goto("/sign-in")
    if language == "en":
        with page.expect_navigation():
            page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_label(_t("email", language)).fill(email)
    page.get_by_label(_t("password", language), exact=True).fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=_t("sign_in", language)).click()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_adviser_signs_in_with_a_code(
    world: World, app: Flask, page: Page, assert_accessible: Check, language: str
) -> None:
    _password(page, "radgiver.oslo@nav.example", language)
    assert "/sign-in/code" in page.url
    assert_accessible(page)
    page.get_by_label(_t("code", language), exact=True).fill("12345x")
    with page.expect_navigation():
        page.get_by_role("button", name=_t("continue", language)).click()
    expect(page.locator("#code-error")).to_contain_text(_t("wrong", language))
    assert_accessible(page)
    forget_used_codes(app, "radgiver.oslo@nav.example")
    page.get_by_label(_t("code", language), exact=True).fill(pyotp.TOTP(DEMO_TOTP_SECRET).now())
    with page.expect_navigation():
        page.get_by_role("button", name=_t("continue", language)).click()
    expect(page.get_by_role("button", name=_t("sign_out", language))).to_be_visible()
    assert "/sign-in" not in page.url


@pytest.mark.parametrize("language", ["nb", "en"])
def test_manager_turns_on_two_step_verification(
    world: World, page: Page, assert_accessible: Check, language: str
) -> None:
    _password(page, "leder@nordlys.example", language)
    with page.expect_navigation():
        page.get_by_role("link", name=_t("two_step", language), exact=True).click()
    expect(page.locator(".qr-code")).to_be_visible()
    assert_accessible(page)
    secret = re.sub(r"\s", "", page.locator("#secret-key").inner_text())
    page.get_by_label(_t("app_code", language)).fill(pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.get_by_role("button", name=_t("turn_on", language)).click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name=_t("kept", language)).click()
    expect(page.get_by_role("button", name=_t("sign_out", language))).to_be_visible()
