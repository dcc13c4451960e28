"""Service tests: the status machine, completeness, amounts, statements, the budget (also two
decisions at once, on both databases), final reports and attachments. No HTTP."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from iwemployer.errors import DomainError
from iwemployer.extensions import db
from iwemployer.models import (
    ApplicationEvent,
    ApplicationEventKind,
    ApplicationStatus,
    AttachmentPart,
    CentreBudget,
    MemberRole,
    Notification,
    SubsidyApplication,
    SubsidyAttachment,
    SubsidyDecision,
    User,
)
from iwemployer.subsidies import labels, services
from tests.conftest import World

from .conftest import (
    ADVISER,
    DELEGATE,
    MANAGER,
    build_application,
    complete_draft,
    stored_files,
)

S = ApplicationStatus
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
pytestmark = pytest.mark.usefixtures("ctx")

# The expected machine, written out independently of the code's table.
EXPECTED = {
    (S.DRAFT, S.SUBMITTED),
    (S.SUBMITTED, S.UNDER_REVIEW),
    (S.UNDER_REVIEW, S.RETURNED),
    (S.UNDER_REVIEW, S.GRANTED),
    (S.UNDER_REVIEW, S.REJECTED),
    (S.RETURNED, S.SUBMITTED),
    (S.GRANTED, S.REPORTED),
    (S.REPORTED, S.CLOSED),
    (S.REPORTED, S.GRANTED),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("wanted", list(S))
def test_the_status_machine_allows_exactly_the_listed_changes(
    current: ApplicationStatus, wanted: ApplicationStatus
) -> None:
    assert services.can_transition(current, wanted) == ((current, wanted) in EXPECTED)


# --- amounts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [("12500", 12500), ("12 500", 12500), ("12\u00a0500 kr", 12500), ("", None), ("0", 0)],
)
def test_amounts_are_whole_kroner_as_typed(typed: str, value: int | None) -> None:
    assert services.parse_amount(typed, "x") == value


@pytest.mark.parametrize("typed", ["-5", "12,50", "12.5", "tolv", "1" * 12])
def test_amounts_that_are_not_whole_positive_kroner_are_refused_at_the_field(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        services.parse_amount(typed, "amount_applied")
    assert refused.value.field == "amount_applied"
    assert refused.value.status == 422


@pytest.mark.parametrize(
    ("language", "shown"), [("nb", "12 500 kr"), ("nn", "12 500 kr"), ("en", "NOK 12,500")]
)
def test_amounts_are_shown_in_the_users_language(language: str, shown: str) -> None:
    text = labels.kroner(12500, language).replace("\u00a0", " ").replace("\u202f", " ")
    assert text == shown


# --- drafts and completeness ---------------------------------------------------------------------


def test_a_draft_keeps_anything_and_the_total_is_the_sum_of_the_lines(world: World) -> None:
    app = build_application(world)
    manager = world.user(MANAGER)
    services.save_draft(
        world.session,
        app,
        manager,
        MemberRole.MANAGER,
        services.Draft(title="Halvferdig"),
        [("Kurs", 10_000), ("Lokale", 2_500), ("", None)],
    )
    world.session.commit()
    assert [(line.item, line.amount) for line in app.lines] == [("Kurs", 10_000), ("Lokale", 2_500)]
    assert app.total == 12_500
    assert app.status == S.DRAFT


def test_submitting_says_exactly_what_is_missing(world: World) -> None:
    app = build_application(world)
    with pytest.raises(services.Incomplete) as refused:
        services.submit(world.session, app, world.user(MANAGER), MemberRole.MANAGER, "")
    fields = {name for name, _message in refused.value.missing}
    assert fields == {
        "purpose",
        "expected_effect",
        "activity_description",
        "period_start",
        "period_end",
        "lines",
        "amount_applied",
        "no_statement_reason",
    }


def test_the_amount_applied_is_at_most_the_schemes_maximum_and_the_total(world: World) -> None:
    app = build_application(world)
    manager = world.user(MANAGER)
    maximum = app.scheme.max_amount
    services.save_draft(
        world.session,
        app,
        manager,
        MemberRole.MANAGER,
        complete_draft(world.session, world.nordlys, amount_applied=maximum + 1),
        [("Stort kurs", maximum + 10_000)],
    )
    missing = dict(services.missing(app, "grunn"))
    assert "amount_applied" in missing
    services.save_draft(
        world.session,
        app,
        manager,
        MemberRole.MANAGER,
        complete_draft(world.session, world.nordlys, amount_applied=9_000),
        [("Kurs", 8_000)],
    )
    assert "amount_applied" in dict(services.missing(app, "grunn"))


def test_free_text_with_an_identity_number_is_refused_at_its_field(world: World) -> None:
    app = build_application(world)
    with pytest.raises(DomainError) as refused:
        services.save_draft(
            world.session,
            app,
            world.user(MANAGER),
            MemberRole.MANAGER,
            complete_draft(world.session, world.nordlys, purpose="Gjelder 010190 12345."),
            [],
        )
    assert refused.value.field == "purpose"
    with pytest.raises(DomainError) as in_a_line:
        services.save_draft(
            world.session,
            app,
            world.user(MANAGER),
            MemberRole.MANAGER,
            complete_draft(world.session, world.nordlys),
            [("Kurs for 01019012345", 100)],
        )
    assert in_a_line.value.field == "line-0-item"


def test_without_both_statements_it_is_sent_only_with_a_reason(world: World) -> None:
    app = build_application(world, S.SUBMITTED, statements=False, enterprise=world.nordlys)
    assert app.status == S.SUBMITTED
    assert app.no_statement_reason
    event = world.session.scalar(
        select(ApplicationEvent).where(
            ApplicationEvent.application_id == app.id,
            ApplicationEvent.kind == ApplicationEventKind.SUBMITTED,
        )
    )
    assert event is not None and event.message == app.no_statement_reason


def test_with_both_statements_no_reason_is_needed(world: World) -> None:
    app = build_application(world, S.SUBMITTED)
    assert app.no_statement_reason == ""
    assert {s.role for s in app.statements} == {MemberRole.SAFETY_DELEGATE, MemberRole.UNION_REP}


def test_only_the_parties_give_statements_and_a_second_one_replaces_the_first(
    world: World,
) -> None:
    app = build_application(world)
    delegate = world.user(DELEGATE)
    with pytest.raises(DomainError):
        services.give_statement(world.session, app, world.user(MANAGER), MemberRole.MANAGER, "x")
    services.give_statement(world.session, app, delegate, MemberRole.SAFETY_DELEGATE, "Først")
    services.give_statement(world.session, app, delegate, MemberRole.SAFETY_DELEGATE, "Sist")
    world.session.commit()
    assert [s.body for s in app.statements] == ["Sist"]


# --- the status machine in use -------------------------------------------------------------------


def test_submitting_twice_gives_one_submission(world: World) -> None:
    app = build_application(world, S.SUBMITTED)
    with pytest.raises(DomainError) as again:
        services.submit(world.session, app, world.user(MANAGER), MemberRole.MANAGER, "")
    assert again.value.status == 409
    submitted = world.session.scalar(
        select(func.count())
        .select_from(ApplicationEvent)
        .where(
            ApplicationEvent.application_id == app.id,
            ApplicationEvent.kind == ApplicationEventKind.SUBMITTED,
        )
    )
    assert submitted == 1


def test_more_information_goes_back_to_the_manager_who_edits_and_resubmits(world: World) -> None:
    app = build_application(world, S.RETURNED)
    manager = world.user(MANAGER)
    assert services.can_edit(app, manager, MemberRole.MANAGER)
    services.save_draft(
        world.session,
        app,
        manager,
        MemberRole.MANAGER,
        complete_draft(world.session, world.nordlys, purpose="Med tilbud vedlagt."),
        [("Kursholder", 20_000)],
    )
    services.submit(world.session, app, manager, MemberRole.MANAGER, "")
    world.session.commit()
    assert app.status == S.SUBMITTED
    kinds = [e.kind for e in app.events]
    assert kinds.count(ApplicationEventKind.SUBMITTED) == 2
    assert ApplicationEventKind.RETURNED in kinds


def test_every_change_is_logged_with_who_and_why_and_notifies(world: World) -> None:
    app = build_application(world, S.RETURNED)
    returned = [e for e in app.events if e.kind == ApplicationEventKind.RETURNED]
    assert returned[0].actor_id == world.user(ADVISER).id
    assert returned[0].message == "Send et tilbud fra kursholder."
    kinds = set(
        world.session.scalars(
            select(Notification.kind).where(Notification.user_id == world.user(MANAGER).id)
        )
    )
    assert {"subsidies.taken", "subsidies.returned", "subsidies.statement"} <= kinds
    to_centre = world.session.scalars(
        select(Notification.kind).where(Notification.user_id == world.user(ADVISER).id)
    )
    assert "subsidies.submitted" in set(to_centre)


def test_a_decision_always_has_a_reason_and_a_partial_grant_an_amount(world: World) -> None:
    app = build_application(world, S.UNDER_REVIEW)
    adviser = world.user(ADVISER)
    due = date.today() + timedelta(days=30)
    for choice, field in (
        (services.DecisionInput(SubsidyDecision.REJECTED, "  "), "reason"),
        (services.DecisionInput(SubsidyDecision.PARTLY_APPROVED, "Delvis"), "amount"),
        (
            services.DecisionInput(
                SubsidyDecision.PARTLY_APPROVED, "Delvis", amount=app.amount_applied, report_due=due
            ),
            "amount",
        ),
        (services.DecisionInput(SubsidyDecision.APPROVED, "Ja"), "report_due"),
    ):
        with pytest.raises(DomainError) as refused:
            services.decide(world.session, app, adviser, choice)
        assert refused.value.field == field
        world.session.rollback()
    services.decide(
        world.session,
        app,
        adviser,
        services.DecisionInput(
            SubsidyDecision.PARTLY_APPROVED, "Delvis", amount=12_000, report_due=due
        ),
    )
    world.session.commit()
    assert (app.status, app.granted_amount, app.report_due) == (S.GRANTED, 12_000, due)


def test_the_final_report_needs_every_actual_cost_and_closes_when_accepted(world: World) -> None:
    app = build_application(world, S.GRANTED)
    manager, adviser = world.user(MANAGER), world.user(ADVISER)
    with pytest.raises(DomainError) as refused:
        services.submit_report(
            world.session, app, manager, MemberRole.MANAGER, "Gjort", "Effekt", {}
        )
    assert refused.value.field == "actual-0"
    actual = {line.id: line.amount - 100 for line in app.lines}
    services.submit_report(world.session, app, manager, MemberRole.MANAGER, "Gjort", "Bra", actual)
    services.return_report(world.session, app, adviser, "Legg ved faktura.")
    assert app.status == S.GRANTED
    services.submit_report(world.session, app, manager, MemberRole.MANAGER, "Gjort", "Bra", actual)
    services.accept_report(world.session, app, adviser)
    world.session.commit()
    assert app.status == S.CLOSED and app.closed_at is not None
    assert app.report is not None and app.report.accepted_at is not None
    assert [line.actual_amount for line in app.lines] == list(actual.values())


def test_overdue_final_reports_are_found_for_the_centre_and_the_enterprise(world: World) -> None:
    app = build_application(world, S.GRANTED)
    today = date.today()
    assert app not in services.overdue_reports(
        world.session, today, centre_id=world.nordlys.centre_id
    )
    later = app.report_due + timedelta(days=1) if app.report_due else today
    assert app in services.overdue_reports(world.session, later, enterprise_id=world.nordlys.id)
    assert app not in services.overdue_reports(
        world.session, later, centre_id=world.fjellbygg.centre_id
    )


# --- the budget ----------------------------------------------------------------------------------


def _oslo_budget(session: Session, world: World) -> CentreBudget:
    budget = services.budget_for(session, world.nordlys.centre_id, services.today_in_oslo().year)
    assert budget is not None
    return budget


def test_granted_paid_out_and_remaining(world: World) -> None:
    budget = _oslo_budget(world.session, world)
    before = budget.granted
    build_application(world, S.CLOSED, amount=20_000)
    build_application(world, S.GRANTED, amount=30_000)
    year = services.today_in_oslo().year
    [summary] = services.budget_summaries(world.session, [world.nordlys.centre_id], year)
    assert summary.granted == before + 50_000
    assert summary.paid == 20_000
    assert summary.remaining == summary.amount - summary.granted if summary.amount else False


def test_a_decision_beyond_what_remains_is_refused_with_a_clear_message(world: World) -> None:
    app = build_application(world, S.UNDER_REVIEW, amount=30_000)
    budget = _oslo_budget(world.session, world)
    world.session.execute(
        update(CentreBudget)
        .where(CentreBudget.id == budget.id)
        .values(amount=budget.granted + 10_000)
    )
    world.session.commit()
    with pytest.raises(DomainError) as refused:
        services.decide(
            world.session,
            app,
            world.user(ADVISER),
            services.DecisionInput(
                SubsidyDecision.APPROVED, "Ja", report_due=date.today() + timedelta(days=9)
            ),
        )
    assert refused.value.status == 409
    assert "10 000 kr" in str(refused.value).replace("\u00a0", " ")
    world.session.rollback()
    world.session.refresh(app)
    assert app.status == S.UNDER_REVIEW


def test_the_budget_cannot_be_set_below_what_is_granted(world: World) -> None:
    budget = _oslo_budget(world.session, world)
    with pytest.raises(DomainError) as refused:
        services.set_budget(world.session, budget.centre_id, budget.year, budget.granted - 1)
    assert refused.value.field == "amount"
    services.set_budget(world.session, budget.centre_id, budget.year + 1, 5_000)
    world.session.commit()
    assert services.budget_for(world.session, budget.centre_id, budget.year + 1) is not None


def _race(app: Flask, work: list[Any]) -> list[str]:
    """Run each ``work(session)`` in its own thread and session, released together; each
    commits or rolls back. Returns "ok" or the refusal's status per thread."""
    barrier = threading.Barrier(len(work))
    results: list[str] = [""] * len(work)

    def run(index: int) -> None:
        with app.test_request_context(), db.new_session(app) as session:
            try:
                prepare = work[index](session)
                barrier.wait(timeout=10)
                prepare()
                session.commit()
                results[index] = "ok"
            except DomainError as error:
                session.rollback()
                results[index] = str(error.status)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _decision(application_id: int, adviser_id: int) -> Any:
    def prepare(session: Session) -> Any:
        app = session.get_one(SubsidyApplication, application_id)
        adviser = session.get_one(User, adviser_id)
        choice = services.DecisionInput(
            SubsidyDecision.APPROVED, "Ja", report_due=date.today() + timedelta(days=30)
        )
        return lambda: services.decide(session, app, adviser, choice)

    return prepare


