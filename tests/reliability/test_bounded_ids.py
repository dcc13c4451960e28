"""Point 4 of the reliability issue: ids of 2³¹ or more in any URL are a 404, never a 500."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.conftest import WebClient, World

HUGE = (2**31, 2**63, 10**30)


def _int_routes(app: Flask, method: str) -> list[str]:
    return sorted(
        {r.rule for r in app.url_map.iter_rules() if "<int:" in r.rule and method in r.methods}
    )


@pytest.mark.parametrize(
    "email", ["leder@nordlys.example", "radgiver.oslo@nav.example", "admin@nav.example"]
)
def test_huge_ids_in_every_route_are_404(
    app: Flask, world: World, make_client: object, email: str
) -> None:
    client: WebClient = make_client()  # type: ignore[operator]
    client.login_as(world.user(email))
    routes = _int_routes(app, "GET")
    assert len(routes) > 10
    for rule in _int_routes(app, "POST"):
        url = re.sub(r"<int:[^>]+>", str(2**63), rule)
        assert client.raw.post(url).status_code in (404, 405), url
    for rule in routes:
        for huge in HUGE:
            url = re.sub(r"<int:[^>]+>", str(huge), rule)
            assert client.get(url).status_code == 404, url
        # The largest id a column holds still reaches the view (and is simply not found).
        url = re.sub(r"<int:[^>]+>", str(2**31 - 1), rule)
        assert client.get(url).status_code in (403, 404), url
