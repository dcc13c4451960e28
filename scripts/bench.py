"""``make bench``: every page kind, the htmx fragments and the main forms, on PostgreSQL with the
demo data at 1× and 100×, served by gunicorn as in the README's production section.

A throwaway PostgreSQL cluster (tests/pg.py) with a database per scale, migrated and seeded; a
gunicorn per scale serves it on 127.0.0.1, all at once, and the cases are measured in rounds (each
round asks every case once at each scale in turn, so noise from the shared machine spreads over
all of them and both scales alike): median and p95 latency, SQL statements per request
(the ``X-SQL-Statements`` header that ``IWEMPLOYER_COUNT_STATEMENTS`` turns on) and HTML size.
Every response is checked for its status and a text of the real page. Then throughput with
concurrent clients for the busiest pages. Latency and throughput are judged as ratios to
``/healthz`` in the same run: absolute times on a shared machine are noise.

Loops are bounded in count and time; traffic goes only to loopback; the server and the cluster
are removed at the end. Exit status 1 when a target is missed (the table and JSON are written
anyway).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import brotli
import pyotp
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from iwemployer.mfa.demo import DEMO_TOTP_SECRET  # noqa: E402
from iwemployer.models import (  # noqa: E402
    ActionPlan,
    EmployerRequest,
    Enterprise,
    PlanActivity,
    PlanTheme,
    User,
)
from iwemployer.seed import DEMO_PASSWORD  # noqa: E402
from tests.pg import create_database, postgres_cluster  # noqa: E402

BIN = Path(sys.executable).parent
MANAGER = "leder@nordlys.example"
ADVISER = "radgiver.oslo@nav.example"
ADMIN = "admin@nav.example"
HEALTHZ = "health check"
STATEMENTS_HEADER = "X-SQL-Statements"

# Targets (issue 8), judged at the largest scale against the smallest.
MAX_SCALE_RATIO = 1.3
MAX_HEALTHZ_RATIO = 5.0
MAX_KB = 150
MIN_THROUGHPUT = {"enterprise home": 0.25, "plan page": 0.15, "inbox": 0.15}


@dataclass(frozen=True)
class Form:
    """A form to send: found on ``page`` by its ``action``; ``values(defaults, i)`` gives what the
    i-th send changes (the page's own hidden fields, CSRF token included, are kept)."""

    page: str
    values: Callable[[dict[str, str], int], dict[str, str]]


@dataclass(frozen=True)
class Case:
    name: str
    user: str | None
    path: str  # with {enterprise}, {plan}, {activity}, {request}, {user} filled from ids()
    marker: str  # a text of the real page (nb), so a sign-in or error page is a failure
    htmx: bool = False
    form: Form | None = None
    status: int = 200

    @property
    def kind(self) -> str:
        return "form" if self.form else "fragment" if self.htmx else "page"

    def url(self, ids: dict[str, int]) -> str:
        return self.path.format(**ids)


def _toggle_status(defaults: dict[str, str], i: int) -> dict[str, str]:
    key = next(k for k in defaults if k.endswith("-status"))
    return {key: "in_progress" if i % 2 else "done"}


PLAN = "/enterprises/{enterprise}/plans/{plan}"
CASES = [
    Case(HEALTHZ, None, "/healthz", "ok"),
    Case("sign-in page", None, "/sign-in", "Logg inn"),
    Case("enterprise home", MANAGER, "/enterprises/{enterprise}", "Oppgaver for deg"),
    Case("plan page", MANAGER, PLAN, "Handlingsplan"),
    Case("plan timeline", MANAGER, PLAN + "/timeline", "versjon 2", htmx=True),
    Case("plan summary", MANAGER, PLAN + "/summary", "Bekreftelse av planen", htmx=True),
    Case("activity row", MANAGER, PLAN + "/activities/{activity}", "Ansvarlig", htmx=True),
    Case("requests list", MANAGER, "/enterprises/{enterprise}/requests", "Henvendelser"),
    Case("request", MANAGER, "/enterprises/{enterprise}/requests/{request}", "Samtale"),
    Case("notifications", MANAGER, "/notifications", "Varsler"),
    Case("notification badge", MANAGER, "/notifications/badge", "Varsler", htmx=True),
    Case("training", MANAGER, "/enterprises/{enterprise}/training", "Kurs"),
    Case("subsidies", MANAGER, "/enterprises/{enterprise}/subsidies", "Tilskudd"),
    Case("statistics", MANAGER, "/enterprises/{enterprise}/statistics", "Sykefravær"),
    Case("meetings", MANAGER, "/enterprises/{enterprise}/meetings", "Møter"),
    Case("plans overview (adviser)", ADVISER, "/plans/overview", "Handlingsplaner"),
    Case("plans overview (adviser, all)", ADVISER, "/plans/overview?show=all", "Handlingsplaner"),
    Case("inbox", ADVISER, "/inbox", "Henvendelser"),
    Case("inbox, all statuses", ADVISER, "/inbox?status=all", "Henvendelser"),
    Case("inbox badge", ADVISER, "/inbox/badge", "ulest", htmx=True),
    Case("inbox request", ADVISER, "/inbox/{request}", "Samtale"),
    Case("adviser's enterprises", ADVISER, "/adviser/enterprises", "Mine virksomheter"),
    Case("adviser search", ADVISER, "/adviser/enterprises?q=nord", "Nordlys", htmx=True),
    Case("cooperation (adviser)", ADVISER, "/adviser/cooperation", "Møter og pålegg"),
    Case("courses (adviser)", ADVISER, "/centre/courses", "Kurs"),
    Case("subsidies (adviser)", ADVISER, "/subsidies", "Tilskudd"),
    Case("centre report", ADVISER, "/statistics/report", "Rapport"),
    Case("plans overview (administrator)", ADMIN, "/plans/overview", "Handlingsplaner"),
    Case("enterprises (administrator)", ADMIN, "/admin/enterprises", "Virksomheter"),
    Case("enterprise (administrator)", ADMIN, "/admin/enterprises/{enterprise}", "Nordlys"),
    Case("users (administrator)", ADMIN, "/admin/users", "Brukere"),
    Case("user (administrator)", ADMIN, "/admin/users/{user}", "leder@nordlys.example"),
    Case(
        "enterprise suggestions",
        ADMIN,
        "/admin/suggestions/enterprises?enterprise=nord",
        "Nordlys",
        htmx=True,
    ),
    Case(
        "activity status (POST)",
        MANAGER,
        PLAN + "/activities/{activity}/status",
        "Status",
        htmx=True,
        form=Form(PLAN, _toggle_status),
    ),
    Case(
        "inbox reply (POST)",
        ADVISER,
        "/inbox/{request}/messages",
        "Samtale",
        status=303,
        form=Form("/inbox/{request}", lambda _d, i: {"body": f"Benchmark reply {i}."}),
    ),
]
THROUGHPUT = [HEALTHZ, "enterprise home", "plan page", "inbox"]


def ids(session: Session) -> dict[str, int]:
    """The demo records the case paths name, looked up by the demo's own names."""
    nordlys = session.scalars(
        select(Enterprise.id).where(Enterprise.name == "Nordlys Omsorg AS")
    ).one()
    plan = session.scalars(
        select(ActionPlan.id).where(ActionPlan.enterprise_id == nordlys).order_by(ActionPlan.id)
    ).first()
    activity = session.scalars(
        select(PlanActivity.id)
        .join(PlanTheme)
        .where(PlanTheme.plan_id == plan)
        .order_by(PlanActivity.id)
    ).first()
    request = session.scalars(
        select(EmployerRequest.id)
        .where(EmployerRequest.enterprise_id == nordlys)
        .order_by(EmployerRequest.created_at.desc())
    ).first()
    user = session.scalars(select(User.id).where(User.email == MANAGER)).one()
    assert plan and activity and request
    return {
        "enterprise": nordlys,
        "plan": plan,
        "activity": activity,
        "request": request,
        "user": user,
    }


# --- forms, as a browser reads them ----------------------------------------------------------


class _Forms(HTMLParser):
    """Each form's action and the values a browser would send without the user's input."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._current = self.forms.setdefault(a.get("action", ""), {})
        elif self._current is None:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "checkbox"):
            self._current[a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif (
            tag == "option"
            and self._select
            and ("selected" in a or self._select not in self._current)
        ):
            self._current[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def form_values(page: str, action: str) -> dict[str, str]:
    parser = _Forms()
    parser.feed(page)
    found = parser.forms.get(action)
    assert found is not None, f"no form posting to {action}"
    return found


def check(case: Case, status: int, body: str) -> str | None:
    """What is wrong with a response (None: the expected status and the page's marker)."""
    if status != case.status:
        return f"status {status}, expected {case.status}"
    if case.status == 200 and case.marker not in body:
        return f"no {case.marker!r} in the response"
    return None


# --- HTTP, as a browser behind the production proxy --------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: str
    ms: float


class Browser:
    """One person's cookies; every request on a fresh connection (gunicorn's sync workers close
    them), with the headers the TLS-terminating proxy would add (IWEMPLOYER_PROXY_HOPS=1)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def sent_headers(self) -> dict[str, str]:
        """What the person's browser and the proxy send with every request: the language, the
        proxy's headers and the cookies."""
        headers = {
            "Accept-Language": "nb",
            "X-Forwarded-For": "127.0.0.1",
            "X-Forwarded-Proto": "https",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, htmx: bool = False
    ) -> Reply:
        headers = {**self.sent_headers(), "Accept-Encoding": "br, gzip"}
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # Over HTTPS the CSRF check wants the same-origin Referer a browser sends.
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            start = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            ms = (time.perf_counter() - start) * 1000
        finally:
            conn.close()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";")[0].partition("=")
            self.cookies[name] = value
        encoding = response.getheader("Content-Encoding")
        if encoding == "br":
            raw = brotli.decompress(raw)
        elif encoding == "gzip":
            import gzip

            raw = gzip.decompress(raw)
        return Reply(response.status, response.msg, raw.decode(), ms)

    def sign_in(self, email: str) -> None:
        page = self.request("GET", "/sign-in").body
        form = form_values(page, "/sign-in")
        reply = self.request(
            "POST", "/sign-in", {**form, "email": email, "password": DEMO_PASSWORD}
        )
        location = reply.headers.get("Location", "")
        if reply.status == 303 and "/sign-in/code" in location:
            path = location[location.index("/sign-in/code") :]
            form = form_values(self.request("GET", path).body, path)
            code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
            reply = self.request("POST", path, {**form, "code": code})
        assert reply.status == 303 and "/sign-in" not in reply.headers.get("Location", ""), (
            f"sign-in failed for {email}: {reply.status} {reply.headers.get('Location')}"
        )


def send(browser: Browser, case: Case, ids: dict[str, int], i: int) -> Reply:
    """One measured request of the case (a form: its page read first, untimed, as a browser)."""
    url = case.url(ids)
    if case.form is None:
        return browser.request("GET", url, htmx=case.htmx)
    page = browser.request("GET", case.form.page.format(**ids)).body
    defaults = form_values(page, url)
    values = {**defaults, **case.form.values(defaults, i)}
    return browser.request("POST", url, values, htmx=case.htmx)


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Measured:
    latencies: list[float] = field(default_factory=list)
    statements: int | None = None
    kb: float = 0.0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        return {
            "median_ms": round(statistics.median(ordered), 2) if ordered else None,
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2)
            if ordered
            else None,
            "requests": len(ordered),
            "statements": self.statements,
            "kb": round(self.kb, 1),
            "errors": self.errors[:5],
        }


