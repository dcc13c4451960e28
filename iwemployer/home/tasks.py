"""What each role has to do next, for the "Your tasks" block on its home page.

Each function computes only what the block shows, in a fixed number of statements whatever the
data size: counts and the first record of each kind, never the records themselves.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, and_, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from ..access import acting_enterprise_ids
from ..cooperation.services import INSPECTIONS_PATH, REMINDER_DAYS
from ..models import (
    AGREEMENT_WARNING_DAYS,
    ActionPlan,
    ApplicationStatus,
    CooperationAgreement,
    Decision,
    EmployerRequest,
    Enterprise,
    Inspection,
    InspectionOrder,
    MemberRole,
    PlanActivity,
    PlanConfirmation,
    PlanProposal,
    PlanStatus,
    PlanTheme,
    ProposalStatus,
    RequestStatus,
    Responsible,
    SubsidyApplication,
    User,
)
from ..models.plans import OPEN_ACTIVITY_STATUSES, PLAN_PARTIES
from ..plans.services import RESPONSIBLE_FOR, can_edit
from ..requests.services import _unread_condition, follows_all
from ..subsidies.services import can_create as can_apply_for_subsidy

# A final report shows as a task this long before it is due (and stays once overdue).
REPORT_NOTICE_DAYS = 30
# An open order of the Labour Inspection Authority shows from its first reminder on.
ORDER_NOTICE_DAYS = max(REMINDER_DAYS)
# The manager answers the orders; the safety delegate and the union representative have the
# right to follow them.
ORDER_FOLLOWERS = (MemberRole.MANAGER, MemberRole.SAFETY_DELEGATE, MemberRole.UNION_REP)
# The contact person's list of the centre's open orders.
CENTRE_ORDERS_URL = "/adviser/cooperation/orders"


class TaskKind(enum.StrEnum):
    # The employer side
    CONFIRM_PLAN = "confirm_plan"
    CHANGE_DECLINED_PLAN = "change_declined_plan"
    # The manager and the contact person: the parties' proposals to a plan.
    PROPOSALS_WAITING = "proposals_waiting"
    OVERDUE_ACTIVITIES = "overdue_activities"
    ANSWERS_TO_READ = "answers_to_read"
    SUBSIDY_RETURNED = "subsidy_returned"
    FINAL_REPORT_DUE = "final_report_due"
    RENEW_AGREEMENT = "renew_agreement"
    ORDERS_DUE = "orders_due"
    ORDERS_OVERDUE = "orders_overdue"
    # The adviser
    NEW_REQUESTS = "new_requests"
    REQUESTS_WAITING = "requests_waiting"
    PLANS_DECLINED = "plans_declined"
    PLANS_AWAITING = "plans_awaiting"
    AGREEMENTS_ENDING = "agreements_ending"
    CENTRE_ORDERS_DUE = "centre_orders_due"


@dataclass(frozen=True)
class Task:
    kind: TaskKind
    url: str
    count: int = 1
    # The date the task is about (an agreement's or a report's), when it has one.
    when: date | None = None
    # Who to contact, when the task is to contact someone.
    name: str = ""
    # More than ``count`` (a count that stopped early).
    more: bool = False


# A count of requests above this shows as "more than 99".
TASK_COUNT_SHOWN_UP_TO = 99


def _counted_task(kind: TaskKind, url: str, count: int) -> Task:
    if count > TASK_COUNT_SHOWN_UP_TO:
        return Task(kind, url, TASK_COUNT_SHOWN_UP_TO, more=True)
    return Task(kind, url, count)


def _plan_url(enterprise_id: int, plan_id: int) -> str:
    return f"/enterprises/{enterprise_id}/plans/{plan_id}"


def _agreement_ends_soon(today: date) -> ColumnElement[bool]:
    """An agreement in force today that ends within the warning period and has no renewal."""
    renewal = aliased(CooperationAgreement)
    return and_(
        CooperationAgreement.start_date <= today,
        CooperationAgreement.end_date >= today,
        CooperationAgreement.end_date <= today + timedelta(days=AGREEMENT_WARNING_DAYS),
        or_(
            CooperationAgreement.terminated_on.is_(None),
            CooperationAgreement.terminated_on > today,
        ),
        ~exists().where(
            renewal.enterprise_id == CooperationAgreement.enterprise_id,
            renewal.start_date > CooperationAgreement.start_date,
        ),
    )


def _due_orders(where: ColumnElement[bool], today: date) -> list[ScalarSelect[Any]]:
    """Open orders due within the notice period or overdue, as scalar subqueries that ride
    along in another task's statement (the home pages' budgets): how many, the first
    deadline, and the lowest id (the order itself when there is one)."""
    due = (
        select(func.count())
        .select_from(InspectionOrder)
        .join(Inspection, Inspection.id == InspectionOrder.inspection_id)
        .where(
            where,
            InspectionOrder.answered_on.is_(None),
            InspectionOrder.deadline <= today + timedelta(days=ORDER_NOTICE_DAYS),
        )
    )
    return [
        due.scalar_subquery(),
        due.with_only_columns(func.min(InspectionOrder.deadline)).scalar_subquery(),
        due.with_only_columns(func.min(InspectionOrder.id)).scalar_subquery(),
    ]


def _order_task(
    enterprise_id: int, count: int, first: date | None, order_id: int | None, today: date
) -> list[Task]:
    if not count or first is None:
        return []
    url = INSPECTIONS_PATH.format(enterprise_id=enterprise_id)
    if count == 1:
        url += f"#order-{order_id}"
    kind = TaskKind.ORDERS_OVERDUE if first < today else TaskKind.ORDERS_DUE
    return [Task(kind, url, count, when=first)]


# --- the employer side ---------------------------------------------------------------------------


def _open_proposals() -> ColumnElement[int]:
    """How many proposals to the plan (correlated) wait for an answer."""
    return (
        select(func.count())
        .select_from(PlanProposal)
        .where(
            PlanProposal.plan_id == ActionPlan.id, PlanProposal.status == ProposalStatus.PROPOSED
        )
        .correlate(ActionPlan)
        .scalar_subquery()
    )


def _plan_tasks(
    session: Session, user: User, role: MemberRole | None, enterprise: Enterprise
) -> list[Task]:
    editor = can_edit(user, enterprise)
    # The proposals come in the same statement: only the editors answer them.
    proposals = _open_proposals() if editor else literal(0)
    waiting = ActionPlan.status.in_((PlanStatus.SENT, PlanStatus.DECLINED))
    answered = (
        exists()
        .where(
            PlanConfirmation.plan_id == ActionPlan.id,
            PlanConfirmation.version == ActionPlan.version,
            PlanConfirmation.role == role,
            PlanConfirmation.decision == Decision.CONFIRMED,
        )
        .correlate(ActionPlan)
    )
    rows = session.execute(
        select(ActionPlan.id, ActionPlan.enterprise_id, ActionPlan.status, answered, proposals)
        .where(
            ActionPlan.enterprise_id == enterprise.id,
            or_(waiting, proposals > 0) if editor else waiting,
        )
        .order_by(ActionPlan.period_start)
    )
    tasks = []
    for plan_id, enterprise_id, status, has_answered, proposed in rows:
        url = _plan_url(enterprise_id, plan_id)
        if status == PlanStatus.SENT and role in PLAN_PARTIES and not has_answered:
            tasks.append(Task(TaskKind.CONFIRM_PLAN, url))
        elif status == PlanStatus.DECLINED and editor:
            tasks.append(Task(TaskKind.CHANGE_DECLINED_PLAN, url))
        if proposed:
            tasks.append(Task(TaskKind.PROPOSALS_WAITING, url + "#proposals", proposed))
    return tasks


def _overdue_tasks(
    session: Session, role: MemberRole | None, enterprise_id: int, today: date
) -> list[Task]:
    if role is None:
        return []
    responsible = Responsible.MANAGER if role == MemberRole.MANAGER else RESPONSIBLE_FOR.get(role)
    if responsible is None:
        return []
    rows = session.execute(
        select(PlanTheme.plan_id, func.count())
        .join(PlanActivity, PlanActivity.theme_id == PlanTheme.id)
        .join(ActionPlan, ActionPlan.id == PlanTheme.plan_id)
        .where(
            ActionPlan.enterprise_id == enterprise_id,
            PlanActivity.responsible == responsible,
            PlanActivity.end_date < today,
            PlanActivity.status.in_(OPEN_ACTIVITY_STATUSES),
        )
        .group_by(PlanTheme.plan_id)
        .order_by(PlanTheme.plan_id)
    )
    return [
        Task(TaskKind.OVERDUE_ACTIVITIES, _plan_url(enterprise_id, plan_id), count)
        for plan_id, count in rows
    ]


def _answer_and_order_tasks(
    session: Session, user: User, role: MemberRole | None, enterprise_id: int, today: date
) -> list[Task]:
    """Requests with news to read and, for those who follow the authority's orders, the orders
    coming due: one statement."""
    stmt = select(func.count(), func.max(EmployerRequest.id)).where(
        EmployerRequest.enterprise_id == enterprise_id,
        EmployerRequest.status != RequestStatus.WITHDRAWN,
        _unread_condition(user.id),
    )
    if not follows_all(role):
        stmt = stmt.where(EmployerRequest.created_by_id == user.id)
    if role in ORDER_FOLLOWERS:
        stmt = stmt.add_columns(*_due_orders(Inspection.enterprise_id == enterprise_id, today))
    row: tuple[Any, ...] = tuple(session.execute(stmt).one())
    count, newest = row[0], row[1]
    tasks = []
    if count:
        url = f"/enterprises/{enterprise_id}/requests"
        tasks.append(Task(TaskKind.ANSWERS_TO_READ, url if count > 1 else f"{url}/{newest}", count))
    if role in ORDER_FOLLOWERS:
        tasks += _order_task(enterprise_id, row[2], row[3], row[4], today)
    return tasks


def _subsidy_tasks(
    session: Session, user: User, role: MemberRole | None, enterprise_id: int, today: date
) -> list[Task]:
    if not can_apply_for_subsidy(user, role):
        return []
    rows = session.execute(
        select(
            SubsidyApplication.status,
            func.count(),
            func.min(SubsidyApplication.id),
            func.min(SubsidyApplication.report_due),
        )
        .where(
            SubsidyApplication.enterprise_id == enterprise_id,
            or_(
                SubsidyApplication.status == ApplicationStatus.RETURNED,
                and_(
                    SubsidyApplication.status == ApplicationStatus.GRANTED,
                    SubsidyApplication.report_due <= today + timedelta(days=REPORT_NOTICE_DAYS),
                ),
            ),
        )
        .group_by(SubsidyApplication.status)
        .order_by(SubsidyApplication.status)
    )
    url = f"/enterprises/{enterprise_id}/subsidies"
    tasks = []
    for status, count, first, due in rows:
        kind = (
            TaskKind.SUBSIDY_RETURNED
            if status == ApplicationStatus.RETURNED
            else TaskKind.FINAL_REPORT_DUE
        )
        tasks.append(Task(kind, url if count > 1 else f"{url}/{first}", count, when=due))
    return tasks


def _agreement_tasks(
    session: Session, role: MemberRole | None, enterprise: Enterprise, today: date
) -> list[Task]:
    if role != MemberRole.MANAGER:
        return []
    # The contact person comes in the same statement: the task says whom to contact.
    found = session.execute(
        select(CooperationAgreement.end_date, User.name, User.email)
        .outerjoin(User, User.id == enterprise.contact_person_id)
        .where(CooperationAgreement.enterprise_id == enterprise.id, _agreement_ends_soon(today))
    ).first()
    if found is None:
        return []
    end, name, email = found
    if name is not None and email:
        return [Task(TaskKind.RENEW_AGREEMENT, f"mailto:{email}", when=end, name=name)]
    return [
        Task(
            TaskKind.RENEW_AGREEMENT,
            f"/enterprises/{enterprise.id}/requests/new/question",
            when=end,
        )
    ]


def employer_tasks(
    session: Session, user: User, role: MemberRole | None, enterprise: Enterprise, today: date
) -> list[Task]:
    """What ``user``, in ``role`` at ``enterprise`` (already let through by access), has to do
    there: at most five statements."""
    return [
        *_plan_tasks(session, user, role, enterprise),
        *_overdue_tasks(session, role, enterprise.id, today),
        *_answer_and_order_tasks(session, user, role, enterprise.id, today),
        *_subsidy_tasks(session, user, role, enterprise.id, today),
        *_agreement_tasks(session, role, enterprise, today),
    ]


# --- the adviser ---------------------------------------------------------------------------------


def adviser_tasks(session: Session, adviser: User, today: date) -> list[Task]:
    """Requests waiting in the adviser's centre or for them, the plans, proposals and agreements
    of the enterprises they are contact person for, and the centre's orders coming due: three
    statements."""
    tasks = []
    new = and_(
        EmployerRequest.status == RequestStatus.SUBMITTED,
        EmployerRequest.assigned_to_id.is_(None),
    )
    waiting = and_(
        EmployerRequest.assigned_to_id == adviser.id,
        EmployerRequest.status.in_((RequestStatus.SUBMITTED, RequestStatus.IN_PROGRESS)),
        EmployerRequest.waiting_since.is_not(None),
    )

    def counted(condition: ColumnElement[bool]) -> ScalarSelect[int]:
        # Counted up to one past what the task says ("more than 99"): a county's backlog is not
        # read to the end on every visit.
        found = (
            select(EmployerRequest.id)
            .join(Enterprise, Enterprise.id == EmployerRequest.enterprise_id)
            .where(Enterprise.centre_id == adviser.centre_id, condition)
            .limit(TASK_COUNT_SHOWN_UP_TO + 1)
        )
        return select(func.count()).select_from(found.subquery()).scalar_subquery()

    new_count, waiting_count = session.execute(select(counted(new), counted(waiting))).one()
    if new_count:
        tasks.append(_counted_task(TaskKind.NEW_REQUESTS, "/inbox?status=submitted", new_count))
    if waiting_count:
        tasks.append(_counted_task(TaskKind.REQUESTS_WAITING, "/inbox?sort=mine", waiting_count))

    # The contact person's enterprises and those the adviser is a deputy for.
    mine = acting_enterprise_ids(adviser)
    plans = session.execute(
        select(
            ActionPlan.status,
            func.count(),
            func.min(ActionPlan.id),
            func.min(ActionPlan.enterprise_id),
        )
        .where(
            ActionPlan.enterprise_id.in_(mine),
            ActionPlan.status.in_((PlanStatus.DECLINED, PlanStatus.SENT)),
        )
        .group_by(ActionPlan.status)
        .order_by(ActionPlan.status)
    )
    for status, count, plan_id, enterprise_id in plans:
        kind = TaskKind.PLANS_DECLINED if status == PlanStatus.DECLINED else TaskKind.PLANS_AWAITING
        url = "/plans/overview" if count > 1 else _plan_url(enterprise_id, plan_id)
        tasks.append(Task(kind, url, count))

    # The proposals waiting at those enterprises' plans and the centre's orders coming due ride
    # along in the agreements' statement.
    proposed = (
        select(PlanProposal)
        .join(ActionPlan, ActionPlan.id == PlanProposal.plan_id)
        .where(ActionPlan.enterprise_id.in_(mine), PlanProposal.status == ProposalStatus.PROPOSED)
    )
    first = proposed.order_by(PlanProposal.created_at, PlanProposal.id).limit(1)
    centre = select(Enterprise.id).where(Enterprise.centre_id == adviser.centre_id)
    row = session.execute(
        select(
            func.count(),
            func.min(CooperationAgreement.enterprise_id),
            func.min(CooperationAgreement.end_date),
            proposed.with_only_columns(func.count()).scalar_subquery(),
            first.with_only_columns(ActionPlan.id).scalar_subquery(),
            first.with_only_columns(ActionPlan.enterprise_id).scalar_subquery(),
            # How many and the first deadline: the task links to the list of them all.
            *_due_orders(Inspection.enterprise_id.in_(centre), today)[:2],
        ).where(CooperationAgreement.enterprise_id.in_(mine), _agreement_ends_soon(today))
    ).one()
    count, enterprise_id, end, proposals, plan_id, plan_enterprise_id = row[:6]
    orders, first_deadline = row[6], row[7]
    if proposals:
        url = _plan_url(plan_enterprise_id, plan_id) + "#proposals"
        tasks.append(Task(TaskKind.PROPOSALS_WAITING, url, proposals))
    if count:
        url = "/adviser/enterprises" if count > 1 else f"/enterprises/{enterprise_id}"
        tasks.append(Task(TaskKind.AGREEMENTS_ENDING, url, count, when=end))
    if orders:
        tasks.append(
            Task(TaskKind.CENTRE_ORDERS_DUE, CENTRE_ORDERS_URL, orders, when=first_deadline)
        )
    return tasks
