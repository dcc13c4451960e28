"""Service tests: the status machine, the identity-number guard, double submits, notifications,
hand-over, ratings, unread counts and days waiting. No HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iwemployer.errors import DomainError
from iwemployer.identity import contains_identity_number
from iwemployer.models import (
    ActionPlan,
    CaseHelpKind,
    EmployerRequest,
    Enterprise,
    MemberRole,
    Notification,
    PlanActivity,
    PlanTheme,
    QuestionKind,
    RequestEvent,
    RequestKind,
    RequestRating,
    RequestSeen,
    RequestStatus,
    Responsible,
    Urgency,
    User,
    UserKind,
    utcnow,
)
from iwemployer.pagination import page_count
from iwemployer.requests import services
from iwemployer.requests.services import (
    AlreadyRated,
    AlreadySubmitted,
    RecruitmentDetails,
    TokenTaken,
)
from tests.conftest import (
    World,
    build_centre,
    build_enterprise,
    build_membership,
    build_user,
)

S = RequestStatus

# The expected machine, written out independently of the code's table.
EXPECTED = {
    (S.SUBMITTED, S.IN_PROGRESS),
    (S.SUBMITTED, S.CLOSED),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.IN_PROGRESS, S.ANSWERED),
    (S.IN_PROGRESS, S.CLOSED),
    (S.IN_PROGRESS, S.WITHDRAWN),
    (S.ANSWERED, S.IN_PROGRESS),
    (S.ANSWERED, S.CLOSED),
    (S.ANSWERED, S.WITHDRAWN),
    # The employer reopens (within the configured time: test_reopen_*).
    (S.CLOSED, S.IN_PROGRESS),
}


@pytest.mark.parametrize("current", list(RequestStatus))
@pytest.mark.parametrize("wanted", list(RequestStatus))
def test_status_machine_every_pair(current: RequestStatus, wanted: RequestStatus) -> None:
    record = EmployerRequest(status=current, waiting_since=None)
    if (current, wanted) in EXPECTED:
        services.transition(record, wanted)
        assert record.status == wanted
        if wanted in (S.SUBMITTED, S.IN_PROGRESS):
            assert record.waiting_since is not None
        else:
            assert record.waiting_since is None
        if wanted in (S.CLOSED, S.WITHDRAWN):
            assert record.closed_at is not None
        else:
            assert record.closed_at is None
    else:
        with refused(409):
            services.transition(record, wanted)
        assert record.status == current


def test_withdrawn_is_final_and_closed_only_reopens() -> None:
    assert services.ALLOWED_TRANSITIONS[S.WITHDRAWN] == frozenset()
    assert services.ALLOWED_TRANSITIONS[S.CLOSED] == frozenset({S.IN_PROGRESS})


# --- the identity-number guard ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "01019012345",
        "fnr 010190 12345 har vært borte",
        "010190.12345",
        "010190-12345",
        "Ansatt (01019012345), langtidssykmeldt",
        "two lines\n31129912345\n",
    ],
)
def test_identity_numbers_are_found(text: str) -> None:
    assert contains_identity_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Ring 900 00 101 eller +47 90000101",
        "Org.nr. 987654325",
        "0101901234",  # ten digits
        "123456789012",  # twelve digits: not an identity number pattern
        "Stillingsprosent 80, 2 stillinger, fra 01.03.2027",
    ],
)
def test_other_numbers_pass(text: str) -> None:
    assert not contains_identity_number(text)


@contextmanager
def refused(status: int, field: str | None = None) -> Iterator[None]:
    """The service refuses with the one DomainError, this status and (for 422s) this field."""
    with pytest.raises(DomainError) as caught:
        yield
    assert (caught.value.status, caught.value.field) == (status, field)


def _manager(world: World) -> User:
    return world.user("leder@nordlys.example")


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(EmployerRequest)) or 0


def test_case_help_with_identity_number_is_refused_and_nothing_stored(world: World) -> None:
    s = world.session
    before = _count(s)
    with refused(422, "description"):
        services.submit_case_help(
            s,
            world.nordlys,
            _manager(world),
            "tok-1",
            CaseHelpKind.SICK_LEAVE,
            Urgency.SOON,
            "Gjelder 010190 12345",
        )
    s.rollback()
    assert _count(s) == before


def test_every_free_text_is_guarded(world: World) -> None:
    s = world.session
    manager = _manager(world)
    with refused(422, "subject"):
        services.submit_question(
            s, world.nordlys, manager, "tok-q", QuestionKind.QUESTION, "01019012345", "tekst"
        )
    details = _recruitment_details(requirements="Referanse 01019012345")
    with refused(422, "requirements"):
        services.submit_recruitment(s, world.nordlys, manager, "tok-r", details)
    record = _question(world)
    with refused(422, "body"):
        services.employer_reply(s, record, manager, "010190.12345")
    with refused(422, "body"):
        services.adviser_reply(s, record, world.user("radgiver.oslo@nav.example"), "01019012345")


# --- submitting and double submits ---------------------------------------------------------------


def _recruitment_details(**overrides: Any) -> RecruitmentDetails:
    values: dict[str, Any] = {
        "job_title": "Omsorgsassistent",
        "positions": 2,
        "location": "Oslo",
        "start_date": date.today() + timedelta(days=30),
        "position_percent": 80,
        "requirements": "Gode norskkunnskaper.",
        "open_to_adaptation": True,
        "open_to_trial": True,
        "open_to_wage_subsidy": False,
        "contact_name": "Marte Lie",
        "contact_email": "leder@nordlys.example",
    }
    values.update(overrides)
    return RecruitmentDetails(**values)


def _question(
    world: World,
    token: str = "tok-question",  # noqa: S107 - a form token, not a password
    author: User | None = None,
) -> EmployerRequest:
    record = services.submit_question(
        world.session,
        world.nordlys,
        author or _manager(world),
        token,
        QuestionKind.QUESTION,
        "Spørsmål om IA-avtalen",
        "Hva betyr avtalen for oss?",
    )
    world.session.commit()
    return record


def test_submit_assigns_the_contact_person_and_notifies_them(world: World) -> None:
    record = _question(world)
    ingrid = world.user("radgiver.oslo@nav.example")
    assert record.status == S.SUBMITTED
    assert record.assigned_to_id == ingrid.id
    assert record.waiting_since is not None
    notes = list(
        world.session.scalars(
            select(Notification)
            .where(Notification.kind == "requests.new")
            .where(Notification.url == f"/inbox/{record.id}")
        )
    )
    assert [n.user_id for n in notes] == [ingrid.id]
    assert notes[0].params == {"number": str(record.id), "enterprise": "Nordlys Omsorg AS"}


def test_without_contact_person_every_adviser_of_the_centre_is_notified(session: Session) -> None:
    centre = build_centre(session)
    other_centre = build_centre(session)
    a1 = build_user(session, UserKind.ADVISER, centre=centre)
    a2 = build_user(session, UserKind.ADVISER, centre=centre)
    build_user(session, UserKind.ADVISER, centre=centre, active=False)
    build_user(session, UserKind.ADVISER, centre=other_centre)
    enterprise = build_enterprise(session, centre)
    manager = build_user(session)
    build_membership(session, manager, enterprise)
    record = services.submit_case_help(
        session, enterprise, manager, "tok-x", CaseHelpKind.ADAPTATION, Urgency.NORMAL, "Råd."
    )
    session.commit()
    assert record.assigned_to_id is None
    notified = set(
        session.scalars(select(Notification.user_id).where(Notification.kind == "requests.new"))
    )
    assert notified == {a1.id, a2.id}


def test_the_same_token_twice_makes_one_request(world: World) -> None:
    first = _question(world, token="same-token")
    before = _count(world.session)
    with pytest.raises(AlreadySubmitted) as caught:
        _question(world, token="same-token")
    assert caught.value.request_id == first.id
    assert _count(world.session) == before


def test_a_concurrent_duplicate_is_caught_by_the_unique_token(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both copies pass the look-up before either is stored: the UNIQUE constraint decides."""
    first = _question(world, token="raced-token")
    real = services.find_by_token
    calls = iter([None])

    def racing(session: Session, token: str) -> EmployerRequest | None:
        return next(calls, real(session, token))

    monkeypatch.setattr(services, "find_by_token", racing)
    with pytest.raises(AlreadySubmitted) as caught:
        _question(world, token="raced-token")
    assert caught.value.request_id == first.id
    assert (
        world.session.scalar(
            select(func.count())
            .select_from(EmployerRequest)
            .where(EmployerRequest.form_token == "raced-token")
        )
        == 1
    )