def test_two_advisers_deciding_at_once_cannot_overspend_the_budget(
    app: Flask, world: World
) -> None:
    first = build_application(world, S.UNDER_REVIEW, amount=30_000)
    second = build_application(world, S.UNDER_REVIEW, amount=30_000)
    budget = _oslo_budget(world.session, world)
    granted = budget.granted
    world.session.execute(
        update(CentreBudget).where(CentreBudget.id == budget.id).values(amount=granted + 40_000)
    )
    world.session.commit()
    advisers = (world.user(ADVISER).id, world.user("radgiver2.oslo@nav.example").id)
    results = _race(app, [_decision(first.id, advisers[0]), _decision(second.id, advisers[1])])
    assert sorted(results) == ["409", "ok"]
    world.session.expire_all()
    assert _oslo_budget(world.session, world).granted == granted + 30_000
    statuses = sorted(
        world.session.scalars(
            select(SubsidyApplication.status).where(
                SubsidyApplication.id.in_([first.id, second.id])
            )
        )
    )
    assert statuses == sorted([S.GRANTED, S.UNDER_REVIEW])


def test_the_same_application_decided_twice_at_once_is_decided_once(
    app: Flask, world: World
) -> None:
    one = build_application(world, S.UNDER_REVIEW, amount=30_000)
    granted = _oslo_budget(world.session, world).granted
    advisers = (world.user(ADVISER).id, world.user("radgiver2.oslo@nav.example").id)
    results = _race(app, [_decision(one.id, advisers[0]), _decision(one.id, advisers[1])])
    assert sorted(results) == ["409", "ok"]
    world.session.expire_all()
    assert _oslo_budget(world.session, world).granted == granted + 30_000
    decided = world.session.scalar(
        select(func.count())
        .select_from(ApplicationEvent)
        .where(
            ApplicationEvent.application_id == one.id,
            ApplicationEvent.kind == ApplicationEventKind.DECIDED,
        )
    )
    assert decided == 1


