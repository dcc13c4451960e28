"""Point 9 of the reliability issue: a database that accepts connections but never answers
makes /healthz say 503 within seconds, and a statement that runs too long is stopped."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from iwemployer import create_app
from iwemployer.extensions import db
from tests.conftest import BACKEND


@pytest.fixture
def hung_port() -> Iterator[int]:
    """A server that accepts TCP connections and then never says a word (a frozen database)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def test_healthz_answers_503_within_seconds_when_the_database_hangs(hung_port: int) -> None:
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": "test",
            "DATABASE_URL": f"postgresql+psycopg://iw@127.0.0.1:{hung_port}/iw",
        }
    )
    started = time.monotonic()
    response = app.test_client().get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert elapsed < app.config["HEALTHZ_TIMEOUT"] + 2


@pytest.mark.skipif(BACKEND != "postgresql", reason="statement_timeout is PostgreSQL's")
def test_a_statement_over_the_limit_is_stopped(database_url: str) -> None:
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": "test",
            "DATABASE_URL": database_url,
            "DATABASE_STATEMENT_TIMEOUT": 0.5,
        }
    )
    started = time.monotonic()
    with db.new_session(app) as session, pytest.raises(OperationalError):
        session.execute(text("SELECT pg_sleep(5)"))
    assert time.monotonic() - started < 3


def test_the_limits_are_settings(app: Flask) -> None:
    for key in (
        "DATABASE_CONNECT_TIMEOUT",
        "DATABASE_STATEMENT_TIMEOUT",
        "DATABASE_BUSY_TIMEOUT",
        "HEALTHZ_TIMEOUT",
    ):
        assert app.config[key] > 0
