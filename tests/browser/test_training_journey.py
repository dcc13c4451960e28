"""The training journey in a real browser, in bokmål and English: the manager books the last
seat, the course is full, the next booking goes on the waiting list, a cancellation promotes it;
all in place with htmx (no reload), axe on every step."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from iwemployer.models import Course
from tests.conftest import World

SignIn = Callable[..., None]
Check = Callable[[Page], None]

MANAGER = "leder@nordlys.example"
COURSE = "Samarbeid mellom partene i IA-arbeidet"
TEXT = {
    "nb": {
        "heading": "Kurs",
        "name": "Deltakerens navn",
        "email": "Deltakerens e-postadresse",
        "role": "Deltakerens rolle",
        "book": "Meld på",
        "seat": "Kari Hansen har fått plass.",
        "waiting": "Kurset er fullt: Per Venter står på venteliste.",
        "line": "nr. 1 i køen",
        "cancel": "Meld av – Kari Hansen",
        "promoted": "Per Venter fikk plassen fra ventelisten.",
        "confirmed": "Plass bekreftet",
    },
    "en": {
        "heading": "Training",
        "name": "Participant's name",
        "email": "Participant's e-mail address",
        "role": "Participant's role",
        "book": "Book",
        "seat": "Kari Hansen has a seat.",
        "waiting": "The course is full: Per Venter is on the waiting list.",
        "line": "no. 1 in line",
        "cancel": "Cancel the booking – Kari Hansen",
        "promoted": "Per Venter got the seat from the waiting list.",
        "confirmed": "Seat confirmed",
    },
}


def _book(page: Page, t: dict[str, str], name: str, email: str) -> None:
    page.get_by_label(t["name"]).fill(name)
    page.get_by_label(t["email"]).fill(email)
    page.get_by_label(t["role"]).select_option("employee")
    page.locator("#bookings").get_by_role("button", name=t["book"], exact=True).click()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_book_full_waiting_list_cancel_promoted(
    world: World, page: Page, sign_in: SignIn, assert_accessible: Check, language: str
) -> None:
    course = world.session.scalar(select(Course).where(Course.title == COURSE))
    assert course is not None
    course.capacity = 1
    world.session.commit()
    t = TEXT[language]

    sign_in(page, MANAGER)
    if language == "en":
        with page.expect_navigation():
            page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    with page.expect_navigation():
        page.locator("nav").get_by_role("link", name=t["heading"], exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t["heading"])
    assert_accessible(page)

    # The topic filter refreshes the list in place.
    page.get_by_label(re.compile("^(Tema|Topic)$")).select_option("cooperation")
    expect(page.locator("#course-list")).not_to_contain_text("Oppfølging av sykmeldte")
    with page.expect_navigation():
        page.locator("#course-list").get_by_role("link", name=COURSE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    assert_accessible(page)
    page.evaluate("window.__trainingNoReload = true")

    # The last seat, then the waiting list.
    _book(page, t, "Kari Hansen", "kari@nordlys.example")
    expect(page.locator("#bookings")).to_contain_text(t["seat"])
    _book(page, t, "Per Venter", "per@nordlys.example")
    bookings = page.locator("#bookings")
    expect(bookings).to_contain_text(t["waiting"])
    expect(bookings).to_contain_text(t["line"])
    assert_accessible(page)

    # Kari cancels: Per is promoted.
    bookings.get_by_role("button", name=t["cancel"]).click()
    expect(bookings).to_contain_text(t["promoted"])
    row = bookings.get_by_role("row").filter(has_text="Per Venter")
    expect(row).to_contain_text(t["confirmed"])
    assert page.evaluate("window.__trainingNoReload === true"), "the page was reloaded"
    assert_accessible(page)