def test_a_token_of_someone_else_is_refused(world: World) -> None:
    _question(world, token="shared-token")
    with pytest.raises(TokenTaken):
        _question(world, token="shared-token", author=world.user("verneombud@nordlys.example"))
    with pytest.raises(TokenTaken):
        _question(world, token="")


def test_recruitment_keeps_its_details(world: World) -> None:
    record = services.submit_recruitment(
        world.session, world.nordlys, _manager(world), "tok-rec", _recruitment_details()
    )
    world.session.commit()
    assert record.kind == RequestKind.RECRUITMENT
    assert record.recruitment is not None
    assert record.recruitment.positions == 2
    assert record.recruitment.open_to_adaptation is True
    assert record.recruitment.plan_activity_id is None


def _activity(
    session: Session, enterprise: Enterprise, title: str = "Rekruttere bredere"
) -> PlanActivity:
    today = date.today()
    plan = ActionPlan(
        enterprise_id=enterprise.id, period_start=today, period_end=today + timedelta(days=365)
    )
    theme = PlanTheme(title="Inkludering og rekruttering")
    plan.themes.append(theme)
    activity = PlanActivity(
        title=title,
        responsible=Responsible.MANAGER,
        start_date=today,
        end_date=today + timedelta(days=90),
    )
    theme.activities.append(activity)
    session.add(plan)
    session.flush()
    return activity