def measure_latency(
    servers: dict[str, dict[str | None, Browser]],
    ids: dict[str, dict[str, int]],
    rounds: int,
    warmup: int,
) -> dict[str, dict[str, Measured]]:
    """Every case at every scale, ``servers`` being each scale's signed-in browsers. Each round
    asks every case once at each scale in turn, so a slow moment of the shared machine falls on
    both scales alike rather than on whichever was measured then."""
    measured = {scale: {case.name: Measured() for case in CASES} for scale in servers}
    for r in range(warmup + rounds):
        for case in CASES:
            for scale, browsers in servers.items():
                reply = send(browsers[case.user], case, ids[scale], r)
                m = measured[scale][case.name]
                problem = check(case, reply.status, reply.body)
                if problem:
                    m.errors.append(problem)
                if r < warmup:
                    continue
                m.latencies.append(reply.ms)
                count = reply.headers.get(STATEMENTS_HEADER)
                m.statements = int(count) if count is not None else None
                m.kb = max(m.kb, len(reply.body.encode()) / 1024)
    return measured


def load(
    browser: Browser, case: Case, ids: dict[str, int], seconds: float, clients: int
) -> dict[str, Any]:
    """Requests per second with ``clients`` concurrent clients asking for the case in a loop."""
    done: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        n = 0
        while time.monotonic() < deadline:
            reply = send(browser, case, ids, n)
            problem = check(case, reply.status, reply.body)
            n += 1
            if problem:
                with lock:
                    failures.append(problem)
        with lock:
            done.append(n)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"requests_per_s": round(sum(done) / elapsed, 1), "errors": failures[:5]}


