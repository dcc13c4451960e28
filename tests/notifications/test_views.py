from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from iwemployer.models import Membership
from iwemployer.notifications.services import (
    UNREAD_SHOWN_UP_TO,
    notify,
    register_event,
    unread_count,
)
from tests.conftest import WebClient, World

register_event("test.event", _l("Something happened at %(enterprise)s"))


def test_notifications_are_listed_counted_and_marked_read(world: World, client: WebClient) -> None:
    manager = world.user("leder@nordlys.example")
    safety = world.user("verneombud@nordlys.example")
    notify(
        world.session,
        [manager.id, safety.id],
        "test.event",
        enterprise_id=world.nordlys.id,
        params={"enterprise": "Nordlys Omsorg AS"},
        url="/",
        exclude=safety.id,
    )
    world.session.commit()
    assert unread_count(world.session, safety) == 0
    client.login_as(manager)
    page = client.get("/notifications").text
    assert "Something happened at Nordlys Omsorg AS" in page
    badge = client.get("/notifications/badge", htmx=True)
    assert '<span class="badge">1' in badge.text and "<html" not in badge.text
    assert client.post("/notifications/read").status_code == 303
    assert unread_count(world.session, manager) == 0


def test_the_unread_count_stops_past_what_the_badge_shows(world: World, client: WebClient) -> None:
    safety = world.user("verneombud@nordlys.example")
    client.login_as(safety)
    before = unread_count(world.session, safety)
    params = {"enterprise": "Nordlys Omsorg AS"}
    for _ in range(UNREAD_SHOWN_UP_TO - before):
        notify(
            world.session, [safety.id], "test.event", enterprise_id=world.nordlys.id, params=params
        )
    world.session.commit()
    assert unread_count(world.session, safety) == UNREAD_SHOWN_UP_TO
    badge = client.get("/notifications/badge", htmx=True).text
    assert f'<span class="badge">{UNREAD_SHOWN_UP_TO}<' in badge
    for _ in range(2):
        notify(
            world.session, [safety.id], "test.event", enterprise_id=world.nordlys.id, params=params
        )
    world.session.commit()
    # Counted up to one more than is shown, not further.
    assert unread_count(world.session, safety) == UNREAD_SHOWN_UP_TO + 1
    badge = client.get("/notifications/badge", htmx=True).text
    assert f'<span class="badge">{UNREAD_SHOWN_UP_TO}+<' in badge


def test_other_users_notifications_are_not_shown(world: World, client: WebClient) -> None:
    manager = world.user("leder@nordlys.example")
    notify(world.session, [manager.id], "test.event", params={"enterprise": "Hemmelig AS"})
    world.session.commit()
    client.login_as(world.user("leder@fjellbygg.example"))
    assert "Hemmelig AS" not in client.get("/notifications").text


def test_marking_read_reports_the_event_the_badge_listens_for(
    world: World, client: WebClient
) -> None:
    manager = world.user("leder@nordlys.example")
    notify(world.session, [manager.id], "test.event", params={"enterprise": "Nordlys Omsorg AS"})
    world.session.commit()
    client.login_as(manager)
    page = client.get("/notifications").text
    # The badge refreshes on the events that change its count, all kebab-case.
    trigger = re.search(r'id="notification-badge"[^>]*hx-trigger="([^"]+)"', page)
    assert trigger is not None
    events = {part.strip().removesuffix(" from:body") for part in trigger[1].split(",")}
    assert {"notifications-changed", "requests-changed", "plan-changed"} <= events
    assert 'hx-post="/notifications/read"' in page

    response = client.post("/notifications/read", htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "notifications-changed"
    assert 'id="notification-list"' in response.text and "<html" not in response.text
    assert unread_count(world.session, manager) == 0
    # Without JS: a 303 back to the list, which no longer offers the button.
    assert client.post("/notifications/read").status_code == 303
    assert 'hx-post="/notifications/read"' not in client.get("/notifications").text


def test_notifications_of_an_enterprise_go_when_access_to_it_goes(
    world: World, client: WebClient
) -> None:
    safety = world.user("verneombud@nordlys.example")
    notify(
        world.session,
        [safety.id],
        "test.event",
        enterprise_id=world.nordlys.id,
        params={"enterprise": "Nordlys Omsorg AS"},
    )
    world.session.commit()
    assert unread_count(world.session, safety) == 1
    world.session.execute(
        delete(Membership).where(
            Membership.user_id == safety.id, Membership.enterprise_id == world.nordlys.id
        )
    )
    world.session.commit()
    assert unread_count(world.session, safety) == 0
    client.login_as(safety)
    assert "Nordlys Omsorg AS" not in client.get("/notifications").text
