"""Production refuses to start without its mail server and public address."""

from __future__ import annotations

import pytest

from iwemployer import create_app

PRODUCTION = {
    "ENV_NAME": "production",
    "SECRET_KEY": "3f9c1e7a52b84d06a1c9e2f47b5d8036c2e19f4a7b60d3e85f1a2c4b9e7d6031",
    "MAIL_SERVER": "smtp.example",
    "PUBLIC_BASE_URL": "https://iw.example",
}


@pytest.mark.parametrize(
    ("missing", "message"),
    [("MAIL_SERVER", "IWEMPLOYER_MAIL_SERVER"), ("PUBLIC_BASE_URL", "IWEMPLOYER_PUBLIC_BASE_URL")],
)
def test_production_refuses_to_start_without_mail_settings(
    database_url: str, missing: str, message: str
) -> None:
    config = {**PRODUCTION, "DATABASE_URL": database_url, missing: ""}
    with pytest.raises(RuntimeError, match=message):
        create_app(config)


def test_production_wants_an_https_public_address(database_url: str) -> None:
    config = {**PRODUCTION, "DATABASE_URL": database_url, "PUBLIC_BASE_URL": "http://iw.example"}
    with pytest.raises(RuntimeError, match="https"):
        create_app(config)


def test_production_starts_with_them(database_url: str) -> None:
    app = create_app({**PRODUCTION, "DATABASE_URL": database_url})
    assert app.config["PUBLIC_BASE_URL"] == "https://iw.example"


def test_development_links_default_to_the_local_server(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "5054")
    monkeypatch.delenv("IWEMPLOYER_PUBLIC_BASE_URL", raising=False)
    app = create_app({"ENV_NAME": "development", "DATABASE_URL": database_url})
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5054"
    assert not app.config["MAIL_WORKER_THREAD"]
