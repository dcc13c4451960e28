"""HTTP: the statistics page (charts, table, masking, CSV), typing a quarter (422 at the
field), the import's preview and commit (plain and htmx), undo, and the centre report with
its statement budget at two data sizes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from flask import Flask
from sqlalchemy import event, func, select

from iwemployer.extensions import db
from iwemployer.models import Enterprise, EnterpriseQuarter, StatisticsImport
from iwemployer.statistics.demo import SMALL
from tests.conftest import WebClient, World, build_agreement, build_enterprise

MANAGER = "leder@nordlys.example"
ADVISER = "radgiver.oslo@nav.example"
HEADER = (
    "orgnr;aar;kvartal;tapte_dagsverk;mulige_dagsverk;graderte_dagsverk;korttid_dagsverk;"
    "antall_ansatte\n"
)


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run meanwhile (on the app's engine)."""
    seen: list[str] = []
    engine = db.engine_for(app)

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_page_shows_charts_with_text_and_tables(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    page = client.get(f"/enterprises/{world.nordlys.id}/statistics").text
    assert page.count('role="img"') == 2
    assert '<title id="rate-chart-title">' in page and '<desc id="rate-chart-desc">' in page
    assert "<script" not in page.split("<main", 1)[1]
    assert "style=" not in page
    assert "stroke-dasharray" in page
    # A prognosis (twelve quarters), a verdict, the change since the start and the cost.
    assert "prognosis" in page.lower() or "prognose" in page.lower()
    assert "4 700 kr" in page.replace("\u00a0", " ")
    assert page.count("<table") >= 2


def test_a_small_enterprise_is_masked_on_the_page_and_in_the_csv(
    world: World, client: WebClient
) -> None:
    small = world.session.scalars(select(Enterprise).where(Enterprise.org_number == SMALL[0])).one()
    client.login_as(world.user(ADVISER))
    page = client.get(f"/enterprises/{small.id}/statistics").text
    assert "Skjermet" in page
    rows = world.session.scalars(
        select(EnterpriseQuarter).where(EnterpriseQuarter.enterprise_id == small.id)
    ).all()
    for row in rows:
        shown = (row.lost_days / row.possible_days * 100).quantize(Decimal("0.1"))
        assert f"{str(shown).replace('.', ',')} %" not in page
    csv = client.get(f"/enterprises/{small.id}/statistics.csv")
    assert csv.mimetype == "text/csv"
    lines = csv.text.strip().splitlines()[1:]
    assert lines and all(";skjermet;skjermet;skjermet;skjermet;" in line for line in lines)


def test_entering_a_quarter_checks_each_field_and_updates_on_repeat(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/statistics/quarters"
    bad = client.post(
        url,
        {
            "year": "2030",
            "quarter": "1",
            "possible_days": "100",
            "lost_days": "200",
            "graded_days": "x",
            "short_term_days": "0",
            "employees": "20",
        },
    )
    assert bad.status_code == 422
    assert 'id="lost_days-error"' in bad.text and "aria-invalid" in bad.text
    assert "200" in bad.text  # what was typed is kept
    good = {
        "year": "2030",
        "quarter": "1",
        "possible_days": "100",
        "lost_days": "7,5",
        "graded_days": "1",
        "short_term_days": "2",
        "employees": "20",
    }
    assert client.post(url, good).status_code == 303
    assert client.post(url, dict(good, lost_days="8")).status_code == 303
    rows = world.session.scalars(
        select(EnterpriseQuarter).where(
            EnterpriseQuarter.enterprise_id == world.nordlys.id, EnterpriseQuarter.year == 2030
        )
    ).all()
    assert [r.lost_days for r in rows] == [Decimal(8)]


def _upload(client: WebClient, text: str, htmx: bool = False, kind: str = "enterprise"):
    return client.post(
        "/statistics/imports/preview",
        {"kind": kind, "file": (io.BytesIO(text.encode()), "figures.csv")},
        htmx=htmx,
        content_type="multipart/form-data",
    )


def test_preview_then_commit_then_undo(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADVISER))
    text = HEADER + f"{world.nordlys.org_number};2030;1;10,5;100;1;2;20\n"
    preview = _upload(client, text, htmx=True)
    assert preview.status_code == 200
    assert "<html" not in preview.text and 'name="content"' in preview.text
    assert (
        world.session.scalar(
            select(func.count())
            .select_from(EnterpriseQuarter)
            .where(EnterpriseQuarter.year == 2030)
        )
        == 0
    )
    done = client.post(
        "/statistics/imports", {"kind": "enterprise", "file_name": "figures.csv", "content": text}
    )
    assert done.status_code == 303
    record = world.session.scalars(
        select(StatisticsImport).where(StatisticsImport.file_name == "figures.csv")
    ).one()
    assert record.rows == 1
    listing = client.get("/statistics/imports").text
    assert "figures.csv" in listing
    assert client.post(f"/statistics/imports/{record.id}/undo").status_code == 303
    assert (
        world.session.scalar(
            select(func.count())
            .select_from(EnterpriseQuarter)
            .where(EnterpriseQuarter.year == 2030)
        )
        == 0
    )
    # Undoing twice is refused, with the reason.
    again = client.post(f"/statistics/imports/{record.id}/undo")
    assert again.status_code == 409


def test_a_bad_file_answers_422_with_the_rows(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADVISER))
    text = HEADER + f"{world.nordlys.org_number};2030;7;10;100;1;2;20\n"
    response = _upload(client, text)
    assert response.status_code == 422
    assert "Import the figures" not in response.text
    no_file = client.post("/statistics/imports/preview", {"kind": "enterprise"}, htmx=True)
    assert no_file.status_code == 422 and "<html" not in no_file.text
    wrong_columns = _upload(client, "a;b\n1;2\n")
    assert wrong_columns.status_code == 422
    tampered = client.post(
        "/statistics/imports", {"kind": "enterprise", "file_name": "x.csv", "content": text}
    )
    assert tampered.status_code == 422


