"""The reliability issue's "done means": random and hostile values posted to every form field of
every POST route, and sent as query parameters to every GET route, as each of six roles, never
give a 500. Hypothesis picks the routes, ids and values; derandomised, so a run is repeatable
and a failure shows the route and the data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from iwemployer.models import (
    ActionPlan,
    CooperationAgreement,
    EmployerRequest,
    Enterprise,
    Membership,
    PlanActivity,
    PlanTheme,
    User,
)
from tests.conftest import WebClient, World

ROLES = (
    "leder@nordlys.example",
    "verneombud@nordlys.example",
    "tillitsvalgt@nordlys.example",
    "bht@helsepartner.example",
    "radgiver.oslo@nav.example",
    "admin@nav.example",
)
ID_SOURCES: dict[str, Any] = {
    "enterprise_id": Enterprise,
    "plan_id": ActionPlan,
    "request_id": EmployerRequest,
    "theme_id": PlanTheme,
    "activity_id": PlanActivity,
    "agreement_id": CooperationAgreement,
    "user_id": User,
    "membership_id": Membership,
}
# Ending the session would turn the rest of the run into redirects to the sign-in page.
SKIPPED = {"/sign-out"}
HOSTILE = [
    "",
    " ",
    " \t ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "1.5",
    "1e309",
    "NaN",
    "9" * 40,
    str(2**31),
    str(2**63),
    "9999-12-31",
    "0001-01-01",
    "31.02.2027",
    "2027-13-45",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "ø" * 4001,
    "x" * 70_000,
    "\u202e\ufeff",
    "🙂" * 300,
    "on",
    "y",
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
QUERY_NAMES = ["q", "page", "status", "kind", "enterprise_id", "limit", "show", "view", "part"]
FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
ACTION_RE = re.compile(r'action="([^"]*)"')
NAME_RE = re.compile(r'name="([^"]+)"')


def _id_pool(world: World) -> dict[str, list[int]]:
    pool = {
        name: list(world.session.scalars(select(model.id).order_by(model.id).limit(8)))
        for name, model in ID_SOURCES.items()
    }
    pool["number"] = [1, 2, 3]
    return {name: [*ids, 1, 2**31 - 1] for name, ids in pool.items()}


def _url(rule: Rule, ids: dict[str, int]) -> str:
    return re.sub(r"<(?:[^:>]+:)?([a-z_]+)>", lambda m: str(ids.get(m.group(1), 1)), rule.rule)


def _viewer(rule: Rule, clients: dict[str, WebClient]) -> WebClient:
    """Who sees the most forms on a page: the admin in /admin, the adviser in the inbox, else a
    manager."""
    if rule.rule.startswith("/admin"):
        return clients["admin@nav.example"]
    if rule.rule.startswith(("/inbox", "/adviser")):
        return clients["radgiver.oslo@nav.example"]
    return clients["leder@nordlys.example"]


def _form_fields(
    app: Flask, clients: dict[str, WebClient], pool: dict[str, list[int]]
) -> dict[str, set[str]]:
    """The fields of the forms each POST route receives, read from every page (once)."""
    adapter = app.url_map.bind("localhost")
    fields: dict[str, set[str]] = {}
    first = {name: ids[0] for name, ids in pool.items()}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        page = _viewer(rule, clients).get(_url(rule, first))
        assert page.status_code < 500, rule.rule
        for attributes, body in FORM_RE.findall(page.text):
            action = ACTION_RE.search(attributes)
            if action is None:
                continue
            try:
                target, _ = adapter.match(action.group(1).split("?")[0], "POST", return_rule=True)
            except HTTPException:
                continue
            names = set(NAME_RE.findall(body)) - {"csrf_token"}
            fields.setdefault(target.rule, set()).update(names)
    return fields


Role = tuple[str, WebClient]


@pytest.fixture
def harness(
    app: Flask, world: World, make_client: Any
) -> tuple[list[Role], dict[str, list[int]], dict[str, set[str]]]:
    """A client signed in as each role, the ids to try, and the fields of every form (the same
    form has the same fields for every role)."""
    clients = []
    for email in ROLES:
        client: WebClient = make_client()
        client.login_as(world.user(email))
        clients.append((email, client))
    pool = _id_pool(world)
    return clients, pool, _form_fields(app, dict(clients), pool)


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_no_input_gives_a_500(
    app: Flask,
    harness: tuple[list[Role], dict[str, list[int]], dict[str, set[str]]],
    data: st.DataObject,
) -> None:
    clients, pool, fields = harness
    email, client = data.draw(st.sampled_from(clients))
    rules = [
        r for r in app.url_map.iter_rules() if r.endpoint != "static" and r.rule not in SKIPPED
    ]
    every_field = sorted(set().union(*fields.values())) if fields else ["body"]

    post_rule = data.draw(st.sampled_from([r for r in rules if "POST" in (r.methods or ())]))
    ids = {name: data.draw(st.sampled_from(pool.get(name, [1]))) for name in post_rule.arguments}
    names = sorted(
        fields.get(post_rule.rule) or data.draw(st.sets(st.sampled_from(every_field), max_size=6))
    )
    form = {name: data.draw(VALUES) for name in names}
    url = _url(post_rule, ids)
    response = client.post(url, form, htmx=data.draw(st.booleans()))
    assert response.status_code < 500, (email, url, form)

    get_rule = data.draw(st.sampled_from([r for r in rules if "GET" in (r.methods or ())]))
    ids = {name: data.draw(st.sampled_from(pool.get(name, [1]))) for name in get_rule.arguments}
    query = data.draw(st.dictionaries(st.sampled_from(QUERY_NAMES), VALUES, max_size=4))
    url = _url(get_rule, ids)
    response = client.get(url, query_string=query)
    assert response.status_code < 500, (email, url, query)
