"""Extensions are created once here and bound to the app in ``create_app``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# Limits are attached to the sign-in view only; storage comes from RATELIMIT_STORAGE_URI.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class Database:
    """One engine and a request-scoped session per app.

    Plain SQLAlchemy 2.x (no Flask-SQLAlchemy) keeps models and services free of any
    framework base class, so the service layer runs on a bare ``Session`` in tests.
    """

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session = scoped_session(sessionmaker(expire_on_commit=False))

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        kwargs: dict[str, object] = {"pool_pre_ping": True}
        if url.startswith("sqlite"):
            kwargs = {"connect_args": {"timeout": 15}}
        self.engine = create_engine(url, **kwargs)  # type: ignore[arg-type]
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.session.configure(bind=self.engine)
        app.teardown_appcontext(self._remove)

    def _remove(self, _exc: BaseException | None) -> None:
        self.session.remove()

    @contextmanager
    def new_session(self) -> Iterator[Session]:
        """A session outside the request scope (CLI, background work)."""
        session = Session(self.engine, expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # SQLite ignores foreign keys unless told; WAL lets the browser-test server read while writing.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


db = Database()
