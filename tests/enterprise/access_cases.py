from datetime import timedelta
from typing import Any

from iwemployer.models import AccessInvitation, AccessOffer, Enterprise, utcnow
from tests.access_matrix import EMPLOYER_SIDE, EVERYONE, RouteCase

MANAGERS = frozenset({"manager", "admin"})


def _ohs_membership(w, enterprise):  # type: ignore[no-untyped-def]
    return next(m.id for m in enterprise.memberships if m.role == "occupational_health")


def _invitation(w: Any, enterprise: Enterprise, email: str) -> AccessInvitation:
    """An open invitation of ``email`` to ``enterprise``, with the invited account's offer."""
    invitation = AccessInvitation(
        enterprise_id=enterprise.id, email=email, expires_at=utcnow() + timedelta(days=7)
    )
    w.session.add(invitation)
    w.session.flush()
    w.session.add(AccessOffer(invitation_id=invitation.id, user_id=w.user(email).id))
    w.session.commit()
    return invitation


def _offer_url(answer: str) -> Any:
    # Nordlys invites the occupational health persona (a member already: accepting is harmless).
    def build(w: Any) -> tuple[str, dict[str, Any]]:
        invitation = _invitation(w, w.nordlys, "bht@helsepartner.example")
        offer_id = w.session.query(AccessOffer.id).filter_by(invitation_id=invitation.id).scalar()
        return f"/access-invitations/{offer_id}/{answer}", {}

    return build


def _withdraw_url(w: Any, enterprise: Enterprise) -> tuple[str, dict[str, Any]]:
    invitation = _invitation(w, enterprise, "bht@helsepartner.example")
    return (
        f"/enterprises/{enterprise.id}/members/invitations/{invitation.id}/withdraw",
        {},
    )


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
        MANAGERS,
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
    RouteCase(
        "enterprise.withdraw_invitation",
        "POST",
        lambda w: _withdraw_url(w, w.nordlys),
        MANAGERS,
        foreign=lambda w: _withdraw_url(w, w.fjellbygg),
        ok_statuses=frozenset({200, 303}),
    ),
    # The invited account's own page and answers: other employer-side people do not find the
    # offer (404); NAV staff have no invitations (403).
    RouteCase(
        "enterprise.access_invitations",
        "GET",
        lambda w: ("/access-invitations", {}),
        EMPLOYER_SIDE,
        ok_statuses=frozenset({200}),
    ),
    *(
        RouteCase(
            f"enterprise.{answer}_access",
            "POST",
            _offer_url(answer),
            frozenset({"occupational_health"}),
            ok_statuses=frozenset({200, 303}),
            hidden_from=frozenset({"manager", "safety_delegate", "union_rep"}),
        )
        for answer in ("accept", "decline")
    ),
]
