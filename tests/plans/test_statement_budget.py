"""What a plan page and its fragments cost in SQL statements (everything the request runs:
session, user, audit, the region's own reads). The issue's targets: the activity row ≤ 8, a
status change returning one row ≤ 12, the whole page ≤ 15 whatever the number of themes."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from iwemployer.models import ActionPlan, ActivityStatus, PlanActivity, PlanTheme, Responsible
from tests.conftest import WebClient, World
from tests.statements import count_statements

MANAGER = "leder@nordlys.example"
ROW = 8
STATUS_CHANGE = 12
PAGE = 15


def _plan(world: World) -> ActionPlan:
    world.session.expire_all()
    plan = world.session.scalar(
        select(ActionPlan).where(ActionPlan.enterprise_id == world.nordlys.id)
    )
    assert plan is not None
    return plan


def _url(plan: ActionPlan, suffix: str = "") -> str:
    return f"/enterprises/{plan.enterprise_id}/plans/{plan.id}{suffix}"


def _signed_in(world: World, client: WebClient) -> WebClient:
    client.login_as(world.user(MANAGER))
    client.get(_url(_plan(world)))  # warm up: the session's first request and the CSRF token
    client.csrf()
    return client


def _grow(world: World, times: int) -> None:
    """``times`` × the demo plan's themes, each with as many activities as the first theme."""
    plan = _plan(world)
    themes = len(plan.themes)
    per_theme = max(len(t.activities) for t in plan.themes)
    for n in range(themes * (times - 1)):
        theme = PlanTheme(title=f"Extra theme {n}", position=themes + n)
        for m in range(per_theme):
            theme.activities.append(
                PlanActivity(
                    title=f"Extra activity {n}.{m}",
                    description="",
                    responsible=Responsible.MANAGER,
                    start_date=plan.period_start,
                    end_date=plan.period_end,
                    position=m,
                    status=ActivityStatus.PLANNED,
                )
            )
        plan.themes.append(theme)
    world.session.commit()


def _page_cost(app: Flask, client: WebClient, plan: ActionPlan) -> int:
    url = _url(plan)
    with count_statements(app) as seen:
        response = client.get(url)
    assert response.status_code == 200
    return seen.count


def test_the_activity_row_and_its_edit_form(app: Flask, world: World, client: WebClient) -> None:
    _signed_in(world, client)
    activity = _plan(world).activities[0]
    for suffix in (f"/activities/{activity.id}", f"/activities/{activity.id}/edit"):
        url = _url(_plan(world), suffix)
        with count_statements(app) as seen:
            response = client.get(url, htmx=True)
        assert response.status_code == 200
        assert seen.count <= ROW, f"{suffix}: {seen.count} statements\n{seen}"


def test_a_status_change_returning_its_row(app: Flask, world: World, client: WebClient) -> None:
    _signed_in(world, client)
    activity = _plan(world).activities[0]
    new_status = next(s for s in ActivityStatus if s != activity.status)
    data = {
        f"status{activity.id}-status": new_status.value,
        f"status{activity.id}-revision": activity.revision,
    }
    url = _url(_plan(world), f"/activities/{activity.id}/status")
    with count_statements(app) as seen:
        response = client.post(url, data, htmx=True)
    assert response.status_code == 200
    assert f'id="activity-{activity.id}"' in response.get_data(as_text=True)
    world.session.expire_all()
    assert world.session.get(PlanActivity, activity.id).status == new_status  # type: ignore[union-attr]
    assert seen.count <= STATUS_CHANGE, f"{seen.count} statements\n{seen}"


@pytest.mark.parametrize("times", [3])
def test_the_whole_page_costs_the_same_whatever_the_number_of_themes(
    app: Flask, world: World, client: WebClient, times: int
) -> None:
    _signed_in(world, client)
    demo = _page_cost(app, client, _plan(world))
    _grow(world, times)
    url = _url(_plan(world))
    with count_statements(app) as seen:
        response = client.get(url)
    assert response.status_code == 200
    assert "Extra activity" in response.get_data(as_text=True)
    assert seen.count == demo, f"{seen.count} statements for {times}× the themes\n{seen}"
    assert demo <= PAGE, f"demo plan: {demo} statements\n{seen}"
