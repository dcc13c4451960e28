from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask_babel import format_date, format_decimal

from tests.conftest import WebClient, World


def test_bokmal_is_default(client: WebClient) -> None:
    page = client.get("/sign-in").text
    assert '<html lang="nb">' in page
    assert "Logg inn" in page


def test_accept_language_english(client: WebClient) -> None:
    page = client.get("/sign-in", headers={"Accept-Language": "en-US,en;q=0.8"}).text
    assert '<html lang="en">' in page
    assert "Sign in" in page


def test_choice_sticks_in_a_cookie(client: WebClient) -> None:
    response = client.post("/language", {"language": "en", "next": "/sign-in"})
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    page = client.get("/sign-in", headers={"Accept-Language": "nb"}).text
    assert '<html lang="en">' in page


def test_choice_is_stored_on_the_user(world: World, client: WebClient) -> None:
    client.login_as(world.user("leder@nordlys.example"))
    client.post("/language", {"language": "en", "next": "/"})
    world.session.expire_all()
    assert world.user("leder@nordlys.example").locale == "en"
    other = WebClient(client.app)
    other.login_as(world.user("leder@nordlys.example"))
    page = other.get(f"/enterprises/{world.nordlys.id}").text
    assert '<html lang="en">' in page and "Cooperation agreement" in page


def test_unknown_language_and_foreign_next_are_ignored(client: WebClient) -> None:
    response = client.post("/language", {"language": "xx", "next": "//evil.example/x"})
    assert response.status_code == 303
    assert "evil.example" not in response.headers["Location"]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("nn", "nn"),
        ("nn-NO", "nn"),
        ("nn-NO,nb;q=0.9,en;q=0.8", "nn"),
        ("nb", "nb"),
        ("nb-NO", "nb"),
        ("no", "nb"),
        ("no-NO", "nb"),
        ("no-NO,nn;q=0.9", "nb"),
        ("en-US,en;q=0.8", "en"),
        ("en-GB", "en"),
        ("sv-SE,nn;q=0.5", "nn"),
        ("de-DE,fr;q=0.5", "nb"),
        ("nn;q=0,en", "en"),
        ("", "nb"),
    ],
)
def test_accept_language_chooses_among_the_three(
    client: WebClient, header: str, language: str
) -> None:
    page = client.get("/sign-in", headers={"Accept-Language": header}).text
    assert f'<html lang="{language}">' in page


def test_nynorsk_pages_read_in_nynorsk(client: WebClient) -> None:
    page = client.get("/sign-in", headers={"Accept-Language": "nn-NO"}).text
    assert '<html lang="nn">' in page
    assert "Hopp til hovudinnhaldet" in page and "E-postadresse" in page


def test_the_switch_names_each_language_in_itself(client: WebClient) -> None:
    page = client.get("/sign-in", headers={"Accept-Language": "nn"}).text
    # The current language is marked, the other two are buttons; each carries its own lang.
    current = '<span lang="nn" aria-current="true" class="language-form__current">Nynorsk</span>'
    assert current in page
    assert 'value="nb" lang="nb" class="link-button">Bokmål</button>' in page
    assert 'value="en" lang="en" class="link-button">English</button>' in page


def test_nynorsk_is_kept_on_the_user(world: World, client: WebClient) -> None:
    client.login_as(world.user("leder@fjellbygg.example"))
    client.post("/language", {"language": "nn", "next": "/"})
    world.session.expire_all()
    assert world.user("leder@fjellbygg.example").locale == "nn"
    page = client.get(f"/enterprises/{world.fjellbygg.id}", headers={"Accept-Language": "en"}).text
    assert '<html lang="nn">' in page and "Kontaktpersonen dykkar" in page


def test_dates_and_numbers_follow_babel_for_nynorsk(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "nn"}):
        assert format_date(date(2026, 11, 30), "full") == "måndag 30. november 2026"
        assert format_decimal(1234567.5) == "1\xa0234\xa0567,5"


def test_footer_says_what_is_true_about_health_details(client: WebClient) -> None:
    page = client.get("/sign-in", headers={"Accept-Language": "nb"}).text
    assert "Ikke skriv helseopplysninger" in page
    assert "Her lagres ingen helseopplysninger" not in page