def test_recruitment_links_to_an_activity_of_the_enterprise_only(world: World) -> None:
    s = world.session
    own = _activity(s, world.nordlys)
    foreign = _activity(s, world.fjellbygg, "Fjellbygg's")
    linkable = {a.id for a in services.plan_activities(s, world.nordlys.id)}
    assert own.id in linkable and foreign.id not in linkable
    with refused(422, "plan_activity_id"):
        services.submit_recruitment(
            s,
            world.nordlys,
            _manager(world),
            "tok-a",
            _recruitment_details(plan_activity_id=foreign.id),
        )
    record = services.submit_recruitment(
        s, world.nordlys, _manager(world), "tok-b", _recruitment_details(plan_activity_id=own.id)
    )
    s.commit()
    assert record.recruitment is not None and record.recruitment.plan_activity_id == own.id
    # Deleting the activity keeps the request and drops the link (ON DELETE SET NULL).
    s.delete(own)
    s.commit()
    s.expire_all()
    assert record.recruitment.plan_activity_id is None


# --- the conversation ---------------------------------------------------------------------------


def _notes(session: Session, user: User) -> list[str]:
    return list(
        session.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id)
        )
    )


def test_the_conversation_and_its_notifications(world: World) -> None:
    s = world.session
    manager = _manager(world)
    ingrid = world.user("radgiver.oslo@nav.example")
    record = _question(world)
    base_manager = len(_notes(s, manager))

    assert services.take(s, record, ingrid) is True
    assert record.status == S.IN_PROGRESS
    assert services.take(s, record, ingrid) is False  # nothing changes the second time
    services.adviser_reply(s, record, ingrid, "Vi ser på det.")
    assert record.status == S.IN_PROGRESS
    services.adviser_reply(s, record, ingrid, "Her er svaret.", answered=True)
    assert record.status == S.ANSWERED
    assert record.waiting_since is None
    services.employer_reply(s, record, manager, "Takk, ett spørsmål til.")
    assert record.status == S.IN_PROGRESS  # back with the centre
    assert record.waiting_since is not None
    assert _notes(s, manager)[base_manager:] == [
        "requests.taken",
        "requests.reply",
        "requests.answered",
    ]
    assert "requests.follow_up" in _notes(s, ingrid)
    services.close(s, record, ingrid)
    s.commit()
    assert record.status == S.CLOSED
    # Closing withdraws the notices that asked someone to act; the request to rate remains.
    assert _notes(s, manager)[base_manager:] == ["requests.closed"]
    assert "requests.follow_up" not in _notes(s, ingrid)
    events = [m.event for m in record.messages if m.event]
    assert events == [
        RequestEvent.TAKEN,
        RequestEvent.ANSWERED,
        RequestEvent.REOPENED,
        RequestEvent.CLOSED,
    ]
    bodies = [m.body for m in record.messages if not m.event]
    assert bodies == ["Vi ser på det.", "Her er svaret.", "Takk, ett spørsmål til."]
    assert [m.from_centre for m in record.messages if not m.event] == [True, True, False]
    # Notification texts never carry what was written.
    texts = list(s.scalars(select(Notification.params)))
    assert all("svaret" not in str(p) for p in texts)

    with refused(409):
        services.employer_reply(s, record, manager, "Hallo?")
    with refused(409):
        services.adviser_reply(s, record, ingrid, "Hallo?")
    with refused(409):
        services.close(s, record, ingrid)
    with refused(409):
        services.withdraw(s, record, manager)


