"""Benchmarks with targets: serves the app with gunicorn on loopback and measures key pages.

Run with `make bench`. Traffic goes only to 127.0.0.1, the loops are bounded in count and time,
and the server is stopped at the end. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REQUESTS_PER_CASE = 400
CONCURRENCY = 8
TIME_LIMIT_S = 30.0


@dataclass(frozen=True)
class Case:
    name: str
    user: str | None
    path: str
    htmx: bool
    # Targets on a 2-core machine with client and server sharing the cores.
    p95_ms: float
    min_rps: float


CASES = [
    Case("sign-in page (public)", None, "/sign-in", False, 60, 150),
    Case("enterprise home (manager)", "leder@nordlys.example", "/enterprises/1", False, 120, 80),
    Case(
        "adviser list (page)", "radgiver.oslo@nav.example", "/adviser/enterprises", False, 150, 60
    ),
    Case(
        "adviser search (htmx fragment)",
        "radgiver.oslo@nav.example",
        "/adviser/enterprises?q=nord",
        True,
        120,
        80,
    ),
    Case(
        "action plan (manager)", "leder@nordlys.example", "/enterprises/1/plans/1", False, 250, 30
    ),
    Case("requests inbox (adviser)", "radgiver.oslo@nav.example", "/inbox", False, 150, 60),
    Case("health check", None, "/healthz", False, 40, 300),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(
    port: int, method: str, path: str, headers: dict[str, str], body: str | None = None
) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def _sign_in(port: int, email: str) -> str:
    status, headers, page = _request(port, "GET", "/sign-in", {"Accept-Language": "nb"})
    cookie = headers["Set-Cookie"].split(";")[0]
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token on the sign-in page"
    form = urlencode(
        {"csrf_token": match.group(1), "email": email, "password": "Demo-passord-2026"}
    )
    status, headers, _ = _request(
        port,
        "POST",
        "/sign-in",
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        form,
    )
    assert status == 303, f"sign-in failed for {email}: {status}"
    return headers["Set-Cookie"].split(";")[0]


def _measure(port: int, case: Case, cookie: str | None) -> tuple[list[float], float, int]:
    headers = {"Accept-Language": "nb"}
    if cookie:
        headers["Cookie"] = cookie
    if case.htmx:
        headers["HX-Request"] = "true"
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = iter(range(REQUESTS_PER_CASE))
    deadline = time.monotonic() + TIME_LIMIT_S

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                if next(remaining, None) is None:
                    break
            start = time.perf_counter()
            conn.request("GET", case.path, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, len(latencies) / (time.perf_counter() - started), errors


def main() -> int:
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
            IWEMPLOYER_ENV_NAME="development",
            IWEMPLOYER_SIGNIN_FAILURE_LIMIT="1000/minute",
        )
        flask = [str(BIN / "flask"), "--app", "wsgi"]
        subprocess.run([*flask, "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([*flask, "seed"], cwd=ROOT, env=env, check=True, capture_output=True)
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-w",
                "2",
                "--threads",
                "4",
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            for _ in range(100):
                try:
                    if _request(port, "GET", "/healthz", {})[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            cookies = {email: _sign_in(port, email) for email in {c.user for c in CASES if c.user}}
            failed = False
            print(f"{'case':34} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}  target")
            for case in CASES:
                latencies, rps, errors = _measure(port, case, cookies.get(case.user or ""))
                p50 = statistics.median(latencies)
                p95 = statistics.quantiles(latencies, n=20)[18]
                ok = p95 <= case.p95_ms and rps >= case.min_rps and errors == 0
                failed |= not ok
                print(
                    f"{case.name:34} {p50:8.1f} {p95:8.1f} {rps:8.0f}  "
                    f"p95≤{case.p95_ms:.0f} ms, ≥{case.min_rps:.0f}/s "
                    f"{'PASS' if ok else 'FAIL'}{f' ({errors} errors)' if errors else ''}"
                )
            return 1 if failed else 0
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
