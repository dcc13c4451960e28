"""Concurrency harness: threads, each with its own session (its own connection), load what they
need, wait at a barrier and then act at the same instant."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from iwemployer.errors import DomainError
from iwemployer.extensions import db

# prepare(session) loads rows (the "check" half of check-then-act) and returns the action.
Prepare = Callable[[Session], Callable[[], Any]]


def race(app: Flask, prepares: list[Prepare]) -> list[Any]:
    """Run every action at once; each result is the action's value or the DomainError raised
    (then rolled back). Any other exception fails the test."""
    barrier = threading.Barrier(len(prepares), timeout=30)
    results: list[Any] = [None] * len(prepares)
    failures: list[BaseException] = []

    def run(index: int, prepare: Prepare) -> None:
        # An app context as a request would have (messages, settings); its own session.
        with app.test_request_context(), db.new_session(app) as session:
            try:
                act = prepare(session)
                barrier.wait()
                results[index] = act()
                session.commit()
            except DomainError as error:
                session.rollback()
                results[index] = error
            except BaseException as error:  # reported in the main thread
                session.rollback()
                failures.append(error)
                barrier.abort()

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate(prepares)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if failures:
        raise failures[0]
    return results


def refusals(results: list[Any]) -> list[DomainError]:
    return [r for r in results if isinstance(r, DomainError)]
