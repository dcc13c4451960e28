"""Settings: defaults here, overridden by IWEMPLOYER_* environment variables."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

LANGUAGES = ("nb", "nn", "en")
# Each language named in itself, as the language switch shows it.
LANGUAGE_NAMES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}


def configure(app: Flask, test_config: dict[str, object] | None) -> None:
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        ENV_NAME="development",
        DATABASE_URL=f"sqlite:///{instance / 'iwemployer.sqlite3'}",
        BABEL_DEFAULT_LOCALE="nb",
        BABEL_DEFAULT_TIMEZONE="Europe/Oslo",
        SESSION_COOKIE_NAME="iwemployer_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=True,
        # Also the server-side session's absolute lifetime, however recently it was used.
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        # Idle timeout enforced on the server-side session record.
        SESSION_IDLE_MINUTES=30,
        # Pages warn this many seconds before the idle timeout, with a way to stay signed in.
        SESSION_WARNING_SECONDS=120,
        # A form sent after the session ended is kept this long for its sender to sign in again.
        KEPT_FORM_MINUTES=60,
        # The CSRF token lives as long as the session: htmx's <body hx-headers> copy is never
        # refreshed under hx-boost, so a time-limited token would expire mid-session.
        WTF_CSRF_TIME_LIMIT=None,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        # Hard limit per account and address: blocks only the address that keeps failing.
        SIGNIN_FAILURE_LIMIT="10 per 15 minutes",
        # Hard limit per address, high enough for an office (or a proxy) full of people.
        SIGNIN_ADDRESS_LIMIT="300 per 15 minutes",
        # Per account no lock, a growing delay: base * 2**(failures - free), at most max.
        SIGNIN_ACCOUNT_WINDOW="100000 per 15 minutes",
        SIGNIN_ACCOUNT_FREE_FAILURES=5,
        SIGNIN_DELAY_BASE_SECONDS=0.5,
        SIGNIN_DELAY_MAX_SECONDS=8,
        # Checks of the current password when changing it, per user.
        PASSWORD_CHECK_LIMIT="5 per 15 minutes",  # noqa: S106 (a rate, not a password)
        # Codes of the second sign-in step (and of enrolment), per user.
        SECOND_FACTOR_CODE_LIMIT="5 per 15 minutes",
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted.
        PROXY_HOPS=0,
        # SMTP: without a server (development) mail stays in the local mailbox page.
        MAIL_SERVER="",
        MAIL_PORT=25,
        MAIL_STARTTLS=False,
        MAIL_USERNAME="",
        MAIL_PASSWORD="",
        MAIL_SENDER="iw-senteret@nav.example",
        # Events about the same plan or request within these minutes become one mail.
        MAIL_GROUP_MINUTES=5,
        # The development server (`make run`) delivers mail in a thread; elsewhere `send-mail`.
        MAIL_WORKER_THREAD=False,
        # Where links in mail point; required in production (never the request's Host header).
        PUBLIC_BASE_URL="",
        INVITATION_DAYS=7,
        # Invitations of the occupational health service one manager may send in 24 hours
        # (IWEMPLOYER_ACCESS_INVITATIONS_PER_DAY): mail to any address must not be unlimited.
        ACCESS_INVITATIONS_PER_DAY=20,
        # The centre's answer time (Monday to Friday, public holidays left out): the employer's
        # receipt promises it, and a request waiting longer is highlighted in the inbox.
        REQUEST_OVERDUE_WORKING_DAYS=5,
        # Days after closing during which the employer may reopen a request.
        REQUEST_REOPEN_DAYS=14,
        PAGE_SIZE=20,
        # Closed or withdrawn requests keep their free text this long (flask purge-request-texts).
        REQUEST_TEXT_RETENTION_DAYS=365,
        PREFERRED_URL_SCHEME="https",
        # Seconds. PostgreSQL: connecting (and waiting for a pooled connection), and any one
        # statement; SQLite: waiting for another writer. /healthz has its own, shorter limit.
        DATABASE_CONNECT_TIMEOUT=5,
        DATABASE_STATEMENT_TIMEOUT=30,
        DATABASE_BUSY_TIMEOUT=15,
        HEALTHZ_TIMEOUT=2,
        # Days kept before ``flask --app wsgi purge`` deletes them (expired sessions go at once).
        RETENTION_NOTIFICATION_DAYS=180,
        RETENTION_AUDIT_DAYS=730,
        # Bounded requests: a larger body is refused with 413 before anything reads it. Routes
        # that take uploads raise ``request.max_content_length`` for themselves.
        MAX_CONTENT_LENGTH=256 * 1024,
        MAX_FORM_MEMORY_SIZE=256 * 1024,
        MAX_FORM_PARTS=1000,
        # Uploaded attachments, outside static/ and under generated names: back it up.
        ATTACHMENT_DIR=str(instance / "attachments"),
        # Forms sent after the session ended, until their sender signs in again (kept_forms.py).
        KEPT_FORM_DIR=str(instance / "kept-forms"),
        # Benchmarks: an X-SQL-Statements header on every response (statement_count.py).
        COUNT_STATEMENTS=False,
    )
    # The conventional unprefixed names, then IWEMPLOYER_* for everything else.
    for key in ("DATABASE_URL", "SECRET_KEY"):
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    app.config.from_prefixed_env("IWEMPLOYER")
    if test_config:
        app.config.from_mapping(test_config)
    if app.config["ENV_NAME"] == "development":
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["PREFERRED_URL_SCHEME"] = "http"
    if app.config["ENV_NAME"] == "production":
        _require_production_mail(app)
        _check_production_secret(app.config.get("SECRET_KEY"))
    else:
        if not app.config["PUBLIC_BASE_URL"]:
            app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _development_secret(instance)
    if app.config["SESSION_COOKIE_SECURE"]:
        # Over HTTPS the cookie is bound to this exact host and path (no Domain, Secure, Path=/).
        app.config["SESSION_COOKIE_NAME"] = "__Host-" + str(app.config["SESSION_COOKIE_NAME"])


MIN_SECRET_BYTES = 32


def _check_production_secret(key: object) -> None:
    """At least 32 bytes that look random (e.g. ``python -c 'import secrets;
    print(secrets.token_hex(32))'``): a short or repetitive key lets sessions be forged."""
    if not key:
        raise RuntimeError("IWEMPLOYER_SECRET_KEY must be set in production")
    raw = key.encode() if isinstance(key, str) else bytes(key)  # type: ignore[call-overload]
    if len(raw) < MIN_SECRET_BYTES or len(set(raw)) < 12:
        raise RuntimeError(
            f"SECRET_KEY must be at least {MIN_SECRET_BYTES} random bytes in production, "
            "e.g. the output of: python -c 'import secrets; print(secrets.token_hex(32))'"
        )


def _require_production_mail(app: Flask) -> None:
    """Production refuses to start without a mail server and its public address: without them
    nobody hears of their turn, and links would point at a development address."""
    missing = [
        f"IWEMPLOYER_{key}" for key in ("MAIL_SERVER", "PUBLIC_BASE_URL") if not app.config.get(key)
    ]
    if missing:
        raise RuntimeError(", ".join(missing) + " must be set in production")
    if not str(app.config["PUBLIC_BASE_URL"]).startswith("https://"):
        raise RuntimeError("IWEMPLOYER_PUBLIC_BASE_URL must be an https:// address in production")


def _development_secret(instance: Path) -> str:
    """A key kept under instance/ so development sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
