"""The statistics journey in a real browser, in bokmål and English: the manager reads the
enterprise's figures (charts with tables) and types a quarter (an error at the field first);
the contact person sorts the centre report (htmx) and imports a file (checked, then saved).
axe on every page on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World

from .conftest import enter_as, sign_out

SignIn = Callable[..., None]
Check = Callable[[Page], None]

TEXT = {
    "menu": ("Sykefravær", "Sick leave"),
    "table": ("Vis tallene som tabell", "Show the figures as a table"),
    "enter": ("Legg inn et kvartal", "Enter a quarter"),
    "year": ("År", "Year"),
    "possible": ("Mulige dagsverk", "Possible working days"),
    "lost": ("Tapte dagsverk", "Lost working days"),
    "graded": ("Graderte dagsverk", "Graded working days"),
    "short": ("Korttidsdagsverk", "Short-term working days"),
    "employees": ("Ansatte", "Employees"),
    "save": ("Lagre kvartalet", "Save the quarter"),
    "too_many": (
        "Tapte dagsverk kan ikke være flere enn mulige dagsverk.",
        "Lost working days cannot be more than possible working days.",
    ),
    "saved": ("Tallene for K1 2030 er lagret.", "The figures for Q1 2030 are saved."),
    "report": ("Senterrapport", "Centre report"),
    "sort_rate": ("Sykefravær", "Sick leave"),
    "import": ("Importer sykefraværstall", "Import sick-leave figures"),
    "file": ("CSV-fil", "CSV file"),
    "check": ("Sjekk filen", "Check the file"),
    "all_good": ("Alle 1 radene er i orden", "All 1 rows are good"),
    "do_import": ("Importer tallene", "Import the figures"),
    "imported": ("Importerte 1 rader fra", "Imported 1 rows from"),
}
HEADER = (
    "orgnr;aar;kvartal;tapte_dagsverk;mulige_dagsverk;graderte_dagsverk;korttid_dagsverk;"
    "antall_ansatte\n"
)


class Words:
    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, key: str) -> str:
        nb, en = TEXT[key]
        return nb if self.language == "nb" else en


def _menu(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()


def _fill(page: Page, t: Words, values: dict[str, str]) -> None:
    for key, value in values.items():
        page.get_by_label(t(key), exact=False).first.fill(value)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_figures_entry_report_and_import(
    world: World, page: Page, sign_in: SignIn, assert_accessible: Check, language: str
) -> None:
    t = Words(language)
    enter_as(page, sign_in, "leder@nordlys.example", t.language)
    _menu(page, t("menu"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("menu"))
    expect(page.locator("svg[role=img]")).to_have_count(2)
    page.get_by_text(t("table")).first.click()
    expect(page.locator("details table").first).to_be_visible()
    assert_accessible(page)

    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=t("enter")).click()
    assert_accessible(page)
    values: dict[str, Any] = {
        "year": "2030",
        "possible": "100",
        "lost": "200",
        "graded": "1",
        "short": "2",
        "employees": "20",
    }
    _fill(page, t, values)
    with page.expect_navigation():
        page.get_by_role("button", name=t("save")).click()
    expect(page.locator(".error-summary")).to_contain_text(t("too_many"))
    assert_accessible(page)
    _fill(page, t, {"lost": "7,5"})
    with page.expect_navigation():
        page.get_by_role("button", name=t("save")).click()
    expect(page.locator("main")).to_contain_text(t("saved"))
    sign_out(page)

    enter_as(page, sign_in, "radgiver.oslo@nav.example", t.language)
    _menu(page, t("report"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("report"))
    assert_accessible(page)
    page.evaluate("window.__statisticsNoReload = true")
    page.locator("#report-results").get_by_role(
        "link", name=re.compile(t("sort_rate"))
    ).first.click()
    expect(page.locator("th[aria-sort=ascending]")).to_have_count(1)
    assert page.evaluate("window.__statisticsNoReload === true"), "the page was reloaded"
    assert_accessible(page)

    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=t("import")).click()
    assert_accessible(page)
    csv = HEADER + f"{world.nordlys.org_number};2030;2;12,5;1000;3;4;120\n"
    page.get_by_label(t("file")).set_input_files(
        files=[{"name": "nordlys.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name=t("check")).click()
    expect(page.locator("#import-preview")).to_contain_text(t("all_good"))
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name=t("do_import")).click()
    expect(page.locator("main")).to_contain_text(t("imported"))
    expect(page.locator("main")).to_contain_text("nordlys.csv")
    assert_accessible(page)