# --- judging and reporting ---------------------------------------------------------------------


def evaluate(run: dict[str, Any]) -> dict[str, Any]:
    """Each case's figures across scales and the targets it meets, from a run's raw results
    (``run["scales"]``: {scale: {"latency": {case: summary}, "throughput": {case: ...}}})."""
    scales = sorted(run["scales"], key=int)
    small, large = scales[0], scales[-1]
    rows = []
    for case in CASES:
        per = {s: run["scales"][s]["latency"][case.name] for s in scales}
        health = run["scales"][large]["latency"][HEALTHZ]["median_ms"]
        top = per[large]
        misses = []
        if any(p["errors"] for p in per.values()):
            misses.append("wrong response")
        scale_ratio = healthz_ratio = None
        if top["median_ms"] and per[small]["median_ms"]:
            scale_ratio = top["median_ms"] / per[small]["median_ms"]
            healthz_ratio = top["median_ms"] / health
            if len(scales) > 1 and case.name != HEALTHZ and scale_ratio > MAX_SCALE_RATIO:
                misses.append(f"{large}×/{small}× > {MAX_SCALE_RATIO}")
            if case.kind != "form" and healthz_ratio > MAX_HEALTHZ_RATIO:
                misses.append(f"> {MAX_HEALTHZ_RATIO:g}× healthz")
        if max(p["kb"] for p in per.values()) > MAX_KB:
            misses.append(f"> {MAX_KB} KB")
        throughput = None
        if case.name in MIN_THROUGHPUT:
            tp = run["scales"][large]["throughput"]
            throughput = tp[case.name]["requests_per_s"] / tp[HEALTHZ]["requests_per_s"]
            if throughput < MIN_THROUGHPUT[case.name]:
                misses.append(f"throughput < {MIN_THROUGHPUT[case.name]:.0%} of healthz")
            if tp[case.name]["errors"]:
                misses.append("wrong response under load")
        rows.append(
            {
                "case": case.name,
                "kind": case.kind,
                "statements": {s: per[s]["statements"] for s in scales},
                "median_ms": {s: per[s]["median_ms"] for s in scales},
                "p95_ms": {s: per[s]["p95_ms"] for s in scales},
                "scale_ratio": round(scale_ratio, 2) if scale_ratio else None,
                "healthz_ratio": round(healthz_ratio, 2) if healthz_ratio else None,
                "throughput_ratio": round(throughput, 2) if throughput is not None else None,
                "kb": top["kb"],
                # A list shows a few rows at 1× and a full page at 100×: the HTML at each scale
                # says how much of a ratio is rendering more rows rather than reading more data.
                "kb_by_scale": {s: per[s]["kb"] for s in scales},
                "misses": misses,
            }
        )
    return {
        "small": small,
        "large": large,
        "rows": rows,
        "passed": not any(r["misses"] for r in rows),
    }


