"""Demo courses: three upcoming per centre, one of them full with a waiting list; Nordlys has
bookings on two, attended a past course, and links its plan's joint training to a course.

Idempotent: each course is found by its centre and title before it is created. Seats are taken
through the booking service, as a person would, so the counts always match the bookings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    ActionPlan,
    Booking,
    Centre,
    Course,
    CourseTopic,
    Enterprise,
    ParticipantRole,
    PlanActivity,
    PlanTheme,
    User,
)
from . import services

P = ParticipantRole
PARTIES = (P.MANAGER, P.SAFETY_DELEGATE, P.UNION_REP)


@dataclass(frozen=True)
class DemoCourse:
    county: str
    title: str
    topic: CourseTopic
    audience: tuple[ParticipantRole, ...]
    language: str
    place: str
    capacity: int
    # Days from today of each session's date; sessions run 09:00–15:00 Oslo time.
    days: tuple[int, ...]
    description: str
    online_url: str = ""


COURSES = (
    DemoCourse(
        "Oslo",
        "Oppfølging av sykmeldte for ledere",
        CourseTopic.SICK_LEAVE,
        (P.MANAGER,),
        "nb",
        "NAV Arbeidslivssenter Oslo, Sannergata 2",
        12,
        (14,),
        "Lederens plikter og muligheter i sykefraværsoppfølgingen: dialog, tilrettelegging og "
        "oppfølgingsplan.",
    ),
    DemoCourse(
        "Oslo",
        "Verneombudets rolle i praksis",
        CourseTopic.WORKING_ENVIRONMENT,
        (P.SAFETY_DELEGATE, P.UNION_REP),
        "nb",
        "",
        2,
        (21,),
        "For nye verneombud og tillitsvalgte: arbeidsmiljøloven, vernerunder og medvirkning.",
        "https://meet.nav.example/verneombud",
    ),
    DemoCourse(
        "Oslo",
        "Samarbeid mellom partene i IA-arbeidet",
        CourseTopic.COOPERATION,
        PARTIES,
        "nb",
        "NAV Arbeidslivssenter Oslo, Sannergata 2",
        30,
        (35, 42),
        "To halve dager for leder, verneombud og tillitsvalgt sammen: felles mål og handlingsplan.",
    ),
    DemoCourse(
        "Oslo",
        "Inkludering og rekruttering",
        CourseTopic.INCLUSION,
        (P.MANAGER, P.EMPLOYEE),
        "nb",
        "NAV Arbeidslivssenter Oslo, Sannergata 2",
        20,
        (-40,),
        "Hvordan rekruttere og ta imot folk som står utenfor arbeidslivet.",
    ),
    DemoCourse(
        "Vestland",
        "Oppfølging av sjukmelde for leiarar",
        CourseTopic.SICK_LEAVE,
        (P.MANAGER,),
        "nn",
        "NAV Arbeidslivssenter Vestland, Solheimsgaten 15",
        15,
        (18,),
        "Kva leiaren skal gjere når ein tilsett blir sjukmeld, og korleis tilrettelegge.",
    ),
    DemoCourse(
        "Vestland",
        "Verneombodet på byggeplassen",
        CourseTopic.WORKING_ENVIRONMENT,
        (P.SAFETY_DELEGATE,),
        "nn",
        "NAV Arbeidslivssenter Vestland, Solheimsgaten 15",
        1,
        (25,),
        "Vernerundar, avvik og medverknad på byggeplassen.",
    ),
    DemoCourse(
        "Vestland",
        "Partssamarbeid i praksis",
        CourseTopic.COOPERATION,
        PARTIES,
        "nn",
        "",
        25,
        (50,),
        "Nettkurs for partane saman.",
        "https://meet.nav.example/partssamarbeid",
    ),
)

# (course title, enterprise org number, name, e-mail, role, booked by e-mail, attended)
BOOKINGS = (
    (
        "Oppfølging av sykmeldte for ledere",
        "987654325",
        "Marte Lie",
        "leder@nordlys.example",
        P.MANAGER,
        "leder@nordlys.example",
        None,
    ),
    # The full course: two seats taken by another Oslo enterprise, Nordlys on the waiting list.
    (
        "Verneombudets rolle i praksis",
        "945678909",
        "Hanne Dahl",
        "hanne.dahl@oslorenhold.example",
        P.SAFETY_DELEGATE,
        None,
        None,
    ),
    (
        "Verneombudets rolle i praksis",
        "945678909",
        "Tor Eriksen",
        "tor.eriksen@oslorenhold.example",
        P.UNION_REP,
        None,
        None,
    ),
    (
        "Verneombudets rolle i praksis",
        "987654325",
        "Ola Nilsen",
        "verneombud@nordlys.example",
        P.SAFETY_DELEGATE,
        "verneombud@nordlys.example",
        None,
    ),
    (
        "Inkludering og rekruttering",
        "987654325",
        "Marte Lie",
        "leder@nordlys.example",
        P.MANAGER,
        "leder@nordlys.example",
        True,
    ),
    (
        "Inkludering og rekruttering",
        "987654325",
        "Jonas Lund",
        "jonas.lund@nordlys.example",
        P.EMPLOYEE,
        "leder@nordlys.example",
        False,
    ),
    (
        "Verneombodet på byggeplassen",
        "923456783",
        "Lars Tveit",
        "verneombud@fjellbygg.example",
        P.SAFETY_DELEGATE,
        "verneombud@fjellbygg.example",
        None,
    ),
    (
        "Verneombodet på byggeplassen",
        "856789020",
        "Mona Sæle",
        "mona.saele@sunnfjord.example",
        P.SAFETY_DELEGATE,
        None,
        None,
    ),
)
LINKED_ACTIVITY = ("987654325", "Felles opplæring i IA-arbeid for partene")
LINKED_COURSE = "Samarbeid mellom partene i IA-arbeidet"


def _at(day: date, hour: int) -> datetime:
    return services.at_local(day, time(hour, 0))


def _course(session: Session, centre: Centre, demo: DemoCourse, today: date) -> Course:
    found = session.scalar(
        select(Course).where(Course.centre_id == centre.id, Course.title == demo.title)
    )
    if found is not None:
        return found
    days = [today + timedelta(days=d) for d in demo.days]
    course = Course(centre_id=centre.id, seats_taken=0)
    details = services.CourseDetails(
        title=demo.title,
        description=demo.description,
        topic=demo.topic,
        audience=demo.audience,
        language=demo.language,
        place=demo.place,
        online_url=demo.online_url,
        capacity=demo.capacity,
        booking_deadline=services.deadline_from_date(days[0] - timedelta(days=3)),
        sessions=[(_at(d, 9), _at(d, 15)) for d in days],
    )
    services.apply_details(course, details, sorted(details.sessions))
    session.add(course)
    session.flush()
    return course


def seed_training(session: Session, today: date) -> None:
    centres = {c.county: c for c in session.scalars(select(Centre))}
    courses = {d.title: _course(session, centres[d.county], d, today) for d in COURSES}
    for title, org_number, name, email, role, booked_by, attended in BOOKINGS:
        course = courses[title]
        exists = session.scalar(
            select(Booking.id).where(Booking.course_id == course.id, Booking.email_key == email)
        )
        if exists is not None:
            continue
        enterprise = session.scalar(select(Enterprise).where(Enterprise.org_number == org_number))
        assert enterprise is not None
        booker = session.scalar(select(User).where(User.email == booked_by)) if booked_by else None
        booking = Booking(
            course_id=course.id,
            enterprise_id=enterprise.id,
            participant_name=name,
            participant_email=email,
            email_key=email,
            role=role,
            status=services.BookingStatus.WAITING,
            booked_by_id=booker.id if booker else None,
            created_at=datetime.now(UTC),
            attended=attended,
        )
        session.add(booking)
        session.flush()
        # The booking service's own seat rule, so the demo never overbooks either.
        if services.take_seat(session, course.id):
            booking.status = services.BookingStatus.CONFIRMED
        session.flush()
    org_number, activity_title = LINKED_ACTIVITY
    activity = session.scalar(
        select(PlanActivity)
        .join(PlanTheme, PlanTheme.id == PlanActivity.theme_id)
        .join(ActionPlan, ActionPlan.id == PlanTheme.plan_id)
        .join(Enterprise, Enterprise.id == ActionPlan.enterprise_id)
        .where(Enterprise.org_number == org_number, PlanActivity.title == activity_title)
    )
    if activity is not None and activity.training_session_id is None:
        activity.training_session_id = courses[LINKED_COURSE].id
    session.flush()
