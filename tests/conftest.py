"""Fixtures: a real database built by the migrations (SQLite file or throwaway PostgreSQL),
the app with CSRF on, signed-in clients, and small ``build_*`` helpers."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pyotp
import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from iwemployer import create_app
from iwemployer.auth.services import hash_password, start_session
from iwemployer.cli import upgrade_database
from iwemployer.extensions import db, limiter
from iwemployer.mfa.demo import DEMO_TOTP_SECRET
from iwemployer.models import (
    Base,
    Centre,
    CooperationAgreement,
    Enterprise,
    MemberRole,
    Membership,
    OutboxMail,
    SecondFactor,
    User,
    UserKind,
    utcnow,
)
from iwemployer.seed import DEMO_PASSWORD, seed_demo

from .pg import create_database, postgres_cluster

BACKEND = os.environ.get("IWEMPLOYER_TEST_DATABASE", "sqlite")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if BACKEND == "postgresql":
        with postgres_cluster() as server:
            url = create_database(server, "iwemployer_test")
            upgrade_database(url)
            yield url
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        upgrade_database(url)
        yield url


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return create_app(
        {
            "ENV_NAME": "testing",
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SESSION_COOKIE_SECURE": False,
            "PREFERRED_URL_SCHEME": "http",
            "SERVER_NAME": None,
            "PUBLIC_BASE_URL": "http://localhost",
        }
    )


def _wipe(app: Flask) -> None:
    with db.engine_for(app).begin() as conn:
        if conn.dialect.name == "postgresql":
            # One statement (a round trip per table costs more than the deleting). Fixed ids in
            # tests stay predictable: sequences restart with every test (setval: ALTER SEQUENCE
            # would rewrite the catalogue each time).
            conn.execute(text(_PG_WIPE))
            return
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


# Table names from our own metadata, not input.
_DELETES = " ".join(f"DELETE FROM {t.name};" for t in reversed(Base.metadata.sorted_tables))  # noqa: S608
_PG_WIPE = (
    f"DO $$ BEGIN {_DELETES} PERFORM setval(c.oid, 1, false) FROM pg_class c"
    " WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace; END $$"
)


@pytest.fixture(autouse=True)
def _clean(app: Flask) -> Iterator[None]:
    limiter.reset()
    yield
    db.session.remove()
    _wipe(app)


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A plain session for arranging and checking data.

    No app context is held open during a test: requests from the test client would share it,
    and with it ``g`` (the cached CSRF token) and the request-scoped database session.
    """
    with db.new_session(app) as s:
        yield s


@dataclass
class World:
    """The seeded demo data, by the names the tests use."""

    session: Session
    nordlys: Enterprise
    fjellbygg: Enterprise
    # The demo's dates count from the day it was seeded, which a run past midnight has left.
    seeded_on: date

    def user(self, email: str) -> User:
        user = self.session.scalar(select(User).where(User.email == email))
        assert user is not None, email
        return user


class Snapshot:
    """The demo data, seeded once per worker (seeding runs the services and hashes passwords)
    and restored before every test that asks for it.

    PostgreSQL keeps a copy of each table in a schema of its own and restores in one statement
    (a round trip per table costs more than the rows); SQLite inserts the rows kept here."""

    SCHEMA = "demo_snapshot"
    # Written by the database's triggers as the other rows are restored (migration 0026).
    TRIGGER_WRITTEN = frozenset({"report_stale"})

    def __init__(self, app: Flask, seeded_on: date) -> None:
        self.app = app
        self.seeded_on = seeded_on
        with db.engine_for(app).begin() as conn:
            self.tables = [
                (table, [dict(row) for row in conn.execute(table.select()).mappings()])
                for table in Base.metadata.sorted_tables
                if table.name not in self.TRIGGER_WRITTEN
            ]
            self.postgresql = conn.dialect.name == "postgresql"
            if self.postgresql:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {self.SCHEMA} CASCADE"))
                conn.execute(text(f"CREATE SCHEMA {self.SCHEMA}"))
                copies = []
                for table, rows in self.tables:
                    if rows:
                        conn.execute(
                            text(f"CREATE TABLE {self.SCHEMA}.{table.name} AS TABLE {table.name}")
                        )
                        copies.append(f"INSERT INTO {table.name} TABLE {self.SCHEMA}.{table.name};")
                        if "id" in table.c:
                            # New rows continue after the restored ids, as after seeding.
                            last = max(row["id"] for row in rows)
                            copies.append(f"PERFORM setval('{table.name}_id_seq', {last});")
                self.restore_statement = text(f"DO $$ BEGIN {' '.join(copies)} END $$")

    def restore(self) -> None:
        with db.engine_for(self.app).begin() as conn:
            if self.postgresql:
                conn.execute(self.restore_statement)
                return
            for table, rows in self.tables:
                if rows:
                    conn.execute(table.insert(), rows)


