"""The "Your tasks" block's services: each task appears when its state holds and goes when
it no longer does; nobody sees another enterprise's or another centre's tasks."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import delete, select

from iwemployer.access import member_role
from iwemployer.home import tasks as tasks_module
from iwemployer.home.tasks import Task, TaskKind, adviser_tasks, employer_tasks
from iwemployer.models import (
    ActionPlan,
    ActivityStatus,
    ApplicationStatus,
    CooperationAgreement,
    Decision,
    EmployerRequest,
    Enterprise,
    Inspection,
    InspectionOrder,
    MemberRole,
    Membership,
    PlanActivity,
    PlanConfirmation,
    PlanStatus,
    QuestionKind,
    RequestKind,
    RequestStatus,
    Responsible,
    SubsidyApplication,
    SubsidyScheme,
    User,
)
from iwemployer.models.core import utcnow
from iwemployer.requests.services import mark_seen
from iwemployer.scale import grow_demo
from tests.conftest import WebClient, World, build_agreement, build_enterprise
from tests.statements import count_statements

TODAY = date.today()


@pytest.fixture(autouse=True)
def _request_context(app: Flask) -> Iterator[None]:
    # The plan's editing rule looks the user's roles up through the request's cache.
    with app.test_request_context():
        yield


def _tasks(world: World, email: str, enterprise: Enterprise) -> list[Task]:
    user = world.user(email)
    role = world.session.scalar(
        select(Membership.role).where(
            Membership.user_id == user.id, Membership.enterprise_id == enterprise.id
        )
    )
    return employer_tasks(world.session, user, role, enterprise, TODAY)


def _kinds(tasks: list[Task]) -> list[TaskKind]:
    return [t.kind for t in tasks]


def _of(tasks: list[Task], kind: TaskKind) -> Task:
    (found,) = [t for t in tasks if t.kind == kind]
    return found


def _plan(world: World, enterprise: Enterprise) -> ActionPlan:
    plan = world.session.scalar(select(ActionPlan).where(ActionPlan.enterprise_id == enterprise.id))
    assert plan is not None
    return plan


def _sent_unanswered(world: World, enterprise: Enterprise) -> ActionPlan:
    plan = _plan(world, enterprise)
    plan.status = PlanStatus.SENT
    world.session.execute(
        delete(PlanConfirmation).where(
            PlanConfirmation.plan_id == plan.id, PlanConfirmation.version == plan.version
        )
    )
    world.session.flush()
    return plan


# --- the employer side ---------------------------------------------------------------------------


def test_a_sent_plan_waits_for_each_party_until_it_confirms(world: World) -> None:
    plan = _sent_unanswered(world, world.nordlys)
    for email in ("leder@nordlys.example", "verneombud@nordlys.example"):
        task = _of(_tasks(world, email, world.nordlys), TaskKind.CONFIRM_PLAN)
        assert task.url == f"/enterprises/{world.nordlys.id}/plans/{plan.id}"
    # The occupational health service is not a confirming party.
    assert TaskKind.CONFIRM_PLAN not in _kinds(
        _tasks(world, "bht@helsepartner.example", world.nordlys)
    )

    delegate = world.user("verneombud@nordlys.example")
    world.session.add(
        PlanConfirmation(
            plan_id=plan.id,
            version=plan.version,
            role=MemberRole.SAFETY_DELEGATE,
            user_id=delegate.id,
            user_name=delegate.name,
            decision=Decision.CONFIRMED,
        )
    )
    world.session.flush()
    assert TaskKind.CONFIRM_PLAN not in _kinds(
        _tasks(world, "verneombud@nordlys.example", world.nordlys)
    )
    assert TaskKind.CONFIRM_PLAN in _kinds(_tasks(world, "leder@nordlys.example", world.nordlys))


def test_a_declined_plan_asks_the_manager_to_change_it(world: World) -> None:
    plan = _sent_unanswered(world, world.nordlys)
    plan.status = PlanStatus.DECLINED
    world.session.flush()
    manager = _tasks(world, "leder@nordlys.example", world.nordlys)
    assert TaskKind.CHANGE_DECLINED_PLAN in _kinds(manager)
    assert TaskKind.CONFIRM_PLAN not in _kinds(manager)
    # Nobody answers a declined version any more.
    delegate = _kinds(_tasks(world, "verneombud@nordlys.example", world.nordlys))
    assert TaskKind.CONFIRM_PLAN not in delegate
    assert TaskKind.CHANGE_DECLINED_PLAN not in delegate

    plan.status = PlanStatus.DRAFT
    world.session.flush()
    assert TaskKind.CHANGE_DECLINED_PLAN not in _kinds(
        _tasks(world, "leder@nordlys.example", world.nordlys)
    )


def _overdue(world: World, email: str) -> int:
    found = [
        t for t in _tasks(world, email, world.nordlys) if t.kind == TaskKind.OVERDUE_ACTIVITIES
    ]
    return found[0].count if found else 0


def test_overdue_activities_count_for_the_responsible_role_until_done(world: World) -> None:
    plan = _plan(world, world.nordlys)
    before = {
        e: _overdue(world, e) for e in ("verneombud@nordlys.example", "leder@nordlys.example")
    }
    activities = [
        PlanActivity(
            theme_id=plan.themes[0].id,
            title=f"Vernerunde {n}",
            responsible=Responsible.SAFETY_DELEGATE,
            start_date=TODAY - timedelta(days=30),
            end_date=TODAY - timedelta(days=1),
        )
        for n in range(2)
    ]
    world.session.add_all(activities)
    world.session.flush()
    assert _overdue(world, "verneombud@nordlys.example") == before["verneombud@nordlys.example"] + 2
    assert _overdue(world, "leder@nordlys.example") == before["leder@nordlys.example"]

    activities[0].status = ActivityStatus.DONE
    activities[1].end_date = TODAY  # due today is not overdue yet
    world.session.flush()
    assert _overdue(world, "verneombud@nordlys.example") == before["verneombud@nordlys.example"]


def _request(world: World, asker: User, enterprise: Enterprise, by: User) -> EmployerRequest:
    record = EmployerRequest(
        enterprise_id=enterprise.id,
        kind=RequestKind.QUESTION,
        question_kind=QuestionKind.QUESTION,
        status=RequestStatus.ANSWERED,
        subject="Spørsmål om IA-avtalen",
        created_by_id=asker.id,
        form_token=secrets.token_hex(16),
        last_activity_at=utcnow(),
        last_activity_by_id=by.id,
    )
    world.session.add(record)
    world.session.flush()
    return record


def _answers(world: World, email: str, enterprise: Enterprise) -> Task | None:
    found = [t for t in _tasks(world, email, enterprise) if t.kind == TaskKind.ANSWERS_TO_READ]
    return found[0] if found else None


def test_an_answer_is_to_read_until_the_asker_has_seen_it(world: World) -> None:
    delegate = world.user("verneombud@nordlys.example")
    adviser = world.user("radgiver.oslo@nav.example")
    assert _answers(world, "verneombud@nordlys.example", world.nordlys) is None
    record = _request(world, delegate, world.nordlys, adviser)

    task = _answers(world, "verneombud@nordlys.example", world.nordlys)
    assert task is not None and task.count == 1
    assert task.url == f"/enterprises/{world.nordlys.id}/requests/{record.id}"
    # The union representative follows only their own requests.
    assert _answers(world, "tillitsvalgt@nordlys.example", world.nordlys) is None

    mark_seen(world.session, record, delegate)
    world.session.flush()
    assert _answers(world, "verneombud@nordlys.example", world.nordlys) is None


def test_the_manager_follows_all_the_enterprise_requests_and_no_other(world: World) -> None:
    manager = _answers(world, "leder@nordlys.example", world.nordlys)
    before = manager.count if manager else 0
    adviser = world.user("radgiver.vestland@nav.example")
    _request(world, world.user("verneombud@fjellbygg.example"), world.fjellbygg, adviser)
    assert (
        _answers(world, "leder@nordlys.example", world.nordlys)
        or Task(TaskKind.ANSWERS_TO_READ, "", 0)
    ).count == before

    _request(world, world.user("verneombud@nordlys.example"), world.nordlys, adviser)
    task = _answers(world, "leder@nordlys.example", world.nordlys)
    assert task is not None and task.count == before + 1
    assert task.url == f"/enterprises/{world.nordlys.id}/requests"


def _application(
    world: World, enterprise: Enterprise, status: ApplicationStatus
) -> SubsidyApplication:
    scheme = world.session.scalars(select(SubsidyScheme)).first()
    assert scheme is not None
    application = SubsidyApplication(
        enterprise_id=enterprise.id,
        scheme_id=scheme.id,
        status=status,
        form_token=secrets.token_hex(16),
        title="Kurs i forflytningsteknikk",
    )
    world.session.add(application)
    world.session.flush()
    return application


def test_a_returned_application_is_the_managers_task_until_sent_again(world: World) -> None:
    application = _application(world, world.fjellbygg, ApplicationStatus.RETURNED)
    task = _of(_tasks(world, "leder@fjellbygg.example", world.fjellbygg), TaskKind.SUBSIDY_RETURNED)
    assert task.url == f"/enterprises/{world.fjellbygg.id}/subsidies/{application.id}"
    assert TaskKind.SUBSIDY_RETURNED not in _kinds(
        _tasks(world, "verneombud@fjellbygg.example", world.fjellbygg)
    )

    application.status = ApplicationStatus.SUBMITTED
    world.session.flush()
    assert TaskKind.SUBSIDY_RETURNED not in _kinds(
        _tasks(world, "leder@fjellbygg.example", world.fjellbygg)
    )


def test_a_final_report_shows_when_due_within_30_days(world: World) -> None:
    application = _application(world, world.fjellbygg, ApplicationStatus.GRANTED)
    application.report_due = TODAY + timedelta(days=90)
    world.session.flush()
    assert TaskKind.FINAL_REPORT_DUE not in _kinds(
        _tasks(world, "leder@fjellbygg.example", world.fjellbygg)
    )

    application.report_due = TODAY + timedelta(days=20)
    world.session.flush()
    task = _of(_tasks(world, "leder@fjellbygg.example", world.fjellbygg), TaskKind.FINAL_REPORT_DUE)
    assert task.when == application.report_due

    application.status = ApplicationStatus.REPORTED
    world.session.flush()
    assert TaskKind.FINAL_REPORT_DUE not in _kinds(
        _tasks(world, "leder@fjellbygg.example", world.fjellbygg)
    )


def test_an_ending_agreement_asks_the_manager_to_contact_the_contact_person(world: World) -> None:
    # The demo agreement of Fjellbygg ends in 60 days.
    task = _of(_tasks(world, "leder@fjellbygg.example", world.fjellbygg), TaskKind.RENEW_AGREEMENT)
    contact = world.fjellbygg.contact_person
    assert contact is not None
    assert task.url == f"mailto:{contact.email}" and task.name == contact.name
    assert task.when == TODAY + timedelta(days=60)
    assert TaskKind.RENEW_AGREEMENT not in _kinds(
        _tasks(world, "verneombud@fjellbygg.example", world.fjellbygg)
    )
    assert TaskKind.RENEW_AGREEMENT not in _kinds(
        _tasks(world, "leder@nordlys.example", world.nordlys)
    )

    # Renewed: the next period is registered.
    assert task.when is not None
    build_agreement(world.session, world.fjellbygg, start=task.when + timedelta(days=1))
    assert TaskKind.RENEW_AGREEMENT not in _kinds(
        _tasks(world, "leder@fjellbygg.example", world.fjellbygg)
    )


def test_a_user_without_a_role_has_no_tasks_at_an_enterprise(world: World) -> None:
    _sent_unanswered(world, world.fjellbygg)
    assert _tasks(world, "leder@nordlys.example", world.fjellbygg) == []


# --- the adviser ---------------------------------------------------------------------------------


def _adviser(world: World, email: str) -> dict[TaskKind, Task]:
    return {t.kind: t for t in adviser_tasks(world.session, world.user(email), TODAY)}


def _count(tasks: dict[TaskKind, Task], kind: TaskKind) -> int:
    return tasks[kind].count if kind in tasks else 0


def test_new_requests_wait_for_the_centres_advisers_until_taken(world: World) -> None:
    before = {
        e: _count(_adviser(world, e), TaskKind.NEW_REQUESTS)
        for e in ("radgiver.oslo@nav.example", "radgiver2.oslo@nav.example")
    }
    record = _request(
        world,
        world.user("leder@nordlys.example"),
        world.nordlys,
        world.user("leder@nordlys.example"),
    )
    record.status = RequestStatus.SUBMITTED
    record.waiting_since = utcnow()
    world.session.flush()
    for email, count in before.items():
        assert _count(_adviser(world, email), TaskKind.NEW_REQUESTS) == count + 1
    vestland = _count(_adviser(world, "radgiver.vestland@nav.example"), TaskKind.NEW_REQUESTS)

    adviser = world.user("radgiver2.oslo@nav.example")
    waiting_before = _count(_adviser(world, adviser.email), TaskKind.REQUESTS_WAITING)
    record.assigned_to_id = adviser.id
    record.status = RequestStatus.IN_PROGRESS
    world.session.flush()
    assert (
        _count(_adviser(world, "radgiver.oslo@nav.example"), TaskKind.NEW_REQUESTS)
        == before["radgiver.oslo@nav.example"]
    )
    assert _count(_adviser(world, adviser.email), TaskKind.REQUESTS_WAITING) == waiting_before + 1

    record.status = RequestStatus.ANSWERED
    record.waiting_since = None
    world.session.flush()
    assert _count(_adviser(world, adviser.email), TaskKind.REQUESTS_WAITING) == waiting_before
    # Another centre's request never counts.
    assert (
        _count(_adviser(world, "radgiver.vestland@nav.example"), TaskKind.NEW_REQUESTS) == vestland
    )


def test_a_large_backlog_is_counted_as_more_than(
    world: World, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = "radgiver.oslo@nav.example"
    shown = _count(_adviser(world, email), TaskKind.NEW_REQUESTS)
    manager = world.user("leder@nordlys.example")
    for _ in range(2):
        record = _request(world, manager, world.nordlys, manager)
        record.status = RequestStatus.SUBMITTED
        record.waiting_since = utcnow()
    world.session.commit()
    monkeypatch.setattr(tasks_module, "TASK_COUNT_SHOWN_UP_TO", shown + 1)
    task = _adviser(world, email)[TaskKind.NEW_REQUESTS]
    assert (task.count, task.more) == (shown + 1, True)
    client.login_as(world.user(email))
    page = client.get("/adviser/enterprises").text
    assert f"Mer enn {shown + 1} nye henvendelser venter på at noen tar dem" in page


def test_plans_of_the_contact_persons_enterprises(world: World) -> None:
    contact = world.nordlys.contact_person
    assert contact is not None
    plan = _sent_unanswered(world, world.nordlys)
    tasks = _adviser(world, contact.email)
    assert tasks[TaskKind.PLANS_AWAITING].url == f"/enterprises/{world.nordlys.id}/plans/{plan.id}"
    # Another adviser of the centre is not the contact person.
    others = [
        e for e in ("radgiver.oslo@nav.example", "radgiver2.oslo@nav.example") if e != contact.email
    ]
    assert all(TaskKind.PLANS_AWAITING not in _adviser(world, e) for e in others)

    plan.status = PlanStatus.DECLINED
    world.session.flush()
    tasks = _adviser(world, contact.email)
    assert TaskKind.PLANS_DECLINED in tasks and TaskKind.PLANS_AWAITING not in tasks

    plan.status = PlanStatus.AGREED
    world.session.flush()
    tasks = _adviser(world, contact.email)
    assert TaskKind.PLANS_DECLINED not in tasks and TaskKind.PLANS_AWAITING not in tasks


def test_many_plans_link_to_the_overview(world: World) -> None:
    adviser = world.user("radgiver.oslo@nav.example")
    centre = world.nordlys.centre
    for n in range(2):
        enterprise = build_enterprise(world.session, centre, contact=adviser)
        world.session.add(
            ActionPlan(
                enterprise_id=enterprise.id,
                period_start=TODAY,
                period_end=TODAY + timedelta(days=365),
                status=PlanStatus.DECLINED,
                goals=f"Mål {n}",
            )
        )
    world.session.flush()
    task = _adviser(world, adviser.email)[TaskKind.PLANS_DECLINED]
    assert task.count >= 2 and task.url == "/plans/overview"


def test_agreements_ending_at_the_contact_persons_enterprises(world: World) -> None:
    contact = world.fjellbygg.contact_person
    assert contact is not None
    task = _adviser(world, contact.email)[TaskKind.AGREEMENTS_ENDING]
    assert task.count == 1 and task.url == f"/enterprises/{world.fjellbygg.id}"
    assert task.when == TODAY + timedelta(days=60)

    agreement = world.session.scalar(
        select(CooperationAgreement).where(
            CooperationAgreement.enterprise_id == world.fjellbygg.id,
            CooperationAgreement.end_date == task.when,
        )
    )
    assert agreement is not None
    agreement.terminated_on = TODAY
    world.session.flush()
    assert TaskKind.AGREEMENTS_ENDING not in _adviser(world, contact.email)


# --- a fixed number of statements ----------------------------------------------------------------


def test_each_roles_tasks_take_a_fixed_number_of_statements(app: Flask, world: World) -> None:
    def costs() -> tuple[int, int]:
        manager = world.user("leder@fjellbygg.example")
        adviser = world.user("radgiver.vestland@nav.example")
        enterprise = world.session.get_one(Enterprise, world.fjellbygg.id)
        # Loaded, with the user's roles, as the page has them before the block.
        world.session.refresh(enterprise)
        member_role(manager, enterprise.id)
        with count_statements(app) as employer:
            tasks = employer_tasks(world.session, manager, MemberRole.MANAGER, enterprise, TODAY)
        assert TaskKind.RENEW_AGREEMENT in _kinds(tasks)
        with count_statements(app) as centre:
            adviser_tasks(world.session, adviser, TODAY)
        return employer.count, centre.count

    small = costs()
    grow_demo(world.session, 2)
    world.session.expire_all()
    assert costs() == small == (5, 3)


# --- the Labour Inspection Authority's orders ----------------------------------------------------


def _fjellbygg_orders(world: World) -> list[InspectionOrder]:
    return list(
        world.session.scalars(
            select(InspectionOrder)
            .join(Inspection)
            .where(Inspection.enterprise_id == world.fjellbygg.id)
            .order_by(InspectionOrder.deadline)
        )
    )


def test_an_open_order_due_soon_shows_for_the_manager_delegate_and_union_rep(
    world: World,
) -> None:
    # The demo: one order answered, one open and due in ten days.
    (answered, due) = _fjellbygg_orders(world)
    assert answered.answered_on is not None and due.deadline == TODAY + timedelta(days=10)
    for email in (
        "leder@fjellbygg.example",
        "verneombud@fjellbygg.example",
        "tillitsvalgt@fjellbygg.example",
    ):
        task = _of(_tasks(world, email, world.fjellbygg), TaskKind.ORDERS_DUE)
        assert (task.count, task.when) == (1, due.deadline)
        assert task.url == f"/enterprises/{world.fjellbygg.id}/inspections#order-{due.id}"
    # Nordlys has no orders; and nobody sees another enterprise's.
    assert TaskKind.ORDERS_DUE not in _kinds(_tasks(world, "leder@nordlys.example", world.nordlys))


def test_an_order_shows_from_14_days_before_goes_overdue_and_goes_when_answered(
    world: World,
) -> None:
    (_, due) = _fjellbygg_orders(world)
    manager = "leder@fjellbygg.example"
    due.deadline = TODAY + timedelta(days=15)
    world.session.commit()
    assert TaskKind.ORDERS_DUE not in _kinds(_tasks(world, manager, world.fjellbygg))
    due.deadline = TODAY + timedelta(days=14)
    world.session.commit()
    assert TaskKind.ORDERS_DUE in _kinds(_tasks(world, manager, world.fjellbygg))
    # A second one, overdue: both counted, the first deadline is past, the list is linked.
    world.session.add(
        InspectionOrder(
            inspection_id=due.inspection_id, text="Rekkverk", deadline=TODAY - timedelta(days=1)
        )
    )
    world.session.commit()
    task = _of(_tasks(world, manager, world.fjellbygg), TaskKind.ORDERS_OVERDUE)
    assert (task.count, task.when) == (2, TODAY - timedelta(days=1))
    assert task.url == f"/enterprises/{world.fjellbygg.id}/inspections"
    for order in _fjellbygg_orders(world):
        order.answered_on, order.answer = TODAY, "Gjort"
    world.session.commit()
    kinds = _kinds(_tasks(world, manager, world.fjellbygg))
    assert TaskKind.ORDERS_DUE not in kinds and TaskKind.ORDERS_OVERDUE not in kinds


def test_the_contact_person_sees_the_centres_orders_coming_due(world: World) -> None:
    (_, due) = _fjellbygg_orders(world)
    vestland = _adviser(world, "radgiver.vestland@nav.example")
    task = vestland[TaskKind.CENTRE_ORDERS_DUE]
    assert (task.count, task.when, task.url) == (1, due.deadline, "/adviser/cooperation/orders")
    # Oslo's centre has none: Fjellbygg is Vestland's.
    assert TaskKind.CENTRE_ORDERS_DUE not in _adviser(world, "radgiver.oslo@nav.example")
