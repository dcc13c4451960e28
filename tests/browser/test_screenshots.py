"""Screenshots of each role's main pages at a desktop and a phone width, to look at after a run.

Every page the role's main menu leads to is opened at 1280 and 375 px and photographed whole
into ``test-results/screenshots/<language>/<role>/<width>/``; each must have its heading and fit
the window (the 320 px crawl in test_narrow_pages.py checks every other page kind).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.conftest import World

from .conftest import enter_as

SignIn = Callable[..., None]

OUT = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
WIDTHS = (1280, 375)
# The main menu's first pages: enough to see each area a role works in.
MAX_PAGES = 8
CASES = [
    ("manager", "leder@nordlys.example", "nb"),
    ("manager", "leder@nordlys.example", "en"),
    ("safety_delegate", "verneombud@nordlys.example", "nb"),
    ("adviser", "radgiver.oslo@nav.example", "nb"),
    ("admin", "admin@nav.example", "nb"),
]


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


@pytest.mark.parametrize(
    ("role", "email", "language"), CASES, ids=[f"{r}-{lang}" for r, _, lang in CASES]
)
def test_main_pages_photographed_at_both_widths(
    app: Flask,
    world: World,
    page: Page,
    sign_in: SignIn,
    role: str,
    email: str,
    language: str,
) -> None:
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    enter_as(page, sign_in, email, language)
    menu = page.locator("nav.site-nav a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    paths = list(dict.fromkeys(p for p in menu if p and p.startswith("/")))[:MAX_PAGES]
    assert len(paths) >= 3, f"{role}: the main menu has only {paths}"
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        folder = OUT / language / role / str(width)
        folder.mkdir(parents=True, exist_ok=True)
        for n, path in enumerate(paths):
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_have_count(1)
            page.screenshot(path=str(folder / f"{n:02d}-{_slug(path)}.png"), full_page=True)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{role} {path} at {width}px is {wide}px wide"
