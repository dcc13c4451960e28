from tests.access_matrix import EMPLOYER_SIDE, EVERYONE, RouteCase

CASES = [
    RouteCase(
        "enterprise.index", "GET", lambda w: ("/", {}), EVERYONE, ok_statuses=frozenset({200, 303})
    ),
    RouteCase(
        "enterprise.home",
        "GET",
        lambda w: (f"/enterprises/{w.nordlys.id}", {}),
        EVERYONE,
        foreign=lambda w: (f"/enterprises/{w.fjellbygg.id}", {}),
        ok_statuses=frozenset({200}),
    ),
    RouteCase(
        "enterprise.switch",
        "POST",
        lambda w: ("/switch-enterprise", {"enterprise_id": w.nordlys.id}),
        EMPLOYER_SIDE,
        foreign=lambda w: ("/switch-enterprise", {"enterprise_id": w.fjellbygg.id}),
        ok_statuses=frozenset({303}),
    ),
]
