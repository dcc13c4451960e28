"""Two imports of the same new quarter at once, each on its own connection, released together:
the unique constraint decides, so the quarter is stored once and the later import updates it.
Runs on SQLite and on PostgreSQL (IWEMPLOYER_TEST_DATABASE=postgresql)."""

from __future__ import annotations

import threading
from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from iwemployer.extensions import db
from iwemployer.models import EnterpriseQuarter, ImportKind, StatisticsImport, User
from iwemployer.statistics.importer import CsvFigureSource, check, commit
from tests.conftest import World

HEADER = (
    "orgnr;aar;kvartal;tapte_dagsverk;mulige_dagsverk;graderte_dagsverk;korttid_dagsverk;"
    "antall_ansatte\n"
)


def test_simultaneous_imports_of_a_quarter_store_it_once(app: Flask, world: World) -> None:
    admin = world.user("admin@nav.example")
    files = [HEADER + f"{world.nordlys.org_number};2031;2;{lost};100;0;0;20\n" for lost in (10, 20)]
    checked = [
        check(
            world.session,
            CsvFigureSource(f"{i}.csv", text, ImportKind.ENTERPRISE),
            ImportKind.ENTERPRISE,
            admin,
        )
        for i, text in enumerate(files)
    ]
    world.session.commit()
    assert all(c.ok and c.new == 1 for c in checked)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(item: object) -> None:
        try:
            with db.new_session(app) as s:
                user = s.get_one(User, admin.id)
                start.wait(timeout=10)
                commit(s, item, user)  # type: ignore[arg-type]
                s.commit()
        except BaseException as error:  # reported below, with the thread's own traceback
            errors.append(error)

    threads = [threading.Thread(target=run, args=(c,)) for c in checked]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    rows = world.session.scalars(
        select(EnterpriseQuarter).where(
            EnterpriseQuarter.enterprise_id == world.nordlys.id, EnterpriseQuarter.year == 2031
        )
    ).all()
    assert len(rows) == 1
    assert rows[0].lost_days in (Decimal(10), Decimal(20))
    imports = world.session.scalars(
        select(StatisticsImport).where(StatisticsImport.file_name.in_(["0.csv", "1.csv"]))
    ).all()
    # One created the quarter, the other updated it; the winner's values are kept.
    assert sorted((r.created, r.updated) for r in imports) == [(0, 1), (1, 0)]
    winner = next(r for r in imports if r.updated == 1)
    assert rows[0].import_id == winner.id
