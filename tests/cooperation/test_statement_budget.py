"""What the cooperation pages cost in SQL statements (everything a request runs: session, user,
audit, the page's own reads): the same with four times the meetings, messages, times, agenda
items, inspections, orders and reports, and within a fixed budget."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from iwemployer.models import (
    ActionPlan,
    HealthServiceReport,
    Inspection,
    InspectionOrder,
    Meeting,
    MeetingAgendaItem,
    MeetingMessage,
    MeetingMode,
    MeetingSlot,
    MeetingStep,
    PlanActivity,
    PlanTheme,
    utcnow,
)
from tests.conftest import WebClient, World
from tests.statements import count_statements

MANAGER = "leder@nordlys.example"
HEALTH = "bht@helsepartner.example"
ADVISER = "radgiver.oslo@nav.example"
# Measured: meetings 8, a meeting 13, the request form 9, inspections 10, reports 10, the
# contact person's overview 6, the centre's open orders 4.
BUDGET = 13


def _grow(world: World, meeting: Meeting, times: int) -> None:
    """``times`` more of everything the pages list, at Nordlys and on ``meeting``."""
    session, enterprise = world.session, world.nordlys
    manager, adviser = world.user(MANAGER), world.user(ADVISER)
    activities = list(
        session.scalars(
            select(PlanActivity)
            .join(PlanTheme)
            .join(ActionPlan)
            .where(ActionPlan.enterprise_id == enterprise.id)
        )
    )
    start = utcnow() + timedelta(days=30)
    for n in range(times):
        session.add(
            Meeting(
                enterprise_id=enterprise.id,
                adviser_id=adviser.id,
                requested_by_id=manager.id,
                purpose=f"Møte {n}",
                mode=MeetingMode.ONLINE,
                slots=[
                    MeetingSlot(
                        starts_at=start + timedelta(days=n),
                        ends_at=start + timedelta(days=n, hours=1),
                        from_centre=False,
                    )
                ],
            )
        )
        meeting.slots.append(
            MeetingSlot(
                starts_at=start + timedelta(days=n, hours=2),
                ends_at=start + timedelta(days=n, hours=3),
                from_centre=True,
            )
        )
        meeting.messages.append(
            MeetingMessage(
                author_id=manager.id, from_centre=False, step=MeetingStep.COMMENT, body=f"{n}"
            )
        )
        meeting.agenda_items.append(
            MeetingAgendaItem(activity_id=activities[n % len(activities)].id, position=100 + n)
        )
        session.add(
            Inspection(
                enterprise_id=enterprise.id,
                inspected_on=date.today(),
                topic=f"Tilsyn {n}",
                orders=[
                    InspectionOrder(
                        text=f"Pålegg {n}",
                        deadline=date.today() + timedelta(days=10 + n),
                        activity_id=activities[n % len(activities)].id,
                    )
                ],
            )
        )
        session.add(
            HealthServiceReport(
                enterprise_id=enterprise.id,
                title=f"Rapport {n}",
                report_date=date.today(),
                summary="Sammendrag",
                author_id=world.user(HEALTH).id,
                activity_id=activities[n % len(activities)].id,
            )
        )
    session.commit()


def _pages(world: World, meeting: Meeting) -> dict[str, tuple[str, str]]:
    base = f"/enterprises/{world.nordlys.id}"
    return {
        "meetings": (MANAGER, f"{base}/meetings"),
        "meeting": (MANAGER, f"{base}/meetings/{meeting.id}"),
        "new meeting": (MANAGER, f"{base}/meetings/new"),
        "inspections": (MANAGER, f"{base}/inspections"),
        "reports": (HEALTH, f"{base}/health-service"),
        "adviser overview": (ADVISER, "/adviser/cooperation"),
        "centre's open orders": (ADVISER, "/adviser/cooperation/orders"),
    }


def _measure(world: World, client: WebClient, meeting: Meeting) -> dict[str, int]:
    counts = {}
    for name, (email, url) in _pages(world, meeting).items():
        client.login_as(world.user(email))
        client.get(url)  # warm up: the session's first request
        with count_statements(client.app) as seen:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = seen.count
    return counts


def test_cooperation_pages_do_not_grow_with_the_data(world: World, client: WebClient) -> None:
    meeting = world.session.scalars(
        select(Meeting)
        .where(Meeting.enterprise_id == world.nordlys.id, Meeting.requested_by_id.is_not(None))
        .order_by(Meeting.id)
    ).first()
    assert meeting is not None
    _grow(world, meeting, 2)
    small = _measure(world, client, meeting)
    _grow(world, meeting, 6)  # four times as much as before
    large = _measure(world, client, meeting)
    assert large == small
    assert max(small.values()) <= BUDGET, small
