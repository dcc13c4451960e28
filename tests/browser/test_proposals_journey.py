"""A proposal in a real browser: the occupational health service proposes an activity on
Nordlys's plan (a mistake first, answered at the field), the manager accepts it, and it is in
the plan. axe on every page on the way, in bokmål and English."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask_babel import force_locale, ngettext
from playwright.sync_api import Page, expect
from sqlalchemy import select

from iwemployer.models import ActionPlan
from tests.conftest import World

from .conftest import field_label, sign_out, use_language, words

SignIn = Callable[..., None]
Check = Callable[[Page], None]

HEALTH = "bht@helsepartner.example"
MANAGER = "leder@nordlys.example"


def app_ngettext(app: Flask, language: str, one: str, many: str, n: int) -> str:
    with app.test_request_context(), force_locale(language):
        return ngettext(one, many, n)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_health_service_proposes_and_the_manager_accepts(
    app: Flask,
    world: World,
    page: Page,
    sign_in: SignIn,
    assert_accessible: Check,
    language: str,
) -> None:
    t = words(app, language)
    title = f"Ergonomisk gjennomgang av kjøkkenet ({language})"
    plan = world.session.scalar(
        select(ActionPlan).where(ActionPlan.enterprise_id == world.nordlys.id)
    )
    assert plan is not None
    plan_url = f"/enterprises/{world.nordlys.id}/plans/{plan.id}"

    sign_in(page, HEALTH)
    use_language(page, language)
    page.goto(plan_url)
    expect(page.locator("#proposals")).to_contain_text(t("Withdraw your proposal"))
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role(
            "link", name=re.compile("^" + re.escape(t("Propose an activity")))
        ).first.click()
    assert_accessible(page)
    page.get_by_label(t("Title")).fill(title)
    page.get_by_label(field_label(t("Description"))).fill("Gjennomgang av arbeidsstillinger.")
    page.get_by_label(t("Done by")).fill((plan.period_end - timedelta(days=20)).isoformat())
    # Without a why: answered at the field, in place (htmx), the text kept.
    page.locator("main").get_by_role("button", name=t("Send the proposal")).click()
    expect(page.locator("#proposal-reason-error")).to_contain_text(t("Say briefly why."))
    expect(page.get_by_label(t("Title"))).to_have_value(title)
    assert_accessible(page)
    page.get_by_label(t("Why"), exact=True).fill("Flere har vondt i skuldrene etter kjøkkenvakter.")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=t("Send the proposal")).click()
    expect(page.locator("main")).to_contain_text(
        t("Your proposal is sent to the manager and the contact person.")
    )
    expect(page.locator("#proposals")).to_contain_text(title)
    sign_out(page)

    sign_in(page, MANAGER)
    use_language(page, language)
    # Two wait for her now: the demo's and this one, on her tasks.
    expect(page.locator(".tasks")).to_contain_text(
        app_ngettext(
            app,
            language,
            "%(num)d proposal to an action plan waits for your answer",
            "%(num)d proposals to action plans wait for your answer",
            2,
        )
    )
    page.goto(plan_url)
    proposal = page.locator("#proposals li", has_text=title)
    expect(proposal).to_contain_text("Flere har vondt i skuldrene")
    assert_accessible(page)
    with page.expect_navigation():
        proposal.get_by_role("button", name=re.compile("^" + t("Accept"))).click()
    expect(page.locator("main")).to_contain_text(
        t("The proposal is accepted and the plan changed.")
    )
    expect(page.locator("#themes").get_by_role("heading", name=title)).to_be_visible()
    expect(page.locator("#proposals")).not_to_contain_text(title)
    assert_accessible(page)