@pytest.fixture(scope="session")
def demo_snapshot(app: Flask) -> Snapshot:
    seeded_on = date.today()
    with db.new_session(app) as seeding:
        seed_demo(seeding, seeded_on)
        # The demo's own notifications queue mail; a test counts only the mail it causes.
        seeding.execute(delete(OutboxMail))
        seeding.commit()
    snapshot = Snapshot(app, seeded_on)
    _wipe(app)
    return snapshot


@pytest.fixture
def world(session: Session, demo_snapshot: Snapshot) -> World:
    demo_snapshot.restore()
    nordlys = session.scalar(select(Enterprise).where(Enterprise.name == "Nordlys Omsorg AS"))
    fjellbygg = session.scalar(select(Enterprise).where(Enterprise.name == "Fjellbygg AS"))
    assert nordlys and fjellbygg
    return World(session, nordlys, fjellbygg, demo_snapshot.seeded_on)


class WebClient:
    """A test client that carries the CSRF token, as a browser would from the page's forms."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.raw: FlaskClient = app.test_client()
        self._csrf: str | None = None

    def csrf(self) -> str:
        if self._csrf is None:
            page = self.raw.get("/sign-in").text
            match = CSRF_RE.search(page)
            if match is None:
                # Signed in: the sign-in page redirects, so read a signed-in page instead.
                page = self.raw.get("/account/password").text
                match = CSRF_RE.search(page)
            assert match, "no CSRF token found"
            self._csrf = match.group(1)
        return self._csrf

    def get(self, url: str, htmx: bool = False, **kwargs: Any) -> TestResponse:
        headers = kwargs.pop("headers", {})
        if htmx:
            headers["HX-Request"] = "true"
        return self.raw.get(url, headers=headers, **kwargs)

    def post(
        self,
        url: str,
        data: dict[str, Any] | None = None,
        htmx: bool = False,
        csrf: bool = True,
        **kwargs: Any,
    ) -> TestResponse:
        data = dict(data or {})
        headers = kwargs.pop("headers", {})
        if csrf:
            data.setdefault("csrf_token", self.csrf())
        if htmx:
            headers["HX-Request"] = "true"
        response = self.raw.post(url, data=data, headers=headers, **kwargs)
        if url.startswith(("/sign-in", "/sign-out", "/invitation/")):
            # These start a new session, and with it a new CSRF token.
            self._csrf = None
        return response

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> TestResponse:
        """Through the real sign-in form; demo staff give a code of the published demo secret
        at the second step (the last response is returned)."""
        response = self.post("/sign-in", {"email": email, "password": password})
        location = response.headers.get("Location", "")
        if response.status_code == 303 and location.startswith("/sign-in/code"):
            forget_used_codes(self.app, email)
            response = self.post(location, {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
        return response

    def login_as(self, user: User) -> None:
        """A server-side session without the password round-trip (fast, for access matrices)."""
        with db.new_session(self.app) as s:
            token = start_session(s, s.get_one(User, user.id))
            s.commit()
        with self.raw.session_transaction() as flask_session:
            flask_session["_user_id"] = token
            flask_session["_fresh"] = True
        self._csrf = None


def forget_used_codes(app: Flask, email: str) -> None:
    """Tests sign the same person in several times within one 30-second code; a real person
    waits for the next code (replay is refused: tests/mfa)."""
    with db.new_session(app) as s:
        user_id = select(User.id).where(User.email == email.strip().lower()).scalar_subquery()
        s.execute(
            update(SecondFactor).where(SecondFactor.user_id == user_id).values(last_used_step=None)
        )
        s.commit()


@pytest.fixture
def client(app: Flask) -> WebClient:
    return WebClient(app)


@pytest.fixture
def make_client(app: Flask) -> Any:
    return lambda: WebClient(app)


# --- mail: a real SMTP server on loopback --------------------------------------------------------


class _Collector:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"


class _LoopbackController(Controller):
    """``port=0`` lets the OS pick a free port; aiosmtpd's start-up probe needs the real one."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class SmtpServer:
    port: int
    app: Flask
    messages: list[EmailMessage] = field(default_factory=list)

    def deliver(self, later: timedelta = timedelta(0)) -> list[EmailMessage]:
        """Run one worker round as if the grouping window (and ``later``) had passed; all
        messages received so far."""
        from iwemployer.mail.outbox import group_window
        from iwemployer.mail.worker import deliver_due

        with self.app.app_context():
            window = group_window()
        deliver_due(self.app, "test-worker", utcnow() + window + later)
        return self.messages


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1; the app sends its mail there for this test."""
    handler = _Collector()
    controller = _LoopbackController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    assert controller.server is not None
    port = controller.server.sockets[0].getsockname()[1]
    saved = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        yield SmtpServer(port, app, handler.messages)
    finally:
        app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = saved
        controller.stop()


# --- build_* helpers: small records with sensible defaults -------------------------------------

_counter = iter(range(1, 10**6))


def build_centre(session: Session, county: str | None = None) -> Centre:
    n = next(_counter)
    centre = Centre(
        name=f"NAV Arbeidslivssenter Test {n}",
        county=county or f"Fylke {n}",
        street_address="Gata 1",
        postal_code="0001",
        city="Oslo",
    )
    session.add(centre)
    session.flush()
    return centre


def build_enterprise(
    session: Session,
    centre: Centre,
    name: str | None = None,
    org_number: str | None = None,
    contact: User | None = None,
) -> Enterprise:
    from iwemployer.orgnr import check_digit

    n = next(_counter)
    if org_number is None:
        while True:
            base = f"{91000000 + n:08d}"
            digit = check_digit(base)
            if digit is not None:
                org_number = base + str(digit)
                break
            n = next(_counter)
    enterprise = Enterprise(
        org_number=org_number,
        name=name or f"Testbedrift {n} AS",
        nace_code="86.101",
        employees=10,
        centre_id=centre.id,
        contact_person_id=contact.id if contact else None,
    )
    session.add(enterprise)
    session.flush()
    return enterprise


def build_agreement(
    session: Session, enterprise: Enterprise, start: date | None = None, years: int = 4
) -> CooperationAgreement:
    start = start or date.today() - timedelta(days=30)
    agreement = CooperationAgreement(
        enterprise_id=enterprise.id,
        start_date=start,
        end_date=start + timedelta(days=365 * years - 1),
    )
    session.add(agreement)
    session.flush()
    return agreement


_hash_cache: dict[str, str] = {}


def build_user(
    session: Session,
    kind: UserKind = UserKind.EMPLOYER,
    email: str | None = None,
    centre: Centre | None = None,
    password: str = DEMO_PASSWORD,
    **fields: Any,
) -> User:
    n = next(_counter)
    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    user = User(
        email=email or f"user{n}@test.example",
        name=fields.pop("name", f"User {n}"),
        kind=kind,
        password_hash=_hash_cache[password],
        centre_id=centre.id if centre else None,
        **fields,
    )
    session.add(user)
    session.flush()
    return user


def build_membership(
    session: Session, user: User, enterprise: Enterprise, role: MemberRole = MemberRole.MANAGER
) -> Membership:
    membership = Membership(user_id=user.id, enterprise_id=enterprise.id, role=role)
    session.add(membership)
    session.flush()
    return membership
