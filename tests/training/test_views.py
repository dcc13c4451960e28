"""Training over HTTP: filters (plain and htmx), booking and cancelling (plain and htmx), errors
at the field with 422, the centre's forms, exports, the calendar feed, the record, the plan link,
and pages whose statement count does not grow with the data."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import icalendar
from flask import Flask
from sqlalchemy import event, select

from iwemployer.extensions import db
from iwemployer.models import (
    Booking,
    BookingStatus,
    Course,
    MemberRole,
    ParticipantRole,
    PlanActivity,
    utcnow,
)
from iwemployer.training import services

from ..conftest import WebClient, World
from .access_cases import COOPERATION, PAST, SICK_LEAVE, bid, cid

MANAGER = "leder@nordlys.example"
DELEGATE = "verneombud@nordlys.example"
ADVISER = "radgiver.oslo@nav.example"
FULL = "Verneombudets rolle i praksis"  # Oslo, 2 seats taken, Nordlys's safety delegate waiting
LINKED_ACTIVITY = "Felles opplæring i IA-arbeid for partene"


def _english(client: WebClient) -> None:
    client.post("/language", {"language": "en", "next": "/"})


def _course_url(world: World, title: str, suffix: str = "") -> str:
    return f"/enterprises/{world.nordlys.id}/training/courses/{cid(world, title)}{suffix}"


@contextmanager
def _statements(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = db.engine_for(app)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


# --- the enterprise's side ------------------------------------------------------------------


def test_the_list_filters_plain_and_with_htmx(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/training"
    page = client.get(url).text
    assert SICK_LEAVE in page and FULL in page and COOPERATION in page
    assert f">{PAST}</a>" not in page, "a held course is not upcoming"
    assert "Fullt: påmelding settes på venteliste" in page
    filtered = client.get(url + "?topic=sick_leave&month=bogus").text
    assert SICK_LEAVE in filtered and COOPERATION not in filtered.split("bookings-heading")[0]
    fragment = client.get(url + "?audience=safety_delegate", htmx=True)
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="course-list"')
    assert FULL in fragment.text and SICK_LEAVE not in fragment.text


def test_the_manager_books_a_seat_without_javascript(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    url = _course_url(world, COOPERATION)
    response = client.post(
        url + "/bookings",
        {"name": "Kari Hansen", "email": "kari@nordlys.example", "role": "union_rep"},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    page = client.get(url).text
    assert "Kari Hansen har fått plass." in page
    assert "kari@nordlys.example" in page and "Tillitsvalgt" in page


def test_a_full_course_puts_the_booking_on_the_waiting_list_with_htmx(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(MANAGER))
    response = client.post(
        _course_url(world, FULL, "/bookings"),
        {"name": "Per Venter", "email": "per@nordlys.example", "role": "safety_delegate"},
        htmx=True,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="bookings"')
    assert "Kurset er fullt: Per Venter står på venteliste." in response.text
    assert "nr. 2 i køen" in response.text


def test_bad_input_is_shown_at_the_field_with_422(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    response = client.post(
        _course_url(world, COOPERATION, "/bookings"), {"name": "", "email": "no-at", "role": "x"}
    )
    assert response.status_code == 422
    assert "Oppgi deltakerens navn." in response.text
    assert 'aria-invalid="true"' in response.text
    # The same person twice: at the e-mail field, nothing stored twice.
    url = _course_url(world, SICK_LEAVE, "/bookings")
    again = client.post(url, {"name": "Marte", "email": "LEDER@nordlys.example", "role": "manager"})
    assert again.status_code == 422
    assert "Marte er allerede påmeldt dette kurset." in again.text


def test_a_safety_delegate_books_only_themselves(world: World, client: WebClient) -> None:
    client.login_as(world.user(DELEGATE))
    url = _course_url(world, COOPERATION)
    page = client.get(url).text
    assert 'value="verneombud@nordlys.example"' in page and "Deltakerens rolle" not in page
    other = client.post(url + "/bookings", {"name": "Noen", "email": "noen@nordlys.example"})
    assert other.status_code == 422 and "Du kan bare melde på deg selv." in other.text
    own = client.post(url + "/bookings", {"name": "Ola Nilsen", "email": DELEGATE})
    assert own.status_code == 303
    booking = world.session.scalar(
        select(Booking).where(
            Booking.email_key == DELEGATE, Booking.course_id == cid(world, COOPERATION)
        )
    )
    assert booking is not None and booking.role.value == "safety_delegate"


def test_cancelling_promotes_the_first_in_line(world: World, client: WebClient) -> None:
    # Nordlys's safety delegate waits for the full course; a seat is freed for them.
    first = world.session.scalar(
        select(Booking).where(
            Booking.course_id == cid(world, FULL), Booking.status == BookingStatus.CONFIRMED
        )
    )
    assert first is not None
    first.booked_by_id = world.user(MANAGER).id
    first.enterprise_id = world.nordlys.id
    world.session.commit()
    client.login_as(world.user(MANAGER))
    response = client.post(
        f"/enterprises/{world.nordlys.id}/training/bookings/{first.id}/cancel", {}, htmx=True
    )
    assert response.status_code == 200
    assert "Ola Nilsen fikk plassen fra ventelisten." in response.text
    world.session.expire_all()
    waiting = world.session.get_one(Booking, bid(world, FULL, DELEGATE))
    assert waiting.status == BookingStatus.CONFIRMED


def test_the_booking_calendar_file(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    booking = bid(world, SICK_LEAVE, MANAGER)
    response = client.get(f"/enterprises/{world.nordlys.id}/training/bookings/{booking}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.data)
    (only,) = parsed.walk("VEVENT")
    assert str(only["summary"]) == SICK_LEAVE
    assert only.decoded("dtstart").hour == 9


def test_the_training_record_shows_who_lacks_the_training_for_their_role(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user("tillitsvalgt@nordlys.example"))
    page = client.get(f"/enterprises/{world.nordlys.id}/training/record").text
    assert PAST in page and "Marte Lie" in page and "Jonas Lund" not in page  # he did not come
    assert page.count("Har ikke tatt kurs for rollen ennå") == 3  # the three others


def test_the_manager_links_a_plan_activity_and_the_plan_shows_it(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(MANAGER))
    activity = world.session.scalar(
        select(PlanActivity).where(PlanActivity.title == LINKED_ACTIVITY)
    )
    assert activity is not None
    plan = client.get(f"/enterprises/{world.nordlys.id}/plan", follow_redirects=True).text
    assert COOPERATION in plan
    link = _course_url(world, SICK_LEAVE, "/plan-link")
    response = client.post(link, {"activity_id": activity.id})
    assert response.status_code == 303
    world.session.refresh(activity)
    assert activity.training_session_id == cid(world, SICK_LEAVE)
    plan = client.get(f"/enterprises/{world.nordlys.id}/plan", follow_redirects=True).text
    assert SICK_LEAVE in plan and "1 påmeldt" in plan
    client.post(link, {"activity_id": activity.id, "unlink": "1"})
    world.session.refresh(activity)
    assert activity.training_session_id is None
    bad = client.post(link, {"activity_id": "x"})
    assert bad.status_code == 422


def test_english_pages(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    _english(client)
    page = client.get(_course_url(world, FULL)).text
    assert "Working environment" in page and "On the waiting list" in page
    assert "The course is full: a booking goes on the waiting list" in page


# --- the centre's side ----------------------------------------------------------------------

NEW_COURSE = {
    "title": "Tilrettelegging i praksis",
    "topic": "inclusion",
    "audience": ["manager", "employee"],
    "language": "nn",
    "online_url": "https://meet.nav.example/tilrettelegging",
    "capacity": "8",
    "booking_deadline": "2099-03-01",
    "sessions-0-day": "2099-03-10",
    "sessions-0-starts": "09:00",
    "sessions-0-ends": "11:30",
    "sessions-1-day": "10.03.2099",
    "sessions-1-starts": "13:00",
    "sessions-1-ends": "15:00",
}


def test_the_adviser_publishes_a_course_and_errors_show_at_the_fields(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(ADVISER))
    bad = client.post("/centre/courses/new", {**NEW_COURSE, "capacity": "0", "sessions-0-ends": ""})
    assert bad.status_code == 422
    assert "Kapasiteten må være mellom 1 og 1\u00a0000." in bad.text
    missing = client.post("/centre/courses/new", {**NEW_COURSE, "sessions-0-ends": ""})
    assert missing.status_code == 422
    assert "Gi hver samling en dato, et starttidspunkt og et sluttidspunkt." in missing.text
    assert 'value="Tilrettelegging i praksis"' in missing.text, "nothing typed is lost"
    response = client.post("/centre/courses/new", NEW_COURSE)
    assert response.status_code == 303
    created = world.session.scalar(select(Course).where(Course.title == NEW_COURSE["title"]))
    assert created is not None
    assert created.centre_id == world.nordlys.centre_id
    assert [services.local(s.starts_at).hour for s in created.sessions] == [9, 13]
    assert created.audience == ",manager,employee,"
    # The edit form shows what is saved, the deadline as its own day.
    form = client.get(f"/centre/courses/{created.id}/edit").text
    assert 'value="2099-03-01"' in form and 'value="09:00"' in form


def test_the_participant_list_exports_as_csv(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADVISER))
    response = client.get(f"/centre/courses/{cid(world, FULL)}/participants.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Navn", "E-post", "Virksomhet", "Rolle", "Status"]
    assert ["Ola Nilsen", DELEGATE, "Nordlys Omsorg AS", "Verneombud", "På venteliste"] in rows


def test_attendance_and_cancelling_a_course(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADVISER))
    past = cid(world, PAST)
    jonas = bid(world, PAST, "jonas.lund@nordlys.example")
    response = client.post(f"/centre/courses/{past}/attendance", {"attended": [str(jonas)]})
    assert response.status_code == 303
    world.session.expire_all()
    assert world.session.get_one(Booking, jonas).attended is True
    too_early = client.post(f"/centre/courses/{cid(world, FULL)}/attendance", {})
    assert too_early.status_code == 409
    cancelled = client.post(f"/centre/courses/{cid(world, FULL)}/cancel", {})
    assert cancelled.status_code == 303
    page = client.get(cancelled.headers["Location"]).text
    assert "Kurset er avlyst. Alle påmeldte får beskjed." in page
    again = client.post(f"/centre/courses/{cid(world, FULL)}/cancel", {})
    assert again.status_code == 409


# --- the calendar feed ----------------------------------------------------------------------


def test_the_feed_is_private_revocable_and_renewable(
    world: World, client: WebClient, make_client: Any
) -> None:
    client.login_as(world.user(MANAGER))
    page = client.post("/account/calendar", {}).text
    match = re.search(r'value="(http://[^"]+/calendar/[^"]+\.ics)"', page)
    assert match, page
    feed = match.group(1).split("localhost", 1)[-1]
    anonymous = make_client()
    response = anonymous.get(feed)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    titles = {str(e["summary"]) for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}
    # Confirmed bookings only: Nordlys waits for the full course.
    assert SICK_LEAVE in titles and FULL not in titles
    client.post("/account/calendar", {})
    assert anonymous.get(feed).status_code == 404
    client.post("/account/calendar/revoke", {})
    assert "Du har ikke noe kalenderabonnement." in client.get("/account/calendar").text
    assert anonymous.get("/calendar/guess.ics").status_code == 404


# --- statements -----------------------------------------------------------------------------


def test_pages_stay_within_a_fixed_number_of_statements(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    urls = [
        f"/enterprises/{world.nordlys.id}/training",
        _course_url(world, FULL),
        f"/enterprises/{world.nordlys.id}/training/record",
        f"/enterprises/{world.nordlys.id}/plan",
    ]
    client.csrf()

    def counts() -> list[int]:
        result = []
        for url in urls:
            with _statements(client.app) as seen:
                assert client.get(url, follow_redirects=True).status_code == 200
            result.append(len(seen))
        return result

    before = counts()
    # Ten more courses of two sessions, each with a seat and a waiting booking for Nordlys.
    template = world.session.scalar(select(Course).where(Course.title == COOPERATION))
    assert template is not None
    adviser = world.user(ADVISER)
    for n in range(10):
        start = utcnow() + timedelta(days=20 + n)
        created = services.publish(
            world.session,
            template.centre_id,
            adviser,
            services.CourseDetails(
                title=f"Kurs {n}",
                description="",
                topic=template.topic,
                audience=template.audience_roles,
                language="nb",
                place="Her",
                online_url="",
                capacity=1,
                booking_deadline=start - timedelta(days=1),
                sessions=[
                    (start, start + timedelta(hours=2)),
                    (start + timedelta(days=1), start + timedelta(days=1, hours=2)),
                ],
            ),
        )
        for k in range(2):
            services.book(
                world.session,
                created,
                world.nordlys.id,
                world.user(MANAGER),
                MemberRole.MANAGER,
                f"P{n}-{k}",
                f"p{n}-{k}@nordlys.example",
                ParticipantRole.EMPLOYEE,
                utcnow(),
            )
    world.session.commit()
    assert counts() == before
