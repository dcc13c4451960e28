from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from iwemployer.auth import services
from iwemployer.models import AuditEntry, UserSession, utcnow
from tests.conftest import WebClient, World, build_user

MANAGER = "leder@nordlys.example"


def test_sign_in_lands_on_enterprise_home(world: World, client: WebClient) -> None:
    response = client.sign_in(MANAGER)
    assert response.status_code == 303
    home = client.get("/", follow_redirects=True)
    assert "Nordlys Omsorg AS" in home.text
    assert "987 654 325" in home.text


def test_sign_in_failure_is_422_with_message_and_keeps_email(
    world: World, client: WebClient
) -> None:
    response = client.post("/sign-in", {"email": MANAGER, "password": "wrong password"})
    assert response.status_code == 422
    assert 'value="leder@nordlys.example"' in response.text
    assert "wrong password" not in response.text
    assert "error-summary" in response.text


def test_sign_in_empty_fields_show_field_errors(world: World, client: WebClient) -> None:
    response = client.post("/sign-in", {"email": "", "password": ""})
    assert response.status_code == 422
    assert 'href="#email"' in response.text and 'href="#password"' in response.text


def test_attempts_are_logged_without_password(
    world: World, client: WebClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="iwemployer.auth")
    client.post("/sign-in", {"email": MANAGER, "password": "Secret-wrong-1"})
    client.sign_in(MANAGER)
    text = caplog.text
    assert "sign-in failure account=leder@nordlys.example" in text
    assert "sign-in success account=leder@nordlys.example" in text
    assert "Secret-wrong-1" not in text and "Demo-passord-2026" not in text


def test_successful_sign_ins_do_not_count(world: World, client: WebClient) -> None:
    for _ in range(12):
        assert client.sign_in(MANAGER).status_code == 303
        client.post("/sign-out")


def test_new_session_identifier_at_sign_in(world: World, client: WebClient) -> None:
    client.get("/sign-in")
    before = client.raw.get_cookie("iwemployer_session")
    client.sign_in(MANAGER)
    after = client.raw.get_cookie("iwemployer_session")
    assert after is not None and (before is None or before.value != after.value)


