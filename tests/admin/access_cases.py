"""Every route of the centre administration: administrators only; everyone else gets 403.

Administrators see all centres, so there is no "foreign" enterprise for them; the other personas
are refused by kind before any record is looked up (403, never 404), so no ``foreign`` targets.
"""

from datetime import date
from typing import Any

from sqlalchemy import select

from iwemployer.models import ContactDeputy
from tests.access_matrix import ADMIN, RouteCase

PAGE = frozenset({200})
REDIRECT = frozenset({303})
INVALID = frozenset({422})


def _nordlys(w: Any, suffix: str = "") -> tuple[str, dict[str, Any]]:
    return f"/admin/enterprises/{w.nordlys.id}{suffix}", {}


def _agreement_id(w: Any) -> int:
    """Nordlys's agreement in force today (terminating it succeeds)."""
    return next(a.id for a in w.nordlys.agreements if a.end_date >= date.today())


def _membership_id(w: Any) -> int:
    manager = w.user("leder@nordlys.example")
    return next(m.id for m in manager.memberships if m.enterprise_id == w.nordlys.id)


def _deputy_id(w: Any) -> int:
    """The demo deputy: Jonas Berg for Grünerløkka Barnehager AS."""
    found = w.session.scalar(select(ContactDeputy.id).order_by(ContactDeputy.id))
    assert found is not None
    return int(found)


def _user_path(w: Any, email: str, suffix: str = "") -> str:
    return f"/admin/users/{w.user(email).id}{suffix}"


CASES = [
    # Enterprises
    RouteCase(
        "admin.enterprises",
        "GET",
        lambda w: ("/admin/enterprises?q=nord", {}),
        ADMIN,
        ok_statuses=PAGE,
    ),
    RouteCase(
        "admin.enterprise_new",
        "GET",
        lambda w: ("/admin/enterprises/new", {}),
        ADMIN,
        ok_statuses=PAGE,
    ),
    RouteCase(
        "admin.enterprise_new",
        "POST",
        lambda w: ("/admin/enterprises/new", {}),
        ADMIN,
        ok_statuses=INVALID,
    ),
    RouteCase("admin.enterprise_detail", "GET", lambda w: _nordlys(w), ADMIN, ok_statuses=PAGE),
    RouteCase(
        "admin.enterprise_edit", "GET", lambda w: _nordlys(w, "/edit"), ADMIN, ok_statuses=PAGE
    ),
    RouteCase(
        "admin.enterprise_edit", "POST", lambda w: _nordlys(w, "/edit"), ADMIN, ok_statuses=INVALID
    ),
    # Agreements
    RouteCase(
        "admin.enterprise_agreement_add",
        "POST",
        lambda w: _nordlys(w, "/agreements"),
        ADMIN,
        ok_statuses=INVALID,
    ),
    RouteCase(
        "admin.enterprise_agreement_confirm_termination",
        "GET",
        lambda w: (f"/admin/agreements/{_agreement_id(w)}/terminate", {}),
        ADMIN,
        ok_statuses=PAGE,
    ),
    RouteCase(
        "admin.enterprise_agreement_terminate",
        "POST",
        lambda w: (
            f"/admin/agreements/{_agreement_id(w)}/terminate",
            {"terminated_on": date.today().isoformat(), "reason": "Avsluttet i test"},
        ),
        ADMIN,
        ok_statuses=REDIRECT,
    ),
    # Contact person (htmx answers 200 with the fragment, a plain POST 303)
    RouteCase(
        "admin.enterprise_contact_person",
        "GET",
        lambda w: _nordlys(w, "/contact-person"),
        ADMIN,
        ok_statuses=PAGE,
    ),
    RouteCase(
        "admin.enterprise_contact_person",
        "POST",
        lambda w: (
            f"/admin/enterprises/{w.nordlys.id}/contact-person",
            {"contact_person_id": w.user("radgiver2.oslo@nav.example").id},
        ),
        ADMIN,
        ok_statuses=frozenset({200, 303}),
    ),
    # Deputies of the contact person: named by e-mail address, removed by a POST
    RouteCase(
        "admin.suggest_deputies",
        "GET",
        lambda w: _nordlys(w, "/deputy-suggestions?adviser=jonas"),
        ADMIN,
        ok_statuses=PAGE | REDIRECT,
    ),
    RouteCase(
        "admin.deputy_add",
        "POST",
        lambda w: (
            f"/admin/enterprises/{w.nordlys.id}/deputies",
            {"adviser": "radgiver2.oslo@nav.example"},
        ),
        ADMIN,
        ok_statuses=frozenset({200, 303}),
    ),
    RouteCase(
        "admin.deputy_delete",
        "POST",
        lambda w: (f"/admin/deputies/{_deputy_id(w)}/delete", {}),
        ADMIN,
        ok_statuses=frozenset({200, 303}),
    ),
    # The search fields' suggestions (htmx: options; a plain visit goes to the search page)
    RouteCase(
        "admin.suggest_users",
        "GET",
        lambda w: ("/admin/suggestions/users?user=lie", {}),
        ADMIN,
        ok_statuses=PAGE | REDIRECT,
    ),
    RouteCase(
        "admin.suggest_enterprises",
        "GET",
        lambda w: ("/admin/suggestions/enterprises?enterprise=nord", {}),
        ADMIN,
        ok_statuses=PAGE | REDIRECT,
    ),
    # Users
    RouteCase(
        "admin.users", "GET", lambda w: ("/admin/users?kind=adviser", {}), ADMIN, ok_statuses=PAGE
    ),
    RouteCase(
        "admin.user_invite", "GET", lambda w: ("/admin/users/invite", {}), ADMIN, ok_statuses=PAGE
    ),
    RouteCase(
        "admin.user_invite",
        "POST",
        lambda w: ("/admin/users/invite", {}),
        ADMIN,
        ok_statuses=INVALID,
    ),
    RouteCase(
        "admin.user_detail",
        "GET",
        lambda w: (_user_path(w, "leder@nordlys.example"), {}),
        ADMIN,
        ok_statuses=PAGE,
    ),
    # The manager has a password already: sending an invitation again is refused (422).
    RouteCase(
        "admin.user_reinvite",
        "POST",
        lambda w: (_user_path(w, "leder@nordlys.example", "/reinvite"), {}),
        ADMIN,
        ok_statuses=INVALID,
    ),
    RouteCase(
        "admin.user_deactivate",
        "POST",
        lambda w: (_user_path(w, "tillitsvalgt@fjellbygg.example", "/deactivate"), {}),
        ADMIN,
        ok_statuses=REDIRECT,
    ),
    RouteCase(
        "admin.user_activate",
        "POST",
        lambda w: (_user_path(w, "tillitsvalgt@fjellbygg.example", "/activate"), {}),
        ADMIN,
        ok_statuses=REDIRECT,
    ),
    # Memberships
    RouteCase(
        "admin.membership_add",
        "POST",
        lambda w: ("/admin/memberships", {"back": "enterprise", "enterprise_id": w.nordlys.id}),
        ADMIN,
        ok_statuses=INVALID,
    ),
    RouteCase(
        "admin.membership_role",
        "POST",
        lambda w: (
            f"/admin/memberships/{_membership_id(w)}/role",
            {"role": "manager", "back": "enterprise"},
        ),
        ADMIN,
        ok_statuses=REDIRECT,
    ),
    RouteCase(
        "admin.membership_delete",
        "POST",
        lambda w: (f"/admin/memberships/{_membership_id(w)}/delete", {"back": "enterprise"}),
        ADMIN,
        ok_statuses=REDIRECT,
    ),
]
