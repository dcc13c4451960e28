from tests.access_matrix import EMPLOYER_SIDE, EVERYONE, RouteCase


def _ohs_membership(w, enterprise):  # type: ignore[no-untyped-def]
    return next(m.id for m in enterprise.memberships if m.role == "occupational_health")


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
    RouteCase(
        "enterprise.members",
        "GET",
        lambda w: (f"/enterprises/{w.nordlys.id}/members", {}),
        EVERYONE,
        foreign=lambda w: (f"/enterprises/{w.fjellbygg.id}/members", {}),
        ok_statuses=frozenset({200}),
    ),
    RouteCase(
        "enterprise.invite_occupational_health",
        "POST",
        lambda w: (f"/enterprises/{w.nordlys.id}/members/occupational-health", {}),
        frozenset({"manager", "admin"}),
        foreign=lambda w: (f"/enterprises/{w.fjellbygg.id}/members/occupational-health", {}),
        ok_statuses=frozenset({422}),
    ),
    RouteCase(
        "enterprise.remove_member",
        "POST",
        lambda w: (
            f"/enterprises/{w.nordlys.id}/members/{_ohs_membership(w, w.nordlys)}/remove",
            {},
        ),
        frozenset({"manager", "admin"}),
        foreign=lambda w: (
            f"/enterprises/{w.fjellbygg.id}/members/{w.fjellbygg.memberships[0].id}/remove",
            {},
        ),
        # The administrator may act everywhere, but not remove a manager's access here.
        ok_statuses=frozenset({303, 422}),
    ),
]
