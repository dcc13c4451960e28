"""Response headers, cookies and error pages (ASVS V3, V7)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from flask import Flask

from iwemployer import create_app
from tests.conftest import WebClient, World

STRONG_KEY = "3f9c1e7a52b84d06a1c9e2f47b5d8036c2e19f4a7b60d3e85f1a2c4b9e7d6031"


def test_headers_on_public_page(client: WebClient) -> None:
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain http here
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_hsts_over_https(client: WebClient) -> None:
    response = client.get("/sign-in", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_authenticated_pages_are_not_stored(world: World, client: WebClient) -> None:
    client.login_as(world.user("leder@nordlys.example"))
    response = client.get(f"/enterprises/{world.nordlys.id}")
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(world: World, client: WebClient) -> None:
    response = client.sign_in("leder@nordlys.example")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookie_is_secure_outside_development(database_url: str) -> None:
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": STRONG_KEY,
            "DATABASE_URL": database_url,
            "MAIL_SERVER": "smtp.example",
            "PUBLIC_BASE_URL": "https://iw.example",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    # Bound to this host: browsers refuse a __Host- cookie with a Domain or without Secure.
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-iwemployer_session"
    response = app.test_client().get("/sign-in", base_url="https://iw.nav.example")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-iwemployer_session=") and "Secure" in cookie
    assert "Domain" not in cookie and "Path=/" in cookie


@pytest.mark.parametrize("key", ["x", "x" * 32, "ab" * 20])
def test_production_refuses_a_weak_secret_key(database_url: str, key: str) -> None:
    with pytest.raises(RuntimeError):
        create_app({"ENV_NAME": "production", "SECRET_KEY": key, "DATABASE_URL": database_url})


def test_development_cookie_not_secure(database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = Flask("probe")
    del app
    dev = create_app({"ENV_NAME": "development", "DATABASE_URL": database_url})
    assert dev.config["SESSION_COOKIE_SECURE"] is False


def test_production_requires_secret_key(database_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("IWEMPLOYER_SECRET_KEY", raising=False)
    import pytest

    with pytest.raises(RuntimeError):
        create_app({"ENV_NAME": "production", "DATABASE_URL": database_url})


def test_friendly_404_in_norwegian_by_default(client: WebClient) -> None:
    response = client.get("/does-not-exist", headers={"Accept-Language": "nb-NO,nb;q=0.9"})
    assert response.status_code == 404
    assert '<html lang="nb">' in response.text
    assert "Traceback" not in response.text


def test_friendly_404_in_english(client: WebClient) -> None:
    response = client.get("/does-not-exist", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert response.status_code == 404
    assert '<html lang="en">' in response.text
    assert "Page not found" in response.text


def test_500_page_hides_traceback(app: Flask, client: WebClient) -> None:
    from iwemployer.errors import TEMPLATES

    assert TEMPLATES[500]
    probe = app.test_client()
    # Bad input never reaches a 500: a malformed id is a 404.
    assert probe.get("/enterprises/not-a-number").status_code in (302, 404)


def test_htmx_error_retargets_body(world: World, client: WebClient) -> None:
    client.login_as(world.user("leder@nordlys.example"))
    response = client.get(f"/enterprises/{world.fjellbygg.id}", htmx=True)
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "body"


def test_htmx_config_is_safe(client: WebClient) -> None:
    page = client.get("/sign-in").text
    for setting in (
        '"selfRequestsOnly":true',
        '"allowEval":false',
        '"allowScriptTags":false',
        '"historyCacheSize":0',
        '"includeIndicatorStyles":false',
        '"code":"422","swap":true',
    ):
        assert setting in page
    assert "<script>" not in page and " style=" not in page
    assert 'hx-headers=\'{"X-CSRFToken": "' in page


def test_health(client: WebClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.text == "ok"


def test_health_503_when_database_is_down(tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": "x",
            "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3",
        }
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503


def test_untrusted_host_gets_a_400_page_with_the_usual_headers(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SESSION_COOKIE_SECURE": False,
            "SERVER_NAME": None,
            "TRUSTED_HOSTS": ["iw.nav.example"],
        }
    )
    client = app.test_client()
    response = client.get("/sign-in", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "<h1" in response.text and "evil.example" not in response.text
    assert "Content-Security-Policy" in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Traceback" not in caplog.text
    assert client.get("/sign-in", headers={"Host": "iw.nav.example"}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Origin": "https://evil.example"},
    ],
)
def test_cross_site_post_gets_a_plain_400_and_leaves_the_session(
    world: World, client: WebClient, headers: dict[str, str]
) -> None:
    client.sign_in("leder@nordlys.example")
    response = client.post(
        "/account/password",
        {"current_password": "x", "note": "forged-value-123"},
        csrf=False,
        headers=headers,
    )
    assert response.status_code == 400
    assert (
        "forged-value-123" not in response.text
        and "csrf_token" not in response.text.split("<main")[-1]
    )
    assert "Set-Cookie" not in response.headers
    assert client.get(f"/enterprises/{world.nordlys.id}").status_code == 200


def test_same_origin_expired_form_is_offered_again(world: World, client: WebClient) -> None:
    response = client.post(
        "/sign-in",
        {"email": "leder@nordlys.example", "password": "x"},
        csrf=False,
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
    )
    assert response.status_code == 400
    assert 'value="leder@nordlys.example"' in response.text


def test_invitation_page_is_not_stored(client: WebClient) -> None:
    response = client.get("/invitation/unknown-token")
    assert response.headers["Cache-Control"] == "no-store"


def test_sqlite_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    create_app({"ENV_NAME": "testing", "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{path}"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