def table(judged: dict[str, Any]) -> str:
    """A Markdown table (for the terminal and the README)."""
    s, la = judged["small"], judged["large"]
    head = (
        f"| case | statements {s}×/{la}× | median ms {s}×/{la}× | p95 ms {la}× | {la}×/{s}× "
        f"| × healthz | throughput / healthz | KB {s}×/{la}× | result |"
    )
    lines = [head, "|" + "---|" * 9]

    def num(v: float | None, fmt: str = ".1f") -> str:
        return "–" if v is None else format(v, fmt)

    for r in judged["rows"]:
        st, md = r["statements"], r["median_ms"]
        tp = r["throughput_ratio"]
        result = "pass" if not r["misses"] else "FAIL: " + "; ".join(r["misses"])
        cells = [
            r["case"],
            f"{num(st[s], 'd')} / {num(st[la], 'd')}",
            f"{num(md[s])} / {num(md[la])}",
            num(r["p95_ms"][la]),
            num(r["scale_ratio"], ".2f"),
            num(r["healthz_ratio"]),
            "–" if tp is None else format(tp, ".0%"),
            f"{num(r['kb_by_scale'][s])} / {num(r['kb_by_scale'][la])}",
            result,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_json(path: Path, run: dict[str, Any], judged: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**run, "judged": judged}, indent=1, ensure_ascii=False) + "\n")


