"""Point 11 of the reliability issue: the backup and restore commands the README gives restore
into a fresh database with every row intact (pg_dump/pg_restore, or sqlite3 .backup)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from iwemployer.models import Base
from tests.conftest import BACKEND, World
from tests.pg import _bin, create_database


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            counts = {
                table.name: connection.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables
            }
            counts["alembic_version"] = len(
                connection.execute(text("SELECT version_num FROM alembic_version")).all()
            )
            return counts
    finally:
        engine.dispose()


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.mark.skipif(BACKEND != "postgresql", reason="the PostgreSQL backup path")
def test_pg_dump_and_pg_restore_bring_back_every_row(
    world: World, database_url: str, tmp_path: Path
) -> None:
    before = _counts(database_url)
    assert before["enterprise"] > 0 and before["user_account"] > 0
    dump = tmp_path / "iwemployer.dump"
    subprocess.run(
        [_bin("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}", _libpq(database_url)],
        check=True,
    )
    server = database_url.rsplit("/", 1)[0]
    restored = create_database(server, f"restored_{tmp_path.name[-20:].replace('-', '_')}")
    subprocess.run(
        [
            _bin("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            f"--dbname={_libpq(restored)}",
            str(dump),
        ],
        check=True,
    )
    assert _counts(restored) == before


@pytest.mark.skipif(BACKEND != "sqlite", reason="the SQLite backup path")
def test_sqlite_backup_brings_back_every_row(
    world: World, database_url: str, tmp_path: Path
) -> None:
    before = _counts(database_url)
    assert before["enterprise"] > 0 and before["user_account"] > 0
    source = make_url(database_url).database
    copy = tmp_path / "backup.sqlite3"
    subprocess.run(["sqlite3", str(source), f".backup '{copy}'"], check=True)
    assert _counts(f"sqlite:///{copy}") == before
