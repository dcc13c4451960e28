from tests.access_matrix import EVERYONE, RouteCase

CASES = [
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
