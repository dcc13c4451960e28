"""Notices about one subject: withdrawn when stale, grouped on the list, read when opened."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from iwemployer.models import Notification
from iwemployer.notifications.services import (
    grouped,
    notify,
    recent,
    register_event,
    request_subject,
    unread_count,
    withdraw,
)
from tests.conftest import WebClient, World
from tests.statements import count_statements

register_event("test.waiting", _l("Something waits at %(enterprise)s"))
register_event("test.done", _l("Something is done at %(enterprise)s"))
PARAMS = {"enterprise": "Nordlys Omsorg AS"}


def _kinds(world: World, user_id: int) -> list[str]:
    return list(
        world.session.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user_id)
            .order_by(Notification.id)
        )
    )


def test_withdraw_takes_back_only_that_subjects_kinds(world: World) -> None:
    s = world.session
    manager = world.user("leder@nordlys.example")
    safety = world.user("verneombud@nordlys.example")
    before = _kinds(world, manager.id)
    for subject in (request_subject(1001), request_subject(1002)):
        notify(s, [manager.id, safety.id], "test.waiting", params=PARAMS, subject=subject)
        notify(s, [manager.id], "test.done", params=PARAMS, subject=subject)
    assert withdraw(s, request_subject(1001), ["test.waiting"]) == 2
    s.commit()
    # The other subject's notices and the other kind stay.
    assert _kinds(world, manager.id)[len(before) :] == ["test.done", "test.waiting", "test.done"]
    # Withdrawing for some users only.
    assert withdraw(s, request_subject(1002), ["test.waiting"], user_ids=[safety.id]) == 1
    assert withdraw(s, request_subject(1002), ["test.waiting"], user_ids=[safety.id]) == 0


def test_the_list_groups_per_subject_newest_group_first(world: World) -> None:
    s = world.session
    manager = world.user("leder@nordlys.example")
    notify(s, [manager.id], "test.waiting", params=PARAMS, subject=request_subject(1))
    notify(s, [manager.id], "test.waiting", params=PARAMS, subject=request_subject(2))
    notify(s, [manager.id], "test.done", params=PARAMS, subject=request_subject(1))
    notify(s, [manager.id], "test.done", params=PARAMS)  # no subject: a group of its own
    s.commit()
    notes = [n for n in recent(s, manager).items if n.kind.startswith("test.")]
    groups = grouped(notes)
    assert [(g.latest.kind, g.latest.subject, len(g.earlier)) for g in groups] == [
        ("test.done", None, 0),
        ("test.done", "request:1", 1),
        ("test.waiting", "request:2", 0),
    ]
    assert groups[1].unread == 2


def test_opening_a_notice_marks_it_read_and_follows_its_link(
    world: World, client: WebClient
) -> None:
    s = world.session
    manager = world.user("leder@nordlys.example")
    notify(s, [manager.id], "test.waiting", params=PARAMS, url="/enterprises", subject="x:1")
    notify(s, [manager.id], "test.done", params=PARAMS, url="/enterprises", subject="x:1")
    s.commit()
    first, second = s.scalars(
        select(Notification)
        .where(Notification.user_id == manager.id, Notification.subject == "x:1")
        .order_by(Notification.id)
    ).all()
    unread = unread_count(s, manager)
    client.login_as(manager)
    page = client.get("/notifications").text
    assert f"/notifications/{second.id}/open" in page
    assert "1 tidligere varsel om det samme" in page  # grouped, in bokmål
    response = client.get(f"/notifications/{first.id}/open")
    assert response.status_code == 303 and response.headers["Location"] == "/enterprises"
    s.expire_all()
    assert first.read_at is not None and second.read_at is None
    assert unread_count(s, manager) == unread - 1
    # Opening it again changes nothing and still leads there.
    assert client.get(f"/notifications/{first.id}/open").status_code == 303


def test_another_users_notice_cannot_be_opened(world: World, client: WebClient) -> None:
    s = world.session
    manager = world.user("leder@nordlys.example")
    notify(s, [manager.id], "test.waiting", params=PARAMS, url="/", subject="x:2")
    s.commit()
    note = s.scalars(select(Notification).where(Notification.subject == "x:2")).one()
    for email in ("verneombud@nordlys.example", "admin@nav.example"):
        other = client.__class__(client.app)
        other.login_as(world.user(email))
        assert other.get(f"/notifications/{note.id}/open").status_code == 404
    s.expire_all()
    assert note.read_at is None


def test_a_notice_without_a_local_link_opens_the_list(world: World, client: WebClient) -> None:
    s = world.session
    manager = world.user("leder@nordlys.example")
    notify(s, [manager.id], "test.waiting", params=PARAMS, url="//evil.example/", subject="x:3")
    s.commit()
    note = s.scalars(select(Notification).where(Notification.subject == "x:3")).one()
    client.login_as(manager)
    response = client.get(f"/notifications/{note.id}/open")
    assert response.headers["Location"] == "/notifications"


def test_the_grouped_list_costs_the_same_statements_however_many_notices(
    world: World, client: WebClient
) -> None:
    s = world.session
    manager = world.user("leder@nordlys.example")
    client.login_as(manager)
    client.get("/notifications")  # warm up: the session and the user are loaded once

    def statements() -> int:
        with count_statements(client.app) as seen:
            assert client.get("/notifications").status_code == 200
        return seen.count

    notify(s, [manager.id], "test.waiting", params=PARAMS, url="/", subject="x:10")
    s.commit()
    few = statements()
    for n in range(20):
        notify(s, [manager.id], "test.done", params=PARAMS, url="/", subject=f"x:{10 + n % 4}")
    s.commit()
    assert statements() == few
