"""Working together, in a real browser, in bokmål and English, with axe on each step:

- a meeting: the manager asks for one with suggested times, the contact person accepts a time, the
  meeting takes place, and the minutes' follow-up becomes an activity in the plan;
- an inspection: the manager records the authority's order, links it to a plan activity and marks
  it answered;
- a report: the occupational health service adds one with its file, which downloads again.

The words on the page come from the site's own catalogues, so the test reads what the user reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import update

from iwemployer.models import Meeting
from tests.conftest import World

from .conftest import field_label, sign_out, use_language, words

SignIn = Callable[..., None]
Check = Callable[[Page], None]

MANAGER = "leder@nordlys.example"
ADVISER = "radgiver.oslo@nav.example"
HEALTH = "bht@helsepartner.example"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=name, exact=True).click()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_a_meeting_is_asked_for_agreed_held_and_its_follow_up_lands_in_the_plan(
    app: Flask,
    world: World,
    page: Page,
    sign_in: SignIn,
    assert_accessible: Check,
    language: str,
) -> None:
    t = words(app, language)
    suggested = datetime.combine(date.today() + timedelta(days=15), datetime.min.time())
    follow_up = f"Kartlegge tunge løft ({language})"

    sign_in(page, MANAGER)
    use_language(page, language)
    page.goto(f"/enterprises/{world.nordlys.id}/meetings/new")
    page.get_by_label(t("Purpose of the meeting")).fill("Oppfølging av sykefraværet")
    page.get_by_label(field_label(t("Where"))).select_option(index=1)
    page.get_by_label(t("Start")).first.fill(suggested.replace(hour=9).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(t("Start")).nth(1).fill(suggested.replace(hour=13).strftime("%Y-%m-%dT%H:%M"))
    _submit(page, t("Send"))
    expect(page.locator("main")).to_contain_text(t("Your request is sent to the contact person."))
    assert_accessible(page)
    meeting_url = page.url
    sign_out(page)

    sign_in(page, ADVISER)
    page.goto(meeting_url)
    page.get_by_label(field_label(t("Time"))).select_option(index=1)
    _submit(page, t("Accept the time"))
    expect(page.locator("main")).to_contain_text(t("The meeting is agreed."))
    assert_accessible(page)

    # The meeting takes place: its time moves into the past (an odd hour, clear of the demo's).
    held = datetime.now(UTC).replace(hour=5, minute=15, second=0, microsecond=0) - timedelta(days=3)
    meeting_id = int(meeting_url.rstrip("/").split("/")[-1])
    world.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting_id)
        .values(starts_at=held, ends_at=held + timedelta(hours=1))
    )
    world.session.commit()

    page.goto(meeting_url)
    page.get_by_label(t("What was discussed")).fill("Sykefraværet og tunge løft i hjemmetjenesten")
    page.get_by_label(field_label(t("Follow-up"))).first.fill(follow_up)
    page.get_by_label(t("Theme in the plan")).first.select_option(index=1)
    page.get_by_label(field_label(t("Responsible"))).first.select_option(index=1)
    page.get_by_label(t("Done by")).first.fill((date.today() + timedelta(days=60)).isoformat())
    _submit(page, t("Save the minutes"))
    follow_ups = page.locator(
        "section", has=page.get_by_role("heading", name=t("Follow-ups in the plan"))
    )
    expect(follow_ups).to_contain_text(follow_up)
    assert_accessible(page)

    with page.expect_navigation():
        follow_ups.get_by_role("link", name=t("Go to the plan")).click()
    expect(page.get_by_role("heading", name=follow_up)).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_an_inspection_order_is_recorded_linked_to_an_activity_and_answered(
    app: Flask,
    world: World,
    page: Page,
    sign_in: SignIn,
    assert_accessible: Check,
    language: str,
) -> None:
    t = words(app, language)
    topic = f"Ergonomi i hjemmetjenesten ({language})"
    order = "Kartlegg risiko ved manuell håndtering av pasienter."

    sign_in(page, MANAGER)
    use_language(page, language)
    page.goto(f"/enterprises/{world.nordlys.id}/inspections")
    with page.expect_navigation():
        page.get_by_role("link", name=t("Record an inspection")).click()
    assert_accessible(page)
    page.get_by_label(t("Date of the inspection")).fill(
        (date.today() - timedelta(days=2)).isoformat()
    )
    page.get_by_label(t("Topic")).fill(topic)
    page.get_by_label(field_label(t("Order"))).first.fill(order)
    page.get_by_label(t("Deadline")).first.fill((date.today() + timedelta(days=30)).isoformat())
    _submit(page, t("Record"))

    inspection = page.locator("section.card", has=page.get_by_role("heading", name=topic))
    expect(inspection).to_contain_text(order)
    assert_accessible(page)
    select = inspection.get_by_label(t("Plan activity that answers the order"))
    select.select_option(index=1)
    activity = select.locator("option").nth(1).inner_text().strip()
    with page.expect_navigation():
        inspection.get_by_role("button", name=t("Link"), exact=True).click()
    inspection = page.locator("section.card", has=page.get_by_role("heading", name=topic))
    expect(inspection).to_contain_text(f"{t('Answered by the plan activity:')} {activity}")

    inspection.locator("summary", has_text=t("Mark as answered")).click()
    inspection.get_by_label(t("How was the order answered?")).fill("Kartlagt med verneombudet.")
    with page.expect_navigation():
        inspection.get_by_role("button", name=t("Mark as answered"), exact=True).click()
    inspection = page.locator("section.card", has=page.get_by_role("heading", name=topic))
    expect(inspection).to_contain_text("Kartlagt med verneombudet.")
    expect(inspection).to_contain_text(t("Answered"))
    assert_accessible(page)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_health_service_adds_a_report_with_its_file(
    app: Flask,
    world: World,
    page: Page,
    sign_in: SignIn,
    assert_accessible: Check,
    language: str,
    tmp_path: Path,
) -> None:
    t = words(app, language)
    title = f"Inneklima i administrasjonen ({language})"
    saved = app.config["ATTACHMENT_DIR"]
    app.config["ATTACHMENT_DIR"] = str(tmp_path / "attachments")
    try:
        sign_in(page, HEALTH)
        use_language(page, language)
        page.goto(f"/enterprises/{world.nordlys.id}/health-service")
        page.get_by_label(t("Title")).fill(title)
        page.get_by_label(t("Date")).fill(date.today().isoformat())
        page.get_by_label(t("Short summary")).fill("Målinger av CO2 i alle etasjer.")
        page.get_by_label(field_label(t("File"))).set_input_files(
            files=[{"name": "inneklima.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        _submit(page, t("Add the report"))
        report = page.locator("article.card", has=page.get_by_role("heading", name=title))
        link = report.get_by_role("button", name="inneklima.pdf")
        expect(link).to_be_visible()
        assert_accessible(page)
        with page.expect_download() as download:
            link.click()
        assert Path(download.value.path()).read_bytes() == PDF
    finally:
        app.config["ATTACHMENT_DIR"] = saved
