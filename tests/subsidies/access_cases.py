"""Every route of the subsidies area, every method.

Nordlys (Oslo) is "own": its demo application is approved (granted). Fjellbygg (Vestland) is
foreign: its submitted application answers 404 to everyone but the administrator. Employer
roles not allowed an action, administrators on the enterprise's and the centre's actions, and
everyone but advisers on the centre's worklist, get 403.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select

from iwemployer.models import AttachmentPart, SubsidyApplication, SubsidyAttachment, SubsidyScheme
from iwemployer.subsidies.demo import FJELLBYGG_TOKEN, NORDLYS_TOKEN
from tests.access_matrix import ADMIN, ADVISER, RouteCase

MANAGER = frozenset({"manager"})
PARTIES = frozenset({"safety_delegate", "union_rep"})
READERS = MANAGER | PARTIES | ADVISER | ADMIN
PAGE = frozenset({200})
# A change the demo application's state refuses answers 409 (its page, or the htmx region).
CHANGE = frozenset({200, 303, 409, 422})


def aid(w: Any, token: str) -> int:
    found = w.session.scalar(
        select(SubsidyApplication.id).where(SubsidyApplication.form_token == token)
    )
    assert found is not None, token
    return int(found)


def attachment(w: Any, token: str) -> int:
    """An attachment row on the application (its file is not in the store: 303 with a note)."""
    row = SubsidyAttachment(
        application_id=aid(w, token),
        part=AttachmentPart.APPLICATION,
        original_name="tilbud.pdf",
        stored_name=secrets.token_hex(16),
        content_type="application/pdf",
        size=10,
    )
    w.session.add(row)
    w.session.commit()
    return row.id


def _own(suffix: str = "", **data: Any) -> Any:
    return lambda w: (
        f"/enterprises/{w.nordlys.id}/subsidies/{aid(w, NORDLYS_TOKEN)}{suffix}",
        data,
    )


def _foreign(suffix: str = "", **data: Any) -> Any:
    return lambda w: (
        f"/enterprises/{w.fjellbygg.id}/subsidies/{aid(w, FJELLBYGG_TOKEN)}{suffix}",
        data,
    )


def _attachment(token: str, enterprise: str, suffix: str = "") -> Any:
    def build(w: Any) -> tuple[str, dict[str, Any]]:
        enterprise_id = getattr(w, enterprise).id
        return (
            f"/enterprises/{enterprise_id}/subsidies/{aid(w, token)}/attachments/"
            f"{attachment(w, token)}{suffix}",
            {},
        )

    return build


def _scheme_id(w: Any) -> int:
    return int(w.session.scalar(select(SubsidyScheme.id).order_by(SubsidyScheme.id).limit(1)))


NEW = {"title": "Kurs", "form_token": "matrix-subsidy"}
DECISION = {"decision": "approved", "reason": "Ja", "report_due": "2099-01-01"}

CASES = [
    RouteCase(
        "subsidies.enterprise_list",
        "GET",
        lambda w: (f"/enterprises/{w.nordlys.id}/subsidies", {}),
        READERS,
        foreign=lambda w: (f"/enterprises/{w.fjellbygg.id}/subsidies", {}),
        ok_statuses=PAGE,
    ),
    RouteCase(
        "subsidies.new",
        "GET",
        lambda w: (f"/enterprises/{w.nordlys.id}/subsidies/new", {}),
        MANAGER,
        foreign=lambda w: (f"/enterprises/{w.fjellbygg.id}/subsidies/new", {}),
        ok_statuses=PAGE,
    ),
    RouteCase(
        "subsidies.new",
        "POST",
        lambda w: (
            f"/enterprises/{w.nordlys.id}/subsidies/new",
            {**NEW, "scheme_id": _scheme_id(w)},
        ),
        MANAGER,
        foreign=lambda w: (
            f"/enterprises/{w.fjellbygg.id}/subsidies/new",
            {**NEW, "scheme_id": _scheme_id(w)},
        ),
        ok_statuses=frozenset({200, 303}),
    ),
    RouteCase("subsidies.detail", "GET", _own(), READERS, foreign=_foreign(), ok_statuses=PAGE),
    RouteCase(
        "subsidies.save",
        "POST",
        _own(title="Ny tittel"),
        MANAGER,
        foreign=_foreign(title="Ny tittel"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "subsidies.total",
        "POST",
        _own("/total", **{"line-0-item": "Kurs", "line-0-amount": "100"}),
        MANAGER,
        foreign=_foreign("/total"),
        ok_statuses=frozenset({200, 303}),
    ),
    RouteCase(
        "subsidies.submit",
        "POST",
        _own("/submit"),
        MANAGER,
        foreign=_foreign("/submit"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "subsidies.statement",
        "POST",
        _own("/statement", body="Vi støtter dette."),
        PARTIES,
        foreign=_foreign("/statement", body="Hei"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "subsidies.delete",
        "POST",
        _own("/delete"),
        MANAGER,
        foreign=_foreign("/delete"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "subsidies.upload",
        "POST",
        _own("/attachments"),
        MANAGER,
        foreign=_foreign("/attachments"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "subsidies.download",
        "GET",
        _attachment(NORDLYS_TOKEN, "nordlys"),
        READERS,
        foreign=_attachment(FJELLBYGG_TOKEN, "fjellbygg"),
        ok_statuses=frozenset({303}),
    ),
    RouteCase(
        "subsidies.remove_attachment",
        "POST",
        _attachment(NORDLYS_TOKEN, "nordlys", "/delete"),
        MANAGER,
        foreign=_attachment(FJELLBYGG_TOKEN, "fjellbygg", "/delete"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "subsidies.take",
        "POST",
        _own("/take"),
        ADVISER,
        foreign=_foreign("/take"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "subsidies.ask_for_more",
        "POST",
        _own("/more-information", message="Send tilbud."),
        ADVISER,
        foreign=_foreign("/more-information", message="Send tilbud."),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "subsidies.decide",
        "POST",
        _own("/decision", **DECISION),
        ADVISER,
        foreign=_foreign("/decision", **DECISION),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "subsidies.letter",
        "GET",
        _own("/letter"),
        READERS,
        foreign=_foreign("/letter"),
        ok_statuses=frozenset({200, 303}),
    ),
    RouteCase(
        "subsidies.report",
        "POST",
        _own(
            "/report",
            what_was_done="Kurs holdt.",
            effect="Færre skader.",
            **{"actual-0": "36000", "actual-1": "9000", "actual-2": "15000"},
        ),
        MANAGER,
        foreign=_foreign("/report", what_was_done="x", effect="y"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "subsidies.accept_report",
        "POST",
        _own("/report/accept"),
        ADVISER,
        foreign=_foreign("/report/accept"),
        ok_statuses=CHANGE,
    ),
    RouteCase(
        "subsidies.return_report",
        "POST",
        _own("/report/more", message="Legg ved faktura."),
        ADVISER,
        foreign=_foreign("/report/more", message="Legg ved faktura."),
        ok_statuses=CHANGE,
    ),
    # The centre's and the administrator's pages.
    RouteCase("subsidies.centre", "GET", lambda w: ("/subsidies", {}), ADVISER, ok_statuses=PAGE),
    RouteCase(
        "subsidies.budget",
        "GET",
        lambda w: ("/subsidies/budget", {}),
        ADVISER | ADMIN,
        ok_statuses=PAGE,
    ),
    RouteCase(
        "subsidies.set_budget",
        "POST",
        lambda w: (
            "/subsidies/budget",
            {"centre_id": w.nordlys.centre_id, "year": "2031", "amount": "100000"},
        ),
        ADMIN,
        ok_statuses=frozenset({303}),
    ),
    RouteCase(
        "subsidies.schemes", "GET", lambda w: ("/subsidies/schemes", {}), ADMIN, ok_statuses=PAGE
    ),
    RouteCase(
        "subsidies.schemes",
        "POST",
        lambda w: (
            "/subsidies/schemes",
            {"kind": "prevention", "name": "Nytt tilskudd", "max_amount": "50000", "rules": "x"},
        ),
        ADMIN,
        ok_statuses=frozenset({303}),
    ),
    RouteCase(
        "subsidies.scheme",
        "GET",
        lambda w: (f"/subsidies/schemes/{_scheme_id(w)}", {}),
        ADMIN,
        ok_statuses=PAGE,
    ),
    RouteCase(
        "subsidies.scheme",
        "POST",
        lambda w: (
            f"/subsidies/schemes/{_scheme_id(w)}",
            {"kind": "facilitation", "name": "Endret", "max_amount": "70000", "active": "y"},
        ),
        ADMIN,
        ok_statuses=frozenset({303}),
    ),
]