def test_a_reply_takes_an_unassigned_request(session: Session) -> None:
    centre = build_centre(session)
    adviser = build_user(session, UserKind.ADVISER, centre=centre)
    enterprise = build_enterprise(session, centre)
    manager = build_user(session)
    build_membership(session, manager, enterprise)
    record = services.submit_question(
        session, enterprise, manager, "t", QuestionKind.MEETING, "Møte", "Kan vi møtes?"
    )
    services.adviser_reply(session, record, adviser, "Ja, tirsdag?", answered=True)
    assert record.assigned_to_id == adviser.id
    assert record.status == S.ANSWERED


def test_the_working_days_to_the_first_answer_are_kept_once(world: World) -> None:
    s = world.session
    manager = _manager(world)
    ingrid = world.user("radgiver.oslo@nav.example")
    record = _question(world)
    record.created_at = utcnow() - timedelta(days=20)
    # Taking it is an event line, and the employer's messages are no answer.
    services.take(s, record, ingrid)
    services.employer_reply(s, record, manager, "Noe mer å legge til.")
    assert record.answer_working_days is None
    services.adviser_reply(s, record, ingrid, "Her er svaret.", answered=True)
    first = services.working_days_between(
        services.local_date(record.created_at), services.local_date(utcnow())
    )
    assert first >= 10 and record.answer_working_days == first
    # Later answers leave it: had it been counted again, the older start would show.
    record.created_at -= timedelta(days=30)
    services.employer_reply(s, record, manager, "Takk, ett spørsmål til.")
    services.adviser_reply(s, record, ingrid, "Svar nummer to.")
    s.commit()
    s.refresh(record)
    assert record.answer_working_days == first


def test_withdraw_notifies_the_handler(world: World) -> None:
    s = world.session
    record = _question(world)
    services.withdraw(s, record, _manager(world))
    s.commit()
    assert record.status == S.WITHDRAWN
    assert "requests.withdrawn" in _notes(s, world.user("radgiver.oslo@nav.example"))