# --- the server --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str, port: int) -> dict[str, str]:
    """The README's production settings, except: no Redis here (memory:// limits, per worker),
    no mail server (mail waits in the outbox; nothing sends it), the statement header on, and an
    environment name other than "production", which refuses the demo's published TOTP secret
    and the statement header."""
    return dict(
        os.environ,
        IWEMPLOYER_ENV_NAME="benchmark",
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=database_url,
        IWEMPLOYER_PROXY_HOPS="1",
        IWEMPLOYER_PUBLIC_BASE_URL="https://127.0.0.1",
        IWEMPLOYER_TRUSTED_HOSTS='["127.0.0.1"]',
        IWEMPLOYER_RATELIMIT_STORAGE_URI="memory://",
        IWEMPLOYER_COUNT_STATEMENTS="1",
        PORT=str(port),
    )


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int) -> Iterator[None]:
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if Browser(port).request("GET", "/healthz").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def flask(env: dict[str, str], *args: str) -> float:
    started = time.monotonic()
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def analyze(database_url: str) -> None:
    """Fresh planner statistics, as autovacuum keeps them on a database in use (right after a bulk
    load they are missing, and the plans would be ones production never sees)."""
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def prepare(server: str, scale: int, port: int) -> tuple[str, float, dict[str, int]]:
    """A database of its own for ``scale``: migrated, seeded (grown N-fold through the services
    above 1×) and analysed; its URL, the seconds seeding took and the demo records' ids."""
    database_url = create_database(server, f"iwemployer_bench_{scale}")
    env = server_env(database_url, port)
    flask(env, "migrate")
    seconds = flask(env, "seed")
    if scale > 1:
        # Seeding is idempotent and grows what is there: N× is 1× plus what is missing.
        seconds += flask(env, "seed", "--scale", str(scale))
    analyze(database_url)
    engine = create_engine(database_url)
    with Session(engine) as session:
        found = ids(session)
    engine.dispose()
    return database_url, seconds, found


def signed_in(port: int) -> dict[str | None, Browser]:
    browsers: dict[str | None, Browser] = {None: Browser(port)}
    for email in {c.user for c in CASES if c.user}:
        browsers[email] = Browser(port)
        browsers[email].sign_in(email)
    return browsers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,100", help="data sizes, e.g. 1,100 or 1,10")
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    parser.add_argument("--json", default=str(ROOT / "docs" / "bench-results.json"), type=Path)
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        help="the first scale's gunicorn port, the next scale's one more (default: free ones)",
    )
    parser.add_argument("--workers", type=int, default=4, help="as the README's production section")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients for throughput")
    args = parser.parse_args(argv)
    # Sixty rounds: at thirty, two runs of the same code moved a ratio by ±0.1.
    args.rounds, args.warmup, args.seconds = (8, 2, 3.0) if args.quick else (60, 5, 10.0)
    scales = sorted({int(s) for s in args.scales.split(",")})
    run: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "settings": {
            "rounds": args.rounds,
            "warmup": args.warmup,
            "throughput_seconds": args.seconds,
            "clients": args.clients,
            "workers": args.workers,
        },
        "scales": {},
    }
    with postgres_cluster() as server, ExitStack() as servers:
        ports = {
            str(scale): (args.port + i if args.port else _free_port())
            for i, scale in enumerate(scales)
        }
        prepared = {}
        for scale in scales:
            prepared[str(scale)] = prepare(server, scale, ports[str(scale)])
            print(f"{scale}×: seeded in {prepared[str(scale)][1]:.0f} s", file=sys.stderr)
        # Every scale is served at once (gunicorn each), so the rounds can alternate between them.
        for scale, (database_url, _seconds, _ids) in prepared.items():
            env = server_env(database_url, ports[scale])
            servers.enter_context(gunicorn(env, ports[scale], args.workers))
        browsers = {scale: signed_in(ports[scale]) for scale in prepared}
        found = {scale: p[2] for scale, p in prepared.items()}
        print("measuring", file=sys.stderr)
        latency = measure_latency(browsers, found, args.rounds, args.warmup)
        by_name = {c.name: c for c in CASES}
        for scale, (_url, seconds, _ids) in prepared.items():
            # Throughput one scale at a time: concurrent clients on both would share the cores.
            throughput = {
                name: load(
                    browsers[scale][by_name[name].user],
                    by_name[name],
                    found[scale],
                    args.seconds,
                    args.clients,
                )
                for name in THROUGHPUT
            }
            run["scales"][scale] = {
                "seed_seconds": round(seconds, 1),
                "latency": {name: m.summary() for name, m in latency[scale].items()},
                "throughput": throughput,
            }
    run["machine"]["load_average_after"] = os.getloadavg()
    judged = evaluate(run)
    write_json(args.json, run, judged)
    print(table(judged))
    print(f"\n{'all targets met' if judged['passed'] else 'targets missed'}; written {args.json}")
    return 0 if judged["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
