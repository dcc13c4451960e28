"""The demo data grown N-fold: what a centre sees in its third year, for benchmarks and tests.

``flask --app wsgi seed --scale N`` adds N - 1 batches on top of the demo data, each with ten
enterprises and their people, plans, requests, notifications and audit rows. Rows go in with
bulk inserts (the services would take an hour at N = 100); they hold what the services would
write. Each batch is found by the organisation number of its first enterprise, so running it
again, or with a larger N, adds only what is missing. The records are dated before the demo's
own, so the demo tour still starts at the top of every list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .models import (
    ActionPlan,
    ActivityStatus,
    AuditEntry,
    CaseHelpKind,
    Centre,
    CooperationAgreement,
    EmployerRequest,
    Enterprise,
    MemberRole,
    Membership,
    Notification,
    PlanActivity,
    PlanStatus,
    PlanTheme,
    QuestionKind,
    RequestEvent,
    RequestKind,
    RequestMessage,
    RequestRating,
    RequestStatus,
    Responsible,
    Urgency,
    User,
    UserKind,
)
from .orgnr import check_digit
from .requests.services import local_date, working_days_between
from .seed import ADVISERS, ENTERPRISES, _demo_hash

ENTERPRISES_PER_BATCH = 10
THEMES_PER_PLAN = 3
ACTIVITIES_PER_THEME = 10
REQUESTS_PER_ENTERPRISE = 20
# The demo enterprises get a few older requests per batch: their managers' lists grow too.
REQUESTS_PER_DEMO_ENTERPRISE = 2
MESSAGES_PER_REQUEST = 7
# The hours after asking at which the centre takes a request (an event) and first writes.
TAKEN_AT = 1
FIRST_ANSWER_AT = 3
NOTIFICATIONS_PER_USER = 60
# The demo sign-ins' own lists grow too, or their pages would not show what scale costs.
NOTIFICATIONS_PER_DEMO_USER = 20
AUDIT_ROWS_PER_BATCH = 1000
ROLES = (
    ("leder", MemberRole.MANAGER),
    ("verneombud", MemberRole.SAFETY_DELEGATE),
    ("tillitsvalgt", MemberRole.UNION_REP),
    ("bht", MemberRole.OCCUPATIONAL_HEALTH),
    ("leder2", MemberRole.MANAGER),
)
STATUSES = (
    RequestStatus.SUBMITTED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.ANSWERED,
    RequestStatus.CLOSED,
    RequestStatus.CLOSED,
    RequestStatus.WITHDRAWN,
)
NAMES = ("Fjord", "Vidde", "Kyst", "Dal", "Elv", "Skog", "Berg", "Holme", "Strand", "Myr")


def org_number(batch: int, index: int) -> str:
    """A valid organisation number of the batch's ``index``-th enterprise (starting with 7)."""
    for filler in range(10):
        first = f"7{batch:04d}{index:02d}{filler}"
        digit = check_digit(first)
        if digit is not None:
            return f"{first}{digit}"
    raise ValueError(batch, index)  # never: one of ten fillers always gives a check digit


def grow_demo(session: Session, factor: int, today: date | None = None) -> int:
    """Bring the data to ``factor`` times the demo's; the number of batches added."""
    today = today or date.today()
    centres = session.scalars(select(Centre.id).order_by(Centre.id)).all()
    demo_people = _demo_user_ids(session)
    demo_managers = _demo_managers(session)
    added = 0
    for batch in range(1, factor):
        if session.scalar(
            select(Enterprise.id).where(Enterprise.org_number == org_number(batch, 0))
        ):
            continue
        _add_batch(session, batch, today, centres, demo_people, demo_managers)
        session.commit()
        added += 1
    return added


def _demo_user_ids(session: Session) -> list[int]:
    emails = {a[0] for a in ADVISERS} | {m[0] for e in ENTERPRISES for m in e.members}
    emails.add("admin@nav.example")
    return list(session.scalars(select(User.id).where(User.email.in_(emails))).all())


def _demo_managers(session: Session) -> dict[int, tuple[int, int | None]]:
    """Each demo enterprise with a manager: its first manager and its contact person."""
    rows = session.execute(
        select(Membership.enterprise_id, Membership.user_id, Enterprise.contact_person_id)
        .join(Enterprise, Enterprise.id == Membership.enterprise_id)
        .where(
            Membership.role == MemberRole.MANAGER,
            Enterprise.org_number.in_([e.org_number for e in ENTERPRISES]),
        )
        .order_by(Membership.id)
    ).all()
    managers: dict[int, tuple[int, int | None]] = {}
    for enterprise_id, user_id, contact in rows:
        managers.setdefault(enterprise_id, (user_id, contact))
    return managers


