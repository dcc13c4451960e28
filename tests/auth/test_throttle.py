"""Sign-in throttling: per account and address hard, per address high, per account delays."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask

from iwemployer import create_app
from iwemployer.seed import DEMO_PASSWORD
from tests.conftest import WebClient, World

MANAGER = "leder@nordlys.example"


@pytest.fixture
def slept(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the sign-in would have waited, recorded instead of slept."""
    waits: list[float] = []
    monkeypatch.setitem(app.config, "SIGNIN_SLEEP", waits.append)
    return waits


def _fail(client: WebClient, email: str, address: str) -> int:
    response = client.post(
        "/sign-in",
        {"email": email, "password": "wrong password"},
        environ_base={"REMOTE_ADDR": address},
    )
    return response.status_code


def test_strangers_failures_never_block_the_owner_elsewhere(
    world: World, make_client: Any, slept: list[float]
) -> None:
    attacker: WebClient = make_client()
    for _ in range(10):
        assert _fail(attacker, MANAGER, "10.0.0.66") == 422
    assert _fail(attacker, MANAGER, "10.0.0.66") == 429
    owner: WebClient = make_client()
    response = owner.post(
        "/sign-in",
        {"email": MANAGER, "password": DEMO_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert response.status_code == 303


def test_pair_limit_blocks_even_the_right_password_from_that_address(
    world: World, client: WebClient, slept: list[float]
) -> None:
    for _ in range(10):
        assert _fail(client, MANAGER, "10.0.0.5") == 422
    right = client.post(
        "/sign-in",
        {"email": MANAGER, "password": DEMO_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.5"},
    )
    assert right.status_code == 429
    assert "Too many" in right.text or "For mange" in right.text


def test_one_office_address_is_not_locked_by_a_few_people(
    world: World, client: WebClient, slept: list[float]
) -> None:
    for n in range(20):
        assert _fail(client, f"nobody{n}@x.example", "10.0.0.9") == 422
    assert client.sign_in(MANAGER).status_code == 303


def test_address_limit_still_stops_one_address_trying_many_accounts(
    world: World, client: WebClient, slept: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(client.app.config, "SIGNIN_ADDRESS_LIMIT", "30 per 15 minutes")
    for n in range(30):
        assert _fail(client, f"nobody{n}@x.example", "10.0.0.3") == 422
    assert _fail(client, "another@x.example", "10.0.0.3") == 429


def test_account_failures_grow_a_capped_delay_not_a_lock(
    world: World, make_client: Any, slept: list[float]
) -> None:
    for n in range(12):
        _fail(make_client(), MANAGER, f"10.0.1.{n}")
    # Five free failures, then 0.5 s doubling, capped at 8 s.
    assert slept == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    owner = make_client()
    assert owner.sign_in(MANAGER).status_code == 303
    assert slept[-1] == 8.0


def test_parallel_attempts_cannot_exceed_the_limit(
    world: World, make_client: Any, slept: list[float]
) -> None:
    clients: list[WebClient] = [make_client() for _ in range(30)]
    for c in clients:
        c.csrf()
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def attempt(c: WebClient) -> None:
        barrier.wait()
        statuses.append(_fail(c, MANAGER, "10.0.0.30"))

    threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses.count(422) == 10
    assert statuses.count(429) == 20


def test_forwarded_for_is_trusted_only_from_configured_proxy_hops(
    world: World, database_url: str, slept: list[float]
) -> None:
    def proxied(hops: int) -> Flask:
        return create_app(
            {
                "ENV_NAME": "testing",
                "TESTING": True,
                "DATABASE_URL": database_url,
                "SECRET_KEY": "test-secret-key-not-for-production",
                "SESSION_COOKIE_SECURE": False,
                "PREFERRED_URL_SCHEME": "http",
                "SERVER_NAME": None,
                "PROXY_HOPS": hops,
            }
        )

    behind_proxy = proxied(1)
    # Two people behind the proxy: one's failures do not block the other's address.
    for _ in range(10):
        assert _fail(_forwarded(behind_proxy, "192.0.2.1"), MANAGER, "127.0.0.1") == 422
    blocked = _forwarded(behind_proxy, "192.0.2.1")
    assert _fail(blocked, MANAGER, "127.0.0.1") == 429
    assert _fail(_forwarded(behind_proxy, "192.0.2.2"), MANAGER, "127.0.0.1") == 422

    # Without configured hops the header is ignored: a client cannot pick a fresh address.
    direct = proxied(0)
    for n in range(10):
        assert _fail(_forwarded(direct, f"192.0.2.{10 + n}"), MANAGER, "127.0.0.1") == 422
    assert _fail(_forwarded(direct, "192.0.2.99"), MANAGER, "127.0.0.1") == 429


def _forwarded(app: Flask, address: str) -> WebClient:
    client = WebClient(app)
    client.raw.environ_base["HTTP_X_FORWARDED_FOR"] = address
    return client
