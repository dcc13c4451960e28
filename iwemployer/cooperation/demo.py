"""Demo data: Nordlys's meetings and health-service report, Fjellbygg's inspection and orders.

Idempotent: each part is added only when the enterprise has none of its kind yet.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta

from flask import has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import attachments
from ..models import (
    ActionPlan,
    Enterprise,
    HealthServiceReport,
    Inspection,
    InspectionOrder,
    Meeting,
    MeetingAgendaItem,
    MeetingFollowUp,
    MeetingMessage,
    MeetingMode,
    MeetingSlot,
    MeetingStatus,
    MeetingStep,
    PlanActivity,
    PlanTheme,
    Responsible,
    User,
)
from .services import LOCAL_TIME

# The demo report's file, under a fixed generated-looking name (seeding again finds the report).
DEMO_REPORT_FILE = hashlib.sha256(b"demo: Nordlys lifting report").hexdigest()[:32]


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF of a title and a few lines (Latin-1 text in Helvetica, written as ASCII):
    a small demo file made at seed time rather than a binary kept in the repository."""
    text = ["BT /F1 16 Tf 56 780 Td (" + _pdf_text(title) + ") Tj ET"]
    for n, line in enumerate(lines):
        text.append(f"BT /F1 11 Tf 56 {748 - 18 * n} Td (" + _pdf_text(line) + ") Tj ET")
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_text(text: str) -> str:
    """A PDF string's text: letters beyond ASCII as octal escapes of their WinAnsi (Latin-1)
    code, so the file is plain ASCII throughout."""
    out = []
    for char in text:
        if char in "\\()":
            out.append("\\" + char)
        elif ord(char) < 128:
            out.append(char)
        else:
            out.append(f"\\{char.encode('latin-1', 'replace')[0]:03o}")
    return "".join(out)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TIME)


def _user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email))


def _enterprise(session: Session, name: str) -> Enterprise | None:
    return session.scalar(select(Enterprise).where(Enterprise.name == name))


def _first_theme(session: Session, enterprise: Enterprise) -> PlanTheme | None:
    return session.scalar(
        select(PlanTheme)
        .join(ActionPlan)
        .where(ActionPlan.enterprise_id == enterprise.id)
        .order_by(ActionPlan.period_start.desc(), PlanTheme.position)
        .limit(1)
    )


def seed_cooperation(session: Session, today: date) -> None:
    nordlys = _enterprise(session, "Nordlys Omsorg AS")
    if nordlys is not None:
        _nordlys(session, nordlys, today)
    fjellbygg = _enterprise(session, "Fjellbygg AS")
    if fjellbygg is not None:
        _fjellbygg(session, fjellbygg, today)
    session.flush()


