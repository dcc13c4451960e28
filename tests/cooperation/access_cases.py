"""Every route of the cooperation area, every method.

Nordlys (Oslo) is "own" for the personas; Fjellbygg (Vestland) is foreign. Meetings are seen by
the enterprise's people (the health service included) and the centre; the contact person
answers requests and writes minutes; the manager and the contact person record inspections,
which the safety delegate, the union representative and the health service see.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy import select

from iwemployer.models import (
    Enterprise,
    HealthServiceReport,
    Inspection,
    InspectionOrder,
    Meeting,
    MeetingStatus,
)
from tests.access_matrix import RouteCase

CENTRE = frozenset({"adviser", "admin"})
ASKERS = frozenset({"manager", "safety_delegate", "union_rep", "occupational_health"})
PARTIES = ASKERS | CENTRE
EDITORS = frozenset({"manager"}) | CENTRE
PAGE = frozenset({200})
CHANGE = frozenset({200, 303, 422})


def _meeting(w: Any, enterprise: Enterprise, status: MeetingStatus, future: bool = True) -> int:
    query = select(Meeting.id).where(
        Meeting.enterprise_id == enterprise.id, Meeting.status == status
    )
    if status == MeetingStatus.CONFIRMED:
        query = query.order_by(Meeting.starts_at.desc() if future else Meeting.starts_at)
    found = w.session.scalars(query.limit(1)).first()
    assert found is not None
    return int(found)


def _m(
    suffix: str = "",
    status: MeetingStatus = MeetingStatus.CONFIRMED,
    future: bool = True,
    **data: Any,
) -> tuple[Any, Any]:
    return (
        lambda w: (
            f"/enterprises/{w.nordlys.id}/meetings/"
            f"{_meeting(w, w.nordlys, status, future)}{suffix}",
            data,
        ),
        lambda w: (
            f"/enterprises/{w.fjellbygg.id}/meetings/"
            f"{_meeting(w, w.fjellbygg, MeetingStatus.REQUESTED)}{suffix}",
            data,
        ),
    )


def _order(w: Any, enterprise: Enterprise) -> tuple[int, int]:
    """An open order of the enterprise (Nordlys has none in the demo: one is added)."""
    row = w.session.execute(
        select(Inspection.id, InspectionOrder.id)
        .join(InspectionOrder)
        .where(Inspection.enterprise_id == enterprise.id, InspectionOrder.answered_on.is_(None))
        .limit(1)
    ).first()
    if row is None:
        inspection = Inspection(
            enterprise_id=enterprise.id,
            inspected_on=date(2026, 1, 5),
            topic="Psykososialt arbeidsmiljø",
            orders=[InspectionOrder(text="Kartlegg arbeidsmiljøet.", deadline=date(2099, 1, 1))],
        )
        w.session.add(inspection)
        w.session.commit()
        return inspection.id, inspection.orders[0].id
    return int(row[0]), int(row[1])


def _o(suffix: str, **data: Any) -> tuple[Any, Any]:
    def build(enterprise: str) -> Any:
        def target(w: Any) -> tuple[str, dict[str, Any]]:
            found = getattr(w, enterprise)
            inspection_id, order_id = _order(w, found)
            url = f"/enterprises/{found.id}/inspections/{inspection_id}/orders/{order_id}{suffix}"
            return url, data

        return target

    return build("nordlys"), build("fjellbygg")


def _report_with_file(w: Any, enterprise: Enterprise) -> int:
    """A report of the enterprise with a file row (Fjellbygg has none in the demo: one is
    added). The store may lack the file: the route then answers 303 with a message."""
    found = w.session.scalar(
        select(HealthServiceReport.id).where(
            HealthServiceReport.enterprise_id == enterprise.id,
            HealthServiceReport.file_stored_name.is_not(None),
        )
    )
    if found is not None:
        return int(found)
    report = HealthServiceReport(
        enterprise_id=enterprise.id,
        title="Støy",
        report_date=date(2026, 1, 5),
        summary="Målinger.",
        file_name="støy.pdf",
        file_stored_name=secrets.token_hex(16),
        file_content_type="application/pdf",
        file_size=10,
    )
    w.session.add(report)
    w.session.commit()
    return report.id


def _file() -> tuple[Any, Any]:
    def build(enterprise: str) -> Any:
        def target(w: Any) -> tuple[str, dict[str, Any]]:
            found = getattr(w, enterprise)
            report_id = _report_with_file(w, found)
            return f"/enterprises/{found.id}/health-service/{report_id}/file", {}

        return target

    return build("nordlys"), build("fjellbygg")


def _e(path: str, **data: Any) -> tuple[Any, Any]:
    return (
        lambda w: (f"/enterprises/{w.nordlys.id}{path}", data),
        lambda w: (f"/enterprises/{w.fjellbygg.id}{path}", data),
    )


def case(
    endpoint: str,
    method: str,
    targets: tuple[Any, Any],
    allowed: frozenset[str],
    ok: frozenset[int] = CHANGE,
) -> RouteCase:
    own, foreign = targets
    return RouteCase(endpoint, method, own, allowed, foreign=foreign, ok_statuses=ok)


CASES: list[RouteCase] = [
    case("cooperation.meetings", "GET", _e("/meetings"), PARTIES, PAGE),
    case("cooperation.new_meeting", "GET", _e("/meetings/new"), ASKERS | {"admin"}, PAGE),
    case("cooperation.new_meeting", "POST", _e("/meetings/new", purpose=""), ASKERS | {"admin"}),
    case("cooperation.meeting", "GET", _m(), PARTIES, PAGE),
    # Fjellbygg's meeting (the administrator's foreign target) has no agreed time: no file.
    case("cooperation.meeting_calendar", "GET", _m("/meeting.ics"), PARTIES, PAGE | {404}),
    case(
        "cooperation.accept", "POST", _m("/accept", MeetingStatus.REQUESTED, slot="999999"), PARTIES
    ),
    case("cooperation.propose", "POST", _m("/propose", MeetingStatus.REQUESTED), CENTRE),
    case("cooperation.move", "POST", _m("/move", message="Kolliderer"), PARTIES),
    case("cooperation.cancel", "POST", _m("/cancel"), PARTIES),
    case("cooperation.comment", "POST", _m("/comments"), PARTIES),
    case("cooperation.minutes", "POST", _m("/minutes", future=False), CENTRE),
    case("cooperation.reports", "GET", _e("/health-service"), PARTIES, PAGE),
    case(
        "cooperation.add_report",
        "POST",
        _e("/health-service", title="", summary=""),
        frozenset({"occupational_health", "admin"}),
    ),
    # The parties and the centre fetch a report's file (303 with a message when the store lost it).
    case("cooperation.report_file", "GET", _file(), PARTIES, frozenset({200, 303})),
    case("cooperation.inspections", "GET", _e("/inspections"), PARTIES, PAGE),
    case("cooperation.new_inspection", "GET", _e("/inspections/new"), EDITORS, PAGE),
    case("cooperation.new_inspection", "POST", _e("/inspections/new", topic=""), EDITORS),
    case("cooperation.link_order", "POST", _o("/link", activity=""), EDITORS),
    case("cooperation.answer_order", "POST", _o("/answer", answer=""), EDITORS),
    RouteCase(
        "cooperation.adviser_overview",
        "GET",
        lambda w: ("/adviser/cooperation", {}),
        frozenset({"adviser"}),
        ok_statuses=PAGE,
    ),
    RouteCase(
        "cooperation.adviser_orders",
        "GET",
        lambda w: ("/adviser/cooperation/orders?page=2", {}),
        frozenset({"adviser"}),
        ok_statuses=PAGE,
    ),
]
