"""Fixtures of the administration tests: a real SMTP server on loopback, an admin's client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from tests.conftest import WebClient, World


class _Collector:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"


class _LoopbackController(Controller):
    """``port=0`` lets the OS pick a free port; aiosmtpd's start-up probe needs the real one."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class SmtpServer:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1; the app sends its mail there for this test."""
    handler = _Collector()
    controller = _LoopbackController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    assert controller.server is not None
    port = controller.server.sockets[0].getsockname()[1]
    saved = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        yield SmtpServer(port, handler.messages)
    finally:
        app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = saved
        controller.stop()


@pytest.fixture
def admin(world: World, client: WebClient) -> WebClient:
    """The demo administrator, signed in, reading English (assertions match English text)."""
    client.raw.set_cookie("iwemployer_lang", "en")
    client.login_as(world.user("admin@nav.example"))
    return client
