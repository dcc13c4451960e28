from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iwemployer.auth import services
from iwemployer.models import UserKind, UserSession, utcnow
from tests.conftest import build_user


def test_password_policy_refuses_short_and_common_passwords() -> None:
    assert services.password_problems("kort", [])
    assert services.password_problems("password1234", [])
    assert services.password_problems("qwertyuiop12", [])
    assert services.password_problems("x" * 129, [])
    assert services.password_problems("Lang-og-trygg-2026", []) == []


def test_password_policy_refuses_guessable_norwegian_and_published_passwords() -> None:
    assert services.password_problems("Sommer2026!!", [])
    assert services.password_problems("Demo-passord-2026", [])
    assert services.password_problems("Nordlys2026!!", ["Nordlys Omsorg AS"])


def test_password_policy_refuses_the_users_own_name() -> None:
    assert services.password_problems("kari.nordmann@firma.no", ["kari.nordmann@firma.no"])


def test_hash_is_argon2id_and_verifies() -> None:
    hashed = services.hash_password("en lang og god setning")
    assert hashed.startswith("$argon2id$")
    assert "en lang og god setning" not in hashed


def test_authenticate(session: Session) -> None:
    user = build_user(session, email="kari@test.example", password="Lang-og-trygg-2026")
    assert services.authenticate(session, " KARI@test.example ", "Lang-og-trygg-2026") is user
    assert services.authenticate(session, "kari@test.example", "feil passord") is None
    assert services.authenticate(session, "ingen@test.example", "Lang-og-trygg-2026") is None
    user.active = False
    assert services.authenticate(session, "kari@test.example", "Lang-og-trygg-2026") is None


def test_session_token_loads_user_until_ended(session: Session) -> None:
    user = build_user(session)
    token = services.start_session(session, user)
    session.commit()
    loaded = services.load_session_user(session, token, timedelta(minutes=30))
    assert loaded is user and loaded.get_id() == token
    services.end_session(session, token)
    session.commit()
    assert services.load_session_user(session, token, timedelta(minutes=30)) is None


def test_idle_session_expires(session: Session) -> None:
    user = build_user(session)
    token = services.start_session(session, user)
    session.commit()
    later = utcnow() + timedelta(minutes=31)
    assert services.load_session_user(session, token, timedelta(minutes=30), now=later) is None
    assert session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_deactivated_user_session_is_refused(session: Session) -> None:
    user = build_user(session)
    token = services.start_session(session, user)
    user.active = False
    session.commit()
    assert services.load_session_user(session, token, timedelta(minutes=30)) is None


def test_change_password_ends_other_sessions(session: Session) -> None:
    user = build_user(session)
    keep = services.start_session(session, user)
    other = services.start_session(session, user)
    session.commit()
    user.session_token = keep
    services.change_password(session, user, "Et-nytt-og-langt-passord")
    session.commit()
    idle = timedelta(minutes=30)
    assert services.load_session_user(session, keep, idle) is user
    assert services.load_session_user(session, other, idle) is None
    assert services.verify_password(user, "Et-nytt-og-langt-passord")


def test_invitation_is_single_use_and_expires(session: Session) -> None:
    user = build_user(session, kind=UserKind.EMPLOYER)
    user.password_hash = None
    issued = services.issue_invitation(session, user, None, timedelta(days=7))
    session.commit()
    invitation = services.find_open_invitation(session, issued.token)
    assert invitation is not None
    services.accept_invitation(session, invitation, "Valgt-passord-for-meg")
    session.commit()
    assert services.find_open_invitation(session, issued.token) is None
    expired = services.issue_invitation(session, user, None, timedelta(days=-1))
    session.commit()
    assert services.find_open_invitation(session, expired.token) is None
