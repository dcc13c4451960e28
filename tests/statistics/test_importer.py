"""The importer: a good file, bad rows, re-import, decimal comma, reference figures, undo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iwemployer.errors import DomainError
from iwemployer.models import (
    EnterpriseQuarter,
    ImportKind,
    ReferenceLevel,
    ReferenceQuarter,
    StatisticsImport,
)
from iwemployer.statistics import importer
from iwemployer.statistics.importer import CsvFigureSource, check, commit, undo, undoable
from tests.conftest import World

HEADER = (
    "orgnr;aar;kvartal;tapte_dagsverk;mulige_dagsverk;graderte_dagsverk;korttid_dagsverk;"
    "antall_ansatte\n"
)
ADMIN = "admin@nav.example"
OSLO = "radgiver.oslo@nav.example"


def _import(w: World, text: str, email: str = ADMIN, kind: ImportKind = ImportKind.ENTERPRISE):
    source = CsvFigureSource("test.csv", text, kind)
    return check(w.session, source, kind, w.user(email))


def _quarter(s: Session, enterprise_id: int, year: int, q: int) -> EnterpriseQuarter | None:
    return s.scalar(
        select(EnterpriseQuarter).where(
            EnterpriseQuarter.enterprise_id == enterprise_id,
            EnterpriseQuarter.year == year,
            EnterpriseQuarter.quarter == q,
        )
    )


def _count(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(EnterpriseQuarter)) or 0


def test_a_good_file_is_imported_with_decimal_comma_and_point(world: World) -> None:
    w = world
    n = w.nordlys.org_number
    spaced = f"{n[:3]} {n[3:6]} {n[6:]}"  # as people type it
    text = HEADER + (
        f"{w.nordlys.org_number};2030;1;486,5;6588,0;126,5;155,7;120\n"
        f"{w.fjellbygg.org_number};2030;1;214.9;3294;45.1;68.8;60\n"
        f"{spaced};2030;2;1 000,0;6 588;0;0;120\n"
    )
    checked = _import(w, text)
    assert checked.ok and checked.new == 3 and checked.updates == 0
    record = commit(w.session, checked, w.user(ADMIN))
    w.session.commit()
    assert (record.rows, record.created, record.updated) == (3, 3, 0)
    row = _quarter(w.session, w.nordlys.id, 2030, 1)
    assert row is not None
    assert row.lost_days == Decimal("486.5") and row.graded_days == Decimal("126.5")
    assert row.import_id == record.id
    fjellbygg = _quarter(w.session, w.fjellbygg.id, 2030, 1)
    assert fjellbygg is not None and fjellbygg.possible_days == Decimal(3294)
    second = _quarter(w.session, w.nordlys.id, 2030, 2)
    assert second is not None and second.lost_days == Decimal(1000)


def test_a_comma_separated_file_with_quoted_decimal_commas(world: World) -> None:
    w = world
    text = HEADER.replace(";", ",") + f'{w.nordlys.org_number},2030,1,"10,5",100,0,0,20\n'
    checked = _import(w, text)
    assert checked.ok
    assert checked.rows[0].values is not None
    assert checked.rows[0].values.lost_days == Decimal("10.5")


def test_bad_rows_are_reported_by_line_and_nothing_is_written(world: World) -> None:
    w = world
    before = _count(w.session)
    n = w.nordlys.org_number
    text = HEADER + (
        f"{n};2030;1;10;100;0;0;20\n"  # line 2: good
        "123456789;2030;1;10;100;0;0;20\n"  # 3: invalid org number (check digit)
        "879000017;2030;1;10;100;0;0;20\n"  # 4: valid but unknown
        f"{n};2030;5;10;100;0;0;20\n"  # 5: quarter 5
        f"{n};2030;2;200;100;0;0;20\n"  # 6: lost > possible
        f"{n};2030;3;10;100;11;12;20\n"  # 7: graded and short-term > lost
        f"{n};2030;4;ti;100;0;0;2,5\n"  # 8: not a number, employees not whole
        f"{n};2030;1;10;100;0;0;20\n"  # 9: same quarter as line 2
        f"{n};1999;1;10;0;0;0;-1\n"  # 10: year, possible 0, negative
    )
    checked = _import(w, text)
    assert not checked.ok
    by_line = {r.line: r.errors for r in checked.errors}
    assert set(by_line) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert "not a valid organisation number" in by_line[3][0]
    assert "No enterprise you work with" in by_line[4][0]
    assert any("quarter must be" in e for e in by_line[5])
    assert any("more than possible" in e for e in by_line[6])
    assert len(by_line[7]) == 2
    assert any("not a number" in e for e in by_line[8])
    assert any("whole number" in e for e in by_line[8])
    assert any("line 2" in e for e in by_line[9])
    assert len(by_line[10]) == 3
    with pytest.raises(DomainError):
        commit(w.session, checked, w.user(ADMIN))
    w.session.rollback()
    assert _count(w.session) == before
    assert w.session.scalar(select(func.count()).select_from(StatisticsImport)) == 1  # the demo's


def test_an_adviser_imports_only_the_centres_enterprises(world: World) -> None:
    w = world
    text = HEADER + f"{w.fjellbygg.org_number};2030;1;10;100;0;0;20\n"
    checked = _import(w, text, OSLO)
    assert not checked.ok
    # Another centre's enterprise is unknown, not named.
    assert "No enterprise you work with" in checked.errors[0].errors[0]


def test_missing_columns_and_empty_files_are_refused(world: World) -> None:
    with pytest.raises(DomainError, match="antall_ansatte"):
        _import(
            world,
            "orgnr;aar;kvartal;tapte_dagsverk;mulige_dagsverk;graderte_dagsverk;korttid_dagsverk\n",
        )
    with pytest.raises(DomainError):
        _import(world, HEADER)
    with pytest.raises(DomainError):
        importer.decode(b"x" * (importer.MAX_BYTES + 1))
    assert importer.decode("æøå".encode("cp1252")) == "æøå"
    assert importer.decode("\ufeffæøå".encode()) == "æøå"


def test_re_import_updates_never_duplicates_and_undo_restores(world: World) -> None:
    w = world
    admin = w.user(ADMIN)
    first = commit(
        w.session, _import(w, HEADER + f"{w.nordlys.org_number};2030;1;10;100;2;3;20\n"), admin
    )
    w.session.commit()
    before = _count(w.session)
    second_checked = _import(w, HEADER + f"{w.nordlys.org_number};2030;1;20;100;4;5;20\n")
    assert second_checked.updates == 1 and second_checked.new == 0
    second = commit(w.session, second_checked, admin)
    w.session.commit()
    assert _count(w.session) == before
    assert (second.created, second.updated) == (0, 1)
    row = _quarter(w.session, w.nordlys.id, 2030, 1)
    assert row is not None and row.lost_days == Decimal(20)
    # The first import's quarter has changed since: it cannot be undone before the second.
    assert undoable(w.session, [first, second]) == {second.id}
    with pytest.raises(DomainError):
        undo(w.session, first)
    w.session.rollback()

    undo(w.session, second)
    w.session.commit()
    w.session.refresh(row)
    assert row.lost_days == Decimal(10) and row.graded_days == Decimal(2)
    assert row.import_id == first.id
    assert second.undone_at is not None
    with pytest.raises(DomainError):
        undo(w.session, second)
    w.session.rollback()

    undo(w.session, first)
    w.session.commit()
    assert _quarter(w.session, w.nordlys.id, 2030, 1) is None


def test_reference_figures_for_industries_and_the_country(world: World) -> None:
    w = world
    text = HEADER.replace("orgnr", "naering") + (
        "87;2030;1;10;100;2;3;2000\nland;2030;1;6;100;1;2;90000\n8;2030;1;6;100;1;2;5\n"
    )
    checked = _import(w, text, kind=ImportKind.REFERENCE)
    assert [r.line for r in checked.errors] == [4]
    good = _import(w, "\n".join(text.splitlines()[:3]) + "\n", kind=ImportKind.REFERENCE)
    record = commit(w.session, good, w.user(OSLO))
    w.session.commit()
    rows = w.session.scalars(select(ReferenceQuarter).where(ReferenceQuarter.year == 2030)).all()
    assert {(r.level, r.code) for r in rows} == {
        (ReferenceLevel.INDUSTRY, "87"),
        (ReferenceLevel.COUNTRY, ""),
    }
    undo(w.session, record)
    w.session.commit()
    assert not w.session.scalars(
        select(ReferenceQuarter).where(ReferenceQuarter.year == 2030)
    ).all()
