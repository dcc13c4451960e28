"""Every route of the statistics area, every method.

The enterprise's page and its CSV are for every member (the occupational health service too),
its adviser and administrators; typing a quarter is for the manager, the adviser and
administrators. Imports and the centre report are the centre's: advisers and administrators.
Fjellbygg (Vestland) is the foreign enterprise: 404 for everyone but the administrator.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from iwemployer.models import StatisticsImport
from iwemployer.statistics.demo import DEMO_IMPORT
from tests.access_matrix import EVERYONE, RouteCase

CENTRE = frozenset({"adviser", "admin"})
ENTERERS = frozenset({"manager", "adviser", "admin"})
QUARTER = {
    "year": "2030",
    "quarter": "1",
    "possible_days": "1000",
    "lost_days": "60,5",
    "graded_days": "10",
    "short_term_days": "20",
    "employees": "120",
}
HEADER = (
    "orgnr;aar;kvartal;tapte_dagsverk;mulige_dagsverk;graderte_dagsverk;korttid_dagsverk;"
    "antall_ansatte"
)


def _page(suffix: str = "", **data: Any) -> tuple[Any, Any]:
    return (
        lambda w: (f"/enterprises/{w.nordlys.id}/statistics{suffix}", data),
        lambda w: (f"/enterprises/{w.fjellbygg.id}/statistics{suffix}", data),
    )


def _confirm(w: Any) -> tuple[str, dict[str, Any]]:
    content = f"{HEADER}\n{w.nordlys.org_number};2030;1;10;100;1;2;20\n"
    return "/statistics/imports", {"kind": "enterprise", "file_name": "m.csv", "content": content}


def _undo(w: Any) -> tuple[str, dict[str, Any]]:
    found = w.session.scalar(
        select(StatisticsImport.id).where(StatisticsImport.file_name == DEMO_IMPORT)
    )
    return f"/statistics/imports/{found}/undo", {}


page_own, page_foreign = _page()
csv_own, csv_foreign = _page(".csv")
enter_own, enter_foreign = _page("/quarters")
enter_post_own, enter_post_foreign = _page("/quarters", **QUARTER)

CASES = [
    RouteCase("statistics.enterprise", "GET", page_own, EVERYONE, page_foreign),
    RouteCase("statistics.enterprise_csv", "GET", csv_own, EVERYONE, csv_foreign),
    RouteCase("statistics.enter", "GET", enter_own, ENTERERS, enter_foreign),
    RouteCase("statistics.enter", "POST", enter_post_own, ENTERERS, enter_post_foreign),
    RouteCase("statistics.imports", "GET", lambda w: ("/statistics/imports", {}), CENTRE),
    RouteCase("statistics.preview", "POST", lambda w: ("/statistics/imports/preview", {}), CENTRE),
    RouteCase("statistics.commit_import", "POST", _confirm, CENTRE),
    RouteCase("statistics.undo", "POST", _undo, CENTRE),
    RouteCase("statistics.centre_report", "GET", lambda w: ("/statistics/report", {}), CENTRE),
    RouteCase(
        "statistics.centre_report_csv", "GET", lambda w: ("/statistics/report.csv", {}), CENTRE
    ),
]
