"""Reminders coming due: which threshold applies, who is told, once per subject and threshold
(also with two runs at once), in the reader's language, by mail by default, from the CLI and
from the development server's mail thread."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from iwemployer.cooperation.services import OrderFields, record_inspection
from iwemployer.extensions import db
from iwemployer.mail.worker import render_events, run_forever
from iwemployer.models import (
    ApplicationStatus,
    CooperationAgreement,
    Enterprise,
    MemberRole,
    Notification,
    OutboxMail,
    ReminderSubject,
    SentReminder,
    SubsidyApplication,
    SubsidyScheme,
    User,
    UserKind,
)
from iwemployer.notifications.services import render_text
from iwemployer.reminders.services import send_reminders, threshold
from tests.conftest import SmtpServer, World, build_enterprise, build_membership, build_user

ADVISER = "radgiver.oslo@nav.example"
MANAGER = "leder@nordlys.example"
TODAY = date(2026, 12, 1)
A = ReminderSubject.AGREEMENT_END


@pytest.fixture(autouse=True)
def _request(app: Flask) -> Iterator[None]:
    # The services look up the user's role in ``g`` (inspections); texts need a locale.
    with app.test_request_context():
        yield


@pytest.fixture
def ending(world: World) -> tuple[Enterprise, User, User]:
    """An enterprise of its own (the demo's dates move with today) with a manager writing
    English and a contact person; the test adds its agreements."""
    adviser = world.user(ADVISER)
    enterprise = build_enterprise(world.session, adviser.centre, contact=adviser)  # type: ignore[arg-type]
    manager = build_user(world.session, locale="en")
    build_membership(world.session, manager, enterprise, MemberRole.MANAGER)
    world.session.commit()
    return enterprise, manager, adviser


def _agreement(session: Session, enterprise: Enterprise, ends: date, **fields: object) -> int:
    agreement = CooperationAgreement(
        enterprise_id=enterprise.id,
        start_date=ends - timedelta(days=4 * 365),
        end_date=ends,
        **fields,
    )
    session.add(agreement)
    session.commit()
    return agreement.id


def _sent(session: Session, subject: ReminderSubject, subject_id: int) -> list[int]:
    return sorted(
        session.scalars(
            select(SentReminder.days_before).where(
                SentReminder.subject == subject, SentReminder.subject_id == subject_id
            )
        )
    )


def _notes(session: Session, kind: str, enterprise_id: int) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.kind == kind, Notification.enterprise_id == enterprise_id)
            .order_by(Notification.user_id, Notification.id)
        )
    )


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(91, None), (90, 90), (31, 90), (30, 30), (1, 30), (0, 30), (-1, None)],
)
def test_the_nearest_threshold_not_yet_passed_applies(days_left: int, expected: int | None) -> None:
    assert threshold((90, 30), days_left) == expected


def test_an_agreement_end_is_reminded_90_and_30_days_ahead_once_each(
    world: World, ending: tuple[Enterprise, User, User]
) -> None:
    enterprise, manager, adviser = ending
    agreement_id = _agreement(world.session, enterprise, TODAY + timedelta(days=60))
    send_reminders(world.session, TODAY - timedelta(days=31))  # 91 days ahead: not yet
    assert _sent(world.session, A, agreement_id) == []

    send_reminders(world.session, TODAY)
    world.session.commit()
    assert _sent(world.session, A, agreement_id) == [90]
    notes = _notes(world.session, "agreement.ending", enterprise.id)
    # The enterprise's managers and its contact person.
    assert sorted(note.user_id for note in notes) == sorted([manager.id, adviser.id])
    assert notes[0].url == f"/enterprises/{enterprise.id}"

    # Again the same day, and the next: nothing new.
    send_reminders(world.session, TODAY)
    send_reminders(world.session, TODAY + timedelta(days=1))
    assert len(_notes(world.session, "agreement.ending", enterprise.id)) == 2
    # Thirty days before the end: the second reminder, then nothing more.
    send_reminders(world.session, TODAY + timedelta(days=30))
    send_reminders(world.session, TODAY + timedelta(days=59))
    assert _sent(world.session, A, agreement_id) == [30, 90]
    assert len(_notes(world.session, "agreement.ending", enterprise.id)) == 4


def test_an_agreement_found_late_gets_the_nearest_reminder_only(
    world: World, ending: tuple[Enterprise, User, User]
) -> None:
    enterprise, _, _ = ending
    agreement_id = _agreement(world.session, enterprise, TODAY + timedelta(days=20))
    send_reminders(world.session, TODAY)
    assert _sent(world.session, A, agreement_id) == [30]


def test_renewed_or_terminated_agreements_are_not_reminded(
    world: World, ending: tuple[Enterprise, User, User]
) -> None:
    enterprise, _, _ = ending
    end = TODAY + timedelta(days=60)
    renewed = _agreement(world.session, enterprise, end)
    # The next period follows on: the end is no news.
    _agreement(world.session, enterprise, end + timedelta(days=4 * 365 + 1))
    other = build_enterprise(world.session, enterprise.centre)
    terminated = _agreement(world.session, other, end, terminated_on=TODAY - timedelta(days=1))
    send_reminders(world.session, TODAY)
    assert _sent(world.session, A, renewed) == []
    assert _sent(world.session, A, terminated) == []


def test_a_final_report_coming_due_is_reminded_to_the_managers_and_the_author(
    world: World, ending: tuple[Enterprise, User, User]
) -> None:
    enterprise, manager, adviser = ending
    author = build_user(world.session)
    build_membership(world.session, author, enterprise, MemberRole.SAFETY_DELEGATE)
    scheme = world.session.scalars(select(SubsidyScheme)).first()
    assert scheme is not None

    def application(status: ApplicationStatus, due_in: int) -> int:
        row = SubsidyApplication(
            enterprise_id=enterprise.id,
            scheme_id=scheme.id,
            status=status,
            form_token=uuid.uuid4().hex,
            title="Kurs i forflytning",
            created_by_id=author.id,
            report_due=TODAY + timedelta(days=due_in),
        )
        world.session.add(row)
        world.session.commit()
        return row.id

    granted = application(ApplicationStatus.GRANTED, 10)
    later = application(ApplicationStatus.GRANTED, 45)
    reported = application(ApplicationStatus.REPORTED, 10)
    send_reminders(world.session, TODAY)
    subject = ReminderSubject.SUBSIDY_REPORT
    assert _sent(world.session, subject, granted) == [30]
    assert _sent(world.session, subject, later) == []
    assert _sent(world.session, subject, reported) == []
    notes = _notes(world.session, "subsidies.report_due", enterprise.id)
    assert sorted(note.user_id for note in notes) == sorted([manager.id, author.id])
    assert adviser.id not in {note.user_id for note in notes}
    assert notes[0].url == f"/enterprises/{enterprise.id}/subsidies/{granted}"
    assert notes[0].params == {"number": str(granted), "due": "2026-12-11"}


def test_inspection_orders_are_reminded_14_and_3_days_before_and_not_once_answered(
    world: World,
) -> None:
    manager = world.user(MANAGER)
    inspection = record_inspection(
        world.session,
        world.nordlys,
        manager,
        inspected_on=TODAY - timedelta(days=2),
        topic="Risikovurdering",
        letter_url="https://www.arbeidstilsynet.no/brev/1",
        orders=[
            OrderFields("Lag risikovurdering", TODAY + timedelta(days=14)),
            OrderFields("Opplæring", TODAY + timedelta(days=3)),
            OrderFields("Verneombud", TODAY + timedelta(days=40)),
        ],
        today=TODAY - timedelta(days=2),
    )
    world.session.commit()
    in14, in3, in40 = (order.id for order in inspection.orders)
    subject = ReminderSubject.INSPECTION_ORDER
    send_reminders(world.session, TODAY)
    assert _sent(world.session, subject, in14) == [14]
    assert _sent(world.session, subject, in3) == [3]
    assert _sent(world.session, subject, in40) == []
    readers = _notes(world.session, "inspection.order_due", world.nordlys.id)
    assert world.user(ADVISER).id in {note.user_id for note in readers}
    assert "verneombud@nordlys.example" in {
        world.session.get_one(User, note.user_id).email for note in readers
    }
    send_reminders(world.session, TODAY + timedelta(days=11))
    assert _sent(world.session, subject, in14) == [3, 14]
    inspection.orders[2].answered_on = TODAY
    inspection.orders[2].answer = "Gjort"
    world.session.commit()
    send_reminders(world.session, TODAY + timedelta(days=30))
    assert _sent(world.session, subject, in40) == []


def test_the_date_shows_in_the_readers_language(
    world: World, ending: tuple[Enterprise, User, User]
) -> None:
    enterprise, _, _ = ending
    _agreement(world.session, enterprise, date(2027, 2, 1))
    send_reminders(world.session, date(2027, 1, 1))
    note = _notes(world.session, "agreement.ending", enterprise.id)[0]
    assert note.params["end"] == "2027-02-01"
    with force_locale("en"):
        assert render_text(note).endswith("ends on February 1, 2027")
    with force_locale("nb"):
        assert render_text(note).endswith("utløper 1. februar 2027")
    with force_locale("nn"):
        assert render_text(note).endswith("går ut 1. februar 2027")


def test_reminders_are_mailed_by_default_in_the_recipients_language(
    world: World, ending: tuple[Enterprise, User, User], smtp_server: SmtpServer
) -> None:
    enterprise, manager, _ = ending
    world.session.execute(delete(OutboxMail))
    world.session.commit()
    _agreement(world.session, enterprise, TODAY + timedelta(days=80))
    send_reminders(world.session, TODAY)
    world.session.commit()
    messages = smtp_server.deliver()
    to_manager = [m for m in messages if m["To"] == manager.email]
    assert len(to_manager) == 1
    body = to_manager[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "A cooperation agreement ends soon" in body
    # No enterprise name in the mail: the site shows it behind the sign-in.
    assert enterprise.name not in body
    with force_locale("nn"):
        _, nn_body = render_events([{"kind": "agreement.ending", "params": {}, "url": "/"}])
    assert "samarbeidsavtale" in nn_body


def test_two_runs_at_once_send_each_reminder_once(
    app: Flask, world: World, ending: tuple[Enterprise, User, User]
) -> None:
    """Both runs find the same agreement due; the unique key lets one claim it."""
    enterprise, _, _ = ending
    agreement_id = _agreement(world.session, enterprise, TODAY + timedelta(days=45))
    barrier = threading.Barrier(2, timeout=30)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.test_request_context(), db.new_session(app) as session:
                barrier.wait()
                counts.append(send_reminders(session, TODAY))
                session.commit()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _sent(world.session, A, agreement_id) == [90]
    assert len(_notes(world.session, "agreement.ending", enterprise.id)) == 2
    # Everything sent was sent by exactly one of the runs.
    total = world.session.scalar(select(func.count()).select_from(SentReminder))
    assert sum(counts) == total


def test_the_command_sends_once(
    world: World, app: Flask, ending: tuple[Enterprise, User, User]
) -> None:
    enterprise, _, _ = ending
    _agreement(world.session, enterprise, date.today() + timedelta(days=10))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    assert int(first.output.split()[0]) >= 1
    again = runner.invoke(args=["send-reminders"])
    assert again.output.strip() == "0 reminders sent"


def test_the_development_mail_thread_sends_reminders(
    world: World, app: Flask, ending: tuple[Enterprise, User, User]
) -> None:
    enterprise, _, _ = ending
    agreement_id = _agreement(world.session, enterprise, date.today() + timedelta(days=10))
    stop = threading.Event()
    thread = threading.Thread(target=run_forever, args=(app, stop, 0.05, 3600.0))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not _sent(world.session, A, agreement_id) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join()
    assert _sent(world.session, A, agreement_id) == [30]


def test_advisers_of_another_centre_are_not_told(
    world: World, ending: tuple[Enterprise, User, User]
) -> None:
    enterprise, _, adviser = ending
    _agreement(world.session, enterprise, TODAY + timedelta(days=10))
    send_reminders(world.session, TODAY)
    told = {note.user_id for note in _notes(world.session, "agreement.ending", enterprise.id)}
    others = set(
        world.session.scalars(
            select(User.id).where(User.kind == UserKind.ADVISER, User.id != adviser.id)
        )
    )
    assert told and not told & others
