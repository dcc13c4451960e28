"""Phones: no page scrolls sideways at 320 px, for each demo role, and every page passes axe.

Each role's pages are found by following the links a person could follow from their home page
(one page per kind of address: numbers stand for ids), so a page added later is checked too.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from urllib.parse import urljoin, urlparse

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Error, Page, expect

from iwemployer.seed import DEMO_PASSWORD
from tests.browser.conftest import PageProblems, second_step

Check = Callable[[Page], None]

WIDTH = 320
# Enough for every kind of page a role reaches (the demo has about 40 for a manager).
MAX_PAGES = 60
# Not pages: files to download, and the sign-out (a form, but guard against a link to it).
SKIP = re.compile(r"\.(csv|ics|pdf)$|/download|/attachments?/|sign-out")

ROLES = {
    "manager": "leder@fjellbygg.example",
    "safety_delegate": "verneombud@nordlys.example",
    "union_rep": "tillitsvalgt@fjellbygg.example",
    "occupational_health": "bht@helsepartner.example",
    "adviser": "radgiver.oslo@nav.example",
    "admin": "admin@nav.example",
}
SIGN_IN = re.compile(r"^(Logg inn|Sign in)$")
MENU = re.compile(r"^(Meny|Menu)$")


def _sign_in(app: Flask, page: Page, email: str, language: str) -> None:
    page.goto("/sign-in")
    if language == "en":
        with page.expect_navigation():
            page.get_by_role("button", name="English", exact=True).click()
    page.get_by_label(re.compile(r"^(E-postadresse|E-mail address)$")).fill(email)
    page.get_by_label(re.compile(r"^(Passord|Password)$")).fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=SIGN_IN).click()
    second_step(app, page, email)
    expect(page.locator("html")).to_have_attribute("lang", language)


def _kind(url: str) -> str:
    return re.sub(r"/\d+", "/N", urlparse(url).path)


def _pages(page: Page) -> Iterator[str]:
    """Visit each kind of page reachable by links from where the page is now; yield each URL."""
    host = urlparse(page.url).netloc
    seen: set[str] = set()
    queue = deque([page.url])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft().split("#")[0]
        if urlparse(url).netloc != host or SKIP.search(url) or _kind(url) in seen:
            continue
        seen.add(_kind(url))
        try:
            response = page.goto(url)
        except Error:  # a download
            continue
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        yield url
        queue.extend(
            urljoin(url, href)
            for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        )


# axe is the slow part: it runs on every page of the roles whose pages are their own; the other
# employer roles see the manager's kinds of pages (fewer buttons) and are checked for width only.
AXE_ROLES = {"manager", "occupational_health", "adviser", "admin"}


@pytest.mark.parametrize(
    ("role", "language"),
    [(role, "nb") for role in ROLES] + [("manager", "en"), ("adviser", "en")],
)
def test_no_page_scrolls_sideways_at_320_px(
    app: Flask,
    world: object,
    new_context: Callable[..., BrowserContext],
    page_problems: PageProblems,
    assert_accessible: Check,
    role: str,
    language: str,
) -> None:
    context = page_problems.watch(new_context(viewport={"width": WIDTH, "height": 800}))
    page = context.new_page()
    _sign_in(app, page, ROLES[role], language)
    wide: list[str] = []
    visited = 0
    for url in _pages(page):
        visited += 1
        scroll_width, window_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > window_width:
            wide.append(f"{urlparse(url).path}: {scroll_width} px")
        if role in AXE_ROLES and language == "nb":
            assert_accessible(page)
    page_problems.check()
    assert visited >= 5, f"only {visited} pages reached: the crawl lost its way"
    assert not wide, f"pages wider than {WIDTH} px as {role} ({language}):\n" + "\n".join(wide)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_header_menu_folds_behind_a_button(
    app: Flask,
    world: object,
    new_context: Callable[..., BrowserContext],
    page_problems: PageProblems,
    assert_accessible: Check,
    javascript: bool,
) -> None:
    context = page_problems.watch(
        new_context(viewport={"width": 375, "height": 800}, java_script_enabled=javascript)
    )
    page = context.new_page()
    _sign_in(app, page, ROLES["manager"], "nb")
    nav = page.get_by_role("navigation", name="Hovedmeny")
    expect(nav).to_be_hidden()
    header = page.locator("header")
    assert header.bounding_box()["height"] < 100  # type: ignore[index]
    if javascript:
        button = page.get_by_role("button", name=MENU)
        expect(button).to_have_attribute("aria-expanded", "false")
        button.click()
        expect(button).to_have_attribute("aria-expanded", "true")
        expect(nav).to_be_visible()
        assert_accessible(page)
        button.click()
        expect(nav).to_be_hidden()
    else:
        page.get_by_role("link", name=MENU).click()
        expect(nav).to_be_visible()
        page.get_by_role("link", name="Lukk menyen").click()
        expect(nav).to_be_hidden()
    page_problems.check()
