"""Migrations build the schema the models describe, and downgrade cleanly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.command import downgrade, upgrade
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, select, update
from sqlalchemy.orm import Session

from iwemployer.cli import alembic_config
from iwemployer.models import Base, EmployerRequest, QuestionKind
from iwemployer.requests.services import adviser_reply, submit_question, take

from .conftest import BACKEND, World
from .pg import create_database


@pytest.fixture
def empty_database_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A second, empty database beside the suite's own, on the same backend."""
    if BACKEND == "postgresql":
        server, _, _ = database_url.rpartition("/")
        import uuid

        return create_database(server, f"mig_{uuid.uuid4().hex[:12]}")
    return f"sqlite:///{tmp_path_factory.mktemp('mig') / 'empty.sqlite3'}"


def _differences(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_upgrade_to_head_matches_models_and_downgrade_removes_all(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url)
    upgrade(config, "head")
    assert _differences(empty_database_url) == []
    downgrade(config, "base")
    engine = create_engine(empty_database_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    # And back up again: downgrade left nothing behind that blocks a fresh upgrade.
    upgrade(config, "head")
    assert _differences(empty_database_url) == []


def recomputed_answer_days(session: Session) -> dict[int, int | None]:
    """Every request's working days to the first answer as migration 0022 computes them from
    the threads; rolled back afterwards, so commit what is to be compared first."""
    session.execute(update(EmployerRequest).values(answer_working_days=None))
    # Only the scripts are read: the URL is not used.
    migration = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision("0022")
    assert migration is not None
    migration.module.backfill(session.connection())
    recomputed = _answer_days(session)
    session.rollback()
    return recomputed


def _answer_days(session: Session) -> dict[int, int | None]:
    return dict(
        session.execute(select(EmployerRequest.id, EmployerRequest.answer_working_days)).all()
    )


def test_0022_fills_in_the_answer_days_the_requests_service_keeps(world: World) -> None:
    s = world.session
    ingrid = world.user("radgiver.oslo@nav.example")
    manager = world.user("leder@nordlys.example")
    # One more answered over a weekend and a holiday, and one only taken (an event, no answer).
    answered = submit_question(
        s, world.nordlys, manager, "t-answered", QuestionKind.QUESTION, "Spørsmål", "Hva nå?"
    )
    taken = submit_question(
        s, world.nordlys, manager, "t-taken", QuestionKind.QUESTION, "Spørsmål", "Og så?"
    )
    answered.created_at = datetime(2026, 5, 15, 7, tzinfo=UTC)  # Friday before 17 May
    take(s, taken, ingrid)
    adviser_reply(s, answered, ingrid, "Her er svaret.")
    s.commit()
    kept = _answer_days(s)
    assert kept[taken.id] is None and kept[answered.id] is not None
    assert sum(days is not None for days in kept.values()) >= 3  # the demo's answered ones too
    assert recomputed_answer_days(s) == kept
