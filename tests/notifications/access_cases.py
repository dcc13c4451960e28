from typing import Any

from sqlalchemy import select

from iwemployer.models import Notification
from tests.access_matrix import EVERYONE, RouteCase


def _union_reps_notice(w: Any) -> tuple[str, dict[str, Any]]:
    """The demo's notice to the Nordlys union representative: only they can open it."""
    union_rep = w.user("tillitsvalgt@nordlys.example")
    note_id = w.session.scalar(
        select(Notification.id).where(Notification.user_id == union_rep.id).limit(1)
    )
    assert note_id is not None
    return (f"/notifications/{note_id}/open", {})


CASES = [
    RouteCase(
        "notifications.open_note",
        "GET",
        _union_reps_notice,
        frozenset({"union_rep"}),
        # Another user's notice does not exist for anyone else, the administrator included.
        hidden_from=EVERYONE - {"union_rep"},
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
