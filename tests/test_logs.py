from __future__ import annotations

import io
import logging

from iwemployer.logs import EscapingFormatter, escape_controls
from tests.conftest import WebClient, World


def test_controls_are_escaped_and_letters_kept() -> None:
    assert escape_controls("a\nb\rc\x1b]0;title\x07 æøå") == "a\\nb\\rc\\x1b]0;title\\x07 æøå"


def test_colour_codes_are_dropped() -> None:
    assert escape_controls("\x1b[36mGET /static/app.js\x1b[0m") == "GET /static/app.js"


def test_a_newline_in_the_sign_in_email_cannot_forge_a_log_line(
    world: World, client: WebClient
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(EscapingFormatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("iwemployer.auth")
    logger.addHandler(handler)
    try:
        forged = "x@x.example\nINFO iwemployer.auth sign-in success account=leder@nordlys.example"
        client.post("/sign-in", {"email": forged, "password": "wrong password"})
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert lines and all(line.startswith(("INFO", "WARNING")) for line in lines)
    assert not any("sign-in success" in line.split("\\n")[0] for line in lines)
    assert "\\ninfo iwemployer.auth sign-in success" in stream.getvalue()