# --- attachments ---------------------------------------------------------------------------------


def test_an_attachment_is_placed_on_commit_and_removed_on_rollback(
    world: World, attachment_dir: Path
) -> None:
    app = build_application(world)
    manager = world.user(MANAGER)
    services.add_attachment(
        world.session, app, manager, MemberRole.MANAGER, AttachmentPart.APPLICATION, "a.pdf", PDF
    )
    world.session.rollback()
    assert stored_files(attachment_dir) == []
    kept = services.add_attachment(
        world.session, app, manager, MemberRole.MANAGER, AttachmentPart.APPLICATION, "b.pdf", PDF
    )
    world.session.commit()
    assert stored_files(attachment_dir) == [attachment_dir / kept.stored_name]


def test_attachments_are_checked_by_content_and_counted(world: World) -> None:
    app = build_application(world)
    manager = world.user(MANAGER)
    add = lambda name, data: services.add_attachment(  # noqa: E731
        world.session, app, manager, MemberRole.MANAGER, AttachmentPart.APPLICATION, name, data
    )
    with pytest.raises(DomainError):
        add("tilbud.pdf", b"<html><script>alert(1)</script></html>")
    assert add("bilde.jpeg", b"\xff\xd8\xff\xe0rest").content_type == "image/jpeg"
    assert add("skjerm", b"\x89PNG\r\n\x1a\nrest").original_name == "skjerm.png"
    for n in range(services.MAX_ATTACHMENTS - 2):
        add(f"{n}.pdf", PDF)
    with pytest.raises(DomainError) as full:
        add("one-too-many.pdf", PDF)
    assert "20" in str(full.value)
    world.session.rollback()


