"""Command-line tasks: ``flask --app wsgi migrate|seed|remind-deadlines``."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app

from .extensions import db

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    # A percent sign in a password would otherwise be read as ini interpolation.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def register_cli(app: Flask) -> None:
    @app.cli.command("migrate")
    def migrate() -> None:
        """Apply all migrations to the configured database."""
        upgrade_database(current_app.config["DATABASE_URL"])
        click.echo("database at head")

    @app.cli.command("seed")
    @click.option("--force", is_flag=True, help="Allow seeding a production configuration.")
    def seed(force: bool) -> None:
        """Load the demo data into an empty database (idempotent)."""
        from .seed import SeedRefused, seed_demo

        if current_app.config["ENV_NAME"] == "production" and not force:
            raise click.ClickException(str(SeedRefused()))
        with db.new_session() as session:
            created = seed_demo(session)
        click.echo("demo data loaded" if created else "database not empty; demo data left as is")

    @app.cli.command("remind-deadlines")
    def remind_deadlines() -> None:
        """Notify about open inspection orders due in 14 and 3 days (daily timer; idempotent)."""
        from .cooperation.services import local, remind_deadlines
        from .models import utcnow

        with db.new_session() as session:
            sent = remind_deadlines(session, local(utcnow()).date())
            session.commit()
        click.echo(f"{sent} reminders sent")
