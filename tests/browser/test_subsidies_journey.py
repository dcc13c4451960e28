"""The subsidy journey in a real browser, in bokmål and English: the manager writes a draft (the
total updates as the lines are typed, leaving a field saves), the safety delegate adds a
statement, the manager submits (with a reason for the missing one), the contact person asks for
more information, the manager resubmits, the contact person decides, the decision letter prints,
the manager sends the final report and the contact person accepts it. axe on every page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World

from .conftest import enter_as

SignIn = Callable[..., None]
Check = Callable[[Page], None]

MANAGER = "leder@nordlys.example"
DELEGATE = "verneombud@nordlys.example"
ADVISER = "radgiver.oslo@nav.example"
STATUS = {
    "submitted": ("Sendt inn", "Submitted"),
    "returned": ("Trenger flere opplysninger", "More information needed"),
    "granted": ("Innvilget", "Granted"),
    "reported": ("Sluttrapport sendt", "Final report sent"),
    "closed": ("Avsluttet", "Closed"),
}
TOTAL = ("12 500 kr", "NOK 12,500")


def _text(pair: tuple[str, str], language: str) -> str:
    return pair[0] if language == "nb" else pair[1]


def _submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f'form[action$="{form}"] button[type="submit"]').first.click()


def _status(page: Page, key: str, language: str) -> None:
    expect(page.locator(".page-heading .tag")).to_have_text(_text(STATUS[key], language))


@pytest.mark.parametrize("language", ["nb", "en"])
def test_draft_statements_submit_more_information_decision_letter_final_report(
    world: World, page: Page, sign_in: SignIn, assert_accessible: Check, language: str
) -> None:
    spaced = re.compile(r"[\u00a0\u202f]")
    # The manager starts a draft.
    enter_as(page, sign_in, MANAGER, language)
    page.goto(f"/enterprises/{world.nordlys.id}/subsidies")
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main a.aksel-button").click()
    assert_accessible(page)
    page.locator("#title").fill("Kurs i ergonomi")
    _submit(page, "/subsidies/new")
    url = page.url.split("#")[0].split("?")[0]
    assert_accessible(page)

    # The total follows the lines as they are typed; leaving a field saves the draft.
    page.locator("#line-0-item").fill("Kursholder")
    page.locator("#line-0-amount").fill("10000")
    page.locator("#line-1-item").fill("Lokale")
    page.locator("#line-1-amount").fill("2500")
    expect(page.locator("#budget-total")).to_contain_text(
        re.compile(re.escape(_text(TOTAL, language)).replace(r"\ ", "[\\s\u00a0\u202f]"))
    )
    page.locator("#purpose").fill("Færre belastningsskader.")
    page.locator("#expected_effect").click()
    expect(page.locator("#draft-status")).not_to_be_empty()
    page.locator("#expected_effect").fill("Lavere sykefravær.")
    page.locator("#activity_description").fill("Kurs for alle ansatte i hjemmetjenesten.")
    today = date.today()
    page.locator("#period_start").fill((today + timedelta(days=7)).isoformat())
    page.locator("#period_end").fill((today + timedelta(days=30)).isoformat())
    page.locator("#own_share").fill("2500")
    page.locator("#amount_applied").fill("10000")
    with page.expect_navigation():
        page.locator('#draft-form button[type="submit"]').click()
    assert spaced.sub(" ", page.locator("#budget-total").inner_text()).endswith(
        _text(TOTAL, language)
    )
    assert_accessible(page)

    # The safety delegate adds a statement; the form shows it was given.
    enter_as(page, sign_in, DELEGATE, language)
    page.goto(url)
    page.locator("#body").fill("Verneombudet støtter kurset.")
    _submit(page, "/statement")
    expect(page.locator("#statements .tag--success")).to_have_count(1)
    assert_accessible(page)

    # The manager submits without the union representative's statement, giving the reason.
    enter_as(page, sign_in, MANAGER, language)
    page.goto(url)
    _submit(page, "/submit")
    expect(page.locator("#no_statement_reason")).to_be_visible()
    assert_accessible(page)  # the list of what is missing
    page.locator("#no_statement_reason").fill("Tillitsvalgt er på ferie.")
    _submit(page, "/submit")
    _status(page, "submitted", language)

    # The contact person takes it and asks for more information.
    enter_as(page, sign_in, ADVISER, language)
    page.goto(url)
    _submit(page, "/take")
    assert_accessible(page)
    page.locator("#message").fill("Legg ved programmet for kurset.")
    _submit(page, "/more-information")
    _status(page, "returned", language)

    # The manager reads the request, changes the text and submits again.
    enter_as(page, sign_in, MANAGER, language)
    page.goto(url)
    expect(page.locator("main")).to_contain_text("Legg ved programmet for kurset.")
    assert_accessible(page)
    page.locator("#activity_description").fill("Kurs etter vedlagt program, to dager.")
    with page.expect_navigation():
        page.locator('#draft-form button[type="submit"]').click()
    _submit(page, "/submit")
    _status(page, "submitted", language)

    # The contact person decides; the decision letter is ready to print.
    enter_as(page, sign_in, ADVISER, language)
    page.goto(url)
    _submit(page, "/take")
    page.locator("#decision-0").check()
    page.locator("#reason").fill("Tiltaket følger opp handlingsplanen.")
    page.locator("#conditions").fill("Kurset holdes i perioden.")
    page.locator("#report_due").fill((today + timedelta(days=60)).isoformat())
    _submit(page, "/decision")
    _status(page, "granted", language)
    assert_accessible(page)
    with page.expect_navigation():
        page.locator('a[href$="/letter"]').click()
    expect(page.locator("article.letter")).to_contain_text("Tiltaket følger opp handlingsplanen.")
    assert_accessible(page)

    # The manager sends the final report; the contact person accepts it.
    enter_as(page, sign_in, MANAGER, language)
    page.goto(url)
    page.locator("#what_was_done").fill("Kurset ble holdt for 30 ansatte.")
    page.locator("#effect").fill("Færre meldte belastningsskader.")
    page.locator("#actual-0").fill("9500")
    page.locator("#actual-1").fill("2500")
    assert_accessible(page)
    _submit(page, "/report")
    _status(page, "reported", language)
    enter_as(page, sign_in, ADVISER, language)
    page.goto(url)
    _submit(page, "/report/accept")
    _status(page, "closed", language)
    assert_accessible(page)
