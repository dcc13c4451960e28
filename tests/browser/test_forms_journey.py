"""Nothing typed is lost, in a real browser with axe, in bokmål and English: the session ends
while a form is open → sign in → the filled form is back → send; the idle warning keeps a person
signed in; a long text gets a counter; leaving a changed inline edit asks first, and only one
inline edit is open at a time."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Dialog, Page, expect
from sqlalchemy import update

from iwemployer.models import UserSession, utcnow
from iwemployer.seed import DEMO_PASSWORD
from tests.conftest import World

from .conftest import enter_as

SignIn = Callable[..., None]
Check = Callable[[Page], None]

MANAGER = "leder@nordlys.example"
TEXT = {
    "job_title": ("Stillingstittel", "Job title"),
    "positions": ("Antall stillinger", "Number of positions"),
    "percent": ("Stillingsprosent", "Position size (percent)"),
    "location": ("Arbeidssted", "Workplace location"),
    "requirements": ("Krav", "Requirements"),
    "send": ("Send henvendelsen", "Send the request"),
    "signed_out": ("Du ble logget ut fordi", "You were signed out because"),
    "welcome_back": ("Velkommen tilbake.", "Welcome back."),
    "sent": ("Henvendelsen er sendt", "Your request is sent"),
    "too_many": ("Du har 1\u00a0250 tegn for mye.", "You have 1,250 characters too many."),
    "left": ("Du har 3\u00a0964 tegn igjen.", "You have 3,964 characters left."),
    "soon": ("Du blir snart logget ut", "You will soon be signed out"),
    "stay": ("Forbli innlogget", "Stay signed in"),
    "edit": ("Endre", "Edit"),
    "title": ("Tittel", "Title"),
    "email": ("E-postadresse", "E-mail address"),
    "password": ("Passord", "Password"),
    "sign_in": ("Logg inn", "Sign in"),
}
FIRST = "Faste partsmøter hver måned"
SECOND = "Oppfølgingssamtaler innen fire uker"


@pytest.fixture(autouse=True)
def _own_kept_forms(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "KEPT_FORM_DIR", str(tmp_path))


def _words(language: str) -> Callable[[str], str]:
    return lambda key: TEXT[key][0 if language == "nb" else 1]


def _idle_timeout_passes(world: World) -> None:
    world.session.execute(
        update(UserSession)
        .where(UserSession.user_id == world.user(MANAGER).id)
        .values(last_seen_at=utcnow() - timedelta(hours=1))
    )
    world.session.commit()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_an_expired_session_gives_the_filled_form_back(
    world: World, page: Page, sign_in: SignIn, assert_accessible: Check, language: str
) -> None:
    t = _words(language)
    enter_as(page, sign_in, MANAGER, language)
    page.goto(f"/enterprises/{world.nordlys.id}/requests/new/recruitment")
    page.get_by_label(t("job_title")).fill("Nattevakt i turnus")
    page.get_by_label(t("positions")).fill("2")
    page.get_by_label(t("percent")).fill("80")
    page.get_by_label(t("location")).fill("Tromsø")

    # Pasted past the limit: nothing cut, the counter says by how much.
    requirements = page.get_by_label(t("requirements"))
    requirements.fill("x" * 5250)
    counter = page.locator("#requirements-count")
    expect(counter).to_have_text(t("too_many"))
    expect(counter).to_have_attribute("aria-live", "polite")
    assert len(requirements.input_value()) == 5250
    assert_accessible(page)
    requirements.fill("Fagbrev som helsefagarbeider.")
    requirements.press("End")
    requirements.press_sequentially(" Norsk.")
    expect(counter).to_have_text(t("left"))

    # The session ends on the server while the form is open; sending it goes to sign-in.
    _idle_timeout_passes(world)
    with page.expect_navigation():
        page.get_by_role("button", name=t("send")).click()
    expect(page.locator("#messages")).to_contain_text(t("signed_out"))
    assert_accessible(page)
    page.get_by_label(t("email")).fill(MANAGER)
    page.get_by_label(re.compile(f"^{t('password')}$")).fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(f"^{t('sign_in')}$")).click()

    # Back at the same form, filled in as it was.
    expect(page).to_have_url(re.compile(r"/requests/new/recruitment$"))
    expect(page.locator("#messages")).to_contain_text(t("welcome_back"))
    expect(page.get_by_label(t("job_title"))).to_have_value("Nattevakt i turnus")
    expect(page.get_by_label(t("location"))).to_have_value("Tromsø")
    expect(page.get_by_label(t("requirements"))).to_have_value(
        "Fagbrev som helsefagarbeider. Norsk."
    )
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name=t("send")).click()
    expect(page.locator("#messages")).to_contain_text(t("sent"))
    expect(page.locator("main")).to_contain_text("Nattevakt i turnus")


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_idle_warning_keeps_a_person_signed_in(
    world: World,
    page: Page,
    sign_in: SignIn,
    assert_accessible: Check,
    language: str,
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    t = _words(language)
    enter_as(page, sign_in, MANAGER, language)
    # The warning comes two seconds after the page loads instead of after 28 minutes.
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    monkeypatch.setitem(app.config, "SESSION_WARNING_SECONDS", idle - 2)
    page.goto(f"/enterprises/{world.nordlys.id}")
    dialog = page.get_by_role("dialog", name=t("soon"))
    expect(dialog).to_be_visible()
    stay = dialog.get_by_role("button", name=t("stay"))
    expect(stay).to_be_focused()
    assert_accessible(page)
    with page.expect_response(re.compile(r"/keep-alive$")) as answer:
        stay.click()
    assert answer.value.status == 204
    expect(dialog).to_be_hidden()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_changed_inline_edits_are_not_lost_without_a_word(
    world: World, page: Page, sign_in: SignIn, assert_accessible: Check, language: str
) -> None:
    t = _words(language)
    dialogs: list[tuple[str, str]] = []
    answer = {"confirm": False}

    def handle(dialog: Dialog) -> None:
        dialogs.append((dialog.type, dialog.message))
        if answer["confirm"] and dialog.type == "confirm":
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", handle)
    enter_as(page, sign_in, MANAGER, language)
    page.goto(f"/enterprises/{world.nordlys.id}/plan")
    page.wait_for_url(re.compile(r"/plans/\d+$"))

    def activity(title: str) -> Any:
        return page.locator("article.activity").filter(
            has=page.get_by_role("heading", name=title, exact=True)
        )

    def edit(title: str) -> None:
        tools = activity(title).locator("details.activity__more")
        if tools.get_attribute("open") is None:
            tools.locator("summary").click()  # an activity's tools open on demand
        activity(title).get_by_role("link", name=f"{t('edit')} – {title}").click()

    first_id = activity(FIRST).get_attribute("id") or "missing"
    edit(FIRST)
    first = page.locator("article#" + first_id)
    title = first.get_by_label(t("title"), exact=True)
    expect(title).to_be_focused()
    title.press("End")
    title.press_sequentially(" og ved behov")

    # Leaving the page with the change asks first (the browser's own question).
    page.get_by_role("link", name=re.compile(r"^(Varsler|Notifications)")).first.click()
    page.wait_for_timeout(300)
    assert [kind for kind, _ in dialogs] == ["beforeunload"]
    expect(title).to_have_value(f"{FIRST} og ved behov")

    # Opening a second edit asks before closing the changed one; "no" keeps it.
    edit(SECOND)
    assert dialogs[-1][0] == "confirm"
    expect(title).to_have_value(f"{FIRST} og ved behov")
    assert page.locator("article.activity form[hx-post] a[hx-get]").count() == 1
    # "Yes" closes it and opens the second: still only one edit open.
    answer["confirm"] = True
    edit(SECOND)
    expect(page.locator("article#" + first_id).get_by_role("heading", name=FIRST)).to_be_visible()
    expect(page.locator("article.activity form[hx-post] a[hx-get]")).to_have_count(1)
    assert_accessible(page)
