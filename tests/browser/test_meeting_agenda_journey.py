"""Asking for a meeting with the plan's themes and activities on the agenda, in a real browser,
in bokmål and English: the form with the plan's checkboxes, a week instead of times, the
meeting page listing the agenda; axe on each step."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from iwemployer.models import ActionPlan, PlanTheme
from tests.conftest import World

SignIn = Callable[..., None]
Check = Callable[[Page], None]

MANAGER = "leder@nordlys.example"
TEXT = {
    "nb": {
        "purpose": "Formålet med møtet",
        "week": "Eller når som helst i uke",
        "send": "Send",
        "sent": "Forespørselen er sendt til kontaktpersonen.",
        "agenda": "Dagsorden",
        "theme": "Tema",
    },
    "en": {
        "purpose": "Purpose of the meeting",
        "week": "Or any time in week",
        "send": "Send",
        "sent": "Your request is sent to the contact person.",
        "agenda": "Agenda",
        "theme": "Theme",
    },
}


@pytest.mark.parametrize("language", ["nb", "en"])
def test_ask_for_a_meeting_with_the_plan_on_the_agenda(
    world: World, page: Page, sign_in: SignIn, assert_accessible: Check, language: str
) -> None:
    theme = world.session.scalars(
        select(PlanTheme)
        .join(ActionPlan)
        .where(ActionPlan.enterprise_id == world.nordlys.id)
        .order_by(ActionPlan.period_start.desc(), PlanTheme.position)
    ).first()
    assert theme is not None and theme.activities
    activity = theme.activities[0]
    t = TEXT[language]

    sign_in(page, MANAGER)
    if language == "en":
        with page.expect_navigation():
            page.get_by_role("button", name="English", exact=True).click()
    page.goto(f"/enterprises/{world.nordlys.id}/meetings/new")
    assert_accessible(page)

    page.get_by_label(t["purpose"]).fill("Gjennomgang av planen")
    page.get_by_label(f"{t['theme']}: {theme.title}").check()
    page.get_by_label(activity.title, exact=True).check()
    page.get_by_label(t["week"]).fill("40")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=t["send"], exact=True).click()
    expect(page.locator("main")).to_contain_text(t["sent"])
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text(t["agenda"])
    expect(facts).to_contain_text(f"{t['theme']}: {theme.title}")
    expect(facts.get_by_role("link", name=activity.title)).to_be_visible()
    assert_accessible(page)
