"""Fixtures of the administration tests: an admin's client."""

from __future__ import annotations

import pytest

from tests.conftest import WebClient, World


@pytest.fixture
def admin(world: World, client: WebClient) -> WebClient:
    """The demo administrator, signed in, reading English (assertions match English text)."""
    client.raw.set_cookie("iwemployer_lang", "en")
    client.login_as(world.user("admin@nav.example"))
    return client
