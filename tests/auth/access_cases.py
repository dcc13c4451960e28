from tests.access_matrix import EVERYONE, RouteCase

CASES = [
    RouteCase(
        "auth.change_password",
        "GET",
        lambda w: ("/account/password", {}),
        EVERYONE,
        ok_statuses=frozenset({200}),
    ),
    RouteCase(
        "auth.change_password",
        "POST",
        lambda w: ("/account/password", {}),
        EVERYONE,
        ok_statuses=frozenset({422}),
    ),
    RouteCase(
        "auth.keep_alive",
        "POST",
        lambda w: ("/keep-alive", {}),
        EVERYONE,
        ok_statuses=frozenset({204}),
    ),
]
