"""The health-details warning: the word list's hits and misses in nb, nn and en, Unicode
normalisation, and the confirmation that lets a user send the text anyway."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from iwemployer.health_words import HealthDetailsWarning, check_health_details, health_words


@pytest.fixture
def context(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Kari Nordmann er 50 % sykmeldt for depresjon", "depresjon"),
        ("Han har fått påvist brystkreft", "brystkreft"),
        ("Hun fikk diagnosen i fjor", "diagnosen"),
        ("Ho er psykisk sjuk", "psykisk sjuk"),
        ("Han har psykiske lidelser", "psykiske lidelser"),
        ("En ansatt har et rusproblem", "rusproblem"),
        ("Ho er gravid i femte månad", "gravid"),
        ("Han har angst og er utbrent", "angst"),
        ("Ho er utbrend etter hausten", "utbrend"),
        ("She was diagnosed with cancer", "diagnosed"),
        ("He is off work with depression", "depression"),
        ("She is pregnant", "pregnant"),
        ("Tanker om sjølvmord", "sjølvmord"),
    ],
)
def test_health_words_are_found(text: str, word: str) -> None:
    assert word in health_words(text)


@pytest.mark.parametrize(
    "text",
    [
        # Sick leave itself is the centre's daily work, not a diagnosis.
        "Vi har høyt sykefravær og tre sykmeldte i lageret",
        "Ho har vore sjukmeld lenge",
        # Mental health as a topic of the plan, not one person's illness.
        "Tiltak for psykisk helse og et godt psykososialt arbeidsmiljø",
        # "krefter" is strength, not cancer; "rustfritt" and "Rusland" only start like "rus".
        "Med felles krefter får vi det til",
        "Rustfritt stål på lageret",
    ],
)
def test_ordinary_workplace_text_is_left_alone(text: str) -> None:
    assert health_words(text) == []


@pytest.mark.parametrize(
    "written",
    [
        "DEPRESJON",
        "depre\u00adsjon",  # a soft hyphen
        "depre\u200bsjon",  # a zero-width space
        "ｄｅｐｒｅｓｊｏｎ",  # full-width letters
        "psykisk\u00a0syk",  # a non-breaking space
    ],
)
def test_text_is_normalised_before_matching(written: str) -> None:
    assert health_words(f"Den ansatte har {written}.")


def test_each_word_is_named_once_in_the_order_written() -> None:
    assert health_words("Kreft. Depresjon og mer kreft.") == ["kreft", "depresjon"]


def test_the_warning_names_the_field_and_the_words(context: None) -> None:
    with pytest.raises(HealthDetailsWarning) as raised:
        check_health_details(False, subject="Et spørsmål", description="Hun har depresjon")
    assert raised.value.field == "description"
    assert raised.value.status == 422
    assert raised.value.words == ["depresjon"]
    assert "“depresjon”" in str(raised.value)
    assert "Teksten ser ut til å inneholde helseopplysninger" in str(raised.value)


def test_the_confirmation_lets_the_text_through(context: None) -> None:
    check_health_details(True, description="Hun har depresjon")
    check_health_details(False, description="Vi har høyt sykefravær")
