"""Demo requests: Nordlys has an answered recruitment request, an open (overdue) case-help
request and a closed, rated question; Fjellbygg has a new recruitment request waiting.

Idempotent: each request is found by its fixed form token before it is created. No
notifications are seeded: the unread marks come from what each person has seen.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    ActionPlan,
    CaseHelpKind,
    EmployerRequest,
    Enterprise,
    PlanActivity,
    PlanTheme,
    QuestionKind,
    RecruitmentRequest,
    RequestEvent,
    RequestKind,
    RequestMessage,
    RequestRating,
    RequestSeen,
    RequestStatus,
    Urgency,
    User,
)
from .services import LOCAL_TIME, note_first_answer


def _at(today: date, days_ago: int, hour: int, minute: int = 0) -> datetime:
    local = datetime.combine(today - timedelta(days=days_ago), time(hour, minute), LOCAL_TIME)
    return local.astimezone(UTC)


def _user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        raise LookupError(f"demo user {email} is missing; seed the core demo data first")
    return user


def _enterprise(session: Session, org_number: str) -> Enterprise:
    enterprise = session.scalar(select(Enterprise).where(Enterprise.org_number == org_number))
    if enterprise is None:
        raise LookupError(f"demo enterprise {org_number} is missing")
    return enterprise


def _exists(session: Session, token: str) -> bool:
    found = session.scalar(select(EmployerRequest.id).where(EmployerRequest.form_token == token))
    return found is not None


def _message(
    request: EmployerRequest,
    author: User,
    at: datetime,
    body: str = "",
    event: RequestEvent | None = None,
) -> None:
    message = RequestMessage(
        author_id=author.id,
        from_centre=author.is_adviser,
        body=body,
        event=event,
        created_at=at,
    )
    request.messages.append(message)
    note_first_answer(request, message)
    request.last_activity_at = at
    request.last_activity_by_id = author.id


def _seen(session: Session, request: EmployerRequest, user: User, at: datetime) -> None:
    session.add(RequestSeen(request_id=request.id, user_id=user.id, seen_at=at))


def _recruitment_activity_id(session: Session, enterprise_id: int) -> int | None:
    """The plan's recruitment activity, when the enterprise's demo plan has one."""
    return session.scalar(
        select(PlanActivity.id)
        .join(PlanTheme, PlanActivity.theme_id == PlanTheme.id)
        .join(ActionPlan, PlanTheme.plan_id == ActionPlan.id)
        .where(ActionPlan.enterprise_id == enterprise_id, PlanActivity.title.like("Rekruttere%"))
        .order_by(PlanActivity.id)
        .limit(1)
    )


def seed_requests(session: Session, today: date) -> None:
    """Create the demo requests that are missing (the caller commits)."""
    nordlys = _enterprise(session, "987654325")
    fjellbygg = _enterprise(session, "923456783")
    marte = _user(session, "leder@nordlys.example")
    ola = _user(session, "verneombud@nordlys.example")
    ingrid = _user(session, "radgiver.oslo@nav.example")
    per = _user(session, "leder@fjellbygg.example")

    if not _exists(session, "demo-nordlys-recruitment"):
        asked = _at(today, 12, 9, 15)
        request = EmployerRequest(
            enterprise=nordlys,
            kind=RequestKind.RECRUITMENT,
            status=RequestStatus.ANSWERED,
            subject="Omsorgsassistent",
            created_by_id=marte.id,
            assigned_to_id=ingrid.id,
            form_token="demo-nordlys-recruitment",  # noqa: S106 - a natural key, not a secret
            created_at=asked,
            recruitment=RecruitmentRequest(
                plan_activity_id=_recruitment_activity_id(session, nordlys.id),
                job_title="Omsorgsassistent",
                positions=2,
                location="Nordlys Omsorg, Grünerløkka, Oslo",
                start_date=today + timedelta(days=45),
                position_percent=80,
                requirements=(
                    "Erfaring fra omsorgsarbeid er en fordel, men ikke et krav. Gode "
                    "norskkunnskaper muntlig. Turnus med dag- og kveldsvakter, hver tredje helg."
                ),
                open_to_adaptation=True,
                open_to_trial=True,
                open_to_wage_subsidy=True,
                contact_name="Marte Lie",
                contact_phone="+47 900 00 101",
                contact_email="leder@nordlys.example",
            ),
        )
        session.add(request)
        session.flush()
        _message(request, ingrid, _at(today, 11, 10), event=RequestEvent.TAKEN)
        _message(
            request,
            ingrid,
            _at(today, 6, 14, 30),
            body=(
                "Takk for henvendelsen! Vi har to aktuelle kandidater som ønsker arbeidstrening "
                "først, og en av dem kan ha rett på lønnstilskudd. Jeg foreslår et møte neste uke "
                "der vi går gjennom tilretteleggingen og planen for oppstart."
            ),
        )
        _message(request, ingrid, _at(today, 6, 14, 31), event=RequestEvent.ANSWERED)
        _seen(session, request, ingrid, _at(today, 6, 14, 31))
        _seen(session, request, marte, asked)

    if not _exists(session, "demo-nordlys-case-help"):
        asked = _at(today, 10, 8, 40)
        request = EmployerRequest(
            enterprise=nordlys,
            kind=RequestKind.CASE_HELP,
            status=RequestStatus.SUBMITTED,
            case_help_kind=CaseHelpKind.SICK_LEAVE,
            urgency=Urgency.SOON,
            description=(
                "En ansatt har hatt gjentatt korttidsfravær det siste halvåret. Vi ønsker råd om "
                "hvordan vi kan legge til rette og forberede en god oppfølgingssamtale."
            ),
            created_by_id=marte.id,
            assigned_to_id=nordlys.contact_person_id,
            form_token="demo-nordlys-case-help",  # noqa: S106 - a natural key, not a secret
            created_at=asked,
            last_activity_at=asked,
            last_activity_by_id=marte.id,
            waiting_since=asked,
        )
        session.add(request)
        session.flush()
        _seen(session, request, marte, asked)

    if not _exists(session, "demo-nordlys-question"):
        asked = _at(today, 30, 13)
        request = EmployerRequest(
            enterprise=nordlys,
            kind=RequestKind.QUESTION,
            status=RequestStatus.CLOSED,
            question_kind=QuestionKind.QUESTION,
            subject="Verneombudets rolle i handlingsplanen",
            description=(
                "Hvordan kan verneombudet bli bedre involvert i arbeidet med handlingsplanen "
                "for et mer inkluderende arbeidsliv?"
            ),
            created_by_id=ola.id,
            assigned_to_id=ingrid.id,
            form_token="demo-nordlys-question",  # noqa: S106 - a natural key, not a secret
            created_at=asked,
        )
        session.add(request)
        session.flush()
        _message(request, ingrid, _at(today, 29, 9), event=RequestEvent.TAKEN)
        _message(
            request,
            ingrid,
            _at(today, 28, 11),
            body=(
                "Verneombudet bør være med fra starten: i kartleggingen, når tiltakene velges og "
                "når handlingsplanen bekreftes. Jeg sender et kort opplegg for et felles møte."
            ),
        )
        _message(request, ingrid, _at(today, 28, 11, 1), event=RequestEvent.ANSWERED)
        closed = _at(today, 21, 15)
        _message(request, ingrid, closed, event=RequestEvent.CLOSED)
        request.closed_at = closed
        session.add(
            RequestRating(
                request_id=request.id,
                score=5,
                comment="Svært nyttig, vi har allerede avtalt møtet.",
                rated_by_id=ola.id,
                handler_id=ingrid.id,
                created_at=_at(today, 20, 8),
            )
        )
        _seen(session, request, ingrid, closed)
        _seen(session, request, ola, _at(today, 20, 8))

    if not _exists(session, "demo-fjellbygg-recruitment"):
        asked = _at(today, 1, 11, 5)
        request = EmployerRequest(
            enterprise=fjellbygg,
            kind=RequestKind.RECRUITMENT,
            status=RequestStatus.SUBMITTED,
            subject="Tømrer",
            created_by_id=per.id,
            assigned_to_id=fjellbygg.contact_person_id,
            form_token="demo-fjellbygg-recruitment",  # noqa: S106 - a natural key, not a secret
            created_at=asked,
            last_activity_at=asked,
            last_activity_by_id=per.id,
            waiting_since=asked,
            recruitment=RecruitmentRequest(
                job_title="Tømrer",
                positions=1,
                location="Byggeplasser i Bergen og omegn",
                start_date=today + timedelta(days=30),
                position_percent=100,
                requirements="Fagbrev som tømrer eller lang erfaring. Førerkort klasse B.",
                open_to_adaptation=False,
                open_to_trial=True,
                open_to_wage_subsidy=True,
                contact_name="Per Solheim",
                contact_phone="+47 900 00 201",
                contact_email="leder@fjellbygg.example",
            ),
        )
        session.add(request)
        session.flush()
        _seen(session, request, per, asked)
    session.flush()
