"""HTTP: asking for a meeting, accepting a time, minutes into the plan, the calendar file, and
recording, linking and answering an order; 422 at the field for bad input. No JavaScript."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import select

from iwemployer.models import (
    ActionPlan,
    Inspection,
    InspectionOrder,
    Meeting,
    MeetingStatus,
    PlanActivity,
    PlanTheme,
    utcnow,
)
from iwemployer.subsidies.services import today_in_oslo
from tests.conftest import WebClient, World

ADVISER = "radgiver.oslo@nav.example"
MANAGER = "leder@nordlys.example"


def _local(days: int, hour: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat() + f"T{hour:02d}:00"


def test_ask_accept_and_download_the_calendar_file(world: World, client: WebClient) -> None:
    client.login_as(world.user("bht@helsepartner.example"))
    base = f"/enterprises/{world.nordlys.id}/meetings"
    bad = client.post(base + "/new", {"purpose": "", "mode": "online"})
    assert bad.status_code == 422 and "aria-invalid" in bad.text
    one_slot = client.post(
        base + "/new",
        {
            "purpose": "Løft",
            "mode": "online",
            "slots-0-starts_at": _local(20, 9),
            "slots-0-length": "60",
        },
    )
    assert one_slot.status_code == 422
    asked = client.post(
        base + "/new",
        {
            "purpose": "Løft i sykehjemmene",
            "mode": "at_centre",
            "slots-0-starts_at": _local(20, 9),
            "slots-0-length": "60",
            "slots-1-starts_at": _local(21, 9),
            "slots-1-length": "90",
        },
    )
    assert asked.status_code == 303
    meeting = world.session.scalars(
        select(Meeting).where(Meeting.purpose == "Løft i sykehjemmene")
    ).one()
    client.login_as(world.user(ADVISER))
    page = client.get(asked.headers["Location"])
    assert page.status_code == 200 and "Løft i sykehjemmene" in page.text
    slot_id = meeting.slots[0].id
    accepted = client.post(f"{base}/{meeting.id}/accept", {"slot": str(slot_id)})
    assert accepted.status_code == 303
    world.session.refresh(meeting)
    assert meeting.status == MeetingStatus.CONFIRMED
    ics = client.get(f"{base}/{meeting.id}/meeting.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == meeting.starts_at


def test_minutes_with_a_follow_up_put_an_activity_in_the_plan(
    world: World, client: WebClient
) -> None:
    held = world.session.scalars(
        select(Meeting).where(
            Meeting.enterprise_id == world.nordlys.id,
            Meeting.status == MeetingStatus.CONFIRMED,
            Meeting.starts_at < utcnow(),
        )
    ).one()
    theme = world.session.scalars(
        select(PlanTheme).join(ActionPlan).where(ActionPlan.enterprise_id == world.nordlys.id)
    ).first()
    assert theme is not None
    client.login_as(world.user(ADVISER))
    url = f"/enterprises/{world.nordlys.id}/meetings/{held.id}"
    page = client.get(url)
    assert page.status_code == 200 and f'action="{url}/minutes"' in page.text
    missing_theme = client.post(
        url + "/minutes", {"discussed": "Turnus", "follow_ups-0-title": "Ny turnus"}
    )
    assert missing_theme.status_code == 422
    saved = client.post(
        url + "/minutes",
        {
            "discussed": "Turnus",
            "decisions": "Ny turnus",
            "follow_ups-0-title": "Ny turnusplan for helg",
            "follow_ups-0-theme": str(theme.id),
            "follow_ups-0-responsible": "manager",
            "follow_ups-0-end_date": (date.today() + timedelta(days=30)).isoformat(),
        },
    )
    assert saved.status_code == 303
    assert world.session.scalar(
        select(PlanActivity.id).where(PlanActivity.title == "Ny turnusplan for helg")
    )


def test_record_link_and_answer_an_order(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    base = f"/enterprises/{world.nordlys.id}/inspections"
    bad = client.post(base + "/new", {"inspected_on": "", "topic": ""})
    assert bad.status_code == 422
    recorded = client.post(
        base + "/new",
        {
            "inspected_on": date.today().isoformat(),
            "topic": "Organisatorisk arbeidsmiljø",
            "letter_url": "https://www.arbeidstilsynet.no/",
            "orders-0-text": "Kartlegg arbeidsbelastningen.",
            "orders-0-deadline": (date.today() + timedelta(days=30)).isoformat(),
        },
    )
    assert recorded.status_code == 303
    order = world.session.scalars(
        select(InspectionOrder).join(Inspection).where(Inspection.enterprise_id == world.nordlys.id)
    ).one()
    activity = world.session.scalars(
        select(PlanActivity)
        .join(PlanTheme)
        .join(ActionPlan)
        .where(ActionPlan.enterprise_id == world.nordlys.id)
    ).first()
    assert activity is not None
    order_url = f"{base}/{order.inspection_id}/orders/{order.id}"
    assert client.post(order_url + "/link", {"activity": str(activity.id)}).status_code == 303
    assert client.post(order_url + "/answer", {"answer": ""}).status_code == 422
    assert client.post(order_url + "/answer", {"answer": "Kartlagt"}).status_code == 303
    world.session.refresh(order)
    # Answered on the day it is in Oslo (from 23:00 UTC in winter, the next day's date).
    assert order.activity_id == activity.id and order.answered_on == today_in_oslo()
    # The safety delegate sees the inspection (the law's right) but cannot record one.
    client.login_as(world.user("verneombud@nordlys.example"))
    assert "Organisatorisk arbeidsmiljø" in client.get(base).text
    assert client.get(base + "/new").status_code == 403


def test_the_enterprise_home_shows_the_next_meeting(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    page = client.get(f"/enterprises/{world.nordlys.id}")
    assert page.status_code == 200
    assert f"/enterprises/{world.nordlys.id}/meetings/" in page.text


def test_the_agenda_picks_themes_and_activities_of_the_plan(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(MANAGER))
    base = f"/enterprises/{world.nordlys.id}/meetings"
    form = client.get(base + "/new")
    theme = world.session.scalars(
        select(PlanTheme)
        .join(ActionPlan)
        .where(ActionPlan.enterprise_id == world.nordlys.id)
        .order_by(PlanTheme.id)
    ).first()
    assert theme is not None and theme.activities
    activity = theme.activities[0]
    assert f'value="theme:{theme.id}"' in form.text
    assert f'value="activity:{activity.id}"' in form.text
    data = {
        "purpose": "Gjennomgang av planen",
        "mode": "online",
        "wished_week": "40",
        "agenda": [f"theme:{theme.id}", f"activity:{activity.id}"],
    }
    # Another enterprise's activity is not a choice: refused at the field, nothing saved.
    foreign = world.session.scalars(
        select(PlanActivity)
        .join(PlanTheme)
        .join(ActionPlan)
        .where(ActionPlan.enterprise_id == world.fjellbygg.id)
    ).first()
    assert foreign is not None
    refused = client.post(base + "/new", {**data, "agenda": [f"activity:{foreign.id}"]})
    assert refused.status_code == 422
    assert 'id="agenda-error"' in refused.text and foreign.title not in refused.text
    asked = client.post(base + "/new", data)
    assert asked.status_code == 303
    page = client.get(asked.headers["Location"])
    assert theme.title in page.text
    assert f"/activities/{activity.id}" in page.text


def test_a_report_referred_to_by_a_plan_activity_shows_on_both_pages(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user("bht@helsepartner.example"))
    url = f"/enterprises/{world.nordlys.id}/health-service"

    def activity_of(enterprise_id: int) -> PlanActivity:
        found = world.session.scalars(
            select(PlanActivity)
            .join(PlanTheme)
            .join(ActionPlan)
            .where(ActionPlan.enterprise_id == enterprise_id)
            .order_by(PlanActivity.id)
        ).first()
        assert found is not None
        return found

    activity, foreign = activity_of(world.nordlys.id), activity_of(world.fjellbygg.id)
    assert f'<option value="{activity.id}"' in client.get(url).text
    data = {
        "title": "Kartlegging av støy",
        "report_date": date.today().isoformat(),
        "summary": "Støynivået i vaskeriet er høyt.",
    }
    refused = client.post(url, {**data, "activity": str(foreign.id)})
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    assert foreign.title not in refused.text
    added = client.post(url, {**data, "activity": str(activity.id)})
    assert added.status_code == 303
    page = client.get(url)
    assert page.text.count("Kartlegging av støy") == 1
    assert f"/activities/{activity.id}" in page.text
    plan_id = activity.theme.plan_id
    shown = client.get(f"/enterprises/{world.nordlys.id}/plans/{plan_id}/activities/{activity.id}")
    assert shown.status_code == 200 and "Kartlegging av støy" in shown.text