def test_hand_over_only_to_a_colleague_at_the_same_centre(world: World) -> None:
    s = world.session
    record = _question(world)
    ingrid = world.user("radgiver.oslo@nav.example")
    jonas = world.user("radgiver2.oslo@nav.example")
    kari = world.user("radgiver.vestland@nav.example")
    with refused(422, "adviser_id"):
        services.hand_over(s, record, ingrid, kari.id)
    with refused(422, "adviser_id"):
        services.hand_over(s, record, ingrid, ingrid.id)  # already hers
    with refused(422, "adviser_id"):
        services.hand_over(s, record, ingrid, _manager(world).id)
    assert services.hand_over(s, record, ingrid, jonas.id) == jonas
    s.commit()
    assert record.assigned_to_id == jonas.id
    assert record.status == S.SUBMITTED  # the colleague takes it from here
    assert _notes(s, jonas)[-1] == "requests.handed_over"
    assert record.messages[-1].event == RequestEvent.HANDED_OVER
    assert record.messages[-1].assignee_id == jonas.id


# --- ratings -------------------------------------------------------------------------------------


def test_rating_once_by_the_asker_of_a_closed_request(world: World) -> None:
    s = world.session
    manager = _manager(world)
    ingrid = world.user("radgiver.oslo@nav.example")
    record = _question(world)
    with refused(409):
        services.rate(s, record, manager, 5)  # not closed yet
    services.take(s, record, ingrid)
    services.close(s, record, ingrid)
    with refused(409):
        services.rate(s, record, world.user("verneombud@nordlys.example"), 5)
    with refused(422, "score"):
        services.rate(s, record, manager, 6)
    with refused(422, "comment"):
        services.rate(s, record, manager, 4, "Gjelder 01019012345")
    assert services.can_rate(record, manager)
    rating = services.rate(s, record, manager, 3, "Greit nok.")
    s.commit()
    assert rating.handler_id == ingrid.id
    assert not services.can_rate(record, manager)
    with pytest.raises(AlreadyRated):
        services.rate(s, record, manager, 5)
    # The seeded rated question (5) and this one (3).
    summary = services.adviser_rating(s, ingrid.id)
    assert summary.count == 2 and summary.average == pytest.approx(4.0)
    assert services.centre_rating(s, world.nordlys.centre_id).count == 2
    assert services.adviser_rating(s, world.user("radgiver2.oslo@nav.example").id).average is None
    assert s.scalar(select(func.count()).select_from(RequestRating)) == 2


# --- unread and days waiting ----------------------------------------------------------------------


def test_unread_counts_what_the_adviser_has_not_seen(world: World) -> None:
    s = world.session
    ingrid = world.user("radgiver.oslo@nav.example")
    jonas = world.user("radgiver2.oslo@nav.example")
    kari = world.user("radgiver.vestland@nav.example")
    # Seeded: the overdue case-help request is unread for Ingrid; Fjellbygg's new one for Kari.
    assert services.unread_count(s, ingrid) == 1
    assert services.unread_count(s, kari) == 1
    assert services.unread_count(s, jonas) == 0  # not his, and all are assigned
    record = _question(world)
    assert services.unread_count(s, ingrid) == 2
    services.mark_seen(s, record, ingrid)
    s.commit()
    assert services.unread_count(s, ingrid) == 1
    services.adviser_reply(s, record, ingrid, "Svar")  # her own activity is not unread
    s.commit()
    assert services.unread_count(s, ingrid) == 1
    services.employer_reply(s, record, _manager(world), "Takk")
    s.commit()
    assert services.unread_count(s, ingrid) == 2
    assert services.unread_ids(s, _manager(world), [record.id]) == set()


