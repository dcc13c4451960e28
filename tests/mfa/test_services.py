"""Second factor rules: codes, replay, recovery codes, enrolment, reset, and one code sent
twice at the same moment."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from iwemployer.errors import DomainError
from iwemployer.extensions import db
from iwemployer.mfa import services
from iwemployer.mfa.demo import DEMO_TOTP_SECRET
from iwemployer.models import RecoveryCode, SecondFactor, SecondStep, User, UserKind, UserSession
from tests.conftest import build_centre, build_user

NOW = datetime(2026, 11, 30, 12, 0, 10, tzinfo=UTC)


def _code(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


def _enrolled(session: Session, kind: UserKind = UserKind.EMPLOYER) -> tuple[User, str, list[str]]:
    centre = build_centre(session) if kind == UserKind.ADVISER else None
    user = build_user(session, kind, centre=centre)
    factor = services.pending_factor(session, user)
    codes = services.confirm_enrolment(session, user, _code(factor.secret, NOW), NOW)
    session.commit()
    return user, factor.secret, codes


def test_a_code_is_taken_once_and_the_next_one_after_it(session: Session) -> None:
    user, secret, _ = _enrolled(session)
    later = NOW + timedelta(seconds=30)
    services.check_code(session, user, _code(secret, later), later)
    with pytest.raises(DomainError) as replay:
        services.check_code(session, user, _code(secret, later), later)
    assert replay.value.field == "code"
    # The code of the step before the one taken is refused as well: steps only move forward.
    with pytest.raises(DomainError):
        services.check_code(session, user, _code(secret, NOW), later)
    services.check_code(session, user, _code(secret, later + timedelta(seconds=30)), later)


def test_codes_within_one_step_of_the_clock_pass_others_fail(session: Session) -> None:
    user, secret, _ = _enrolled(session)
    now = NOW + timedelta(minutes=5)
    services.check_code(session, user, _code(secret, now - timedelta(seconds=30)), now)
    services.check_code(session, user, " ".join(_code(secret, now)), now)  # spaces are fine
    with pytest.raises(DomainError):
        services.check_code(session, user, _code(secret, now + timedelta(seconds=90)), now)
    with pytest.raises(DomainError):
        services.check_code(session, user, "000000" if _code(secret, now) != "000000" else "1", now)


def test_the_first_code_confirms_enrolment_a_wrong_one_is_refused_at_the_field(
    session: Session,
) -> None:
    user = build_user(session, UserKind.EMPLOYER)
    assert services.step_after_password(session, user) is None
    factor = services.pending_factor(session, user)
    assert services.pending_factor(session, user).id == factor.id  # the same QR code on reload
    with pytest.raises(DomainError) as wrong:
        services.confirm_enrolment(session, user, "12345x", NOW)
    assert wrong.value.field == "code"
    assert services.active_factor(session, user.id) is None
    codes = services.confirm_enrolment(session, user, _code(factor.secret, NOW), NOW)
    assert len(codes) == services.RECOVERY_CODE_COUNT == len(set(codes))
    assert services.step_after_password(session, user) == SecondStep.CODE
    with pytest.raises(DomainError):
        services.pending_factor(session, user)
    # Only hashes are stored.
    stored = set(session.scalars(select(RecoveryCode.code_hash)))
    assert not {c.replace("-", "") for c in codes} & stored
    assert "<svg" in services.qr_svg(services.provisioning_uri(factor, user))


def test_advisers_and_administrators_must_enrol(session: Session) -> None:
    adviser = build_user(session, UserKind.ADVISER, centre=build_centre(session))
    admin = build_user(session, UserKind.ADMIN)
    assert services.step_after_password(session, adviser) == SecondStep.ENROLMENT
    assert services.step_after_password(session, admin) == SecondStep.ENROLMENT
    assert not services.can_turn_off(adviser)
    with pytest.raises(DomainError):
        services.turn_off(session, adviser)


def test_a_recovery_code_works_once(session: Session) -> None:
    user, _, codes = _enrolled(session)
    services.check_code(session, user, codes[0].upper().replace("-", " "), NOW)
    with pytest.raises(DomainError):
        services.check_code(session, user, codes[0], NOW)
    services.check_code(session, user, codes[1], NOW)
    assert services.recovery_codes_left(session, user.id) == services.RECOVERY_CODE_COUNT - 2
    with pytest.raises(DomainError):
        services.check_code(session, user, "abcde-fghjk", NOW)
    fresh = services.replace_recovery_codes(session, user)
    with pytest.raises(DomainError):
        services.check_code(session, user, codes[2], NOW)  # replaced
    services.check_code(session, user, fresh[2], NOW)


def test_a_refused_secret_gives_no_second_factor(session: Session) -> None:
    user = build_user(session)
    session.add(SecondFactor(user_id=user.id, secret=DEMO_TOTP_SECRET, confirmed_at=NOW))
    session.flush()
    with pytest.raises(DomainError):
        services.check_code(
            session,
            user,
            _code(DEMO_TOTP_SECRET, NOW),
            NOW,
            refused_secrets=frozenset({DEMO_TOTP_SECRET}),
        )
    services.check_code(session, user, _code(DEMO_TOTP_SECRET, NOW), NOW)


def test_reset_removes_the_factor_and_every_session(session: Session) -> None:
    from iwemployer.auth.services import start_session

    admin = build_user(session, UserKind.ADMIN)
    user, _, _ = _enrolled(session, UserKind.ADVISER)
    start_session(session, user)
    with pytest.raises(DomainError):
        services.reset(session, admin, admin)  # not their own
    services.reset(session, user, admin)
    assert services.has_factor(session, user.id) is False
    assert session.scalar(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id)) is None
    assert session.scalar(select(UserSession.id).where(UserSession.user_id == user.id)) is None
    assert services.step_after_password(session, user) == SecondStep.ENROLMENT


def test_one_code_sent_twice_at_the_same_moment_passes_once(app: Flask, session: Session) -> None:
    user, secret, _ = _enrolled(session)
    now = NOW + timedelta(minutes=10)
    code = _code(secret, now)
    racers = 4
    start = threading.Barrier(racers)
    outcomes: list[str] = []

    def race() -> None:
        with db.new_session(app) as own:
            me = own.get_one(User, user.id)
            start.wait()
            try:
                services.check_code(own, me, code, now)
                own.commit()
                outcomes.append("passed")
            except DomainError:
                own.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["passed"] + ["refused"] * (racers - 1)
