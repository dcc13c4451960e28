"""Norwegian organisation numbers: nine digits, the last a MOD11 check digit."""

from __future__ import annotations

WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def check_digit(first_eight: str) -> int | None:
    """The check digit for eight digits, or None when no valid number has them."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, WEIGHTS, strict=True)) % 11
    digit = (11 - remainder) % 11
    return None if digit == 10 else digit


def normalise(value: str) -> str:
    """Drop the spaces people type (``123 456 789``)."""
    return "".join(value.split())


def is_valid(value: str) -> bool:
    number = normalise(value)
    if len(number) != 9 or not number.isascii() or not number.isdigit():
        return False
    return check_digit(number[:8]) == int(number[8])


def display(number: str) -> str:
    return f"{number[:3]} {number[3:6]} {number[6:]}"