def test_unread_count_stops_past_what_is_shown(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = world.session
    ingrid = world.user("radgiver.oslo@nav.example")
    monkeypatch.setattr(services, "UNREAD_SHOWN_UP_TO", 1)
    assert services.unread_count(s, ingrid) == 1
    _question(world)
    assert services.unread_count(s, ingrid) == 2
    _question(world, token="tok-second")
    assert services.unread_count(s, ingrid) == 2  # "1+": the rest is not read


def test_unread_counts_the_centres_unassigned_requests_and_stops_across_both(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = world.session
    ingrid = world.user("radgiver.oslo@nav.example")
    kari = world.user("radgiver.vestland@nav.example")
    before = {a.id: services.unread_count(s, a) for a in (ingrid, kari)}
    # An enterprise of Ingrid's centre without a contact person: its requests are nobody's yet.
    orphan = build_enterprise(s, world.nordlys.centre)
    asker = build_user(s, UserKind.EMPLOYER)
    build_membership(s, asker, orphan, MemberRole.MANAGER)
    record = services.submit_question(
        s, orphan, asker, "tok-orphan", QuestionKind.QUESTION, "Spørsmål", "Hva gjelder?"
    )
    s.commit()
    assert record.assigned_to_id is None
    assert services.unread_count(s, ingrid) == before[ingrid.id] + 1
    assert services.unread_count(s, kari) == before[kari.id]  # another centre's
    # Seen at the moment of the last activity is read.
    s.add(RequestSeen(request_id=record.id, user_id=ingrid.id, seen_at=record.last_activity_at))
    s.commit()
    assert services.unread_count(s, ingrid) == before[ingrid.id]
    # The limit holds for the adviser's own and the unassigned together.
    _question(world)
    services.employer_reply(s, record, asker, "Mer")
    s.commit()
    monkeypatch.setattr(services, "UNREAD_SHOWN_UP_TO", before[ingrid.id])
    assert services.unread_count(s, ingrid) == before[ingrid.id] + 1


def test_working_days_between_counts_as_day_by_day() -> None:
    """The arithmetic agrees with counting each day, across weekends, Easter, 17 May, Christmas
    and years."""

    def by_day(start: date, end: date) -> int:
        days = (end - start).days
        return sum(services.is_working_day(start + timedelta(n)) for n in range(1, days + 1))

    for start in (date(2025, 12, 20) + timedelta(n) for n in range(0, 500, 3)):
        for length in (0, 1, 2, 3, 5, 6, 7, 8, 13, 40, 200, 400, 800):
            end = start + timedelta(length)
            assert services.working_days_between(start, end) == by_day(start, end), (start, end)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 3, 2), date(2026, 3, 2), 0),  # Monday, same day
        (date(2026, 3, 2), date(2026, 3, 3), 1),  # Monday → Tuesday
        (date(2026, 3, 6), date(2026, 3, 9), 1),  # Friday → Monday
        (date(2026, 3, 7), date(2026, 3, 8), 0),  # Saturday → Sunday
        (date(2026, 3, 2), date(2026, 3, 9), 5),  # a week
        (date(2026, 3, 2), date(2026, 3, 16), 10),
        (date(2026, 3, 4), date(2026, 3, 12), 6),  # Wednesday → Thursday next week
        (date(2026, 3, 9), date(2026, 3, 2), 0),  # end before start
    ],
)
def test_working_days(start: date, end: date, expected: int) -> None:
    assert services.working_days_between(start, end) == expected


def test_days_waiting_and_overdue() -> None:
    record = EmployerRequest(status=S.SUBMITTED)
    monday = date(2026, 3, 2)
    record.waiting_since = services.utcnow().replace(year=2026, month=3, day=2, hour=10)
    assert services.days_waiting(record, monday + timedelta(days=7)) == 5
    assert not services.is_overdue(record, monday + timedelta(days=7), 5)
    assert services.is_overdue(record, monday + timedelta(days=8), 5)
    record.status = S.ANSWERED
    assert services.days_waiting(record, monday + timedelta(days=30)) is None
    assert not services.is_overdue(record, monday + timedelta(days=30), 5)


