"""Sign-in throttling that a stranger cannot turn against the account's owner.

Three counters, each taken atomically (the rate-limit storage's ``hit`` increments and compares
in one step) BEFORE the password is checked, so parallel attempts cannot slip past a limit:

- per account and address: the hard limit; it only ever blocks the address that failed;
- per address: a much higher hard limit, for one address trying many accounts (an office
  behind one address stays well below it);
- per account: no hard limit, a growing delay instead, so failures from elsewhere slow
  guessing down without locking the owner out.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import current_app
from limits import parse

from ..extensions import limiter


def _hit(limit: str, key: str) -> bool:
    """Count one attempt; False when the limit is already used up."""
    return bool(limiter.limiter.hit(parse(limit), "signin", key))


def _count(limit: str, key: str) -> int:
    item = parse(limit)
    stats = limiter.limiter.get_window_stats(item, "signin", key)
    return item.amount - stats.remaining


def _clear(limit: str, key: str) -> None:
    limiter.limiter.clear(parse(limit), "signin", key)


def admit(account: str, address: str) -> bool:
    """Reserve one attempt for ``account`` from ``address``; False when it must be refused."""
    config = current_app.config
    if not _hit(config["SIGNIN_ADDRESS_LIMIT"], f"address:{address}"):
        return False
    return _hit(config["SIGNIN_FAILURE_LIMIT"], f"pair:{account}|{address}")


def delay_before_check(account: str) -> float:
    """Seconds to wait before checking a password for ``account``, growing with its failures."""
    config = current_app.config
    failures = _count(config["SIGNIN_ACCOUNT_WINDOW"], f"account:{account}")
    free = int(config["SIGNIN_ACCOUNT_FREE_FAILURES"])
    if failures < free:
        return 0.0
    base = float(config["SIGNIN_DELAY_BASE_SECONDS"])
    return float(min(base * 2 ** (failures - free), float(config["SIGNIN_DELAY_MAX_SECONDS"])))


def wait(seconds: float) -> None:
    if seconds > 0:
        sleep: Callable[[float], None] = current_app.config.get("SIGNIN_SLEEP") or time.sleep
        sleep(seconds)


def record_failure(account: str) -> None:
    _hit(current_app.config["SIGNIN_ACCOUNT_WINDOW"], f"account:{account}")


def record_success(account: str, address: str) -> None:
    """A correct password from this address clears its own count (not the others')."""
    _clear(current_app.config["SIGNIN_FAILURE_LIMIT"], f"pair:{account}|{address}")


def admit_password_check(user_id: int) -> bool:
    """Reserve one check of a signed-in user's current password (changing the password)."""
    return _hit(current_app.config["PASSWORD_CHECK_LIMIT"], f"password:{user_id}")


def password_check_passed(user_id: int) -> None:
    _clear(current_app.config["PASSWORD_CHECK_LIMIT"], f"password:{user_id}")