def _nordlys(session: Session, enterprise: Enterprise, today: date) -> None:
    manager = _user(session, "leder@nordlys.example")
    health = _user(session, "bht@helsepartner.example")
    adviser_id = enterprise.contact_person_id
    if session.scalar(select(Meeting.id).where(Meeting.enterprise_id == enterprise.id).limit(1)):
        return
    held_day = today - timedelta(days=14)
    past = Meeting(
        enterprise_id=enterprise.id,
        adviser_id=adviser_id,
        requested_by_id=manager.id if manager else None,
        status=MeetingStatus.CONFIRMED,
        purpose="Oppfølging av sykefraværet i hjemmetjenesten og plan for høsten.",
        agenda="Sykefravær siste kvartal; tiltak for nattevaktene.",
        wished_participants="Leder, verneombud og tillitsvalgt",
        mode=MeetingMode.AT_ENTERPRISE,
        starts_at=_at(held_day, 10),
        ends_at=_at(held_day, 11),
        minutes_discussed="Fraværet har gått ned i hjemmetjenesten, men økt blant nattevaktene.",
        minutes_decisions="Vi lager en turnusgjennomgang og et kurs i samtaler om fravær.",
        minutes_written_at=_at(held_day, 15),
    )
    past.messages = [
        MeetingMessage(
            author_id=manager.id if manager else None,
            from_centre=False,
            step=MeetingStep.REQUESTED,
            created_at=_at(held_day - timedelta(days=10), 9),
        ),
        MeetingMessage(
            author_id=adviser_id,
            from_centre=True,
            step=MeetingStep.CONFIRMED,
            created_at=_at(held_day - timedelta(days=9), 9),
        ),
        MeetingMessage(
            author_id=adviser_id,
            from_centre=True,
            step=MeetingStep.MINUTES,
            created_at=_at(held_day, 15),
        ),
    ]
    theme = _first_theme(session, enterprise)
    if theme is not None:
        for title, responsible in (
            ("Gjennomgang av turnus for nattevaktene", Responsible.MANAGER),
            ("Kurs: den gode fraværssamtalen", Responsible.CENTRE),
        ):
            activity = PlanActivity(
                theme_id=theme.id,
                title=title,
                description="Oppfølging fra møtet med rådgiveren.",
                responsible=responsible,
                start_date=held_day,
                end_date=today + timedelta(days=60),
                position=100 + len(past.follow_ups),
            )
            session.add(activity)
            session.flush()
            past.follow_ups.append(MeetingFollowUp(activity_id=activity.id, title=title))
    coming_day = today + timedelta(days=7)
    coming = Meeting(
        enterprise_id=enterprise.id,
        adviser_id=adviser_id,
        requested_by_id=health.id if health else None,
        status=MeetingStatus.CONFIRMED,
        purpose="Forflytning og tunge løft i sykehjemmene: bedriftshelsetjenestens kartlegging.",
        wished_participants="Leder, verneombud og Eva Strand (bedriftshelsetjenesten)",
        mode=MeetingMode.AT_CENTRE,
        starts_at=_at(coming_day, 13),
        ends_at=_at(coming_day, 14),
    )
    lifting = session.scalar(
        select(PlanActivity)
        .join(PlanTheme)
        .join(ActionPlan)
        .where(ActionPlan.enterprise_id == enterprise.id, PlanActivity.title.contains("løft"))
        .limit(1)
    )
    # On the agenda: the plan's first theme and its activity against heavy lifting.
    if theme is not None:
        coming.agenda_items.append(MeetingAgendaItem(theme_id=theme.id, position=0))
    if lifting is not None:
        coming.agenda_items.append(MeetingAgendaItem(activity_id=lifting.id, position=1))
    coming.messages = [
        MeetingMessage(
            author_id=health.id if health else None,
            from_centre=False,
            step=MeetingStep.REQUESTED,
            created_at=_at(today - timedelta(days=3), 9),
        ),
        MeetingMessage(
            author_id=adviser_id,
            from_centre=True,
            step=MeetingStep.CONFIRMED,
            created_at=_at(today - timedelta(days=2), 9),
        ),
    ]
    # Asked for by the safety delegate, waiting for the contact person's answer.
    delegate = _user(session, "verneombud@nordlys.example")
    asked = _requested(
        enterprise, delegate, today, "Verneombudets årsrapport og neste års HMS-plan."
    )
    session.add_all([past, coming, asked])
    if health is not None:
        report_pdf = demo_pdf(
            "Løft og forflytning i sykehjemmene",
            [
                "Kartlegging på tre avdelinger, utført av bedriftshelsetjenesten.",
                "Funn: mange løft uten hjelpemidler om morgenen.",
                "Anbefalinger: takheis på to avdelinger; opplæring i forflytning.",
            ],
        )
        session.add(
            HealthServiceReport(
                enterprise_id=enterprise.id,
                title="Løft og forflytning i sykehjemmene",
                report_date=today - timedelta(days=20),
                summary=(
                    "Kartlegging på tre avdelinger: mange løft uten hjelpemidler om morgenen. "
                    "Vi anbefaler takheis på to avdelinger og opplæring i forflytning."
                ),
                author_id=health.id,
                # The plan's activity against heavy lifting follows the report up.
                activity_id=lifting.id if lifting is not None else None,
                file_name="Løft og forflytning.pdf",
                file_stored_name=DEMO_REPORT_FILE,
                file_content_type="application/pdf",
                file_size=len(report_pdf),
            )
        )
        # Only with an app (the store is the app's folder); elsewhere the page says it is missing.
        if has_app_context():
            attachments.place_on_commit(session, DEMO_REPORT_FILE, report_pdf)


def _requested(enterprise: Enterprise, asker: User | None, today: date, purpose: str) -> Meeting:
    later = today + timedelta(days=10)
    return Meeting(
        enterprise_id=enterprise.id,
        adviser_id=enterprise.contact_person_id,
        requested_by_id=asker.id if asker else None,
        status=MeetingStatus.REQUESTED,
        purpose=purpose,
        mode=MeetingMode.ONLINE,
        slots=[
            MeetingSlot(starts_at=_at(later, 9), ends_at=_at(later, 10), from_centre=False),
            MeetingSlot(
                starts_at=_at(later + timedelta(days=1), 14),
                ends_at=_at(later + timedelta(days=1), 15),
                from_centre=False,
            ),
        ],
        messages=[
            MeetingMessage(
                author_id=asker.id if asker else None,
                from_centre=False,
                step=MeetingStep.REQUESTED,
                created_at=_at(today - timedelta(days=1), 12),
            )
        ],
    )


def _fjellbygg(session: Session, enterprise: Enterprise, today: date) -> None:
    if not session.scalar(
        select(Meeting.id).where(Meeting.enterprise_id == enterprise.id).limit(1)
    ):
        manager = _user(session, "leder@fjellbygg.example")
        session.add(_requested(enterprise, manager, today, "Oppfølging etter tilsynet."))
    if session.scalar(
        select(Inspection.id).where(Inspection.enterprise_id == enterprise.id).limit(1)
    ):
        return
    theme = _first_theme(session, enterprise)
    activity = theme.activities[0] if theme is not None and theme.activities else None
    inspected = today - timedelta(days=30)
    inspection = Inspection(
        enterprise_id=enterprise.id,
        inspected_on=inspected,
        topic="Fallsikring og stillasarbeid",
        letter_url="https://www.arbeidstilsynet.no/",
        orders=[
            InspectionOrder(
                text="Sørg for at alle stillaser over to meter har rekkverk og er kontrollert.",
                deadline=today - timedelta(days=5),
                answered_on=today - timedelta(days=8),
                answer="Alle stillaser kontrollert og merket; dokumentasjon sendt til tilsynet.",
            ),
            InspectionOrder(
                text="Kartlegg risikoen for fall og lag en plan for opplæring i fallsikring.",
                deadline=today + timedelta(days=10),
                activity_id=activity.id if activity else None,
            ),
        ],
    )
    session.add(inspection)