def test_inbox_lists_the_centre_mine_first_oldest_first(world: World) -> None:
    s = world.session
    ingrid = world.user("radgiver.oslo@nav.example")
    jonas = world.user("radgiver2.oslo@nav.example")
    newer = _question(world, token="q-newer")
    services.hand_over(s, newer, ingrid, jonas.id)
    s.commit()
    today = services.local_date(utcnow())
    page = services.inbox(s, jonas, services.InboxFilter(), today, 5)
    titles = [(r.request.form_token, r.mine) for r in page.rows]
    assert titles[0] == ("q-newer", True)
    # Then the others of the centre by how long they have waited; never another centre's.
    assert [t for t, _ in titles[1:]] == ["demo-nordlys-case-help", "demo-nordlys-recruitment"]
    overdue = {r.request.form_token: r.overdue for r in page.rows}
    assert overdue["demo-nordlys-case-help"] is True
    assert overdue["q-newer"] is False
    everything = services.inbox(s, jonas, services.InboxFilter(status="all"), today, 5)
    assert everything.total == 4
    only_recruitment = services.inbox(
        s, jonas, services.InboxFilter(kind=RequestKind.RECRUITMENT, status="all"), today, 5
    )
    assert [r.request.form_token for r in only_recruitment.rows] == ["demo-nordlys-recruitment"]
    closed = services.inbox(s, jonas, services.InboxFilter(status="closed"), today, 5)
    assert [r.request.form_token for r in closed.rows] == ["demo-nordlys-question"]
    other = services.inbox(
        s, jonas, services.InboxFilter(status="all", enterprise_id=world.fjellbygg.id), today, 5
    )
    assert other.total == 0
    paged = services.inbox(s, jonas, services.InboxFilter(status="all"), today, 5, 2, 3)
    assert paged.page == 2 and paged.pages == 2 and len(paged.rows) == 1


def test_notification_paths_match_the_routes(app: Any, world: World) -> None:
    from flask import url_for

    with app.test_request_context():
        assert url_for("requests.inbox_detail", request_id=7) == services.ADVISER_PATH.format(
            request_id=7
        )
        assert url_for(
            "requests.enterprise_detail", enterprise_id=3, request_id=7
        ) == services.EMPLOYER_PATH.format(enterprise_id=3, request_id=7)


# --- who may do what ------------------------------------------------------------------------------


def test_permissions_follow_the_state_and_the_person(world: World) -> None:
    """The rules the pages show are the rules the actions enforce (see the refusals above)."""
    s = world.session
    manager = _manager(world)
    delegate = world.user("verneombud@nordlys.example")
    ingrid = world.user("radgiver.oslo@nav.example")
    record = _question(world)
    assert services.permissions(record, ingrid, 14) == services.Permissions(
        reply=True, take=True, start_handling=True, hand_over=True, close=True, withdraw=False,
        reopen=False, rate=False, see_rating=False, redact=True,
    )  # fmt: skip
    assert services.permissions(record, manager, 14) == services.Permissions(
        reply=True, take=False, start_handling=False, hand_over=False, close=False,
        withdraw=True, reopen=False, rate=False, see_rating=False, redact=False,
    )  # fmt: skip
    assert services.can_follow(record, manager, MemberRole.MANAGER)
    assert services.can_follow(record, delegate, MemberRole.MANAGER)
    assert not services.can_follow(record, delegate, MemberRole.SAFETY_DELEGATE)
    assert services.take(s, record, ingrid)
    assert not services.can_take(record, ingrid)
    assert not services.take(s, record, ingrid)  # nothing changes
    services.close(s, record, ingrid)
    closed = services.permissions(record, manager, 14)
    assert closed.rate and closed.reopen
    assert not (closed.reply or closed.withdraw or closed.see_rating)
    assert not services.permissions(record, delegate, 14).rate
    assert not services.permissions(record, ingrid, 14).close
    assert not services.permissions(record, ingrid, 14).reopen
    services.rate(s, record, manager, 4)
    assert services.permissions(record, manager, 14).see_rating
    assert services.permissions(record, ingrid, 14).see_rating
    assert not services.permissions(record, delegate, 14).see_rating
    assert services.can_ask(MemberRole.SAFETY_DELEGATE)
    assert not services.can_ask(MemberRole.SAFETY_DELEGATE, RequestKind.CASE_HELP)
    assert not services.can_ask(None)


