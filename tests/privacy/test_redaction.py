"""An adviser removes a request's description or a message's text: the original is gone from
every table, the audit row says who and where but never the text, only advisers of the request's
centre may, and two removals at once have one winner (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import JSON, String, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from iwemployer.errors import DomainError
from iwemployer.models import AuditEntry, EmployerRequest, QuestionKind, RequestMessage, User
from iwemployer.models.base import Base
from iwemployer.requests import services
from tests.conftest import WebClient, World
from tests.reliability.race import race, refusals
from tests.requests.test_views import _english

MANAGER = "leder@nordlys.example"
ADVISER = "radgiver.oslo@nav.example"
COLLEAGUE = "radgiver2.oslo@nav.example"
FOREIGN_ADVISER = "radgiver.vestland@nav.example"
SECRET = "Kari Nordmann har depresjon og brystkreft"


def _request(world: World, token: str = "tok-redact") -> EmployerRequest:  # noqa: S107
    record = services.submit_question(
        world.session,
        world.nordlys,
        world.user(MANAGER),
        token,
        QuestionKind.QUESTION,
        "Oppfølging",
        SECRET,
        confirmed=True,
    )
    services.employer_reply(
        world.session, record, world.user(MANAGER), f"Mer: {SECRET}", confirmed=True
    )
    world.session.commit()
    return record


def _message_id(world: World, record: EmployerRequest) -> int:
    found = world.session.scalar(
        select(RequestMessage.id).where(
            RequestMessage.request_id == record.id, RequestMessage.body.contains("Mer:")
        )
    )
    assert found is not None
    return found


def _rows_holding(world: World, text: str) -> list[str]:
    """Every table and text column (JSON too) in which ``text`` still occurs."""
    world.session.expire_all()
    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        condition = or_(*(cast(c, Text).contains(text) for c in columns))
        count = world.session.scalar(select(func.count()).select_from(table).where(condition))
        if count:
            found.append(table.name)
    return found


# --- services -----------------------------------------------------------------------------------


def test_redaction_overwrites_the_text_and_records_who_and_when(world: World) -> None:
    record = _request(world)
    adviser = world.user(ADVISER)
    message = world.session.get_one(RequestMessage, _message_id(world, record))
    services.redact_description(world.session, record, adviser)
    services.redact_message(world.session, record, message, adviser)
    world.session.commit()
    world.session.expire_all()
    assert record.description == "" and record.description_redacted_by_id == adviser.id
    assert record.description_redacted_at is not None
    assert message.body == "" and message.redacted_by_id == adviser.id
    assert _rows_holding(world, "depresjon") == []
    with pytest.raises(DomainError) as again:
        services.redact_description(world.session, record, adviser)
    assert again.value.status == 409


@pytest.mark.parametrize("email", [MANAGER, FOREIGN_ADVISER])
def test_only_advisers_of_the_centre_may_redact(world: World, email: str) -> None:
    record = _request(world)
    with pytest.raises(DomainError) as refused:
        services.redact_description(world.session, record, world.user(email))
    assert refused.value.status == 403
    world.session.rollback()
    world.session.expire_all()
    assert record.description == SECRET


def test_two_advisers_removing_at_once_have_one_winner(app: Flask, world: World) -> None:
    request_id = _request(world).id

    def removing(email: str) -> Callable[[Session], Callable[[], Any]]:
        def prepare(session: Session) -> Callable[[], Any]:
            record = session.get_one(EmployerRequest, request_id)
            user = session.scalar(select(User).where(User.email == email))
            assert user is not None and record.description_redacted_at is None
            return lambda: services.redact_description(session, record, user)

        return prepare

    results = race(app, [removing(ADVISER), removing(COLLEAGUE), removing(ADVISER)])
    assert [e.status for e in refusals(results)] == [409, 409]
    world.session.expire_all()
    record = world.session.get_one(EmployerRequest, request_id)
    assert record.description == "" and record.description_redacted_at is not None


# --- views --------------------------------------------------------------------------------------


def test_the_adviser_confirms_and_the_text_is_gone_everywhere(
    world: World, client: WebClient
) -> None:
    record = _request(world)
    message_id = _message_id(world, record)
    client.login_as(world.user(ADVISER))
    page = client.get(f"/inbox/{record.id}")
    # Behind a disclosure: opening it is the confirmation step, no JS needed.
    assert "<summary>Fjern beskrivelsen …</summary>" in page.text
    assert "<summary>Fjern teksten …</summary>" in page.text
    assert f'action="/inbox/{record.id}/messages/{message_id}/redact"' in page.text
    removed = client.post(f"/inbox/{record.id}/description/redact")
    assert removed.status_code == 303
    fragment = client.post(f"/inbox/{record.id}/messages/{message_id}/redact", htmx=True)
    assert fragment.status_code == 200 and "[Fjernet av rådgiver" in fragment.text
    assert _rows_holding(world, "depresjon") == []
    shown = client.get(f"/inbox/{record.id}")
    assert SECRET not in shown.text and shown.text.count("[Fjernet av rådgiver") == 2
    # Audited: who, when, which endpoint (description or message), never the text.
    audit = world.session.scalars(
        select(AuditEntry).where(AuditEntry.endpoint.like("requests.inbox_redact_%"))
    ).all()
    assert {(a.endpoint, a.user_id, a.permitted) for a in audit} >= {
        ("requests.inbox_redact_description", world.user(ADVISER).id, True),
        ("requests.inbox_redact_message", world.user(ADVISER).id, True),
    }
    # A second removal (another tab) is told it is done already.
    again = client.post(f"/inbox/{record.id}/description/redact")
    assert again.status_code == 409 and "allerede fjernet" in again.text


def test_the_employer_sees_the_centre_removed_the_text_in_both_languages(
    world: World, client: WebClient
) -> None:
    record = _request(world)
    services.redact_description(world.session, record, world.user(ADVISER))
    world.session.commit()
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/requests/{record.id}"
    page = client.get(url)
    assert "[Fjernet av rådgiver" in page.text and "depresjon" not in page.text.split("Mer:")[0]
    assert "/redact" not in page.text  # no removal for the employer
    _english(client)
    assert "[Removed by the adviser" in client.get(url).text


def test_others_cannot_redact(world: World, client: WebClient) -> None:
    record = _request(world)
    message_id = _message_id(world, record)
    client.login_as(world.user(FOREIGN_ADVISER))
    assert client.post(f"/inbox/{record.id}/description/redact").status_code == 404
    assert client.post(f"/inbox/{record.id}/messages/{message_id}/redact").status_code == 404
    client.login_as(world.user(MANAGER))
    assert client.post(f"/inbox/{record.id}/description/redact").status_code == 403
    world.session.expire_all()
    assert world.session.get_one(EmployerRequest, record.id).description == SECRET
