"""Command-line tasks: ``flask --app wsgi COMMAND``: migrate, seed, send-mail, purge,
purge-request-texts, send-reminders (the last four meant for timers)."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from sqlalchemy.orm import Session

from .extensions import db

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    # A percent sign in a password would otherwise be read as ini interpolation.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _refresh_report(session: Session) -> None:
    """The centre report's figures of every enterprise marked stale (a migration, the seed), so
    that the report's first reader does not compute them all."""
    from .models import Enterprise, utcnow
    from .requests.services import local_date
    from .statistics.report import refresh

    refresh(session, Enterprise.id.is_not(None), local_date(utcnow()))
    session.commit()


def upgrade_database(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def register_cli(app: Flask) -> None:
    @app.cli.command("migrate")
    def migrate() -> None:
        """Apply all migrations to the configured database."""
        upgrade_database(current_app.config["DATABASE_URL"])
        with db.new_session() as session:
            _refresh_report(session)
        click.echo("database at head")

    @app.cli.command("seed")
    @click.option("--force", is_flag=True, help="Allow seeding a production configuration.")
    @click.option(
        "--scale",
        type=click.IntRange(min=1),
        default=1,
        help="Grow the demo data N-fold (benchmarks; never in production).",
    )
    def seed(force: bool, scale: int) -> None:
        """Load the demo data into an empty database (idempotent)."""
        from .seed import SeedRefused, seed_demo

        production = current_app.config["ENV_NAME"] == "production"
        if production and (not force or scale > 1):
            raise click.ClickException(str(SeedRefused()))
        with db.new_session() as session:
            created = seed_demo(session)
            click.echo(
                "demo data loaded" if created else "database not empty; demo data left as is"
            )
            if scale > 1:
                from .scale import grow_demo

                added = grow_demo(session, scale)
                click.echo(f"demo data at {scale}x: {added} batches added")
            _refresh_report(session)

    @app.cli.command("send-mail")
    @click.option("--once", is_flag=True, help="One round, then exit (for a timer).")
    @click.option("--interval", default=10.0, show_default=True, help="Seconds between rounds.")
    def send_mail(once: bool, interval: float) -> None:
        """Deliver the outbox: one round, or rounds until stopped (a long-running process)."""
        from .mail.worker import deliver_due, new_worker_id, run_forever

        app = current_app._get_current_object()  # type: ignore[attr-defined]
        if once:
            click.echo(f"{deliver_due(app, new_worker_id())} mail sent")
            return
        run_forever(app, threading.Event(), interval)

    @app.cli.command("purge-request-texts")
    def purge_request_texts() -> None:
        """Empty the free text of requests ended longer ago than the retention period.

        Meant for a daily timer (systemd timer or cron); running it twice changes nothing.
        """
        from .requests.services import purge_closed_texts

        days = int(current_app.config["REQUEST_TEXT_RETENTION_DAYS"])
        with db.new_session() as session:
            purged = purge_closed_texts(session, timedelta(days=days))
            session.commit()
        click.echo(f"free text removed from {purged} requests ended more than {days} days ago")

    @app.cli.command("purge")
    def purge() -> None:
        """Delete expired sessions, and notifications and audit rows past their retention."""
        from .retention import Retention
        from .retention import purge as purge_expired

        config = current_app.config
        lifetime = config["PERMANENT_SESSION_LIFETIME"]
        retention = Retention(
            session_idle=timedelta(minutes=int(config["SESSION_IDLE_MINUTES"])),
            # Flask takes the lifetime as seconds too (an environment variable gives a number).
            session_lifetime=lifetime
            if isinstance(lifetime, timedelta)
            else timedelta(seconds=int(lifetime)),
            notifications=timedelta(days=int(config["RETENTION_NOTIFICATION_DAYS"])),
            audit=timedelta(days=int(config["RETENTION_AUDIT_DAYS"])),
        )
        with db.new_session() as session:
            purged = purge_expired(session, retention)
            session.commit()
        click.echo(
            f"purged {purged.sessions} sessions, {purged.notifications} notifications, "
            f"{purged.audit_entries} audit rows"
        )

    @app.cli.command("send-reminders")
    def send_reminders() -> None:
        """Notify about agreements ending, final reports and inspection orders coming due
        (a daily timer; running it twice, or twice at once, sends nothing twice)."""
        from .reminders.worker import send_reminders_now

        app = current_app._get_current_object()  # type: ignore[attr-defined]
        click.echo(f"{send_reminders_now(app)} reminders sent")
