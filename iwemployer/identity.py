"""Norwegian national identity numbers (fødselsnummer, D- and H-numbers) in free text.

One guard for every free-text field of every area: personal identity numbers must never be
stored on this site. Text is normalised first (Unicode compatibility forms, every kind of space
and dash), so ``01.01.90 12345``, ``010190 123 45``, a non-breaking space or an en dash are
found as well as eleven plain digits.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import DomainError
from .translation import lazy_gettext as _l

FIRST_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
SECOND_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# Digits with at most three separator characters between groups (after normalisation).
_DIGIT_RUN = re.compile(r"\d(?:[ .\-/]{0,3}\d)*")

MESSAGE = _l(
    "Remove the national identity number. Do not write national identity numbers or health "
    "details here."
)


def normalise(text: str) -> str:
    """Compatibility forms (full-width digits, ligatures), every space as " ", dash as "-"."""
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(ch)
        if category == "Zs" or ch in "\t\u200b\u2060\ufeff":
            out.append(" ")
        elif category == "Pd" or ch in "\u2212":
            out.append("-")
        else:
            out.append(ch)
    return "".join(out)


def _mod11(digits: str, weights: tuple[int, ...]) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else check


def check_digits_valid(number: str) -> bool:
    first = _mod11(number[:9], FIRST_WEIGHTS)
    if first is None or first != int(number[9]):
        return False
    second = _mod11(number[:10], SECOND_WEIGHTS)
    return second is not None and second == int(number[10])


def _plausible_birth_date(number: str) -> bool:
    # D-numbers add 4 to the day's first digit; H-numbers and test numbers 4 or 8 to the month's.
    day, month = int(number[:2]) % 40, int(number[2:4]) % 40
    return 1 <= day <= 31 and (1 <= month <= 12 or 1 <= int(number[2:4]) - 80 <= 12)


def contains_identity_number(text: str | None) -> bool:
    """True when ``text`` holds eleven digits, however separated, that are an identity number.

    An unseparated run of eleven digits is refused as before; a separated one only when its
    check digits match or it starts with a birth date, to keep false alarms (phone numbers,
    amounts, dates) low.
    """
    if not text:
        return False
    for match in _DIGIT_RUN.finditer(normalise(text)):
        written = match.group()
        digits = re.sub(r"\D", "", written)
        if len(digits) != 11:
            continue
        if written == digits or check_digits_valid(digits) or _plausible_birth_date(digits):
            return True
    return False


def check_free_text(message: object = MESSAGE, /, **fields: str | None) -> None:
    """Refuse any field holding an identity number, naming the first such field."""
    for name, text in fields.items():
        if contains_identity_number(text):
            raise DomainError(str(message), name)
