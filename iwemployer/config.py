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
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        # Idle timeout enforced on the server-side session record.
        SESSION_IDLE_MINUTES=30,
        # The CSRF token lives as long as the session: htmx's <body hx-headers> copy is never
        # refreshed under hx-boost, so a time-limited token would expire mid-session.
        WTF_CSRF_TIME_LIMIT=None,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        SIGNIN_FAILURE_LIMIT="10 per 15 minutes",
        MAIL_SERVER="",
        MAIL_PORT=25,
        MAIL_SENDER="iw-senteret@nav.example",
        INVITATION_DAYS=7,
        PAGE_SIZE=20,
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
    if not app.config.get("SECRET_KEY"):
        if app.config["ENV_NAME"] == "production":
            raise RuntimeError("IWEMPLOYER_SECRET_KEY must be set in production")
        app.config["SECRET_KEY"] = _development_secret(instance)


def _development_secret(instance: Path) -> str:
    """A key kept under instance/ so development sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
