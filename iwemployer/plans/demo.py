"""Demo action plans (idempotent: an enterprise that has any plan is left as it is).

* Nordlys Omsorg AS: agreed for this period (version 2, after the union representative declined
  version 1), eleven activities across the four themes, some done, two overdue, one cancelled.
* Nordlys Omsorg AS also has an open proposal from its occupational health service: a course in
  lifting and moving residents at the care homes.
* Fjellbygg AS: version 1 sent for confirmation; the manager and the safety delegate have
  confirmed, the union representative has not answered yet.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    ActionPlan,
    ActivityStatus,
    Decision,
    Enterprise,
    MemberRole,
    PlanActivity,
    PlanConfirmation,
    PlanEvent,
    PlanEventKind,
    PlanProposal,
    PlanStatus,
    PlanTheme,
    PlanVersion,
    ProposalKind,
    Responsible,
    User,
)
from ..notifications.services import notify, plan_subject
from . import services

R, S = Responsible, ActivityStatus


# A date as an offset in days from the period's start ("p") or from today ("t").
Offset = tuple[str, int]


@dataclass(frozen=True)
class DemoActivity:
    title: str
    description: str
    responsible: Responsible
    start: Offset
    end: Offset
    status: ActivityStatus


NORDLYS_THEMES: tuple[tuple[str, tuple[DemoActivity, ...]], ...] = (
    (
        "Partssamarbeid",
        (
            DemoActivity(
                "Faste partsmøter hver måned",
                "Leder, verneombud og tillitsvalgt går gjennom planen og fraværstallene.",
                R.MANAGER,
                ("p", 0),
                ("p", 364),
                S.IN_PROGRESS,
            ),
            DemoActivity(
                "Felles opplæring i IA-arbeid for partene",
                "Halvdagskurs med NAV Arbeidslivssenter for ledere, verneombud og tillitsvalgte.",
                R.CENTRE,
                ("p", 30),
                ("p", 60),
                S.DONE,
            ),
        ),
    ),
    (
        "Oppfølging av sykefravær",
        (
            DemoActivity(
                "Revidere rutinen for sykefraværsoppfølging",
                "Rutinen oppdateres og gjøres kjent på alle avdelinger.",
                R.MANAGER,
                ("p", 0),
                ("p", 60),
                S.DONE,
            ),
            DemoActivity(
                "Oppfølgingssamtaler innen fire uker",
                "Nærmeste leder tar samtalen tidlig og dokumenterer avtalt tilrettelegging.",
                R.MANAGER,
                ("p", 0),
                ("p", 364),
                S.IN_PROGRESS,
            ),
            DemoActivity(
                "Kartlegge muligheter for tilrettelegging",
                "Oversikt over oppgaver og arbeidstider som kan tilpasses ved behov "
                "(tilretteleggingsplikten).",
                R.OCCUPATIONAL_HEALTH,
                ("p", 30),
                ("t", -20),
                S.IN_PROGRESS,
            ),
            DemoActivity(
                "Involvere de ansatte i tiltak mot fravær",
                "Personalmøter på hver avdeling der de ansatte foreslår tiltak.",
                R.UNION_REP,
                ("p", 60),
                ("t", -5),
                S.PLANNED,
            ),
        ),
    ),
    (
        "Arbeidsmiljø",
        (
            DemoActivity(
                "Medarbeiderundersøkelse",
                "Undersøkelsen gjennomføres og resultatene gjennomgås i hver avdeling.",
                R.SAFETY_DELEGATE,
                ("p", 30),
                ("p", 90),
                S.DONE,
            ),
            DemoActivity(
                "Tiltak mot tunge løft i hjemmetjenesten",
                "Nye hjelpemidler og opplæring i forflytningsteknikk.",
                R.SAFETY_DELEGATE,
                ("p", 90),
                ("t", 60),
                S.IN_PROGRESS,
            ),
            DemoActivity(
                "Vernerunde med bedriftshelsetjenesten",
                "Vernerunde på alle avdelinger, med oppfølging av avvik.",
                R.OCCUPATIONAL_HEALTH,
                ("t", 30),
                ("t", 60),
                S.PLANNED,
            ),
        ),
    ),
    (
        "Rekruttering og inkludering",
        (
            DemoActivity(
                "Rekruttere via NAV Arbeidslivssenter",
                "To stillinger i hjemmetjenesten lyses ut med bistand fra senteret.",
                R.CENTRE,
                ("p", 60),
                ("p", 364),
                S.IN_PROGRESS,
            ),
            DemoActivity(
                "Mentorordning for nyansatte",
                "Ble erstattet av fadderordningen i kommunen.",
                R.MANAGER,
                ("p", 120),
                ("p", 150),
                S.CANCELLED,
            ),
        ),
    ),
)

FJELLBYGG_THEMES: tuple[tuple[str, tuple[DemoActivity, ...]], ...] = (
    (
        "Partssamarbeid",
        (
            DemoActivity(
                "Partsmøte annenhver måned",
                "Leder, verneombud og tillitsvalgt følger opp planen sammen.",
                R.MANAGER,
                ("p", 0),
                ("p", 364),
                S.PLANNED,
            ),
        ),
    ),
    (
        "Oppfølging av sykefravær",
        (
            DemoActivity(
                "Ny rutine for oppfølging på byggeplass",
                "Rutinen skal passe for ansatte som jobber på skiftende byggeplasser.",
                R.MANAGER,
                ("p", 14),
                ("p", 90),
                S.PLANNED,
            ),
            DemoActivity(
                "Tilrettelagte oppgaver i verkstedet",
                "Liste over lettere oppgaver ansatte kan gjøre i en periode.",
                R.MANAGER,
                ("p", 30),
                ("p", 120),
                S.PLANNED,
            ),
        ),
    ),
    (
        "Arbeidsmiljø",
        (
            DemoActivity(
                "Risikovurdering av tunge løft og støy",
                "Med bedriftshelsetjenesten, på to byggeplasser.",
                R.OCCUPATIONAL_HEALTH,
                ("p", 30),
                ("p", 150),
                S.PLANNED,
            ),
            DemoActivity(
                "Veiledning om Arbeidstilsynets krav til stillas",
                "Verneombudet innhenter veiledning og følger opp på byggeplassene.",
                R.LABOUR_INSPECTORATE,
                ("p", 60),
                ("p", 180),
                S.PLANNED,
            ),
        ),
    ),
    (
        "Rekruttering og inkludering",
        (
            DemoActivity(
                "Lærlinger fra NAV-tiltak",
                "To lærlingplasser for kandidater senteret formidler.",
                R.CENTRE,
                ("p", 90),
                ("p", 364),
                S.PLANNED,
            ),
        ),
    ),
)


def _first_of_month(day: date, months_back: int) -> date:
    month = day.month - months_back
    year = day.year
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1)


def _day(offset: Offset, start: date, today: date) -> date:
    anchor, days = offset
    return (start if anchor == "p" else today) + timedelta(days=days)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    return user


def _build(
    session: Session,
    enterprise: Enterprise,
    creator: User,
    start: date,
    today: date,
    themes: tuple[tuple[str, tuple[DemoActivity, ...]], ...],
    created: datetime,
) -> ActionPlan:
    end = date(start.year + 1, start.month, 1) - timedelta(days=1)
    plan = ActionPlan(
        enterprise_id=enterprise.id,
        period_start=start,
        period_end=end,
        created_by_id=creator.id,
        created_at=created,
        updated_by_id=creator.id,
        updated_at=created,
    )
    for position, (title, activities) in enumerate(themes):
        theme = PlanTheme(title=title, position=position)
        for index, demo in enumerate(activities):
            first = _day(demo.start, start, today)
            first = min(first, end)
            last = min(max(_day(demo.end, start, today), first), end)
            theme.activities.append(
                PlanActivity(
                    title=demo.title,
                    description=demo.description,
                    responsible=demo.responsible,
                    start_date=first,
                    end_date=last,
                    position=index,
                    status=ActivityStatus.PLANNED,
                    created_at=created,
                    updated_at=created,
                    updated_by_id=creator.id,
                )
            )
        plan.themes.append(theme)
    session.add(plan)
    session.flush()
    session.add(
        PlanEvent(
            plan_id=plan.id,
            user_id=creator.id,
            user_name=creator.name,
            kind=PlanEventKind.CREATED,
            version=1,
            at=created,
        )
    )
    return plan


def _event(
    session: Session,
    plan: ActionPlan,
    user: User | None,
    kind: PlanEventKind,
    at: datetime,
    version: int,
    **fields: object,
) -> None:
    session.add(
        PlanEvent(
            plan_id=plan.id,
            user_id=user.id if user else None,
            user_name=user.name if user else "",
            kind=kind,
            version=version,
            at=at,
            **fields,
        )
    )


def _answer(
    session: Session,
    plan: ActionPlan,
    user: User,
    role: MemberRole,
    version: int,
    at: datetime,
    decision: Decision = Decision.CONFIRMED,
    reason: str = "",
) -> None:
    session.add(
        PlanConfirmation(
            plan_id=plan.id,
            version=version,
            role=role,
            user_id=user.id,
            user_name=user.name,
            decision=decision,
            reason=reason,
            at=at,
        )
    )
    kind = PlanEventKind.CONFIRMED if decision == Decision.CONFIRMED else PlanEventKind.DECLINED
    _event(session, plan, user, kind, at, version, text=reason)


def _nordlys(session: Session, enterprise: Enterprise, today: date) -> None:
    adviser = _user(session, "radgiver.oslo@nav.example")
    manager = _user(session, "leder@nordlys.example")
    safety = _user(session, "verneombud@nordlys.example")
    union = _user(session, "tillitsvalgt@nordlys.example")
    start = _first_of_month(today, 6)
    day = start - timedelta(days=21)
    plan = _build(session, enterprise, adviser, start, today, NORDLYS_THEMES, _at(day))
    plan.sick_leave_baseline_pct = Decimal("8.4")
    plan.sick_leave_target_pct = Decimal("6.5")
    plan.goals = (
        "Redusere det legemeldte fraværet i hjemmetjenesten, og styrke partssamarbeidet på "
        "avdelingene."
    )
    session.flush()

    # Version 1 lacked the recruitment activity and aimed for 6.0 %; the union representative
    # declined it, the plan was changed, and version 2 was agreed.
    final = services.snapshot(plan)
    first = copy.deepcopy(final)
    first["sick_leave_target_pct"] = "6.0"
    recruitment = first["themes"][3]["activities"]
    first["themes"][3]["activities"] = [a for a in recruitment if "Rekruttere" not in a["title"]]
    sent1 = _at(start - timedelta(days=14))
    session.add(
        PlanVersion(
            plan_id=plan.id, version=1, snapshot=first, created_at=sent1, created_by_id=manager.id
        )
    )
    _event(session, plan, manager, PlanEventKind.SENT, sent1, 1)
    _answer(session, plan, manager, MemberRole.MANAGER, 1, _at(start - timedelta(days=14), 11))
    _answer(session, plan, safety, MemberRole.SAFETY_DELEGATE, 1, _at(start - timedelta(days=13)))
    _answer(
        session,
        plan,
        union,
        MemberRole.UNION_REP,
        1,
        _at(start - timedelta(days=12)),
        Decision.DECLINED,
        "Vi savner et tiltak for rekruttering, og 6,0 % er et for ambisiøst mål for ett år.",
    )
    _event(session, plan, adviser, PlanEventKind.NEW_VERSION, _at(start - timedelta(days=9)), 2)
    sent2 = _at(start - timedelta(days=8))
    session.add(
        PlanVersion(
            plan_id=plan.id, version=2, snapshot=final, created_at=sent2, created_by_id=manager.id
        )
    )
    _event(session, plan, manager, PlanEventKind.SENT, sent2, 2)
    _answer(session, plan, manager, MemberRole.MANAGER, 2, _at(start - timedelta(days=8), 11))
    _answer(session, plan, safety, MemberRole.SAFETY_DELEGATE, 2, _at(start - timedelta(days=7)))
    agreed = _at(start - timedelta(days=6))
    _answer(session, plan, union, MemberRole.UNION_REP, 2, agreed)
    _event(session, plan, None, PlanEventKind.AGREED, agreed, 2)
    plan.version = 2
    plan.status = PlanStatus.AGREED
    plan.sent_at = sent2
    plan.agreed_at = agreed
    plan.updated_at = agreed
    plan.updated_by_id = union.id

    # Progress during the period: status changes, which keep version 2 agreed.
    demos = [d for _title, activities in NORDLYS_THEMES for d in activities]
    for activity, demo in zip(plan.activities, demos, strict=True):
        if demo.status == ActivityStatus.PLANNED:
            continue
        begun = _at(min(activity.start_date + timedelta(days=3), today))
        _event(
            session,
            plan,
            manager,
            PlanEventKind.STATUS,
            begun,
            2,
            activity_id=activity.id,
            activity_title=activity.title,
            from_status=ActivityStatus.PLANNED,
            to_status=ActivityStatus.IN_PROGRESS if demo.status != S.CANCELLED else S.CANCELLED,
        )
        if demo.status == ActivityStatus.DONE:
            _event(
                session,
                plan,
                manager,
                PlanEventKind.STATUS,
                _at(min(activity.end_date, today), 14),
                2,
                activity_id=activity.id,
                activity_title=activity.title,
                from_status=ActivityStatus.IN_PROGRESS,
                to_status=ActivityStatus.DONE,
            )
        activity.status = demo.status
        activity.revision = 2
    overdue = next(a for a in plan.activities if a.responsible == R.UNION_REP)
    _event(
        session,
        plan,
        union,
        PlanEventKind.COMMENT,
        _at(today - timedelta(days=2), 9),
        2,
        activity_id=overdue.id,
        activity_title=overdue.title,
        text="Personalmøtene er flyttet til neste måned på grunn av ferieavvikling.",
    )
    _event(
        session,
        plan,
        adviser,
        PlanEventKind.COMMENT,
        _at(today - timedelta(days=1), 13),
        2,
        text="Fint arbeid så langt! Jeg tar opp de forsinkede tiltakene på neste partsmøte.",
    )


def _fjellbygg(session: Session, enterprise: Enterprise, today: date) -> None:
    adviser = _user(session, "radgiver.vestland@nav.example")
    manager = _user(session, "leder@fjellbygg.example")
    safety = _user(session, "verneombud@fjellbygg.example")
    union = _user(session, "tillitsvalgt@fjellbygg.example")
    start = _first_of_month(today, 1)
    plan = _build(
        session,
        enterprise,
        adviser,
        start,
        today,
        FJELLBYGG_THEMES,
        _at(today - timedelta(days=12)),
    )
    plan.sick_leave_baseline_pct = Decimal("7.9")
    plan.sick_leave_target_pct = Decimal("6.0")
    plan.goals = "Færre langtidsfravær etter belastningsskader, og tryggere byggeplasser."
    session.flush()
    sent = _at(today - timedelta(days=3))
    session.add(
        PlanVersion(
            plan_id=plan.id,
            version=1,
            snapshot=services.snapshot(plan),
            created_at=sent,
            created_by_id=manager.id,
        )
    )
    _event(session, plan, manager, PlanEventKind.SENT, sent, 1)
    _answer(session, plan, manager, MemberRole.MANAGER, 1, _at(today - timedelta(days=3), 11))
    _answer(session, plan, safety, MemberRole.SAFETY_DELEGATE, 1, _at(today - timedelta(days=1)))
    plan.status = PlanStatus.SENT
    plan.sent_at = sent
    plan.updated_at = _at(today - timedelta(days=1))
    plan.updated_by_id = safety.id
    session.flush()
    notify(
        session,
        [union.id],
        "plan.sent",
        enterprise_id=enterprise.id,
        url=services.plan_path(plan),
        params={"enterprise": enterprise.name, "actor": manager.name, "version": "1"},
        subject=plan_subject(plan.id),
    )


def seed_plans(session: Session, today: date) -> None:
    """Add the demo plans to Nordlys Omsorg AS and Fjellbygg AS if they have none."""
    for name, build in (("Nordlys Omsorg AS", _nordlys), ("Fjellbygg AS", _fjellbygg)):
        enterprise = session.scalar(select(Enterprise).where(Enterprise.name == name))
        if enterprise is None:
            continue
        has_plan = session.scalar(
            select(ActionPlan.id).where(ActionPlan.enterprise_id == enterprise.id).limit(1)
        )
        if has_plan is None:
            build(session, enterprise, today)
    session.flush()


def seed_proposals(session: Session, today: date) -> None:
    """An open proposal from the occupational health service on Nordlys's plan (once)."""
    plan = session.scalar(
        select(ActionPlan)
        .join(Enterprise, Enterprise.id == ActionPlan.enterprise_id)
        .where(Enterprise.name == "Nordlys Omsorg AS")
        .order_by(ActionPlan.period_start.desc())
    )
    if plan is None or session.scalar(
        select(PlanProposal.id).where(PlanProposal.plan_id == plan.id).limit(1)
    ):
        return
    theme = next((t for t in plan.themes if t.title == "Arbeidsmiljø"), plan.themes[-1])
    health = _user(session, "bht@helsepartner.example")
    session.add(
        PlanProposal(
            plan_id=plan.id,
            kind=ProposalKind.ACTIVITY,
            theme_id=theme.id,
            title="Forflytningskurs på sykehjemmene",
            description=(
                "Praktisk kurs i forflytning og bruk av takheis for de ansatte på de to "
                "sykehjemmene, holdt av bedriftshelsetjenesten."
            ),
            responsible=Responsible.OCCUPATIONAL_HEALTH,
            due_date=min(plan.period_end, today + timedelta(days=90)),
            reason=(
                "Kartleggingen vår viser mange belastningsplager etter løft på sykehjemmene. "
                "Et kurs nå kan forebygge fravær."
            ),
            proposed_by_id=health.id,
            proposed_by_name=health.name,
            created_at=_at(today - timedelta(days=2)),
        )
    )
    session.flush()