def test_answers_come_from_the_assignee(world: World) -> None:
    s = world.session
    record = _question(world)
    ingrid = world.user("radgiver.oslo@nav.example")
    jonas = world.user("radgiver2.oslo@nav.example")
    assert record.assigned_to_id == ingrid.id
    assert not services.can_reply(record, jonas)
    with refused(403):
        services.adviser_reply(s, record, jonas, "Svar fra en annen")
    s.rollback()
    # Taking it over first is the way: then the colleague answers.
    assert services.take(s, record, jonas) is True
    services.adviser_reply(s, record, jonas, "Nå svarer jeg.")
    assert not services.can_reply(record, ingrid)


def test_free_text_of_long_closed_requests_is_purged(world: World, app: Flask) -> None:
    s = world.session
    ingrid = world.user("radgiver.oslo@nav.example")
    old = _question(world, token="tok-old")
    services.adviser_reply(s, old, ingrid, "Her er svaret.")
    services.close(s, old, ingrid)
    services.rate(s, old, _manager(world), 4, "Greit nok.")
    recent = _question(world, token="tok-recent")
    s.commit()
    later = utcnow() + timedelta(days=400)
    assert services.purge_closed_texts(s, timedelta(days=365), now=later) >= 1
    s.commit()
    s.expire_all()
    assert old.description == "" and all(m.body == "" for m in old.messages)
    assert old.rating is not None and old.rating.comment == "" and old.rating.score == 4
    assert recent.description  # still open: kept
    result = app.test_cli_runner().invoke(args=["purge-request-texts"])
    assert result.exit_code == 0 and "0 requests" in result.output


def test_the_requests_list_pages_newest_first_each_page_loaded_whole(world: World) -> None:
    s = world.session
    delegate = world.user("verneombud@nordlys.example")
    for n in range(3):
        _question(world, token=f"tok-list-manager-{n}")
        _question(world, token=f"tok-list-delegate-{n}", author=delegate)
    newest_first = list(
        s.scalars(
            select(EmployerRequest.id)
            .where(EmployerRequest.enterprise_id == world.nordlys.id)
            .order_by(EmployerRequest.created_at.desc(), EmployerRequest.id.desc())
        )
    )

    def pages(user: User, role: MemberRole, expected: list[int]) -> list[Any]:
        numbers = range(1, page_count(len(expected), 2) + 1)
        return [page(user, role, n) for n in numbers]

    def page(user: User, role: MemberRole, number: int) -> Any:
        return services.enterprise_requests(s, world.nordlys.id, user, role, number, page_size=2)

    manager = _manager(world)
    listed = pages(manager, MemberRole.MANAGER, newest_first)
    assert [r.id for p in listed for r in p.items] == newest_first
    assert {p.total for p in listed} == {len(newest_first)}
    # What each row shows came with the page.
    first = listed[0].items[0]
    assert "created_by" in first.__dict__ and "rating" in first.__dict__
    # An old link past the end shows the last page.
    past = page(manager, MemberRole.MANAGER, 99)
    assert past.number == listed[-1].number and past.items == listed[-1].items
    # A safety delegate follows only their own requests.
    theirs = [i for i in newest_first if s.get_one(EmployerRequest, i).created_by_id == delegate.id]
    own = pages(delegate, MemberRole.SAFETY_DELEGATE, theirs)
    assert [r.id for p in own for r in p.items] == theirs and own[0].total == len(theirs) >= 3
