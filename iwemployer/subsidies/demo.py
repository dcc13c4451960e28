"""Demo subsidies: the two schemes, both centres' budgets for this year, Nordlys' approved
facilitation subsidy for a lifting-technique course (final report due in three weeks) and
Fjellbygg's submitted prevention subsidy (the safety delegate's statement, none yet from the
union representative).

Idempotent: schemes by name, budgets by centre and year, applications by their form token.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    ActionPlan,
    ApplicationEvent,
    ApplicationEventKind,
    ApplicationStatus,
    BudgetLine,
    Centre,
    CentreBudget,
    Enterprise,
    MemberRole,
    PartyStatement,
    PlanActivity,
    PlanTheme,
    SubsidyApplication,
    SubsidyDecision,
    SubsidyKind,
    SubsidyScheme,
    User,
)
from ..requests.services import LOCAL_TIME

SCHEMES = (
    (
        SubsidyKind.FACILITATION,
        "Tilretteleggingstilskudd",
        "Tilskudd til tiltak som gjør at ansatte kan stå i arbeid, for eksempel opplæring, "
        "hjelpemidler eller prøving av nye arbeidsoppgaver. Virksomheten dekker selv en andel.",
        150_000,
    ),
    (
        SubsidyKind.PREVENTION,
        "Forebyggingstilskudd",
        "Tilskudd til tiltak i handlingsplanen som forebygger sykefravær og frafall, for "
        "eksempel risikovurderinger, kurs og utprøving av nye arbeidsmåter.",
        100_000,
    ),
)
BUDGETS = {"Oslo": 1_500_000, "Vestland": 1_000_000}
NORDLYS_TOKEN = "demo-nordlys-subsidy"  # noqa: S105 - a form token, not a secret
FJELLBYGG_TOKEN = "demo-fjellbygg-subsidy"  # noqa: S105 - a form token, not a secret
NORDLYS_GRANT = 45_000


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), LOCAL_TIME).astimezone(UTC)


def _user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        raise LookupError(f"demo user {email} is missing; seed the core demo data first")
    return user


def _activity(session: Session, enterprise: Enterprise, title: str) -> PlanActivity | None:
    return session.scalar(
        select(PlanActivity)
        .join(PlanTheme, PlanTheme.id == PlanActivity.theme_id)
        .join(ActionPlan, ActionPlan.id == PlanTheme.plan_id)
        .where(ActionPlan.enterprise_id == enterprise.id, PlanActivity.title == title)
        .limit(1)
    )


def _schemes(session: Session) -> dict[SubsidyKind, SubsidyScheme]:
    found: dict[SubsidyKind, SubsidyScheme] = {}
    for kind, name, rules, maximum in SCHEMES:
        scheme = session.scalar(select(SubsidyScheme).where(SubsidyScheme.name == name))
        if scheme is None:
            scheme = SubsidyScheme(kind=kind, name=name, rules=rules, max_amount=maximum)
            session.add(scheme)
            session.flush()
        found[kind] = scheme
    return found


def _budgets(session: Session, year: int) -> dict[str, CentreBudget]:
    found: dict[str, CentreBudget] = {}
    for county, amount in BUDGETS.items():
        centre = session.scalar(select(Centre).where(Centre.county == county))
        if centre is None:
            continue
        budget = session.scalar(
            select(CentreBudget).where(
                CentreBudget.centre_id == centre.id, CentreBudget.year == year
            )
        )
        if budget is None:
            budget = CentreBudget(centre_id=centre.id, year=year, amount=amount, granted=0)
            session.add(budget)
            session.flush()
        found[county] = budget
    return found


def _exists(session: Session, token: str) -> bool:
    return (
        session.scalar(select(SubsidyApplication.id).where(SubsidyApplication.form_token == token))
        is not None
    )


def _event(
    app: SubsidyApplication, kind: ApplicationEventKind, actor: User, day: date, message: str = ""
) -> None:
    app.events.append(
        ApplicationEvent(kind=kind, actor_id=actor.id, message=message, created_at=_at(day))
    )


def _nordlys(
    session: Session,
    enterprise: Enterprise,
    scheme: SubsidyScheme,
    budget: CentreBudget,
    today: date,
) -> None:
    manager = _user(session, "leder@nordlys.example")
    adviser = _user(session, "radgiver.oslo@nav.example")
    delegate = _user(session, "verneombud@nordlys.example")
    union = _user(session, "tillitsvalgt@nordlys.example")
    activity = _activity(session, enterprise, "Tiltak mot tunge løft i hjemmetjenesten")
    started, decided = today - timedelta(days=40), today - timedelta(days=20)
    app = SubsidyApplication(
        enterprise_id=enterprise.id,
        scheme_id=scheme.id,
        plan_activity_id=activity.id if activity else None,
        status=ApplicationStatus.GRANTED,
        form_token=NORDLYS_TOKEN,
        title="Kurs i forflytningsteknikk for hjemmetjenesten",
        purpose="Færre belastningsskader ved forflytning av brukere i hjemmetjenesten.",
        expected_effect=(
            "Vi venter lavere sykefravær knyttet til rygg og skuldre, og at flere orker å "
            "jobbe full stilling."
        ),
        activity_description=(
            "To kursdager i forflytningsteknikk med fysioterapeut for 40 ansatte, med "
            "oppfølging i hver sone."
        ),
        period_start=today - timedelta(days=10),
        period_end=today + timedelta(days=10),
        own_share=15_000,
        amount_applied=NORDLYS_GRANT,
        created_by_id=manager.id,
        handled_by_id=adviser.id,
        decision=SubsidyDecision.APPROVED,
        granted_amount=NORDLYS_GRANT,
        decision_reason=(
            "Tiltaket følger opp handlingsplanens mål om færre belastningsskader, og budsjettet "
            "er rimelig."
        ),
        conditions="Kurset skal gjennomføres i perioden. Endringer avtales med senteret.",
        report_due=today + timedelta(days=21),
        budget_id=budget.id,
        decided_at=_at(decided),
        decided_by_id=adviser.id,
        created_at=_at(started),
        updated_at=_at(decided),
        submitted_at=_at(started + timedelta(days=3)),
        lines=[
            BudgetLine(position=0, item="Kursholder, fysioterapeut (2 dager)", amount=36_000),
            BudgetLine(position=1, item="Kursmateriell og leie av lokale", amount=9_000),
            BudgetLine(position=2, item="Frikjøp av ansatte (egen andel)", amount=15_000),
        ],
        statements=[
            PartyStatement(
                role=MemberRole.SAFETY_DELEGATE,
                author_id=delegate.id,
                body="Verneombudet støtter søknaden. Tunge løft er vår største risiko.",
                created_at=_at(started + timedelta(days=1)),
            ),
            PartyStatement(
                role=MemberRole.UNION_REP,
                author_id=union.id,
                body="Tillitsvalgt støtter kurset og at alle ansatte i sonene får delta.",
                created_at=_at(started + timedelta(days=2)),
            ),
        ],
    )
    _event(app, ApplicationEventKind.CREATED, manager, started)
    _event(app, ApplicationEventKind.SUBMITTED, manager, started + timedelta(days=3))
    _event(app, ApplicationEventKind.TAKEN, adviser, started + timedelta(days=5))
    _event(app, ApplicationEventKind.DECIDED, adviser, decided, app.decision_reason)
    session.add(app)
    budget.granted += NORDLYS_GRANT


def _fjellbygg(
    session: Session, enterprise: Enterprise, scheme: SubsidyScheme, today: date
) -> None:
    manager = _user(session, "leder@fjellbygg.example")
    delegate = _user(session, "verneombud@fjellbygg.example")
    activity = _activity(session, enterprise, "Risikovurdering av tunge løft og støy")
    started = today - timedelta(days=6)
    reason = "Tillitsvalgt er på ferie og sender uttalelsen når hun er tilbake."
    app = SubsidyApplication(
        enterprise_id=enterprise.id,
        scheme_id=scheme.id,
        plan_activity_id=activity.id if activity else None,
        status=ApplicationStatus.SUBMITTED,
        form_token=FJELLBYGG_TOKEN,
        title="Risikovurdering av tunge løft og støy på byggeplass",
        purpose="Kartlegge og redusere belastninger som gir sykefravær blant fagarbeiderne.",
        expected_effect="Færre muskel- og skjelettplager og mindre fravær etter lange økter.",
        activity_description="Bedriftshelsetjenesten vurderer to byggeplasser og foreslår tiltak.",
        period_start=today + timedelta(days=14),
        period_end=today + timedelta(days=90),
        own_share=20_000,
        amount_applied=60_000,
        no_statement_reason=reason,
        created_by_id=manager.id,
        created_at=_at(started),
        updated_at=_at(today - timedelta(days=2)),
        submitted_at=_at(today - timedelta(days=2)),
        lines=[
            BudgetLine(position=0, item="Bedriftshelsetjenesten, kartlegging", amount=48_000),
            BudgetLine(position=1, item="Støymålinger", amount=12_000),
            BudgetLine(position=2, item="Arbeidstid for verneombud (egen andel)", amount=20_000),
        ],
        statements=[
            PartyStatement(
                role=MemberRole.SAFETY_DELEGATE,
                author_id=delegate.id,
                body="Verneombudet støtter kartleggingen, særlig av støy i betongarbeidet.",
                created_at=_at(started + timedelta(days=2)),
            )
        ],
    )
    _event(app, ApplicationEventKind.CREATED, manager, started)
    _event(app, ApplicationEventKind.SUBMITTED, manager, today - timedelta(days=2), reason)
    session.add(app)


def seed_subsidies(session: Session, today: date) -> None:
    schemes = _schemes(session)
    budgets = _budgets(session, today.year)
    nordlys = session.scalar(select(Enterprise).where(Enterprise.org_number == "987654325"))
    fjellbygg = session.scalar(select(Enterprise).where(Enterprise.org_number == "923456783"))
    if nordlys is not None and "Oslo" in budgets and not _exists(session, NORDLYS_TOKEN):
        _nordlys(session, nordlys, schemes[SubsidyKind.FACILITATION], budgets["Oslo"], today)
    if fjellbygg is not None and not _exists(session, FJELLBYGG_TOKEN):
        _fjellbygg(session, fjellbygg, schemes[SubsidyKind.PREVENTION], today)
    session.flush()
