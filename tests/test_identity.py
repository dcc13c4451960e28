"""The one identity-number guard: every way of writing one, few false alarms, every area."""

from __future__ import annotations

import pytest

from iwemployer.identity import check_digits_valid, contains_identity_number

# A made-up number with valid check digits (born 1 January 1990).
NUMBER = "01019010046"


def test_the_example_number_has_valid_check_digits() -> None:
    assert check_digits_valid(NUMBER)
    assert not check_digits_valid("01019010047")


@pytest.mark.parametrize(
    "written",
    [
        "01019010046",
        "010190 10046",
        "010190-10046",
        "010190.10046",
        "01.01.90 10046",
        "01.01.90-10046",
        "01.01.90.100.46",
        "010190 100 46",
        "0101 90 10046",
        "01 01 90 10046",
        "01-01-90-100-46",
        "01/01/90 10046",
        "010190  10046",
        "010190 - 10046",
        "010190\u00a010046",  # non-breaking space
        "010190\u202f10046",  # narrow non-breaking space
        "010190\u200910046",  # thin space
        "010190\t10046",
        "010190\u201310046",  # en dash
        "010190\u201410046",  # em dash
        "010190\u221210046",  # minus sign
        "０１０１９０１００４６",  # full-width digits
        "0 1 0 1 9 0 1 0 0 4 6",
    ],
)
def test_every_way_of_writing_the_number_is_found(written: str) -> None:
    assert contains_identity_number(f"Gjelder ansatt {written}, se vedlegg")


@pytest.mark.parametrize(
    "text",
    [
        "Ring 22 33 44 55 eller 900 00 101",
        "Org.nr. 987 654 325",
        "Perioden 01.01.2026-31.12.2026",
        "Budsjett 150 000 kr, 25 000 kr til kurs",
        # Eleven separated digits that are neither a birth date nor check-digit valid.
        "Sak 99 99 99 99 999",
    ],
)
def test_other_numbers_pass(text: str) -> None:
    assert not contains_identity_number(text)
