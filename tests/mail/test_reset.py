"""Forgot password: single use, one hour, hashed, the same answer for unknown addresses."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iwemployer.auth.services import hash_token
from iwemployer.mail import reset
from iwemployer.mail.messages import queue_reset_mail
from iwemployer.models import OutboxMail, PasswordReset, UserSession, utcnow
from iwemployer.seed import DEMO_PASSWORD
from tests.conftest import SmtpServer, WebClient, World, build_user

LINK_RE = re.compile(r"http://localhost(/reset-password/[A-Za-z0-9_-]+)")
NEW_PASSWORD = "lilla sjiraff danser tango"


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def _reset_link(smtp_server: SmtpServer) -> str:
    body = smtp_server.deliver()[-1].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    match = LINK_RE.search(body)
    assert match, body
    return match.group(1)


def test_the_token_is_stored_hashed_and_works_once(session: Session) -> None:
    user = build_user(session)
    issued = reset.issue_reset(session, user.email.upper())
    assert issued is not None
    _, token = issued
    session.flush()
    stored = session.scalar(select(PasswordReset.token_hash))
    assert stored == hash_token(token) and token not in stored
    found = reset.find_open_reset(session, token)
    assert found is not None
    assert reset.use_reset(session, found, NEW_PASSWORD)
    # A second use of the same link, even with the record loaded before, changes nothing.
    assert not reset.use_reset(session, found, "another password entirely")
    assert reset.find_open_reset(session, token) is None


def test_the_token_expires_after_an_hour(session: Session) -> None:
    user = build_user(session)
    start = utcnow()
    issued = reset.issue_reset(session, user.email, now=start)
    assert issued is not None
    session.flush()
    assert reset.find_open_reset(session, issued[1], now=start + timedelta(minutes=59))
    assert reset.find_open_reset(session, issued[1], now=start + timedelta(minutes=61)) is None


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client: WebClient, world: World, session: Session
) -> None:
    known = client.post("/forgot-password", {"email": "leder@nordlys.example"})
    unknown = client.post("/forgot-password", {"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 200
    # The same page, but for the CSRF token (signed with the time it was made).
    assert _main(known.text) == _main(unknown.text)
    assert session.scalar(select(func.count()).select_from(OutboxMail)) == 1


def test_forgot_password_without_an_address_is_answered_at_the_field(client: WebClient) -> None:
    response = client.post("/forgot-password", {"email": ""})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text


def test_forgot_password_is_rate_limited(client: WebClient, world: World) -> None:
    statuses = [
        client.post("/forgot-password", {"email": "leder@nordlys.example"}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429


def test_reset_by_mail_sets_the_password_and_ends_other_sessions(
    client: WebClient, make_client: object, world: World, session: Session, smtp_server: SmtpServer
) -> None:
    other = make_client()  # type: ignore[operator]
    assert other.sign_in("leder@nordlys.example").status_code == 303
    client.post("/forgot-password", {"email": "leder@nordlys.example"})
    link = _reset_link(smtp_server)
    assert "Velg et nytt passord" in client.get(link).text
    weak = client.post(link, {"new_password": "kort", "confirm_password": "kort"})
    assert weak.status_code == 422
    done = client.post(link, {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.status_code == 303
    user = world.user("leder@nordlys.example")
    session.expire_all()
    # Only the session the reset started is left; the other browser is signed out.
    assert (
        session.scalar(
            select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
        )
        == 1
    )
    assert other.get("/notifications").status_code == 302
    assert client.get(link).status_code == 404
    fresh = make_client()  # type: ignore[operator]
    assert fresh.sign_in("leder@nordlys.example", DEMO_PASSWORD).status_code == 422
    assert fresh.sign_in("leder@nordlys.example", NEW_PASSWORD).status_code == 303


def test_the_link_comes_from_the_public_address_not_the_host_header(
    app: Flask, session: Session
) -> None:
    user = build_user(session, locale="en")
    with app.test_request_context("/forgot-password", base_url="http://evil.example"):
        mail = queue_reset_mail(session, user, "tok3n")
    assert "evil.example" not in mail.body
    assert "http://localhost/reset-password/tok3n" in mail.body
