"""Issue 11, points 8 and 9: the health service asks, the inbox's urgency and order, starting or
taking over, the hand-over note, reopening within the set time, and the answer date counted in
working days without Norway's public holidays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from iwemployer.errors import DomainError
from iwemployer.models import (
    OPEN_REQUEST_STATUSES,
    CaseHelpKind,
    EmployerRequest,
    Enterprise,
    Notification,
    QuestionKind,
    RequestEvent,
    RequestStatus,
    Urgency,
    User,
    utcnow,
)
from iwemployer.notifications.services import request_subject
from iwemployer.requests import services
from tests.conftest import WebClient, World

S = RequestStatus
MANAGER = "leder@nordlys.example"
SAFETY = "verneombud@nordlys.example"
HEALTH = "bht@helsepartner.example"
ADVISER = "radgiver.oslo@nav.example"
COLLEAGUE = "radgiver2.oslo@nav.example"


def _question(world: World, token: str, author: str = MANAGER) -> EmployerRequest:
    record = services.submit_question(
        world.session,
        world.nordlys,
        world.user(author),
        token,
        QuestionKind.QUESTION,
        "Spørsmål om IA-avtalen",
        "Hva betyr avtalen for oss?",
    )
    world.session.commit()
    return record


def _notices(world: World, record: EmployerRequest, user: User) -> list[str]:
    return list(
        world.session.scalars(
            select(Notification.kind)
            .where(
                Notification.subject == request_subject(record.id),
                Notification.user_id == user.id,
            )
            .order_by(Notification.id)
        )
    )


# --- working days -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 11, 2), 5, date(2026, 11, 9)),  # Monday to Monday
        (date(2026, 11, 6), 1, date(2026, 11, 9)),  # Friday: the weekend is skipped
        # Wednesday before Easter: Maundy Thursday, Good Friday and Easter Monday are holidays.
        (date(2026, 4, 1), 5, date(2026, 4, 13)),
        (date(2027, 5, 14), 1, date(2027, 5, 18)),  # 17 May 2027 is a Monday
        (date(2026, 12, 23), 2, date(2026, 12, 28)),  # Christmas Eve is a working day
    ],
)
def test_answer_dates_skip_weekends_and_public_holidays(start: date, days: int, due: date) -> None:
    assert services.add_working_days(start, days) == due
    assert services.working_days_between(start, due) == days


def test_the_answer_date_counts_from_when_the_enterprise_began_to_wait(world: World) -> None:
    record = _question(world, "tok-due")
    waited_from = services.local_date(record.waiting_since or utcnow())
    assert services.answer_due(record, 5) == services.add_working_days(waited_from, 5)
    services.adviser_reply(world.session, record, world.user(ADVISER), "Svar", answered=True)
    assert services.answer_due(record, 5) is None  # answered: nobody waits for the centre


# --- the health service asks --------------------------------------------------------------------


def test_the_health_service_asks_questions_but_not_for_case_help(
    world: World, client: WebClient
) -> None:
    assert services.can_ask(services.MemberRole.OCCUPATIONAL_HEALTH)
    assert not services.can_ask(
        services.MemberRole.OCCUPATIONAL_HEALTH, services.RequestKind.CASE_HELP
    )
    client.login_as(world.user(HEALTH))
    base = f"/enterprises/{world.nordlys.id}/requests"
    form = client.get(base + "/new/question")
    token = form.text.split('name="form_token"')[1].split('value="')[1].split('"')[0]
    sent = client.post(
        base + "/new/question",
        {
            "form_token": token,
            "question_kind": "question",
            "subject": "Ergonomi i kjøkkenet",
            "description": "Kan dere se på løfteteknikk sammen med oss?",
        },
    )
    assert sent.status_code == 303
    # The receipt says when to expect an answer: 5 working days, and the date.
    page = client.get(sent.headers["Location"]).text
    assert "Du får svar her innen 5 virkedager, senest" in page
    assert "Svar innen" in page
    listed = client.get(base).text
    assert "Ergonomi i kjøkkenet" in listed


def test_the_no_plan_page_speaks_to_the_health_service(world: World, client: WebClient) -> None:
    barnehage = world.session.scalars(
        select(Enterprise).where(Enterprise.name == "Grünerløkka Barnehager AS")
    ).one()
    client.login_as(world.user(HEALTH))
    page = client.get(f"/enterprises/{barnehage.id}/plan")
    assert page.status_code == 200
    assert "Som bedriftshelsetjeneste bekrefter du ikke planen" in page.text
    assert "du vil bli bedt om å bekrefte" not in page.text.lower()
    assert f"/enterprises/{barnehage.id}/requests/new/question" in page.text


# --- starting, taking over, handing over ---------------------------------------------------------


def test_start_handling_only_for_a_new_request_of_ones_own(world: World) -> None:
    record = _question(world, "tok-start")
    ingrid, jonas = world.user(ADVISER), world.user(COLLEAGUE)
    assert record.assigned_to_id == ingrid.id  # the contact person from the start
    assert services.starts_handling(record, ingrid)
    assert services.can_take(record, jonas) and not services.starts_handling(record, jonas)
    services.take(world.session, record, ingrid)
    # Assigned to Ingrid and in progress: nothing to start or take for her.
    assert not services.can_take(record, ingrid)
    assert not services.starts_handling(record, ingrid)
    assert services.can_take(record, jonas) and not services.starts_handling(record, jonas)


def test_the_detail_page_names_the_take_button_by_what_it_does(
    world: World, client: WebClient
) -> None:
    record = _question(world, "tok-label")
    client.login_as(world.user(ADVISER))
    page = client.get(f"/inbox/{record.id}").text
    assert "Start behandlingen" in page and "Ta henvendelsen" not in page
    client.post(f"/inbox/{record.id}/take")
    page = client.get(f"/inbox/{record.id}").text
    assert "Start behandlingen" not in page and "Overta henvendelsen" not in page
    colleague = client.__class__(client.app)
    colleague.login_as(world.user(COLLEAGUE))
    assert "Overta henvendelsen" in colleague.get(f"/inbox/{record.id}").text


def test_a_hand_over_carries_a_note_the_centre_sees(world: World, client: WebClient) -> None:
    record = _question(world, "tok-note")
    jonas = world.user(COLLEAGUE)
    client.login_as(world.user(ADVISER))
    page = client.get(f"/inbox/{record.id}").text
    assert "Gi videre til en kollega" in page and "Overlat" not in page
    bad = client.post(
        f"/inbox/{record.id}/hand-over", {"adviser_id": jonas.id, "note": "fnr 01019012345"}
    )
    assert bad.status_code == 422 and "fødselsnummer" in bad.text
    done = client.post(
        f"/inbox/{record.id}/hand-over",
        {"adviser_id": jonas.id, "note": "Ring lederen før fredag."},
        htmx=True,
    )
    assert done.status_code == 200 and "Ring lederen før fredag." in done.text
    world.session.expire_all()
    event = world.session.scalars(
        select(services.RequestMessage).where(
            services.RequestMessage.request_id == record.id,
            services.RequestMessage.event == RequestEvent.HANDED_OVER,
        )
    ).one()
    assert event.body == "Ring lederen før fredag." and event.assignee_id == jonas.id
    manager = client.__class__(client.app)
    manager.login_as(world.user(MANAGER))
    employer_page = manager.get(f"/enterprises/{world.nordlys.id}/requests/{record.id}").text
    assert "Ring lederen før fredag." not in employer_page


# --- reopening ----------------------------------------------------------------------------------


def test_reopen_within_the_time_goes_back_to_the_centre(world: World) -> None:
    s = world.session
    manager, ingrid = world.user(MANAGER), world.user(ADVISER)
    record = _question(world, "tok-reopen")
    services.adviser_reply(s, record, ingrid, "Her er svaret.", answered=True)
    services.close(s, record, ingrid)
    s.commit()
    assert _notices(world, record, manager)[-1] == "requests.closed"
    assert not services.can_reopen(record, ingrid, 14, utcnow())
    services.reopen(s, record, manager, reopen_days=14)
    s.commit()
    assert record.status == S.IN_PROGRESS
    assert record.closed_at is None and record.waiting_since is not None
    assert record.messages[-1].event == RequestEvent.REOPENED
    # The request to rate is withdrawn; the handler hears of it.
    assert "requests.closed" not in _notices(world, record, manager)
    assert _notices(world, record, ingrid)[-1] == "requests.reopened"
    assert services.can_reply(record, manager)
    with pytest.raises(DomainError) as second:
        services.reopen(s, record, manager, reopen_days=14)
    assert second.value.status == 409


def test_reopen_is_refused_after_the_time(world: World) -> None:
    s = world.session
    manager, ingrid = world.user(MANAGER), world.user(ADVISER)
    record = _question(world, "tok-late")
    services.close(s, record, ingrid)
    s.commit()
    later = utcnow() + timedelta(days=15)
    assert services.reopen_deadline(record, 14) == (record.closed_at or utcnow()) + timedelta(14)
    assert not services.can_reopen(record, manager, 14, later)
    with pytest.raises(DomainError) as refused:
        services.reopen(s, record, manager, reopen_days=14, now=later)
    assert refused.value.status == 409
    s.rollback()
    assert record.status == S.CLOSED


def test_a_withdrawn_request_is_not_reopened(world: World) -> None:
    s = world.session
    manager = world.user(MANAGER)
    record = _question(world, "tok-withdrawn")
    services.withdraw(s, record, manager)
    s.commit()
    assert not services.can_reopen(record, manager, 14, utcnow())


def test_reopen_over_http_with_and_without_htmx(world: World, client: WebClient) -> None:
    s = world.session
    record = _question(world, "tok-http-reopen")
    services.close(s, record, world.user(ADVISER))
    s.commit()
    url = f"/enterprises/{world.nordlys.id}/requests/{record.id}"
    client.login_as(world.user(MANAGER))
    page = client.get(url).text
    assert "Gjenåpne henvendelsen" in page and "Du kan gjenåpne henvendelsen fram til" in page
    response = client.post(url + "/reopen")
    assert response.status_code == 303
    again = client.post(url + "/reopen", htmx=True)
    assert again.status_code == 409 and "kan ikke lenger gjenåpnes" in again.text
    assert "<html" not in again.text
    world.session.expire_all()
    assert world.session.get_one(EmployerRequest, record.id).status == S.IN_PROGRESS


def test_the_reopen_time_is_a_setting(world: World, client: WebClient) -> None:
    s = world.session
    record = _question(world, "tok-setting")
    services.close(s, record, world.user(ADVISER))
    s.commit()
    client.app.config["REQUEST_REOPEN_DAYS"] = 0
    try:
        client.login_as(world.user(MANAGER))
        url = f"/enterprises/{world.nordlys.id}/requests/{record.id}"
        assert "Gjenåpne henvendelsen" not in client.get(url).text
        assert client.post(url + "/reopen").status_code == 409
    finally:
        client.app.config["REQUEST_REOPEN_DAYS"] = 14


# --- the inbox's urgency --------------------------------------------------------------------------


def test_the_inbox_sorts_by_urgency(world: World, client: WebClient) -> None:
    s = world.session
    manager = world.user(MANAGER)
    made = {}
    for urgency in (Urgency.NORMAL, Urgency.URGENT, Urgency.SOON):
        made[urgency] = services.submit_case_help(
            s,
            world.nordlys,
            manager,
            f"tok-urgency-{urgency.value}",
            CaseHelpKind.ADAPTATION,
            urgency,
            "Tilrettelegging på kjøkkenet.",
        ).id
    s.commit()
    page = services.inbox(
        s,
        world.user(ADVISER),
        services.InboxFilter(enterprise_id=world.nordlys.id, sort="urgency"),
        today=date.today(),
        overdue_limit=5,
        page_size=100,
    )
    urgencies = [row.request.urgency for row in page.rows]
    ranked = [u for u in urgencies if u is not None]
    assert ranked == sorted(ranked, key=services.URGENCY_ORDER.index)
    assert urgencies.index(None) > max(urgencies.index(u) for u in ranked)  # unrated last
    ours = [row.request.id for row in page.rows if row.request.id in made.values()]
    assert ours == [made[Urgency.URGENT], made[Urgency.SOON], made[Urgency.NORMAL]]

    client.login_as(world.user(ADVISER))
    html = client.get("/inbox?sort=urgency").text
    assert "Hastegrad" in html and 'value="urgency" selected' in html
    assert html.index(f"/inbox/{made[Urgency.URGENT]}") < html.index(
        f"/inbox/{made[Urgency.NORMAL]}"
    )
    # An unknown order falls back to the default.
    assert client.get("/inbox?sort=drop+table").status_code == 200


@pytest.mark.parametrize("status", ["open", "all"])
@pytest.mark.parametrize("sort", services.SORTS)
def test_the_inbox_pages_follow_its_order_whole(world: World, sort: str, status: str) -> None:
    """Read group by group (requests.services.paginate_in_groups), the pages together give every
    request of the centre exactly once, in the order the inbox promises."""
    s = world.session
    adviser = world.user(ADVISER)
    manager = world.user(MANAGER)
    for n, urgency in enumerate((Urgency.SOON, Urgency.URGENT, Urgency.SOON, Urgency.NORMAL)):
        record = services.submit_case_help(
            s, world.nordlys, manager, f"tok-order-{n}", CaseHelpKind.ADAPTATION, urgency, "Tekst."
        )
        if n % 2:
            record.assigned_to_id = adviser.id
        record.waiting_since = record.created_at - timedelta(days=n) if n < 3 else None
    s.commit()
    centre = select(Enterprise.id).where(Enterprise.centre_id == adviser.centre_id)
    everyone = s.scalars(select(EmployerRequest).where(EmployerRequest.enterprise_id.in_(centre)))
    wanted = [r for r in everyone if status == "all" or r.status in OPEN_REQUEST_STATUSES]

    def group(r: EmployerRequest) -> int:
        if sort == "urgency":
            order = services.URGENCY_ORDER
            return order.index(r.urgency) if r.urgency else len(order)
        return 0 if sort == "waiting" or r.assigned_to_id == adviser.id else 1

    expected = sorted(
        wanted,
        key=lambda r: (
            group(r),
            r.waiting_since is None,
            r.waiting_since or r.created_at,
            r.created_at,
            r.id,
        ),
    )
    seen: list[int] = []
    number = 1
    while True:
        found = services.inbox(
            s,
            adviser,
            services.InboxFilter(status=status, sort=sort),
            today=date.today(),
            overdue_limit=5,
            page=number,
            page_size=2,
        )
        seen += [row.request.id for row in found.rows]
        assert found.total == len(wanted)
        if number >= found.pages:
            break
        number += 1
    assert seen == [r.id for r in expected]


def test_an_inbox_page_past_the_end_shows_the_last_page(world: World) -> None:
    s = world.session
    adviser = world.user(ADVISER)
    everything = services.InboxFilter(status="all", sort="waiting")
    whole = services.inbox(s, adviser, everything, date.today(), 5, page=1, page_size=1000)
    assert whole.total >= 3
    last = services.inbox(s, adviser, everything, date.today(), 5, page=999, page_size=2)
    assert last.page == -(-whole.total // 2) == last.pages
    ids = [row.request.id for row in whole.rows]
    assert [row.request.id for row in last.rows] == ids[(last.page - 1) * 2 :]
    nothing = services.InboxFilter(status="all", enterprise_id=world.fjellbygg.id)
    empty = services.inbox(s, adviser, nothing, date.today(), 5, page=3, page_size=2)
    assert (empty.rows, empty.total, empty.page) == ([], 0, 1)