def test_deleting_a_draft_deletes_its_files(world: World, attachment_dir: Path) -> None:
    app = build_application(world)
    manager = world.user(MANAGER)
    services.add_attachment(
        world.session, app, manager, MemberRole.MANAGER, AttachmentPart.APPLICATION, "a.pdf", PDF
    )
    world.session.commit()
    assert len(stored_files(attachment_dir)) == 1
    services.delete_draft(world.session, app, manager, MemberRole.MANAGER)
    world.session.commit()
    assert stored_files(attachment_dir) == []
    assert world.session.scalar(select(func.count()).select_from(SubsidyAttachment)) == 0


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\x\\tilbud.PDF", "tilbud.pdf"),
        ("tilbud\x00<script>.pdf", "tilbud__script_.pdf"),
        ("..", "vedlegg.pdf"),
        ("Tilbud på kurs.exe", "Tilbud på kurs.pdf"),
    ],
)
def test_file_names_are_made_safe(given: str, shown: str) -> None:
    from iwemployer.attachments import display_name

    assert display_name(given, "application/pdf") == shown


def test_the_same_application_submitted_twice_at_once_is_submitted_once(
    app: Flask, world: World
) -> None:
    draft = build_application(world, S.RETURNED)
    manager_id = world.user(MANAGER).id

    def submit(session: Session) -> Any:
        record = session.get_one(SubsidyApplication, draft.id)
        manager = session.get_one(User, manager_id)
        return lambda: services.submit(session, record, manager, MemberRole.MANAGER, "")

    assert sorted(_race(app, [submit, submit])) == ["409", "ok"]
    world.session.expire_all()
    submitted = world.session.scalar(
        select(func.count())
        .select_from(ApplicationEvent)
        .where(
            ApplicationEvent.application_id == draft.id,
            ApplicationEvent.kind == ApplicationEventKind.SUBMITTED,
        )
    )
    assert submitted == 2  # the first submission, and one resubmission


