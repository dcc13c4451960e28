"""The action plan's agreement in a real browser: the manager edits in place (htmx) and sends the
plan, the three parties confirm in turn, a status change keeps the agreement, a content change
resets it. Axe checks every page and state on the way; the journey runs in bokmål and English.
Without JavaScript the same edit works through plain forms, and a stale save shows both texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .conftest import PageProblems, enter_as, sign_out

MANAGER = "leder@nordlys.example"
SAFETY_DELEGATE = "verneombud@nordlys.example"
UNION_REP = "tillitsvalgt@nordlys.example"
ADVISER = "radgiver.oslo@nav.example"

SignIn = Callable[..., None]
Check = Callable[[Page], None]

# Texts by language: (bokmål, English).
TEXT: dict[str, tuple[str, str]] = {
    "menu": ("Handlingsplan", "Action plan"),
    "open": ("Åpne handlingsplanen", "Open the action plan"),
    "edit": ("Endre", "Edit"),
    "title": ("Tittel", "Title"),
    "save": ("Lagre aktiviteten", "Save activity"),
    "draft": ("Utkast", "Draft"),
    "agreed": ("Vedtatt", "Agreed"),
    "awaiting": ("Venter på bekreftelse", "Awaiting confirmation"),
    "send": ("Bekreft og send versjon {v}", "Confirm and send version {v}"),
    "confirmed_sent": (
        "Du bekreftet versjon {v} og sendte den",
        "You confirmed version {v} and sent it",
    ),
    "confirm": ("Bekreft versjon {v}", "Confirm version {v}"),
    "confirmed": ("Du bekreftet versjon {v}.", "You confirmed version {v}."),
    "all_agreed": (
        "Planen er nå vedtatt av alle tre partene.",
        "The plan is now agreed by all three parties.",
    ),
    "since_yours": (
        "Hva som er endret siden versjon {v}, som du bekreftet",
        "What has changed since version {v}, which you confirmed",
    ),
    "status": ("Status", "Status"),
    "update_status": ("Oppdater status", "Update status"),
    "done": ("Fullført", "Done"),
    "history": ("Versjonshistorikk", "Version history"),
    "print": ("Utskriftsvisning", "Print view"),
    "saved": ("Aktiviteten er lagret.", "The activity is saved."),
    "stale": (
        "Noen andre lagret denne aktiviteten mens du endret den.",
        "Someone else saved this activity while you were editing it.",
    ),
    "overview": ("Handlingsplaner", "Action plans"),
    "overdue": ("Forsinkede aktiviteter", "Overdue activities"),
}
FIRST = "Faste partsmøter hver måned"
SECOND = "Oppfølgingssamtaler innen fire uker"


class Words:
    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, key: str, **values: Any) -> str:
        nb, en = TEXT[key]
        return (nb if self.language == "nb" else en).format(**values)


def _open_plan(page: Page, t: Words) -> None:
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name=t("menu"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/enterprises/\d+/plans/\d+$"))


def _activity(page: Page, title: str) -> Any:
    return page.locator("article.activity").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


def _summary(page: Page) -> Any:
    return page.locator("#plan-summary")


def _confirm(page: Page, t: Words, version: int, message: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=t("confirm", v=version)).click()
    expect(page.locator("#messages")).to_contain_text(message)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_agreeing_the_plan(
    world: object, page: Page, sign_in: SignIn, assert_accessible: Check, language: str
) -> None:
    t = Words(language)
    # The manager opens the plan from the home page's card.
    enter_as(page, sign_in, MANAGER, t.language)
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name=t("open")).click()
    expect(_summary(page)).to_contain_text(t("agreed"))
    assert_accessible(page)

    # Click to edit, in place: the row becomes a form; saving swaps the row back.
    row = _activity(page, FIRST)
    # Read the row's id before the click: the edit form that replaces it has no heading to find.
    row_id = row.get_attribute("id") or "missing"
    row.locator("summary").click()  # an activity's tools open on demand
    row.get_by_role("link", name=f"{t('edit')} – {FIRST}").click()
    form_row = page.locator("article#" + row_id)
    title = form_row.get_by_label(t("title"), exact=True)
    expect(title).to_be_focused()
    assert_accessible(page)
    title.fill("Faste partsmøter hver uke")
    form_row.get_by_role("button", name=t("save")).click()
    expect(_activity(page, "Faste partsmøter hver uke")).to_be_visible()
    # The agreement region refreshed itself: version 3 is a draft that must be sent.
    expect(_summary(page)).to_contain_text(t("draft"))
    send = page.get_by_role("button", name=t("send", v=3))
    expect(send).to_be_visible()
    assert_accessible(page)
    with page.expect_navigation():
        send.click()
    # The manager who sends confirms in the same step.
    expect(page.locator("#messages")).to_contain_text(t("confirmed_sent", v=3))
    expect(_summary(page)).to_contain_text(t("awaiting"))
    expect(page.get_by_role("button", name=t("confirm", v=3))).to_have_count(0)
    assert_accessible(page)
    sign_out(page)

    # The safety delegate sees what changed since the version they confirmed, and confirms.
    enter_as(page, sign_in, SAFETY_DELEGATE, t.language)
    _open_plan(page, t)
    changes = _summary(page).locator("details.plan-changes")
    expect(changes).to_contain_text(t("since_yours", v=2))
    expect(changes).to_contain_text("Faste partsmøter hver uke")
    assert_accessible(page)
    _confirm(page, t, 3, t("confirmed", v=3))
    sign_out(page)

    # The union representative confirms last: the plan is agreed.
    enter_as(page, sign_in, UNION_REP, t.language)
    _open_plan(page, t)
    _confirm(page, t, 3, t("all_agreed"))
    expect(_summary(page)).to_contain_text(t("agreed"))
    assert_accessible(page)
    sign_out(page)

    # Progress during the period keeps the agreement; a change of content resets it.
    enter_as(page, sign_in, MANAGER, t.language)
    _open_plan(page, t)
    second = _activity(page, SECOND)
    row_id = second.get_attribute("id")
    second.locator("summary").click()
    second.get_by_label(re.compile(f"^{t('status')}")).select_option(label=t("done"))
    second.get_by_role("button", name=t("update_status")).click()
    second = page.locator(f"article#{row_id}")
    expect(second.locator(".tag").first).to_have_text(t("done"))
    expect(page.locator("#plan-timeline")).to_contain_text(SECOND)  # refreshed by htmx
    expect(_summary(page)).to_contain_text(t("agreed"))
    expect(page.get_by_role("button", name=t("send", v=4))).to_have_count(0)
    second.get_by_role("link", name=f"{t('edit')} – {SECOND}").click()
    second.get_by_label(t("title"), exact=True).fill("Oppfølgingssamtaler innen tre uker")
    second.get_by_role("button", name=t("save")).click()
    expect(page.get_by_role("button", name=t("send", v=4))).to_be_visible()
    expect(_summary(page)).to_contain_text(t("draft"))
    expect(_summary(page).locator("details.plan-changes")).to_contain_text(t("since_yours", v=3))
    assert_accessible(page)

    # The history and the print view.
    with page.expect_navigation():
        page.get_by_role("link", name=t("history")).click()
    expect(page.locator("main")).to_contain_text("Ola Nilsen")
    assert_accessible(page)
    page.go_back()
    with page.expect_navigation():
        page.get_by_role("link", name=t("print")).click()
    expect(page.locator("main")).to_contain_text("Aisha Rahman")
    assert_accessible(page)


def test_the_advisers_overview(
    world: object, page: Page, sign_in: SignIn, assert_accessible: Check
) -> None:
    t = Words("nb")
    enter_as(page, sign_in, ADVISER, t.language)
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name=t("overview")).click()
    expect(page.get_by_role("heading", name=t("overdue"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("Kartlegge muligheter for tilrettelegging")
    assert_accessible(page)


def test_without_javascript_and_with_a_stale_save(
    world: object,
    no_js_page: Page,
    new_context: Callable[..., BrowserContext],
    page_problems: PageProblems,
    sign_in: SignIn,
    assert_accessible: Check,
) -> None:
    t = Words("nb")
    page = no_js_page
    enter_as(page, sign_in, MANAGER, t.language)
    _open_plan(page, t)
    # Plain links and forms: the edit form is on the plan page itself.
    _activity(page, FIRST).locator("summary").click()  # details opens without JavaScript
    with page.expect_navigation():
        _activity(page, FIRST).get_by_role("link", name=f"{t('edit')} – {FIRST}").click()
    expect(page).to_have_url(re.compile(r"/activities/\d+/edit#activity-\d+$"))
    assert_accessible(page)

    # Meanwhile the contact person saves the same activity.
    other = page_problems.watch(new_context(java_script_enabled=False)).new_page()
    enter_as(other, sign_in, ADVISER, t.language)
    other.goto(page.url)
    other.get_by_label(t("title"), exact=True).fill("Rådgivers tittel")
    with other.expect_navigation():
        other.get_by_role("button", name=t("save")).click()
    expect(other.locator("#messages")).to_contain_text(t("saved"))

    # The manager's save is refused (409): their text is kept, next to what is saved now.
    page.get_by_label(t("title"), exact=True).fill("Leders tittel")
    with page.expect_navigation():
        page.get_by_role("button", name=t("save")).click()
    expect(page.locator(".conflict__saved")).to_contain_text(t("stale"))
    expect(page.locator(".conflict__saved")).to_contain_text("Rådgivers tittel")
    expect(page.get_by_label(t("title"), exact=True)).to_have_value("Leders tittel")
    assert_accessible(page)
    # Saving again, having seen both, replaces it.
    with page.expect_navigation():
        page.get_by_role("button", name=t("save")).click()
    expect(page.locator("#messages")).to_contain_text(t("saved"))
    expect(_activity(page, "Leders tittel")).to_be_visible()