def _ids(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in one statement per driver batch; their ids in the rows' order."""
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(session.scalars(stmt, list(rows)).all())


def _add_batch(
    session: Session,
    batch: int,
    today: date,
    centres: Sequence[int],
    demo_people: Sequence[int],
    demo_managers: dict[int, tuple[int, int | None]],
) -> None:
    # Everything of the batch is older than the demo's records (days ago, by the batch number).
    now = datetime.combine(today, datetime.min.time(), UTC) - timedelta(days=30 + batch)
    if batch % 3 == 1:
        # About 40 advisers at 100x.
        session.execute(
            insert(User),
            [
                {
                    "email": f"radgiver.skala{batch}@nav.example",
                    "name": f"Rådgiver {batch}",
                    "kind": UserKind.ADVISER,
                    "password_hash": _demo_hash(),
                    "title": "Rådgiver",
                    "centre_id": centres[batch % len(centres)],
                    "created_at": now,
                }
            ],
        )
    advisers: dict[int, list[int]] = {}
    for adviser, centre_id in session.execute(
        select(User.id, User.centre_id).where(User.kind == UserKind.ADVISER).order_by(User.id)
    ):
        if centre_id is not None:  # always: advisers belong to a centre (a CHECK)
            advisers.setdefault(centre_id, []).append(adviser)
    homes = [centres[(batch + i) % len(centres)] for i in range(ENTERPRISES_PER_BATCH)]
    contacts = [advisers[c][(batch + i) % len(advisers[c])] for i, c in enumerate(homes)]
    enterprise_ids = _ids(
        session,
        Enterprise,
        [
            {
                "org_number": org_number(batch, i),
                "name": f"{NAMES[i]} {batch} AS",
                "nace_code": "87.301",
                "employees": 20 + 7 * i,
                "centre_id": homes[i],
                "contact_person_id": contacts[i],
                "created_at": now,
            }
            for i in range(ENTERPRISES_PER_BATCH)
        ],
    )
    end = today + timedelta(days=100 + 10 * batch)
    session.execute(
        insert(CooperationAgreement),
        [
            {"enterprise_id": e, "start_date": s, "end_date": s + timedelta(days=4 * 365 - 1)}
            for e in enterprise_ids
            for s in (end - timedelta(days=4 * 365 - 1), end - timedelta(days=8 * 365 - 1))
        ],
    )
    people = [
        (e, word, role, f"{word}.{batch}.{i}@skala.example")
        for i, e in enumerate(enterprise_ids)
        for word, role in ROLES
    ]
    user_ids = _ids(
        session,
        User,
        [
            {
                "email": email,
                "name": f"{word.capitalize()} {batch}-{n}",
                "kind": UserKind.EMPLOYER,
                "password_hash": _demo_hash(),
                "created_at": now,
            }
            for n, (_e, word, _role, email) in enumerate(people)
        ],
    )
    session.execute(
        insert(Membership),
        [
            {"user_id": u, "enterprise_id": e, "role": role}
            for u, (e, _word, role, _email) in zip(user_ids, people, strict=True)
        ],
    )
    managers: dict[int, int] = {}
    for u, (e, _word, role, _email) in zip(user_ids, people, strict=True):
        if role == MemberRole.MANAGER:
            managers.setdefault(e, u)
    _add_plans(session, enterprise_ids, managers, today, now)
    # Per enterprise: how many requests, who asks, who handles them.
    askers: dict[int, tuple[int, int, int | None]] = {
        e: (REQUESTS_PER_ENTERPRISE, managers[e], contact)
        for e, contact in zip(enterprise_ids, contacts, strict=True)
    }
    askers.update(
        (e, (REQUESTS_PER_DEMO_ENTERPRISE, manager, contact))
        for e, (manager, contact) in demo_managers.items()
    )
    _add_requests(session, batch, askers, now)
    _add_notifications(session, user_ids, demo_people, enterprise_ids, now)
    session.execute(
        insert(AuditEntry),
        [
            {
                "at": now - timedelta(minutes=n),
                "user_id": user_ids[n % len(user_ids)],
                "enterprise_id": enterprise_ids[n % len(enterprise_ids)],
                "endpoint": "enterprise.home",
                "method": "GET",
                "action": "read",
                "permitted": True,
            }
            for n in range(AUDIT_ROWS_PER_BATCH)
        ],
    )


def _add_plans(
    session: Session,
    enterprise_ids: list[int],
    managers: dict[int, int],
    today: date,
    now: datetime,
) -> None:
    statuses = (PlanStatus.DRAFT, PlanStatus.SENT, PlanStatus.AGREED)
    start = today - timedelta(days=365)
    plan_ids = _ids(
        session,
        ActionPlan,
        [
            {
                "enterprise_id": e,
                "period_start": start,
                "period_end": start + timedelta(days=4 * 365),
                "status": statuses[i % 3],
                "goals": "Lavere sykefravær og et godt arbeidsmiljø.",
                "created_by_id": managers[e],
                "updated_by_id": managers[e],
                "created_at": now,
                "updated_at": now,
                "sent_at": now if i % 3 else None,
                "agreed_at": now if i % 3 == 2 else None,
            }
            for i, e in enumerate(enterprise_ids)
        ],
    )
    theme_ids = _ids(
        session,
        PlanTheme,
        [
            {"plan_id": p, "title": f"Tema {t + 1}", "position": t}
            for p in plan_ids
            for t in range(THEMES_PER_PLAN)
        ],
    )
    responsible = list(Responsible)
    activity_status = list(ActivityStatus)
    session.execute(
        insert(PlanActivity),
        [
            {
                "theme_id": t,
                "title": f"Tiltak {a + 1}",
                "description": "Beskrivelse av tiltaket.",
                "responsible": responsible[a % len(responsible)],
                "start_date": start + timedelta(days=30 * a),
                "end_date": start + timedelta(days=30 * a + 60),
                "status": activity_status[a % len(activity_status)],
                "position": a,
                "created_at": now,
                "updated_at": now,
            }
            for t in theme_ids
            for a in range(ACTIVITIES_PER_THEME)
        ],
    )


def _add_requests(
    session: Session,
    batch: int,
    askers: dict[int, tuple[int, int, int | None]],
    now: datetime,
) -> None:
    rows: list[dict[str, Any]] = []
    for i, (e, (count, manager, adviser)) in enumerate(askers.items()):
        for j in range(count):
            status = STATUSES[j % len(STATUSES)]
            created = now - timedelta(days=j, hours=i)
            assigned = None if status == RequestStatus.SUBMITTED else adviser
            question = j % 2 == 0
            rows.append(
                {
                    "enterprise_id": e,
                    "kind": RequestKind.QUESTION if question else RequestKind.CASE_HELP,
                    "status": status,
                    "subject": f"Spørsmål {j + 1}" if question else "",
                    "description": "Vi trenger råd om tilrettelegging.",
                    "question_kind": QuestionKind.QUESTION if question else None,
                    "case_help_kind": None if question else CaseHelpKind.ADAPTATION,
                    "urgency": None if question else Urgency.NORMAL,
                    "created_by_id": manager,
                    "assigned_to_id": assigned,
                    "form_token": f"skala-{batch}-{i}-{j}",
                    "created_at": created,
                    "last_activity_at": created + timedelta(hours=MESSAGES_PER_REQUEST),
                    "last_activity_by_id": adviser or manager,
                    "waiting_since": created
                    if status in (RequestStatus.SUBMITTED, RequestStatus.IN_PROGRESS)
                    else None,
                    "closed_at": created + timedelta(hours=MESSAGES_PER_REQUEST)
                    if status in (RequestStatus.CLOSED, RequestStatus.WITHDRAWN)
                    else None,
                    "answer_working_days": None if assigned is None else _answer_days(created),
                }
            )
    request_ids = _ids(session, EmployerRequest, rows)
    messages = []
    ratings = []
    for request_id, row in zip(request_ids, rows, strict=True):
        for m in range(MESSAGES_PER_REQUEST):
            # A request nobody has taken yet holds only the employer's messages.
            from_centre = m % 2 == 1 and row["assigned_to_id"] is not None
            author = row["last_activity_by_id"] if from_centre else row["created_by_id"]
            taken = m == TAKEN_AT and from_centre
            messages.append(
                {
                    "request_id": request_id,
                    "author_id": author,
                    "from_centre": from_centre,
                    "body": "" if taken else "Takk for svar, vi prøver dette.",
                    "event": RequestEvent.TAKEN if taken else None,
                    "assignee_id": row["assigned_to_id"] if taken else None,
                    "created_at": row["created_at"] + timedelta(hours=m),
                }
            )
        if row["status"] == RequestStatus.CLOSED:
            ratings.append(
                {
                    "request_id": request_id,
                    "score": 3 + request_id % 3,
                    "rated_by_id": row["created_by_id"],
                    "handler_id": row["last_activity_by_id"],
                    "created_at": row["closed_at"],
                }
            )
    session.execute(insert(RequestMessage), messages)
    session.execute(insert(RequestRating), ratings)


def _answer_days(created: datetime) -> int:
    """What the requests service keeps on a taken request: the working days to the centre's
    first message (hour FIRST_ANSWER_AT; the centre writes the odd hours, the first is an event)."""
    return working_days_between(
        local_date(created), local_date(created + timedelta(hours=FIRST_ANSWER_AT))
    )


def _add_notifications(
    session: Session,
    user_ids: list[int],
    demo_people: Sequence[int],
    enterprise_ids: list[int],
    now: datetime,
) -> None:
    rows = []
    # The demo people's are about no enterprise: theirs must stay visible to them.
    recipients: list[tuple[int, int, Sequence[int | None]]] = [
        *((u, NOTIFICATIONS_PER_USER, enterprise_ids) for u in user_ids),
        *((u, NOTIFICATIONS_PER_DEMO_USER, [None]) for u in demo_people),
    ]
    for user, count, about in recipients:
        for n in range(count):
            at = now - timedelta(hours=n)
            rows.append(
                {
                    "user_id": user,
                    "enterprise_id": about[n % len(about)],
                    "kind": "requests.reply",
                    "params": {"number": str(1000 + n)},
                    "url": "",
                    "created_at": at,
                    "read_at": at,
                }
            )
    session.execute(insert(Notification), rows)
