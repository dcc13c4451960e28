"""Consent to access, in a real browser with axe, in bokmål and English (issue 9, point 3): the
Fjellbygg manager invites an occupational health account that already exists; until that person
accepts, the manager sees only the address typed; after accepting, they are on the members page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.conftest import World

from .conftest import enter_as, sign_out, words

SignIn = Callable[..., None]
Check = Callable[[Page], None]

MANAGER = "leder@fjellbygg.example"
HEALTH_SERVICE = "bht@helsepartner.example"  # Eva Strand, at Nordlys and Grünerløkka


def _click(page: Page, name: str, role: str = "button") -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]


@pytest.mark.parametrize("language", ["nb", "en"])
def test_an_existing_account_accepts_and_only_then_appears(
    app: Flask,
    world: World,
    page: Page,
    sign_in: SignIn,
    assert_accessible: Check,
    language: str,
) -> None:
    t = words(app, language)
    members_url = f"/enterprises/{world.fjellbygg.id}/members"

    enter_as(page, sign_in, MANAGER, language)
    page.goto(members_url)
    page.get_by_label(t("Name")).fill("Eva Strand")
    page.get_by_label(t("E-mail address")).fill(HEALTH_SERVICE)
    # htmx swaps the invitations region in place.
    page.locator("main").get_by_role("button", name=t("Send the invitation")).click()
    invitations = page.locator("#invitations")
    expect(invitations).to_contain_text(
        t(
            "If %(email)s can be used, the person gets an invitation by e-mail. "
            "They get access when they accept it.",
            email=HEALTH_SERVICE,
        )
    )
    expect(invitations).to_contain_text(HEALTH_SERVICE)
    expect(page.locator("main")).not_to_contain_text("Eva Strand")
    assert_accessible(page)
    sign_out(page)

    # The invited person finds the invitation among their notifications and accepts it.
    sign_in(page, HEALTH_SERVICE)
    page.goto("/notifications")
    with page.expect_navigation():
        page.locator("main").get_by_role(
            "link", name=re.compile(re.escape(world.fjellbygg.name))
        ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Invitations to enterprises"))
    assert_accessible(page)
    page.locator("main").get_by_role(
        "button",
        name=t("Accept the invitation from %(enterprise)s", enterprise=world.fjellbygg.name),
    ).click()
    offers = page.locator("#access-offers")
    expect(offers).to_contain_text(
        t("You now have access to %(enterprise)s.", enterprise=world.fjellbygg.name)
    )
    assert_accessible(page)
    with page.expect_navigation():
        offers.get_by_role(
            "link", name=t("Go to %(enterprise)s", enterprise=world.fjellbygg.name)
        ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.fjellbygg.name)
    sign_out(page)

    # Now, and only now, the manager sees who it is.
    sign_in(page, MANAGER)
    page.goto(members_url)
    expect(page.locator("main table")).to_contain_text("Eva Strand")
    expect(page.locator("#invitations")).not_to_contain_text(HEALTH_SERVICE)
    assert_accessible(page)
