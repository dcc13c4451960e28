from typing import Any

from sqlalchemy import select

from iwemployer.models import Notification
from iwemployer.notifications.services import notify, request_subject
from tests.access_matrix import EVERYONE, RouteCase


def _managers_notice(w: Any) -> tuple[str, dict[str, Any]]:
    """A notice to the Nordlys manager (made here: the demo has none for them); only they can
    open it."""
    manager = w.user("leder@nordlys.example")
    note_id = w.session.scalar(
        select(Notification.id).where(Notification.user_id == manager.id).limit(1)
    )
    if note_id is None:
        notify(
            w.session,
            [manager.id],
            "requests.answered",
            enterprise_id=w.nordlys.id,
            url=f"/enterprises/{w.nordlys.id}/requests",
            params={"number": "1", "enterprise": w.nordlys.name},
            subject=request_subject(1),
        )
        w.session.commit()
        return _managers_notice(w)
    return (f"/notifications/{note_id}/open", {})


CASES = [
    RouteCase(
        "notifications.open_note",
        "GET",
        _managers_notice,
        frozenset({"manager"}),
        # Another user's notice does not exist for anyone else, the administrator included.
        hidden_from=EVERYONE - {"manager"},
        ok_statuses=frozenset({303}),
    ),
    RouteCase(
        "notifications.index",
        "GET",
        lambda w: ("/notifications", {}),
        EVERYONE,
        ok_statuses=frozenset({200}),
    ),
    RouteCase(
        "notifications.badge",
        "GET",
        lambda w: ("/notifications/badge", {}),
        EVERYONE,
        ok_statuses=frozenset({200, 303}),
    ),
    RouteCase(
        "notifications.mark_read",
        "POST",
        lambda w: ("/notifications/read", {}),
        EVERYONE,
        # A plain form is sent back to the list (303); htmx gets the list itself (200).
        ok_statuses=frozenset({200, 303}),
    ),
]