def test_two_saves_of_one_draft_at_once_leave_one_set_of_budget_lines(
    app: Flask, world: World
) -> None:
    """The second save starts while the first is written but not yet committed; it must
    replace the first one's lines, not add its own beside them."""
    draft = build_application(world)
    manager_id = world.user(MANAGER).id
    first_written = threading.Event()
    errors: list[BaseException] = []

    def save(lines: list[tuple[str, int | None]], first: bool) -> None:
        with app.test_request_context(), db.new_session(app) as session:
            try:
                record = session.get_one(SubsidyApplication, draft.id)
                manager = session.get_one(User, manager_id)
                if not first:
                    first_written.wait(timeout=10)
                assert record.lines == []  # as the view's form reads them before saving
                services.save_draft(
                    session, record, manager, MemberRole.MANAGER, services.Draft(title="T"), lines
                )
                session.flush()
                if first:
                    first_written.set()
                    time.sleep(0.5)  # the second save runs meanwhile
                session.commit()
            except BaseException as error:  # reported to the test's thread
                errors.append(error)
                first_written.set()

    threads = [
        threading.Thread(target=save, args=([("Kurs", 10_000), ("Lokale", 2_500)], True)),
        threading.Thread(target=save, args=([("Kurs", 12_500)], False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    world.session.expire_all()
    record = world.session.get_one(SubsidyApplication, draft.id)
    assert [(line.item, line.amount) for line in record.lines] == [("Kurs", 12_500)]
