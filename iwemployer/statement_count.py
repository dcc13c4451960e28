"""For benchmarks only: the number of SQL statements each request ran, in a response header.

Turned on by ``IWEMPLOYER_COUNT_STATEMENTS=1`` (``make bench`` sets it); refused in production,
where it would tell anyone how much work a page does.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, has_request_context
from sqlalchemy import event

from .extensions import db

HEADER = "X-SQL-Statements"


def init_app(app: Flask) -> None:
    if not app.config["COUNT_STATEMENTS"]:
        return
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError("IWEMPLOYER_COUNT_STATEMENTS is for benchmarks, never production")

    def count(*_args: Any) -> None:
        if has_request_context():
            g.sql_statements = g.get("sql_statements", 0) + 1

    event.listen(db.engine_for(app), "before_cursor_execute", count)

    @app.after_request
    def add_header(response: Response) -> Response:
        response.headers[HEADER] = str(g.get("sql_statements", 0))
        return response
