"""Links in mail, from the configured public address, never from the request's Host header
(which a client chooses: a reset link to an attacker's host would hand them the token)."""

from __future__ import annotations

from flask import current_app


def public_url(path: str) -> str:
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + "/" + path.lstrip("/")
