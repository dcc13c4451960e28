from __future__ import annotations

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