def _more_enterprises(world: World, count: int) -> None:
    oslo = world.nordlys.centre
    for _ in range(count):
        enterprise = build_enterprise(world.session, oslo)
        build_agreement(world.session, enterprise)
        world.session.add(
            EnterpriseQuarter(
                enterprise_id=enterprise.id,
                year=2026,
                quarter=1,
                lost_days=Decimal(5),
                possible_days=Decimal(100),
                graded_days=Decimal(1),
                short_term_days=Decimal(1),
                employees=10,
            )
        )
    world.session.commit()


def test_the_centre_report_stays_within_its_statement_budget(
    app: Flask, world: World, client: WebClient
) -> None:
    client.login_as(world.user(ADVISER))
    client.get("/statistics/report")  # warm up (the session's first look-ups)
    with statements(app) as small:
        assert client.get("/statistics/report?sort=change&dir=desc").status_code == 200
    _more_enterprises(world, 30)
    # The first read after the writes recomputes the 30 new enterprises' figures: a fixed
    # number of statements more, whatever the number of enterprises.
    with statements(app) as refreshing:
        assert client.get("/statistics/report?sort=change&dir=desc").status_code == 200
    assert len(small) < len(refreshing) <= len(small) + 16
    with statements(app) as large:
        page = client.get("/statistics/report?sort=change&dir=desc")
    assert page.status_code == 200
    assert len(large) == len(small)
    assert len(large) <= 14
    # The report pages: 20 rows a page.
    assert "Side 1 av 2" in page.text or "Page 1 of 2" in page.text
    csv = client.get("/statistics/report.csv")
    assert csv.text.count("\n") == 1 + 6 + 30


def test_the_report_sorts_filters_and_answers_htmx_with_the_results(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(ADVISER))
    found = client.get("/statistics/report?q=nordlys", htmx=True)
    assert found.status_code == 200 and "<html" not in found.text
    assert "Nordlys Omsorg AS" in found.text and "Oslo Renhold AS" not in found.text
    by_rate = client.get("/statistics/report?sort=rate&dir=desc").text
    assert by_rate.index("Nordlys Omsorg AS") < by_rate.index("Torshov Verksted AS")
    assert 'aria-sort="descending"' in by_rate
    assert "Fjellbygg" not in client.get("/statistics/report.csv").text


def test_the_plans_goal_card_shows_the_latest_figure(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    page = client.get(f"/enterprises/{world.nordlys.id}/plan", follow_redirects=True).text
    assert f"/enterprises/{world.nordlys.id}/statistics" in page
