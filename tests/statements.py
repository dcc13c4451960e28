"""Counting the SQL statements a piece of code (usually one request) executes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import event

from iwemployer.extensions import db


@dataclass
class Statements:
    """The statements seen so far; ``count`` is how many."""

    executed: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.executed)

    def __str__(self) -> str:
        return "\n".join(f"{n}. {sql}" for n, sql in enumerate(self.executed, 1))


@contextmanager
def count_statements(app: Flask) -> Iterator[Statements]:
    """Every statement executed on the app's engine inside the block (session, user, audit,
    the request's own queries), e.g. ``with count_statements(app) as seen: client.get(url)``."""
    seen = Statements()
    engine = db.engine_for(app)

    def listener(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.executed.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)
