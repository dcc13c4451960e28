"""Every route of the training area, every method.

Nordlys (Oslo) is "own"; Fjellbygg and the Vestland centre's courses are foreign: 404 to everyone
but the administrator. The enterprise's people book (the manager anyone, the others themselves);
advisers and the administrator see the enterprise's training but do not book (403); the centre's
pages are for advisers and the administrator (403 for the employer side).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from iwemployer.models import Booking, Course, PlanActivity
from tests.access_matrix import ADMIN, ADVISER, EMPLOYER_SIDE, EVERYONE, RouteCase

SICK_LEAVE = "Oppfølging av sykmeldte for ledere"  # Oslo; Nordlys's manager has a seat
COOPERATION = "Samarbeid mellom partene i IA-arbeidet"  # Oslo; no bookings yet
PAST = "Inkludering og rekruttering"  # Oslo; held 40 days ago, with attendance
FOREIGN_COURSE = "Verneombodet på byggeplassen"  # Vestland; Fjellbygg's safety delegate booked
MANAGER = frozenset({"manager"})
CENTRE = ADVISER | ADMIN
PAGE = frozenset({200})
CHANGE = frozenset({200, 303, 422})


def cid(w: Any, title: str) -> int:
    found = w.session.scalar(select(Course.id).where(Course.title == title))
    assert found is not None, title
    return int(found)


def bid(w: Any, title: str, email: str) -> int:
    found = w.session.scalar(
        select(Booking.id).where(Booking.course_id == cid(w, title), Booking.email_key == email)
    )
    assert found is not None, (title, email)
    return int(found)


def activity_id(w: Any, title: str) -> int:
    found = w.session.scalar(select(PlanActivity.id).where(PlanActivity.title == title))
    assert found is not None, title
    return int(found)


def _own(suffix: str, **data: Any) -> Any:
    return lambda w: (
        f"/enterprises/{w.nordlys.id}/training{suffix(w) if callable(suffix) else suffix}",
        data,
    )


def _foreign(suffix: Any, **data: Any) -> Any:
    return lambda w: (
        f"/enterprises/{w.fjellbygg.id}/training{suffix(w) if callable(suffix) else suffix}",
        data,
    )


def _centre(course: str, suffix: str = "", **data: Any) -> Any:
    return lambda w: (f"/centre/courses/{cid(w, course)}{suffix}", data)


BOOKING = {"name": "Kari Hansen", "email": "leder@nordlys.example", "role": "employee"}
COURSE = {
    "title": "Nytt kurs",
    "topic": "other",
    "audience": "manager",
    "language": "nb",
    "place": "Sannergata 2",
    "capacity": "10",
    "booking_deadline": "2099-01-10",
    "sessions-0-day": "2099-01-20",
    "sessions-0-starts": "09:00",
    "sessions-0-ends": "12:00",
}

CASES = [
    # The enterprise's side.
    RouteCase(
        "training.courses",
        "GET",
        _own(""),
        EVERYONE,
        foreign=_foreign(""),
        ok_statuses=PAGE,
    ),
    RouteCase(
        "training.course",
        "GET",
        _own(lambda w: f"/courses/{cid(w, SICK_LEAVE)}"),
        EVERYONE,
        foreign=_foreign(lambda w: f"/courses/{cid(w, FOREIGN_COURSE)}"),
        ok_statuses=PAGE,
    ),
    RouteCase(
        "training.book",
        "POST",
        # Others than the manager book themselves only: the manager's address answers 422.
        _own(lambda w: f"/courses/{cid(w, COOPERATION)}/bookings", **BOOKING),
        EMPLOYER_SIDE,
        foreign=_foreign(lambda w: f"/courses/{cid(w, FOREIGN_COURSE)}/bookings", **BOOKING),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "training.cancel_booking",
        "POST",
        _own(lambda w: f"/bookings/{bid(w, SICK_LEAVE, 'leder@nordlys.example')}/cancel"),
        MANAGER,
        foreign=_foreign(
            lambda w: f"/bookings/{bid(w, FOREIGN_COURSE, 'verneombud@fjellbygg.example')}/cancel"
        ),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "training.booking_calendar",
        "GET",
        _own(lambda w: f"/bookings/{bid(w, SICK_LEAVE, 'leder@nordlys.example')}.ics"),
        EVERYONE,
        foreign=_foreign(
            lambda w: f"/bookings/{bid(w, FOREIGN_COURSE, 'verneombud@fjellbygg.example')}.ics"
        ),
        ok_statuses=PAGE,
    ),
    RouteCase(
        "training.record",
        "GET",
        _own("/record"),
        EVERYONE,
        foreign=_foreign("/record"),
        ok_statuses=PAGE,
    ),
    RouteCase(
        "training.plan_link",
        "POST",
        lambda w: (
            f"/enterprises/{w.nordlys.id}/training/courses/{cid(w, SICK_LEAVE)}/plan-link",
            {"activity_id": activity_id(w, "Felles opplæring i IA-arbeid for partene")},
        ),
        MANAGER,
        foreign=lambda w: (
            f"/enterprises/{w.fjellbygg.id}/training/courses/{cid(w, FOREIGN_COURSE)}/plan-link",
            {"activity_id": activity_id(w, "Ny rutine for oppfølging på byggeplass")},
        ),
        ok_statuses=CHANGE,
    ),
    # The centre's side.
    RouteCase(
        "training.centre_courses",
        "GET",
        lambda w: ("/centre/courses", {}),
        CENTRE,
        ok_statuses=PAGE,
    ),
    RouteCase(
        "training.centre_new",
        "GET",
        lambda w: ("/centre/courses/new", {}),
        CENTRE,
        ok_statuses=PAGE,
    ),
    RouteCase(
        "training.centre_new",
        "POST",
        # The administrator also chooses the centre: without it, the form answers 422.
        lambda w: ("/centre/courses/new", COURSE),
        CENTRE,
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "training.centre_course",
        "GET",
        _centre(SICK_LEAVE),
        CENTRE,
        foreign=_centre(FOREIGN_COURSE),
        ok_statuses=PAGE,
    ),
    RouteCase(
        "training.centre_edit",
        "GET",
        _centre(SICK_LEAVE, "/edit"),
        CENTRE,
        foreign=_centre(FOREIGN_COURSE, "/edit"),
        ok_statuses=PAGE,
    ),
    RouteCase(
        "training.centre_edit",
        "POST",
        _centre(SICK_LEAVE, "/edit", **COURSE),
        CENTRE,
        foreign=_centre(FOREIGN_COURSE, "/edit", **COURSE),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "training.centre_cancel",
        "POST",
        _centre(SICK_LEAVE, "/cancel"),
        CENTRE,
        foreign=_centre(FOREIGN_COURSE, "/cancel"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "training.centre_participants_csv",
        "GET",
        _centre(SICK_LEAVE, "/participants.csv"),
        CENTRE,
        foreign=_centre(FOREIGN_COURSE, "/participants.csv"),
        ok_statuses=PAGE,
    ),
    RouteCase(
        "training.centre_attendance",
        "POST",
        _centre(PAST, "/attendance", attended=""),
        CENTRE,
        # The Vestland course has not started: the administrator is told so (409).
        foreign=_centre(FOREIGN_COURSE, "/attendance"),
        ok_statuses=CHANGE | {409},
    ),
    # The calendar feed's settings: everyone signed in has their own.
    RouteCase(
        "training.calendar_settings",
        "GET",
        lambda w: ("/account/calendar", {}),
        EVERYONE,
        ok_statuses=PAGE,
    ),
    RouteCase(
        "training.calendar_new",
        "POST",
        lambda w: ("/account/calendar", {}),
        EVERYONE,
        ok_statuses=PAGE,
    ),
    RouteCase(
        "training.calendar_revoke",
        "POST",
        lambda w: ("/account/calendar/revoke", {}),
        EVERYONE,
        ok_statuses=CHANGE,
    ),
]
