"""Point 8 of the reliability issue: with the database unreachable a signed-in user gets a 503
page in their language with the usual headers, and the log gets one line, not a traceback."""

from __future__ import annotations

import logging
import socket

import pytest
from flask import Flask

from iwemployer import create_app
from iwemployer.i18n import LANGUAGE_COOKIE
from tests.conftest import WebClient, World


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def down_app(app: Flask) -> Flask:
    """The same site (same secret key) with its database gone: nothing listens on the port."""
    return create_app(
        {
            **{k: app.config[k] for k in ("ENV_NAME", "SECRET_KEY", "SESSION_COOKIE_SECURE")},
            "DATABASE_URL": f"postgresql+psycopg://iw@127.0.0.1:{_unused_port()}/iw",
        }
    )


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "temporarily unavailable"), ("nn", "mellombels utilgjengeleg")]
)
def test_a_signed_in_user_gets_a_503_page_in_their_language(
    world: World,
    client: WebClient,
    down_app: Flask,
    caplog: pytest.LogCaptureFixture,
    language: str,
    heading: str,
) -> None:
    client.login_as(world.user("leder@nordlys.example"))
    cookie = client.raw.get_cookie("iwemployer_session")
    assert cookie is not None
    down = down_app.test_client()
    down.set_cookie("iwemployer_session", cookie.value)
    down.set_cookie(LANGUAGE_COOKIE, language)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = down.get(f"/enterprises/{world.nordlys.id}/requests")
    assert response.status_code == 503
    assert heading in response.text
    assert f'lang="{language}"' in response.text
    assert response.headers["Retry-After"]
    assert "Content-Security-Policy" in response.headers
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is None
    # The health check says so too.
    assert down.get("/healthz").status_code == 503
