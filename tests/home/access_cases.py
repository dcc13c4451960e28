from tests.access_matrix import EVERYONE, RouteCase

# Everyone signed in closes and reopens their own introduction (a field of their own row).
CASES = [
    RouteCase(
        "home.dismiss",
        "POST",
        lambda w: ("/introduction/dismiss", {}),
        EVERYONE,
        # A plain form goes back home (303); htmx gets the note that replaces the panel (200).
        ok_statuses=frozenset({200, 303}),
    ),
    RouteCase(
        "home.show",
        "POST",
        lambda w: ("/introduction/show", {}),
        EVERYONE,
        ok_statuses=frozenset({303}),
    ),
]
