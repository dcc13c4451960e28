"""Runs every area's access cases and checks that no route escapes the matrix."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from flask import Flask

from .access_matrix import PERSONAS, RouteCase
from .conftest import WebClient, World

PUBLIC = {
    ("static", "GET"),
    ("health.healthz", "GET"),
    ("auth.sign_in", "GET"),
    ("auth.sign_in", "POST"),
    ("auth.sign_out", "POST"),
    ("auth.accept_invitation", "GET"),
    ("auth.accept_invitation", "POST"),
    ("mail.forgot_password", "GET"),
    ("mail.forgot_password", "POST"),
    ("mail.reset_password", "GET"),
    ("mail.reset_password", "POST"),
    ("i18n.set_language", "POST"),
    # A calendar app cannot sign in: the feed's unguessable, revocable token is the credential.
    ("training.calendar_feed", "GET"),
}


def _collect() -> list[RouteCase]:
    cases: list[RouteCase] = []
    here = Path(__file__).parent
    for module in pkgutil.walk_packages([str(here)], prefix="tests."):
        if module.name.endswith(".access_cases"):
            cases.extend(importlib.import_module(module.name).CASES)
    return cases


CASES = _collect()
MATRIX = [
    pytest.param(
        case, persona, target, htmx, id=f"{case.id}-{persona}-{target}-{'hx' if htmx else 'plain'}"
    )
    for case in CASES
    for persona in PERSONAS
    for target in (("own", "foreign") if case.foreign else ("own",))
    for htmx in (False, True)
]


def test_every_route_is_public_or_in_the_matrix(app: Flask) -> None:
    covered = {(c.endpoint, c.method) for c in CASES}
    missing = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            key = (rule.endpoint, method)
            if key not in PUBLIC and key not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes neither public nor in the access matrix:\n" + "\n".join(missing)


def test_matrix_lists_no_route_that_does_not_exist(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {c.endpoint for c in CASES} <= endpoints


@pytest.mark.parametrize(("case", "persona", "target", "htmx"), MATRIX)
def test_access(
    world: World, client: WebClient, case: RouteCase, persona: str, target: str, htmx: bool
) -> None:
    email = PERSONAS[persona]
    if email is not None:
        client.login_as(world.user(email))
    builder = case.own if target == "own" else case.foreign
    assert builder is not None
    url, data = builder(world)
    if case.method == "GET":
        response = client.get(url, htmx=htmx)
    else:
        response = client.post(url, data, htmx=htmx)
    body = response.get_data(as_text=True)

    if email is None:
        if htmx:
            assert response.status_code == 401
            assert response.headers["HX-Redirect"].startswith("/sign-in")
        else:
            assert response.status_code in (302, 303)
            assert "/sign-in" in response.headers["Location"]
        return
    # A user never sees another enterprise's name, whatever the answer.
    if persona != "admin":
        assert world.fjellbygg.name not in body
    if target == "foreign" and persona != "admin":
        # Whoever may act here gets 404 for another enterprise; a role that may not act at all
        # is refused before the record is looked up.
        expected = {404} if persona in case.allowed else {403, 404}
        assert response.status_code in expected, body[:500]
    elif persona in case.allowed:
        assert response.status_code in case.ok_statuses, body[:500]
    elif persona in case.hidden_from:
        assert response.status_code == 404, body[:500]
    else:
        assert response.status_code == 403, body[:500]
    assert "Vary" in response.headers and "HX-Request" in response.headers["Vary"]
