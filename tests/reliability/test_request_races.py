"""Point 1 of the reliability issue: a request's state changes at the same moment never reopen a
closed request, add to it after the close, or record a hand-over twice (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iwemployer.models import (
    EmployerRequest,
    QuestionKind,
    RequestEvent,
    RequestMessage,
    RequestStatus,
    User,
)
from iwemployer.requests import services
from tests.conftest import World

from .race import race, refusals

S = RequestStatus
ADVISER = "radgiver.oslo@nav.example"
COLLEAGUE = "radgiver2.oslo@nav.example"
MANAGER = "leder@nordlys.example"


def _open_request(world: World, token: str = "tok-race") -> int:  # noqa: S107 - a form token
    record = services.submit_question(
        world.session,
        world.nordlys,
        world.user(MANAGER),
        token,
        QuestionKind.QUESTION,
        "Spørsmål",
        "Hva nå?",
    )
    world.session.commit()
    services.take(world.session, record, world.user(ADVISER))
    world.session.commit()
    return record.id


def _acting(
    request_id: int, email: str, act: Callable[[Session, EmployerRequest, User], Any]
) -> Callable[[Session], Callable[[], Any]]:
    def prepare(session: Session) -> Callable[[], Any]:
        record = session.get(EmployerRequest, request_id)
        user = session.scalar(select(User).where(User.email == email))
        assert record is not None and user is not None
        assert record.is_open  # everybody saw an open request
        return lambda: act(session, record, user)

    return prepare


def _close(session: Session, record: EmployerRequest, user: User) -> None:
    services.close(session, record, user)


def _reply(session: Session, record: EmployerRequest, user: User) -> None:
    services.adviser_reply(session, record, user, "Svar", answered=True)


def _final(world: World, request_id: int) -> tuple[EmployerRequest, list[RequestMessage]]:
    world.session.expire_all()
    record = world.session.get(EmployerRequest, request_id)
    assert record is not None
    messages = list(
        world.session.scalars(
            select(RequestMessage)
            .where(RequestMessage.request_id == request_id)
            .order_by(RequestMessage.id)
        )
    )
    return record, messages


def test_close_and_reply_at_once_never_reopen_or_add_after_close(app: Flask, world: World) -> None:
    for round_ in range(3):
        request_id = _open_request(world, f"tok-race-{round_}")
        results = race(
            app,
            [
                _acting(request_id, ADVISER, _close),
                *[_acting(request_id, ADVISER, _reply) for _ in range(4)],
            ],
        )
        record, messages = _final(world, request_id)
        assert record.status == S.CLOSED and record.closed_at is not None
        assert results[0] is None  # the close never loses: replies do not close the request
        events = [m.event for m in messages]
        assert events.count(RequestEvent.CLOSED) == 1
        assert events[-1] == RequestEvent.CLOSED  # nothing was added after the close
        assert all(error.status == 409 for error in refusals(results))


def test_close_and_withdraw_and_parallel_closes_have_one_winner(app: Flask, world: World) -> None:
    request_id = _open_request(world)

    def withdraw(session: Session, record: EmployerRequest, user: User) -> None:
        services.withdraw(session, record, user)

    results = race(
        app,
        [
            *[_acting(request_id, ADVISER, _close) for _ in range(4)],
            _acting(request_id, MANAGER, withdraw),
        ],
    )
    losers = refusals(results)
    assert len(losers) == len(results) - 1
    assert all(error.status == 409 for error in losers)
    record, messages = _final(world, request_id)
    finals = [m.event for m in messages if m.event in (RequestEvent.CLOSED, RequestEvent.WITHDRAWN)]
    assert len(finals) == 1
    assert record.status in (S.CLOSED, S.WITHDRAWN)


def test_a_hand_over_is_recorded_once(app: Flask, world: World) -> None:
    request_id = _open_request(world)
    colleague = world.user(COLLEAGUE)

    def hand_over(session: Session, record: EmployerRequest, user: User) -> None:
        services.hand_over(session, record, user, colleague.id)

    results = race(app, [_acting(request_id, ADVISER, hand_over) for _ in range(5)])
    assert len(refusals(results)) == 4
    record, _ = _final(world, request_id)
    assert record.assigned_to_id == colleague.id
    count = world.session.scalar(
        select(func.count())
        .select_from(RequestMessage)
        .where(
            RequestMessage.request_id == request_id,
            RequestMessage.event == RequestEvent.HANDED_OVER,
        )
    )
    assert count == 1
