"""Service tests: the meeting state machine, booking without double booking (also under
concurrency), minutes → plan activities, the calendar file, orders and deadlines (their
reminders are in tests/reminders)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from flask_babel import gettext
from icalendar import Calendar
from sqlalchemy import func, select

from iwemployer.cooperation import services
from iwemployer.cooperation.calendar import meeting_ics
from iwemployer.cooperation.services import (
    ALLOWED_TRANSITIONS,
    AgendaPick,
    FollowUp,
    OrderFields,
    Slot,
)
from iwemployer.errors import DomainError
from iwemployer.extensions import db
from iwemployer.models import (
    ActionPlan,
    Enterprise,
    InspectionOrder,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Notification,
    PlanActivity,
    PlanTheme,
    Responsible,
    User,
    utcnow,
)
from tests.conftest import World

S = MeetingStatus
ADVISER = "radgiver.oslo@nav.example"
MANAGER = "leder@nordlys.example"
HEALTH = "bht@helsepartner.example"


@pytest.fixture(autouse=True)
def _request(app: Flask) -> Iterator[None]:
    # The rules look up the user's role in ``g``; labels and dates need a locale.
    with app.test_request_context():
        yield


def _slot(days: int, hour: int = 10, minutes: int = 60) -> Slot:
    start = datetime.combine(
        date.today() + timedelta(days=days), datetime.min.time(), tzinfo=services.LOCAL_TIME
    ).replace(hour=hour)
    return Slot(start, start + timedelta(minutes=minutes))


def _ask(world: World, asker: str = MANAGER, **kwargs: object) -> Meeting:
    values: dict[str, object] = {
        "purpose": "Sykefraværet",
        "wished_participants": "Leder og verneombud",
        "mode": MeetingMode.ONLINE,
        "slots": [_slot(20), _slot(21)],
        "wished_week": None,
        "now": utcnow(),
    }
    values.update(kwargs)
    meeting = services.request_meeting(
        world.session,
        world.nordlys,
        world.user(asker),
        **values,  # type: ignore[arg-type]
    )
    world.session.commit()
    return meeting


# The expected machine, written out independently of the code's table.
EXPECTED = {
    (S.REQUESTED, S.PROPOSED),
    (S.REQUESTED, S.CONFIRMED),
    (S.REQUESTED, S.CANCELLED),
    (S.PROPOSED, S.PROPOSED),
    (S.PROPOSED, S.CONFIRMED),
    (S.PROPOSED, S.CANCELLED),
    (S.CONFIRMED, S.CONFIRMED),
    (S.CONFIRMED, S.CANCELLED),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("wanted", list(S))
def test_the_state_machine_allows_exactly_the_expected_steps(current: S, wanted: S) -> None:
    assert (wanted in ALLOWED_TRANSITIONS[current]) == ((current, wanted) in EXPECTED)


def test_ask_propose_accept_is_confirmed_and_notified(world: World) -> None:
    meeting = _ask(world, asker=HEALTH)
    adviser = world.user(ADVISER)
    assert meeting.status == S.REQUESTED and meeting.adviser_id == world.nordlys.contact_person_id
    services.propose_times(world.session, meeting, adviser, [_slot(30)], "Passer dette?", utcnow())
    assert meeting.status == S.PROPOSED
    centre_slot = next(s for s in meeting.slots if s.from_centre)
    # The contact person cannot accept their own proposal; the enterprise can.
    with pytest.raises(DomainError):
        services.accept_time(world.session, meeting, adviser, centre_slot.id, utcnow())
    services.accept_time(world.session, meeting, world.user(MANAGER), centre_slot.id, utcnow())
    world.session.commit()
    assert meeting.status == S.CONFIRMED and meeting.starts_at == centre_slot.starts_at
    kinds = set(world.session.scalars(select(Notification.kind)))
    assert {"meeting.requested", "meeting.proposed", "meeting.confirmed"} <= kinds


def test_the_contact_person_accepts_one_of_the_askers_times(world: World) -> None:
    meeting = _ask(world)
    slot = meeting.slots[1]
    with pytest.raises(DomainError):  # the asker cannot accept their own suggestion
        services.accept_time(world.session, meeting, world.user(MANAGER), slot.id, utcnow())
    services.accept_time(world.session, meeting, world.user(ADVISER), slot.id, utcnow())
    assert (meeting.starts_at, meeting.ends_at) == (slot.starts_at, slot.ends_at)


@pytest.mark.parametrize(
    ("slots", "week", "field"),
    [
        ([_slot(20)], None, "slots"),  # one time is too few
        ([_slot(-1), _slot(20)], None, "slots"),  # in the past
        ([Slot(_slot(20).ends_at, _slot(20).starts_at), _slot(21)], None, "slots"),  # backwards
        ([], 60, "wished_week"),
    ],
)
def test_bad_times_are_refused_at_the_field(
    world: World, slots: list[Slot], week: int | None, field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        _ask(world, slots=slots, wished_week=week)
    assert caught.value.field == field


def test_a_week_instead_of_times_is_enough(world: World) -> None:
    meeting = _ask(world, slots=[], wished_week=12)
    assert meeting.wished_week == 12 and meeting.slots == []


def test_identity_numbers_are_refused(world: World) -> None:
    with pytest.raises(DomainError) as caught:
        _ask(world, purpose="Om 01017012345 sitt fravær")
    assert caught.value.field == "purpose"


def test_the_same_contact_person_is_not_double_booked(world: World) -> None:
    adviser = world.user(ADVISER)
    first, second = _ask(world), _ask(world, asker=HEALTH)
    services.accept_time(world.session, first, adviser, first.slots[0].id, utcnow())
    world.session.commit()
    with pytest.raises(DomainError) as caught:
        services.accept_time(world.session, second, adviser, second.slots[0].id, utcnow())
    # In whatever language the context gives, the refusal is the double-booking one.
    assert caught.value.message == gettext("The contact person has another meeting at that time.")
    world.session.rollback()
    # Moving onto the other meeting's time is refused too; moving elsewhere works.
    services.accept_time(world.session, second, adviser, second.slots[1].id, utcnow())
    world.session.commit()
    with pytest.raises(DomainError):
        services.move_meeting(world.session, second, adviser, _slot(20), "Flytt", utcnow())
    world.session.rollback()
    services.move_meeting(world.session, second, adviser, _slot(22, 8), "Flytt", utcnow())
    assert second.sequence == 1


def test_twenty_concurrent_bookings_of_one_adviser_give_one_meeting(
    app: Flask, world: World
) -> None:
    """Each thread confirms a different meeting at the same time, released together: the lock
    on the adviser's row (and PostgreSQL's exclusion constraint) let exactly one through."""
    ids = [_ask(world).id for _ in range(20)]
    adviser_id = world.user(ADVISER).id
    barrier = threading.Barrier(len(ids), timeout=30)
    outcomes: list[str] = []

    def book(meeting_id: int) -> None:
        with app.test_request_context(), db.new_session(app) as session:
            meeting = session.get_one(Meeting, meeting_id)
            adviser = session.get_one(User, adviser_id)
            slot_id = meeting.slots[0].id
            # Give the connection back while waiting: the pool holds fewer than twenty.
            session.commit()
            barrier.wait()
            try:
                services.accept_time(session, meeting, adviser, slot_id, utcnow())
                session.commit()
                outcomes.append("booked")
            except DomainError:
                session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=book, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked"] + ["refused"] * 19
    confirmed = world.session.scalar(
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.id.in_(ids), Meeting.status == S.CONFIRMED)
    )
    assert confirmed == 1


def test_cancel_needs_a_message_and_ends_the_thread(world: World) -> None:
    meeting = _ask(world)
    with pytest.raises(DomainError):
        services.cancel_meeting(world.session, meeting, world.user(MANAGER), " ", utcnow())
    services.cancel_meeting(world.session, meeting, world.user(MANAGER), "Ikke nødvendig", utcnow())
    assert meeting.status == S.CANCELLED
    with pytest.raises(DomainError):
        services.cancel_meeting(world.session, meeting, world.user(ADVISER), "Igjen", utcnow())


def _held(world: World) -> Meeting:
    return world.session.scalars(
        select(Meeting).where(
            Meeting.enterprise_id == world.nordlys.id,
            Meeting.status == S.CONFIRMED,
            Meeting.starts_at < utcnow(),
        )
    ).one()


def test_minutes_turn_follow_ups_into_plan_activities_under_the_plans_rules(
    world: World,
) -> None:
    meeting = _held(world)
    adviser = world.user(ADVISER)
    theme = world.session.scalars(
        select(PlanTheme).join(ActionPlan).where(ActionPlan.enterprise_id == world.nordlys.id)
    ).first()
    assert theme is not None
    plan = theme.plan
    version_before, status_before = plan.version, plan.status
    with pytest.raises(DomainError):  # only the contact person writes them
        services.write_minutes(
            world.session,
            meeting,
            world.user(MANAGER),
            discussed="x",
            decisions="",
            follow_ups=[],
            now=utcnow(),
        )
    created = services.write_minutes(
        world.session,
        meeting,
        adviser,
        discussed="Turnus og fravær",
        decisions="Ny turnus",
        follow_ups=[
            FollowUp(theme, "Ny turnusplan", Responsible.MANAGER, date.today(), date.today()),
            FollowUp(
                theme,
                "Kurs i forflytning",
                Responsible.OCCUPATIONAL_HEALTH,
                date.today(),
                date.today() + timedelta(days=30),
            ),
        ],
        now=utcnow(),
    )
    world.session.commit()
    assert [a.title for a in created] == ["Ny turnusplan", "Kurs i forflytning"]
    assert all(a.theme_id == theme.id for a in created)
    assert {f.title for f in meeting.follow_ups} >= {"Ny turnusplan", "Kurs i forflytning"}
    # A plan already sent for confirmation opens a new version, as any content change does.
    if status_before != "draft":
        assert plan.version == version_before + 1


def test_minutes_cannot_be_written_before_the_meeting(world: World) -> None:
    meeting = _ask(world)
    services.accept_time(world.session, meeting, world.user(ADVISER), meeting.slots[0].id, utcnow())
    assert not services.can_write_minutes(world.user(ADVISER), meeting, utcnow())


def test_the_calendar_file_parses_back_with_sequence_and_cancel(world: World) -> None:
    meeting = _ask(world)
    adviser = world.user(ADVISER)
    services.accept_time(world.session, meeting, adviser, meeting.slots[0].id, utcnow())
    event = Calendar.from_ical(meeting_ics(meeting, "example.org", "Møte", "Nett")).walk("VEVENT")[
        0
    ]
    assert str(event["UID"]) == f"meeting-{meeting.id}@example.org"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == meeting.starts_at
    assert str(event.decoded("DTSTART").tzinfo) == "Europe/Oslo"
    services.move_meeting(world.session, meeting, adviser, _slot(25, 12), "Flyttet", utcnow())
    moved = Calendar.from_ical(meeting_ics(meeting, "example.org", "Møte", "Nett"))
    assert int(moved.walk("VEVENT")[0]["SEQUENCE"]) == 1
    assert moved.walk("VEVENT")[0].decoded("DTSTART") == _slot(25, 12).starts_at
    services.cancel_meeting(world.session, meeting, adviser, "Avlyst", utcnow())
    cancelled = Calendar.from_ical(meeting_ics(meeting, "example.org", "Møte", "Nett"))
    assert str(cancelled["METHOD"]) == "CANCEL"
    assert str(cancelled.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert int(cancelled.walk("VEVENT")[0]["SEQUENCE"]) == 2


def test_only_the_health_service_adds_reports_without_identity_numbers(world: World) -> None:
    with pytest.raises(DomainError):
        services.add_report(
            world.session,
            world.nordlys,
            world.user(MANAGER),
            title="T",
            report_date=date.today(),
            summary="S",
        )
    with pytest.raises(DomainError) as caught:
        services.add_report(
            world.session,
            world.nordlys,
            world.user(HEALTH),
            title="Løft",
            report_date=date.today(),
            summary="Gjelder 010170 12345",
        )
    assert caught.value.field == "summary"
    report = services.add_report(
        world.session,
        world.nordlys,
        world.user(HEALTH),
        title="Løft",
        report_date=date.today(),
        summary="Tre avdelinger kartlagt.",
    )
    assert report in services.reports_of(world.session, world.nordlys.id)


def _record(world: World, who: str = MANAGER) -> list[InspectionOrder]:
    today = date.today()
    inspection = services.record_inspection(
        world.session,
        world.nordlys,
        world.user(who),
        inspected_on=today - timedelta(days=2),
        topic="Risikovurdering",
        letter_url="https://www.arbeidstilsynet.no/brev/1",
        orders=[
            OrderFields("Lag risikovurdering", today + timedelta(days=14)),
            OrderFields("Opplæring", today + timedelta(days=3)),
            OrderFields("Verneombud", today + timedelta(days=40)),
        ],
        today=today,
    )
    world.session.commit()
    return list(inspection.orders)


def test_inspections_are_recorded_by_the_manager_and_the_contact_person_only(
    world: World,
) -> None:
    assert len(_record(world)) == 3
    assert len(_record(world, ADVISER)) == 3
    with pytest.raises(DomainError):
        _record(world, "verneombud@nordlys.example")
    assert services.can_see_inspections(world.user("verneombud@nordlys.example"), world.nordlys.id)
    assert services.can_see_inspections(world.user(HEALTH), world.nordlys.id)


def test_an_order_is_linked_to_an_activity_and_answered(world: World) -> None:
    order = _record(world)[0]
    activity = world.session.scalars(
        select(PlanActivity)
        .join(PlanTheme)
        .join(ActionPlan)
        .where(ActionPlan.enterprise_id == world.nordlys.id)
    ).first()
    services.link_order(world.session, order, world.user(MANAGER), activity)
    assert order.activity_id == activity.id  # type: ignore[union-attr]
    foreign = world.session.scalars(
        select(PlanActivity)
        .join(PlanTheme)
        .join(ActionPlan)
        .where(ActionPlan.enterprise_id == world.fjellbygg.id)
    ).first()
    with pytest.raises(DomainError):
        services.link_order(world.session, order, world.user(MANAGER), foreign)
    with pytest.raises(DomainError):
        services.answer_order(world.session, order, world.user(MANAGER), "", date.today())
    services.answer_order(world.session, order, world.user(MANAGER), "Sendt", date.today())
    assert order.answered_on == date.today() and not order.is_open
    assert order not in services.open_orders(world.session, world.nordlys.id)


def test_a_future_inspection_or_early_deadline_is_refused(world: World) -> None:
    with pytest.raises(DomainError) as caught:
        services.record_inspection(
            world.session,
            world.nordlys,
            world.user(MANAGER),
            inspected_on=date.today() + timedelta(days=1),
            topic="T",
            letter_url="",
            orders=[],
            today=date.today(),
        )
    assert caught.value.field == "inspected_on"
    with pytest.raises(DomainError) as caught:
        services.record_inspection(
            world.session,
            world.nordlys,
            world.user(MANAGER),
            inspected_on=date.today(),
            topic="T",
            letter_url="javascript:alert(1)",
            orders=[],
            today=date.today(),
        )
    assert caught.value.field == "letter_url"


def test_the_adviser_overview_lists_coming_meetings_minutes_due_and_open_orders(
    world: World,
) -> None:
    adviser = world.user(ADVISER)
    _record(world)
    overview = services.adviser_overview(world.session, adviser, utcnow())
    assert overview.coming and all(m.starts_at > utcnow() for m in overview.coming)
    assert [m.minutes_written_at for m in overview.minutes_due] == [None] * len(
        overview.minutes_due
    )
    names = {o.inspection.enterprise.name for o in overview.open_orders.items}
    assert names == {"Nordlys Omsorg AS"}  # Fjellbygg belongs to another centre


def test_the_demo_is_as_the_issue_describes(world: World) -> None:
    nordlys = services.meetings_of(world.session, world.nordlys.id)
    held = [m for m in nordlys if m.minutes_written_at is not None]
    assert len(held) == 1 and len(held[0].follow_ups) == 2
    assert all(f.activity_id for f in held[0].follow_ups)
    assert services.next_meeting(world.session, world.nordlys.id, utcnow()) is not None
    assert services.reports_of(world.session, world.nordlys.id)
    orders = [
        o for i in services.inspections_of(world.session, world.fjellbygg.id) for o in i.orders
    ]
    assert len(orders) == 2 and sum(o.is_open for o in orders) == 1
    due = next(o for o in orders if o.is_open)
    assert due.activity_id is not None and due.deadline == world.seeded_on + timedelta(days=10)
    assert isinstance(world.nordlys, Enterprise)


def test_the_agenda_takes_themes_and_activities_of_the_enterprises_plan_only(
    world: World,
) -> None:
    themes = services.plan_themes(world.session, world.nordlys.id, date.today())
    theme, activity = themes[0], themes[0].activities[0]
    picks = [AgendaPick(True, theme.id), AgendaPick(False, activity.id), AgendaPick(True, theme.id)]
    meeting = _ask(world, agenda=picks)
    loaded = services.load_meeting(world.session, meeting)
    # In the order picked, a repeated pick once.
    assert [(i.theme_id, i.activity_id) for i in loaded.agenda_items] == [
        (theme.id, None),
        (None, activity.id),
    ]
    foreign = services.plan_themes(world.session, world.fjellbygg.id, date.today())[0]
    for pick in (AgendaPick(True, foreign.id), AgendaPick(False, foreign.activities[0].id)):
        with pytest.raises(DomainError) as caught:
            _ask(world, agenda=[pick])
        assert caught.value.field == "agenda"
        world.session.rollback()
