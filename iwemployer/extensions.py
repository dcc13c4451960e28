"""Extensions are created once here and bound to the app in ``create_app``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker
from sqlalchemy.pool import NullPool

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# Limits are attached to the sign-in view only; storage comes from RATELIMIT_STORAGE_URI.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


ENGINE_KEY = "iwemployer.engine"
HEALTH_ENGINE_KEY = "iwemployer.health_engine"


def _postgres_limits(connect_seconds: float, statement_seconds: float) -> dict[str, Any]:
    return {
        "connect_timeout": max(1, round(connect_seconds)),
        "options": f"-c statement_timeout={round(statement_seconds * 1000)}",
    }


class _AppBoundSession(Session):
    """Binds to the current app's engine, so several apps (tests, tools) share one process."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Engine:
        return db.engine_for()


class Database:
    """One engine per app and a request-scoped session.

    Plain SQLAlchemy 2.x (no Flask-SQLAlchemy) keeps models and services free of any
    framework base class, so the service layer runs on a bare ``Session`` in tests.
    """

    def __init__(self) -> None:
        self.session = scoped_session(sessionmaker(class_=_AppBoundSession, expire_on_commit=False))

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        if url.startswith("sqlite"):
            busy = app.config["DATABASE_BUSY_TIMEOUT"]
            engine = create_engine(url, connect_args={"timeout": busy})
            _private_file(engine.url.database)
            event.listen(engine, "connect", _sqlite_pragmas)
            health = engine
        else:
            # A database that stops answering must not hold a worker: connecting and every
            # statement have time limits, and so does waiting for a pooled connection.
            engine = create_engine(
                url,
                pool_pre_ping=True,
                pool_timeout=app.config["DATABASE_CONNECT_TIMEOUT"],
                connect_args=_postgres_limits(
                    app.config["DATABASE_CONNECT_TIMEOUT"],
                    app.config["DATABASE_STATEMENT_TIMEOUT"],
                ),
            )
            # /healthz connects afresh with short limits, so it answers within seconds even
            # when the pooled connections hang.
            health = create_engine(
                url,
                poolclass=NullPool,
                connect_args=_postgres_limits(
                    app.config["HEALTHZ_TIMEOUT"], app.config["HEALTHZ_TIMEOUT"]
                ),
            )
        app.extensions[ENGINE_KEY] = engine
        app.extensions[HEALTH_ENGINE_KEY] = health
        app.teardown_appcontext(self._remove)

    def engine_for(self, app: Flask | None = None) -> Engine:
        engine: Engine = (app or current_app).extensions[ENGINE_KEY]
        return engine

    @property
    def engine(self) -> Engine:
        return self.engine_for()

    def _remove(self, _exc: BaseException | None) -> None:
        self.session.remove()

    @contextmanager
    def new_session(self, app: Flask | None = None) -> Iterator[Session]:
        """A session outside the request scope (CLI, health checks, tests)."""
        session = Session(self.engine_for(app), expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()


def _private_file(path: str | None) -> None:
    """The database file readable by its owner only (SQLite gives its -wal and -shm files the
    same mode); it holds every enterprise's data."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        return  # SQLite reports the missing folder when it first connects
    if os.path.exists(path):
        # Never open and close an existing database file here: closing any descriptor of it
        # drops the POSIX locks this process's SQLite connections hold (disk I/O errors).
        os.chmod(path, 0o600)
        return
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # SQLite ignores foreign keys unless told; WAL lets the browser-test server read while writing.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL never corrupts the file; it only syncs at checkpoints (much faster commits).
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's own lower() folds ASCII only; searches must match Æ/æ, Ø/ø, Å/å as PostgreSQL does.
    dbapi_connection.create_function(  # type: ignore[attr-defined]
        "lower", 1, lambda s: s.lower() if isinstance(s, str) else s, deterministic=True
    )


db = Database()
