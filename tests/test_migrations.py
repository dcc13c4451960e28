"""Migrations build the schema the models describe, and downgrade cleanly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.command import downgrade, upgrade
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from iwemployer.cli import alembic_config
from iwemployer.models import Base

from .conftest import BACKEND
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
