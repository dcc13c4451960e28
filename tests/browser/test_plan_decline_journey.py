"""Issue 11's plan journeys in a real browser, in bokmål and English, with axe on every state:
a declined plan goes back to the manager, who changes it (deleting an activity after a
confirmation step) and confirms and sends a new version; a safety delegate changes the status
of an activity the safety delegate answers for; an administrator ends an agreement with a date
and a reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import enter_as, sign_out

F_MANAGER = "leder@fjellbygg.example"
F_UNION = "tillitsvalgt@fjellbygg.example"
SAFETY_DELEGATE = "verneombud@nordlys.example"
ADMIN = "admin@nav.example"
REMOVED = "Tilrettelagte oppgaver i verkstedet"
MINE = "Medarbeiderundersøkelse"  # the safety delegate answers for it at Nordlys
REASON = "Planen mangler tiltak mot støy på byggeplassene. " * 6

SignIn = Callable[..., None]
Check = Callable[[Page], None]

# Texts by language: (bokmål, English).
TEXT: dict[str, tuple[str, str]] = {
    "menu": ("Handlingsplan", "Action plan"),
    "reason": ("Hvorfor avviser du?", "Why do you decline?"),
    "decline": ("Avvis versjon 1", "Decline version 1"),
    "say_why": ("Skriv hvorfor du avviser", "Say why you decline"),
    "declined": ("Avvist", "Declined"),
    "show_all": ("Vis hele", "Show all"),
    "confirm": ("Bekreft versjon 1", "Confirm version 1"),
    "reopen": ("Endre planen og send ny versjon", "Change the plan and send a new version"),
    "edit": ("Endre", "Edit"),
    "delete": ("Slett aktiviteten", "Delete activity"),
    "cannot_undo": ("Dette kan ikke angres.", "This cannot be undone."),
    "deleted": ("Aktiviteten er slettet.", "The activity is deleted."),
    "send": ("Bekreft og send versjon 2", "Confirm and send version 2"),
    "sent": ("Du bekreftet versjon 2 og sendte den", "You confirmed version 2 and sent it"),
    "status": ("Status", "Status"),
    "update_status": ("Oppdater status", "Update status"),
    "in_progress": ("Under arbeid", "In progress"),
    "agreed": ("Vedtatt", "Agreed"),
    "end": ("Avslutt avtalen", "End the agreement"),
    "ends_from": ("Avsluttes fra", "Ends from"),
    "why_end": ("Begrunnelse", "Reason"),
    "terminated": ("er avsluttet fra", "is terminated from"),
}


class Words:
    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, key: str) -> str:
        nb, en = TEXT[key]
        return nb if self.language == "nb" else en


def _open_plan(page: Page, t: Words) -> None:
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name=t("menu"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/enterprises/\d+/plans/\d+$"))


def _activity(page: Page, title: str) -> Any:
    return page.locator("article.activity").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


@pytest.mark.parametrize("language", ["nb", "en"])
def test_decline_change_and_send_again(
    world: object,
    page: Page,
    live_server: str,
    sign_in: SignIn,
    assert_accessible: Check,
    language: str,
) -> None:
    t = Words(language)
    summary = page.locator("#plan-summary")
    # The union representative declines without a reason: the error stands at the field.
    enter_as(page, sign_in, F_UNION, t.language)
    _open_plan(page, t)
    reason = page.get_by_label(t("reason"))
    expect(reason).to_have_attribute("required", "")
    with page.expect_navigation():
        page.get_by_role("button", name=t("decline")).click()
    expect(page.locator("#reason-error")).to_contain_text(t("say_why"))
    assert_accessible(page)
    page.get_by_label(t("reason")).fill(REASON)
    with page.expect_navigation():
        page.get_by_role("button", name=t("decline")).click()
    # Declined, with who and why; the long reason is cut, "Show all" opens it.
    expect(summary.locator(".plan-status")).to_contain_text(t("declined"))
    expect(summary.get_by_role("button", name=t("confirm"))).to_have_count(0)
    long_text = summary.locator(".plan-declined details.long-text")
    long_text.locator("summary").click()
    expect(long_text).to_have_attribute("open", "")
    assert_accessible(page)
    sign_out(page)

    # The manager opens version 2, deletes an activity after confirming, then confirms and sends.
    enter_as(page, sign_in, F_MANAGER, t.language)
    _open_plan(page, t)
    expect(summary).to_contain_text("Siri Vik")
    with page.expect_navigation():
        page.get_by_role("button", name=t("reopen")).click()
    row = _activity(page, REMOVED)
    row_id = row.get_attribute("id") or "missing"
    row.locator("details.activity__more > summary").click()  # the tools open on demand
    row.get_by_role("link", name=f"{t('edit')} – {REMOVED}").click()
    row = page.locator(f"article#{row_id}")
    row.get_by_role("link", name=t("delete")).click()
    expect(row).to_contain_text(t("cannot_undo"))  # asked in place (htmx)
    danger = row.get_by_role("button", name=t("delete"))
    expect(danger).to_have_attribute("data-color", "danger")
    expect(danger).to_be_focused()
    assert_accessible(page)
    with page.expect_navigation():
        danger.click()
    expect(page.locator("#messages")).to_contain_text(t("deleted"))
    expect(_activity(page, REMOVED)).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name=t("send")).click()
    expect(page.locator("#messages")).to_contain_text(t("sent"))
    assert_accessible(page)
    sign_out(page)

    # A safety delegate reports progress on an activity of theirs: the plan stays agreed.
    enter_as(page, sign_in, SAFETY_DELEGATE, t.language)
    _open_plan(page, t)
    mine = _activity(page, MINE)
    mine_id = mine.get_attribute("id")
    mine.locator("details.activity__more > summary").click()  # the tools open on demand
    mine.get_by_label(re.compile(f"^{t('status')}")).select_option(label=t("in_progress"))
    mine.get_by_role("button", name=t("update_status")).click()
    expect(page.locator(f"article#{mine_id} .tag").first).to_have_text(t("in_progress"))
    expect(summary.locator(".plan-status")).to_contain_text(t("agreed"))
    assert_accessible(page)
    sign_out(page)

    # An administrator ends Nordlys's agreement: a confirmation step with a date and a reason.
    enter_as(page, sign_in, ADMIN, t.language)
    page.goto(f"{live_server}/admin/enterprises")
    with page.expect_navigation():
        page.get_by_role("link", name="Nordlys Omsorg AS").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(f"^{t('end')}")).first.click()
    expect(page.get_by_label(t("ends_from"))).not_to_have_value("")
    assert_accessible(page)
    page.get_by_label(t("why_end")).fill("Virksomheten har avsluttet samarbeidet.")
    with page.expect_navigation():
        page.get_by_role("button", name=t("end")).click()
    expect(page.locator("#messages")).to_contain_text(t("terminated"))
    expect(page.locator("main")).to_contain_text("Virksomheten har avsluttet samarbeidet.")
