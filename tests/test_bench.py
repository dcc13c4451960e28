"""The benchmark's pieces (scripts/bench.py), without timing anything: every case answers with
its status and marker in the test app, the judging and the table and JSON it writes, and the
statement header the bench reads."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from iwemployer import create_app
from iwemployer.statement_count import HEADER
from scripts import bench
from tests.conftest import WebClient, World
from tests.statements import count_statements


def test_every_case_answers_with_its_marker(
    world: World, make_client: Callable[[], WebClient]
) -> None:
    ids = bench.ids(world.session)
    clients: dict[str | None, WebClient] = {}
    problems = {}
    for case in bench.CASES:
        if case.user not in clients:
            clients[case.user] = make_client()
            if case.user:
                clients[case.user].login_as(world.user(case.user))
        client = clients[case.user]
        url = case.url(ids)
        headers = {"HX-Request": "true"} if case.htmx else {}
        if case.form is None:
            response = client.raw.get(url, headers=headers)
        else:
            page = client.get(case.form.page.format(**ids)).text
            defaults = bench.form_values(page, url)
            values = {**defaults, **case.form.values(defaults, 0)}
            response = client.raw.post(url, data=values, headers=headers)
        problem = bench.check(case, response.status_code, response.text)
        if problem:
            problems[case.name] = problem
    assert not problems


@pytest.fixture
def counting_app(app: Flask) -> Flask:
    return create_app({**app.config, "COUNT_STATEMENTS": True})


def test_statement_header_only_when_asked(
    app: Flask, counting_app: Flask, world: World, database_url: str
) -> None:
    manager = world.user(bench.MANAGER)
    counting = WebClient(counting_app)
    counting.login_as(manager)
    page = counting.get(f"/enterprises/{world.nordlys.id}")
    assert page.status_code == 200
    # Session, user and the page's own reads: as many as tests/statements.py counts.
    with count_statements(counting_app) as seen:
        again = counting.get(f"/enterprises/{world.nordlys.id}")
    assert int(again.headers[HEADER]) == seen.count > 0
    plain = WebClient(app)
    plain.login_as(manager)
    assert HEADER not in plain.get(f"/enterprises/{world.nordlys.id}").headers
    with pytest.raises(RuntimeError, match="COUNT_STATEMENTS"):
        create_app(
            {
                "ENV_NAME": "production",
                "SECRET_KEY": "k9#Lq2!vX8@mZ4$wR7^tB1&nC6*pD3(eF5)",
                "MAIL_SERVER": "smtp.example",
                "PUBLIC_BASE_URL": "https://iw.example",
                "DATABASE_URL": database_url,
                "COUNT_STATEMENTS": True,
            }
        )


def _summary(median: float, statements: int = 5, kb: float = 10.0) -> dict[str, object]:
    return {
        "median_ms": median,
        "p95_ms": median * 2,
        "requests": 30,
        "statements": statements,
        "kb": kb,
        "errors": [],
    }


def _run(large: dict[str, dict[str, object]]) -> dict[str, object]:
    small = {c.name: _summary(2.0 if c.name == bench.HEALTHZ else 10.0) for c in bench.CASES}
    big = {**{c.name: _summary(2.0 if c.name == bench.HEALTHZ else 10.0) for c in bench.CASES}}
    big.update(large)
    tp = {name: {"requests_per_s": 100.0, "errors": []} for name in bench.THROUGHPUT}
    return {
        "scales": {
            "1": {"latency": small, "throughput": tp},
            "100": {"latency": big, "throughput": tp},
        }
    }


def test_targets_judged_and_written(tmp_path: Path) -> None:
    judged = bench.evaluate(_run({}))
    assert judged["passed"] and (judged["small"], judged["large"]) == ("1", "100")
    slow = _run(
        {
            "plan page": _summary(14.0),  # 1.4× its 1× median
            "inbox": _summary(11.0, kb=151.0),  # over 150 KB
            "enterprise home": _summary(12.0),  # 6× healthz
        }
    )
    judged = bench.evaluate(slow)
    misses = {r["case"]: r["misses"] for r in judged["rows"] if r["misses"]}
    assert not judged["passed"]
    assert misses == {
        "plan page": ["100×/1× > 1.3", "> 5× healthz"],
        "inbox": ["> 5× healthz", "> 150 KB"],
        "enterprise home": ["> 5× healthz"],
    }
    table = bench.table(judged)
    assert table.count("\n") == len(bench.CASES) + 1
    row = "| plan page | 5 / 5 | 10.0 / 14.0 | 28.0 | 1.40 | 7.0 | 100% | 10.0 / 10.0 | FAIL"
    assert row in table
    path = tmp_path / "results.json"
    bench.write_json(path, slow, judged)
    assert json.loads(path.read_text())["judged"]["passed"] is False


def test_forms_read_as_a_browser_sends_them() -> None:
    page = """<form method="post" action="/a"><input type="hidden" name="csrf_token" value="t">
    <select name="s"><option value="x">X</option><option value="y" selected>Y</option></select>
    <input type="checkbox" name="c" value="1"><button type="submit" name="go">Go</button></form>
    <form method="post" action="/b"><input name="q" value="1"></form>"""
    assert bench.form_values(page, "/a") == {"csrf_token": "t", "s": "y"}
    assert bench.form_values(page, "/b") == {"q": "1"}
