from typing import Any

from tests.access_matrix import ADMIN, EVERYONE, RouteCase


def _reset(w: Any) -> tuple[str, dict[str, Any]]:
    return f"/admin/users/{w.user('radgiver.oslo@nav.example').id}/two-step/reset", {}


CASES = [
    # A signed-in person has no second step left: sent on to the home page.
    RouteCase(
        "mfa.code", "GET", lambda w: ("/sign-in/code", {}), EVERYONE, ok_statuses=frozenset({303})
    ),
    RouteCase(
        "mfa.code",
        "POST",
        lambda w: ("/sign-in/code", {"code": "123456"}),
        EVERYONE,
        ok_statuses=frozenset({303}),
    ),
    # Staff of the demo have it on (their status page); employers get the enrolment page.
    RouteCase(
        "mfa.enrol",
        "GET",
        lambda w: ("/account/two-step", {}),
        EVERYONE,
        ok_statuses=frozenset({200}),
    ),
    RouteCase(
        "mfa.enrol",
        "POST",
        lambda w: ("/account/two-step", {}),
        EVERYONE,
        ok_statuses=frozenset({200, 422}),
    ),
    RouteCase(
        "mfa.recovery_codes",
        "POST",
        lambda w: ("/account/two-step/recovery-codes", {}),
        EVERYONE,
        ok_statuses=frozenset({200, 303}),
    ),
    RouteCase(
        "mfa.turn_off",
        "POST",
        lambda w: ("/account/two-step/off", {}),
        EVERYONE,
        ok_statuses=frozenset({303}),
    ),
    RouteCase("mfa.admin_reset", "GET", _reset, ADMIN, ok_statuses=frozenset({200})),
    RouteCase("mfa.admin_reset", "POST", _reset, ADMIN, ok_statuses=frozenset({303})),
]
