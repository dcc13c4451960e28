"""Point 3 of the reliability issue: request bodies are bounded (413 with a readable page), and
the expired-form page echoes only fields of a sane size."""

from __future__ import annotations

from flask import Flask

from tests.conftest import WebClient, World

ADVISER = "radgiver.oslo@nav.example"


def test_a_huge_anonymous_post_is_413_with_a_short_page(client: WebClient) -> None:
    response = client.post("/sign-in", {"email": "x" * (10 * 1024 * 1024)}, csrf=False)
    assert response.status_code == 413
    assert len(response.data) < 50_000
    assert "xxxxxxxxxx" not in response.text


def test_a_huge_reply_is_413_and_nothing_is_echoed(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADVISER))
    response = client.post("/inbox/1/messages", {"body": "ø" * (1024 * 1024)})
    assert response.status_code == 413
    assert "øøøø" not in response.text
    assert len(response.data) < 50_000


def test_the_expired_form_page_keeps_only_fields_of_a_sane_size(client: WebClient) -> None:
    response = client.raw.post("/sign-in", data={"email": "kari@example.no", "note": "y" * 20_000})
    assert response.status_code == 400
    assert "kari@example.no" in response.text
    assert "yyyyyyyyyy" not in response.text


def test_the_limit_is_a_setting(app: Flask) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] == 256 * 1024
    assert app.config["MAX_FORM_MEMORY_SIZE"] == 256 * 1024
