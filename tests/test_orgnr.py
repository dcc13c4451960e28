import pytest

from iwemployer import orgnr


@pytest.mark.parametrize("number", ["987654325", "923456783", "974760673", "987 654 325"])
def test_valid_numbers(number: str) -> None:
    assert orgnr.is_valid(number)


@pytest.mark.parametrize(
    "number", ["987654326", "12345678", "1234567890", "98765432x", "", "٩٨٧٦٥٤٣٢٥"]
)
def test_invalid_numbers(number: str) -> None:
    assert not orgnr.is_valid(number)


def test_remainder_one_has_no_valid_check_digit() -> None:
    # Weighted sum ≡ 1 (mod 11) would need check digit 10: no valid number exists.
    first_eight = next(
        f"{n:08d}" for n in range(10**7, 10**8) if orgnr.check_digit(f"{n:08d}") is None
    )
    assert not any(orgnr.is_valid(first_eight + str(d)) for d in range(10))


def test_display() -> None:
    assert orgnr.display("987654325") == "987 654 325"