def test_sign_out_invalidates_session_server_side(world: World, client: WebClient) -> None:
    client.sign_in(MANAGER)
    cookie = client.raw.get_cookie("iwemployer_session")
    assert cookie is not None
    assert client.post("/sign-out").status_code == 303
    with client.app.app_context():
        from iwemployer.extensions import db

        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    # Replaying the old cookie is refused.
    replay = client.app.test_client()
    replay.set_cookie("iwemployer_session", cookie.value)
    response = replay.get(f"/enterprises/{world.nordlys.id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_deactivation_ends_sessions(world: World, client: WebClient) -> None:
    client.sign_in(MANAGER)
    assert client.get("/", follow_redirects=True).status_code == 200
    user = world.user(MANAGER)
    user.active = False
    world.session.commit()
    response = client.get(f"/enterprises/{world.nordlys.id}")
    assert response.status_code == 302


def test_change_password(world: World, client: WebClient) -> None:
    client.sign_in(MANAGER)
    bad = client.post(
        "/account/password",
        {
            "current_password": "wrong",
            "new_password": "Nytt-og-langt-passord-9",
            "confirm_password": "Nytt-og-langt-passord-9",
        },
    )
    assert bad.status_code == 422
    weak = client.post(
        "/account/password",
        {
            "current_password": "Demo-passord-2026",
            "new_password": "password1234",
            "confirm_password": "password1234",
        },
    )
    assert weak.status_code == 422
    mismatch = client.post(
        "/account/password",
        {
            "current_password": "Demo-passord-2026",
            "new_password": "Nytt-og-langt-passord-9",
            "confirm_password": "Nytt-og-langt-passord-8",
        },
    )
    assert mismatch.status_code == 422
    ok = client.post(
        "/account/password",
        {
            "current_password": "Demo-passord-2026",
            "new_password": "Nytt-og-langt-passord-9",
            "confirm_password": "Nytt-og-langt-passord-9",
        },
    )
    assert ok.status_code == 303
    client.post("/sign-out")
    assert client.sign_in(MANAGER, "Nytt-og-langt-passord-9").status_code == 303


def test_csrf_failure_is_friendly_and_keeps_typed_text(world: World, client: WebClient) -> None:
    response = client.post("/sign-in", {"email": MANAGER, "password": "x"}, csrf=False)
    assert response.status_code == 400
    assert 'value="leder@nordlys.example"' in response.text
    assert 'name="password"' not in response.text
    assert "csrf_token" in response.text


def test_open_redirect_after_sign_in_is_refused(world: World, client: WebClient) -> None:
    response = client.post(
        "/sign-in?next=https://evil.example/", {"email": MANAGER, "password": "Demo-passord-2026"}
    )
    assert response.status_code == 303
    assert "evil.example" not in response.headers["Location"]


def test_next_after_sign_in(world: World, client: WebClient) -> None:
    target = f"/enterprises/{world.nordlys.id}"
    first = client.get(target)
    assert first.status_code == 302
    assert "next=" in first.headers["Location"]
    response = client.post(
        f"/sign-in?next={target}", {"email": MANAGER, "password": "Demo-passord-2026"}
    )
    assert response.headers["Location"] == target


def test_reads_and_denials_are_audited(world: World, client: WebClient) -> None:
    client.sign_in(MANAGER)
    client.get(f"/enterprises/{world.nordlys.id}")
    client.get(f"/enterprises/{world.fjellbygg.id}")
    rows = world.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    user = world.user(MANAGER)
    assert any(
        r.enterprise_id == world.nordlys.id
        and r.permitted
        and r.action == "read"
        and r.user_id == user.id
        and r.endpoint == "enterprise.home"
        for r in rows
    )
    assert any(r.enterprise_id == world.fjellbygg.id and not r.permitted for r in rows)
    assert all(r.at.tzinfo is not None for r in rows)


@pytest.mark.parametrize(("locale", "lang"), [("nn", "nn"), (None, "nb")])
def test_invitation_page_speaks_the_invitees_language(
    world: World, client: WebClient, locale: str | None, lang: str
) -> None:
    """Before signing in, an invitee to a nynorsk enterprise reads the page in nynorsk."""
    session = world.session
    user = build_user(session, email="ny.leder@fjellbygg.example", locale=locale)
    issued = services.issue_invitation(session, user, None, timedelta(days=7))
    session.commit()
    page = client.get(f"/invitation/{issued.token}").get_data(as_text=True)
    assert f'<html lang="{lang}"' in page
    # A language chosen in the browser with the switch still wins.
    client.raw.set_cookie("iwemployer_lang", "en")
    assert '<html lang="en"' in client.get(f"/invitation/{issued.token}").get_data(as_text=True)


def test_session_has_an_absolute_lifetime(world: World, client: WebClient) -> None:
    client.sign_in(MANAGER)
    assert client.get(f"/enterprises/{world.nordlys.id}").status_code == 200
    record = world.session.scalars(select(UserSession)).one()
    # Three days old, used two minutes ago: still ended.
    record.created_at = utcnow() - timedelta(days=3)
    record.last_seen_at = utcnow() - timedelta(minutes=2)
    world.session.commit()
    response = client.get(f"/enterprises/{world.nordlys.id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_current_password_guesses_are_limited(world: World, client: WebClient) -> None:
    client.sign_in(MANAGER)
    new = "Nytt-og-langt-passord-9"
    for n in range(5):
        wrong = client.post(
            "/account/password",
            {"current_password": f"wrong-{n}", "new_password": new, "confirm_password": new},
        )
        assert wrong.status_code == 422
    right = client.post(
        "/account/password",
        {"current_password": "Demo-passord-2026", "new_password": new, "confirm_password": new},
    )
    assert right.status_code == 429
    client.post("/sign-out")
    assert client.sign_in(MANAGER).status_code == 303
