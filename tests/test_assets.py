"""Static assets: fingerprinted names, compression, year-long caching, no database, the purged
Aksel stylesheet and the first page load's CSS + JS budget (iwemployer/assets.py)."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask_static_digest.digester import compile as digest_compile

from iwemployer import create_app
from iwemployer.security import CONTENT_SECURITY_POLICY
from tests.conftest import WebClient, World
from tests.statements import count_statements

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "iwemployer" / "static"
FINGERPRINTED = re.compile(r"/static/(?:vendor/)?[\w.-]+-[0-9a-f]{32}\.(?:css|js|svg)")
LINKED = re.compile(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"')
# A first page load's stylesheets and scripts, gzipped (issue 8's target).
FIRST_LOAD_BUDGET = 50 * 1024
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def compiled_app(database_url: str, static: Path) -> Flask:
    """An app serving ``static`` after `make static` has been run on it."""
    digest_compile(str(static), str(static), [".csv"], True, True)
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SESSION_COOKIE_SECURE": False,
            "SERVER_NAME": None,
            "STATIC_FOLDER": static,
        }
    )


@pytest.fixture(scope="module")
def built(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    static = tmp_path_factory.mktemp("assets") / "static"
    copy_sources(static)
    return compiled_app(database_url, static)


def copy_sources(static: Path) -> None:
    """static/ without what `make static` generated there."""
    generated = re.compile(r"-[0-9a-f]{32}|\.gz$|\.br$|^cache_manifest\.json$")
    shutil.copytree(
        STATIC, static, ignore=lambda _dir, names: [n for n in names if generated.search(n)]
    )


def assets_of(page: str) -> list[str]:
    return LINKED.findall(page)


def test_pages_link_fingerprinted_assets(built: Flask) -> None:
    page = built.test_client().get("/sign-in").text
    linked = assets_of(page)
    assert linked and all(FINGERPRINTED.fullmatch(url) for url in linked), linked
    assert FINGERPRINTED.search(page.split('rel="icon" href="')[1])  # favicon too


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_fingerprinted_file_is_compressed_and_cached_a_year(built: Flask, encoding: str) -> None:
    url = next(u for u in assets_of(built.test_client().get("/sign-in").text) if "nav-ds" in u)
    response = built.test_client().get(url, headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    plain = built.test_client().get(url)
    assert "Content-Encoding" not in plain.headers
    assert plain.data == (STATIC / "vendor" / "nav-ds.min.css").read_bytes()


def test_a_changed_file_gets_a_new_url(database_url: str, tmp_path: Path) -> None:
    static = tmp_path / "static"
    copy_sources(static)
    before = assets_of(compiled_app(database_url, static).test_client().get("/sign-in").text)
    with (static / "app.css").open("a") as css:
        css.write("\n.changed { color: red }\n")
    # Edited but not rebuilt: the plain, revalidated name rather than last build's copy.
    stale = assets_of(create_app_like(database_url, static).test_client().get("/sign-in").text)
    assert "/static/app.css" in stale
    after = assets_of(compiled_app(database_url, static).test_client().get("/sign-in").text)
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert len(changed) == 1 and "/static/app-" in changed[0][1]
    response = create_app_like(database_url, static).test_client().get(changed[0][1])
    assert b".changed" in response.data


def create_app_like(database_url: str, static: Path) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SERVER_NAME": None,
            "STATIC_FOLDER": static,
        }
    )


def test_a_signed_in_static_request_runs_no_sql(world: World, client: WebClient) -> None:
    client.login_as(world.user("leder@nordlys.example"))
    for url in ["/static/app.css", *assets_of(client.get(f"/enterprises/{world.nordlys.id}").text)]:
        with count_statements(client.app) as seen:
            response = client.get(url)
        assert response.status_code == 200
        assert seen.count == 0, f"{url}:\n{seen}"
        assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_signed_in_pages_are_compressed_and_not_stored(
    world: World, client: WebClient, encoding: str
) -> None:
    client.login_as(world.user("leder@nordlys.example"))
    url = f"/enterprises/{world.nordlys.id}"
    response = client.get(url, headers={"Accept-Encoding": encoding, **SAME_ORIGIN})
    assert response.headers["Content-Encoding"] == encoding
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-" not in CONTENT_SECURITY_POLICY
    if encoding == "gzip":
        plain = client.get(url).text
        assert gzip.decompress(response.data).decode().count("<form") == plain.count("<form")


@pytest.mark.parametrize("site", ["cross-site", "same-site", None])
def test_pages_for_requests_other_sites_start_are_not_compressed(
    client: WebClient, site: str | None
) -> None:
    """BREACH: an attacker measuring a compressed page's size needs to start the requests."""
    headers = {"Accept-Encoding": "br, gzip"} | ({"Sec-Fetch-Site": site} if site else {})
    response = client.get("/sign-in?next=/csrf_token", headers=headers)
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert 'name="csrf_token"' in response.text
    assert "Sec-Fetch-Site" in response.headers["Vary"]


def test_first_page_load_css_and_js_within_budget(built: Flask) -> None:
    client = built.test_client()
    total = 0
    for url in assets_of(client.get("/sign-in").text):
        total += len(client.get(url, headers={"Accept-Encoding": "gzip"}).data)
    assert total <= FIRST_LOAD_BUDGET, f"{total} bytes of CSS + JS gzipped"


def test_purged_aksel_css_is_current() -> None:
    """Templates using another Aksel class need `make purge-css` (the rules come from the whole
    vendored file, vendor/nav-ds.full.min.css)."""
    out = subprocess.run(
        [sys.executable, "-c", _PURGE_TO_STDOUT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == (STATIC / "vendor" / "nav-ds.min.css").read_text(encoding="utf-8")


_PURGE_TO_STDOUT = """
import sys
from pathlib import Path
sys.path.insert(0, "scripts")
import purge_css
used = purge_css.used_classes([p.read_text(encoding="utf-8") for p in purge_css.SOURCES])
full = Path("vendor/nav-ds.full.min.css").read_text(encoding="utf-8")
sys.stdout.write(purge_css.purge(full, used))
"""
