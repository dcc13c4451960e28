"""The second factor: TOTP codes, recovery codes and the half-signed-in session, as functions
of a session and plain values."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import pyotp
import segno
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import DomainError
from ..models import RecoveryCode, SecondFactor, SecondStep, User, UserKind, UserSession, utcnow
from ..translation import lazy_gettext as _l

ISSUER = "NAV Arbeidslivssenter"
STEP_SECONDS = 30
CODE_DIGITS = 6
# A code of the previous or next time step is taken too: phones' clocks drift.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# 10 characters of a 31-letter alphabet (no 0/o, 1/l/i): about 50 bits, read aloud easily.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 10
# Advisers and administrators see many enterprises: a password alone is not enough for them.
REQUIRED_FOR = frozenset({UserKind.ADVISER, UserKind.ADMIN})


def is_required(user: User) -> bool:
    return user.kind in REQUIRED_FOR


def active_factor(session: Session, user_id: int) -> SecondFactor | None:
    return session.scalar(
        select(SecondFactor).where(
            SecondFactor.user_id == user_id, SecondFactor.confirmed_at.is_not(None)
        )
    )


def step_after_password(session: Session, user: User) -> SecondStep | None:
    """What a session started with the right password still lacks."""
    if active_factor(session, user.id) is not None:
        return SecondStep.CODE
    if is_required(user):
        return SecondStep.ENROLMENT
    return None


def time_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def _digits(code: str) -> str:
    return "".join(c for c in code if not c.isspace())


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = time_step(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _take_step(session: Session, factor_id: int, step: int, confirm: bool, now: datetime) -> bool:
    """Record ``step`` as used, only if no code of it or a later step was taken before: one
    conditional UPDATE, so two requests with the same code cannot both pass."""
    values: dict[str, object] = {"last_used_step": step}
    if confirm:
        values["confirmed_at"] = now
    result = session.execute(
        update(SecondFactor)
        .where(
            SecondFactor.id == factor_id,
            SecondFactor.confirmed_at.is_(None)
            if confirm
            else SecondFactor.confirmed_at.is_not(None),
            (SecondFactor.last_used_step.is_(None)) | (SecondFactor.last_used_step < step),
        )
        .values(**values)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _wrong_code() -> DomainError:
    return DomainError(_l("The code is wrong or already used. Wait for a new code."), "code")


def check_code(
    session: Session,
    user: User,
    code: str,
    now: datetime | None = None,
    refused_secrets: frozenset[str] = frozenset(),
) -> None:
    """Accept a code from the app, or one of the user's recovery codes; else DomainError.

    ``refused_secrets``: secrets never accepted here (the published demo secret in production).
    """
    now = now or utcnow()
    typed = _digits(code)
    factor = active_factor(session, user.id)
    if factor is None or not typed:
        raise _wrong_code()
    if typed.isdigit() and len(typed) == CODE_DIGITS:
        if factor.secret in refused_secrets:
            raise _wrong_code()
        step = _matching_step(factor.secret, typed, now)
        if step is None or not _take_step(session, factor.id, step, confirm=False, now=now):
            raise _wrong_code()
        return
    if not use_recovery_code(session, user.id, typed, now):
        raise _wrong_code()


# --- enrolment ------------------------------------------------------------------------------


def pending_factor(session: Session, user: User) -> SecondFactor:
    """The user's unconfirmed secret, made on first asking: the same QR code on every reload."""
    factor = session.scalar(select(SecondFactor).where(SecondFactor.user_id == user.id))
    if factor is not None:
        if factor.confirmed_at is not None:
            raise DomainError(_l("Two-step verification is already on."))
        return factor
    factor = SecondFactor(user_id=user.id, secret=pyotp.random_base32(32))
    try:
        with session.begin_nested():
            session.add(factor)
    except IntegrityError:
        # Another request of the same user made one at the same moment: use that one.
        factor = session.scalars(select(SecondFactor).where(SecondFactor.user_id == user.id)).one()
    return factor


def provisioning_uri(factor: SecondFactor, user: User) -> str:
    return pyotp.TOTP(factor.secret, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=ISSUER
    )


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG markup: no script, no style attribute, no image request."""
    return str(
        segno.make(uri, error="m").svg_inline(
            scale=5, border=2, omitsize=True, svgclass="qr-code", lineclass=None
        )
    )


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_enrolment(
    session: Session, user: User, code: str, now: datetime | None = None
) -> list[str]:
    """Turn the second factor on with the first code from the app; the new recovery codes,
    to be shown once."""
    now = now or utcnow()
    factor = session.scalar(select(SecondFactor).where(SecondFactor.user_id == user.id))
    if factor is None or factor.confirmed_at is not None:
        raise DomainError(_l("Two-step verification is already on."))
    step = _matching_step(factor.secret, _digits(code), now)
    if step is None or not _take_step(session, factor.id, step, confirm=True, now=now):
        raise DomainError(
            _l("The code is wrong. Check that the app shows this account and try the new code."),
            "code",
        )
    return new_recovery_codes(session, user.id)


# --- recovery codes -------------------------------------------------------------------------


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise_recovery(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


def new_recovery_codes(session: Session, user_id: int) -> list[str]:
    """Replace the user's recovery codes with fresh ones; the plain codes, to be shown once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    session.add_all(RecoveryCode(user_id=user_id, code_hash=_hash_code(c)) for c in codes)
    session.flush()
    half = RECOVERY_LENGTH // 2
    return [f"{c[:half]}-{c[half:]}" for c in codes]


def use_recovery_code(session: Session, user_id: int, code: str, now: datetime) -> bool:
    """Spend one recovery code; False when it is unknown or already spent (one conditional
    UPDATE, so the same code sent twice at once is taken once)."""
    result = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == _hash_code(_normalise_recovery(code)),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def replace_recovery_codes(session: Session, user: User) -> list[str]:
    if active_factor(session, user.id) is None:
        raise DomainError(_l("Two-step verification is off."))
    return new_recovery_codes(session, user.id)


def recovery_codes_left(session: Session, user_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


# --- turning it off -----------------------------------------------------------------------


def can_turn_off(user: User) -> bool:
    return not is_required(user)


def turn_off(session: Session, user: User) -> None:
    if not can_turn_off(user):
        raise DomainError(_l("Advisers and administrators must use two-step verification."))
    _remove(session, user.id)
    session.flush()


# --- the administrator's reset --------------------------------------------------------------


def can_reset(user: User, actor: User) -> bool:
    """An administrator resets another person's second factor (their own needs a colleague)."""
    return actor.is_admin and user.id != actor.id


def has_factor(session: Session, user_id: int) -> bool:
    return (
        session.scalar(select(SecondFactor.id).where(SecondFactor.user_id == user_id)) is not None
    )


def reset(session: Session, user: User, actor: User) -> None:
    """Remove the user's second factor and recovery codes and sign them out everywhere: at the
    next sign-in they enrol again (advisers and administrators must)."""
    if not can_reset(user, actor):
        raise DomainError(
            _l("You cannot reset your own two-step verification. Ask another administrator.")
        )
    _remove(session, user.id)
    # Signed out everywhere: a stolen session must not outlive the reset.
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.flush()


def _remove(session: Session, user_id: int) -> None:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    session.execute(delete(SecondFactor).where(SecondFactor.user_id == user_id))
