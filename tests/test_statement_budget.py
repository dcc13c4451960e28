"""Every page kind and the main fragments within a stated number of SQL statements (session,
user, audit and the page's own reads), and the same number at two data sizes: the demo, and
the demo grown with the scale seed (N = 2: new enterprises, people, plans, requests,
notifications, and older requests and notifications for the demo sign-ins themselves)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from iwemployer.models import ActionPlan, EmployerRequest
from iwemployer.scale import grow_demo
from tests.conftest import WebClient, World
from tests.statements import count_statements

MANAGER = "leder@nordlys.example"
ADVISER = "radgiver.oslo@nav.example"
ADMIN = "admin@nav.example"
PAGE = 12
FRAGMENT = 8


@dataclass(frozen=True)
class Case:
    name: str
    user: str
    url: Callable[[World], str]
    htmx: bool = False
    budget: int = 0  # 0: the default for its kind (page or fragment)
    why: str = ""


def _plan(w: World) -> str:
    plan = w.session.scalar(select(ActionPlan).where(ActionPlan.enterprise_id == w.nordlys.id))
    assert plan is not None
    return f"/enterprises/{w.nordlys.id}/plans/{plan.id}"


def _request(w: World) -> int:
    found = w.session.scalar(
        select(EmployerRequest.id)
        .where(EmployerRequest.enterprise_id == w.nordlys.id)
        .order_by(EmployerRequest.created_at.desc())
    )
    assert found is not None
    return found


CASES = [
    Case(
        "enterprise home",
        MANAGER,
        lambda w: f"/enterprises/{w.nordlys.id}",
        budget=18,
        why="one card per area, each its own read; the tasks block at most five",
    ),
    Case(
        "plan page",
        MANAGER,
        _plan,
        budget=15,
        why="the plan composes its regions (the plans area's own budget)",
    ),
    Case("plan timeline", MANAGER, lambda w: _plan(w) + "/timeline", htmx=True),
    Case(
        "plan summary",
        MANAGER,
        lambda w: _plan(w) + "/summary",
        htmx=True,
        budget=10,
        why="progress, confirmations and the diff from the agreed version: one read each",
    ),
    Case("requests list", MANAGER, lambda w: f"/enterprises/{w.nordlys.id}/requests"),
    Case(
        "request",
        MANAGER,
        lambda w: f"/enterprises/{w.nordlys.id}/requests/{_request(w)}",
        budget=14,
        why="marking it seen takes a savepoint (4 statements); thread, rating, details one each",
    ),
    Case("notifications", MANAGER, lambda w: "/notifications"),
    Case(
        "notification badge", MANAGER, lambda w: "/notifications/badge", htmx=True, budget=FRAGMENT
    ),
    Case("plans overview (adviser)", ADVISER, lambda w: "/plans/overview"),
    Case("plans overview (all)", ADVISER, lambda w: "/plans/overview?show=all"),
    Case("plans overview (administrator)", ADMIN, lambda w: "/plans/overview"),
    Case("inbox", ADVISER, lambda w: "/inbox"),
    Case("inbox, all statuses", ADVISER, lambda w: "/inbox?status=all"),
    Case("inbox badge", ADVISER, lambda w: "/inbox/badge", htmx=True),
    Case(
        "inbox request",
        ADVISER,
        lambda w: f"/inbox/{_request(w)}",
        budget=15,
        why="as the employer's request page, and the inbox badge's unread count",
    ),
    Case("adviser's enterprises", ADVISER, lambda w: "/adviser/enterprises"),
    Case("enterprises (administrator)", ADMIN, lambda w: "/admin/enterprises"),
    Case("enterprise (administrator)", ADMIN, lambda w: f"/admin/enterprises/{w.nordlys.id}"),
    Case("users (administrator)", ADMIN, lambda w: "/admin/users"),
    Case(
        "user (administrator)",
        ADMIN,
        lambda w: f"/admin/users/{w.user(MANAGER).id}",
    ),
    Case("invite a user", ADMIN, lambda w: "/admin/users/invite"),
]


def _budget(case: Case) -> int:
    return case.budget or (FRAGMENT if case.htmx else PAGE)


def _costs(app: Flask, world: World, clients: dict[str, WebClient]) -> dict[str, int]:
    costs = {}
    for case in CASES:
        url = case.url(world)
        client = clients[case.user]
        client.get(url, htmx=case.htmx)  # the first visit may refresh the session's last-seen
        with count_statements(app) as seen:
            response = client.get(url, htmx=case.htmx)
        assert response.status_code == 200, (case.name, response.status_code)
        costs[case.name] = seen.count
    return costs


def test_every_page_within_its_budget_whatever_the_data_size(
    app: Flask, world: World, make_client: Callable[[], WebClient]
) -> None:
    clients = {}
    for email in {c.user for c in CASES}:
        clients[email] = make_client()
        clients[email].login_as(world.user(email))
    small = _costs(app, world, clients)
    over = {c.name: small[c.name] for c in CASES if small[c.name] > _budget(c)}
    assert not over, f"over budget: {over}"
    # Compared between two grown sizes: at the demo's, some lists are empty and skip a read.
    grow_demo(world.session, 2)
    world.session.expire_all()
    grown = _costs(app, world, clients)
    grow_demo(world.session, 3)
    world.session.expire_all()
    assert _costs(app, world, clients) == grown
    assert all(grown[c.name] <= _budget(c) for c in CASES), grown
