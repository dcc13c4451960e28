from __future__ import annotations

from flask_babel import lazy_gettext as _l

from iwemployer.notifications.services import notify, register_event, unread_count
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
    assert unread_count(world.session, safety.id) == 0
    client.login_as(manager)
    page = client.get("/notifications").text
    assert "Something happened at Nordlys Omsorg AS" in page
    badge = client.get("/notifications/badge", htmx=True)
    assert '<span class="badge">1' in badge.text and "<html" not in badge.text
    assert client.post("/notifications/read").status_code == 303
    assert unread_count(world.session, manager.id) == 0


def test_other_users_notifications_are_not_shown(world: World, client: WebClient) -> None:
    manager = world.user("leder@nordlys.example")
    notify(world.session, [manager.id], "test.event", params={"enterprise": "Hemmelig AS"})
    world.session.commit()
    client.login_as(world.user("leder@fjellbygg.example"))
    assert "Hemmelig AS" not in client.get("/notifications").text
