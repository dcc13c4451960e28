from __future__ import annotations

import re

from sqlalchemy import select

from iwemployer.models import Enterprise
from tests.conftest import WebClient, World, build_enterprise


def _adviser(world: World, client: WebClient) -> None:
    client.login_as(world.user("radgiver.oslo@nav.example"))


def test_lists_own_enterprises_first_then_centre(world: World, client: WebClient) -> None:
    _adviser(world, client)
    page = client.get("/adviser/enterprises").text
    assert "Fjellbygg" not in page and "Bergen Havneservice" not in page
    mine = page.index("Nordlys Omsorg AS")
    others = page.index("Oslo Renhold AS")  # assigned to the other Oslo adviser
    assert mine < others
    assert "Torshov Verksted AS" in page


def test_search_by_name_and_org_number(world: World, client: WebClient) -> None:
    _adviser(world, client)
    page = client.get("/adviser/enterprises?q=nordlys").text
    assert "Nordlys Omsorg AS" in page and "Oslo Renhold" not in page
    page = client.get("/adviser/enterprises?q=987 654").text
    assert "Nordlys Omsorg AS" in page
    page = client.get("/adviser/enterprises?q=fjellbygg").text
    assert "Fjellbygg" not in page and "0 " in page
    # Wildcards are literal.
    page = client.get("/adviser/enterprises?q=%25").text
    assert "Nordlys" not in page


def test_htmx_search_returns_only_the_results_fragment(world: World, client: WebClient) -> None:
    _adviser(world, client)
    response = client.get("/adviser/enterprises?q=nord", htmx=True)
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="enterprise-results"' in response.text
    assert "HX-Request" in response.headers["Vary"]
    boosted = client.get(
        "/adviser/enterprises?q=nord", headers={"HX-Request": "true", "HX-Boosted": "true"}
    )
    assert "<html" in boosted.text


def test_pagination_without_js(world: World, client: WebClient) -> None:
    centre = world.nordlys.centre
    for n in range(25):
        build_enterprise(world.session, centre, name=f"Paginert {n:02d} AS")
    world.session.commit()
    _adviser(world, client)
    first = client.get("/adviser/enterprises").text
    assert "Next page" in first or "Neste side" in first
    second = client.get("/adviser/enterprises?page=2").text
    assert "Paginert" in second
    assert client.get("/adviser/enterprises?page=999").status_code == 200
    assert client.get("/adviser/enterprises?page=x").status_code == 200


def test_pages_count_and_hold_the_right_enterprises(world: World, client: WebClient) -> None:
    """30 more enterprises at the centre: with 20 a page, page 2 holds the rest, by name."""
    centre = world.nordlys.centre
    for n in range(30):
        build_enterprise(world.session, centre, name=f"Paginert {n:02d} AS")
    world.session.commit()
    _adviser(world, client)
    adviser = world.user("radgiver.oslo@nav.example")
    by_name = select(Enterprise.name).order_by(Enterprise.name, Enterprise.id)
    names = list(world.session.scalars(by_name.where(Enterprise.centre_id == centre.id)))
    mine = list(world.session.scalars(by_name.where(Enterprise.contact_person_id == adviser.id)))
    expected = mine + [name for name in names if name not in mine]
    size = 20
    pages = -(-len(expected) // size)
    assert len(expected) > 30 and pages >= 2

    first = client.get("/adviser/enterprises").text
    assert _page_of(first) == (1, pages)
    assert _listed(first) == expected[:size]

    second = client.get("/adviser/enterprises?page=2").text
    assert _page_of(second) == (2, pages)
    assert _listed(second) == expected[size : 2 * size]

    # An old link past the end shows the last page, with its items.
    past = client.get("/adviser/enterprises?page=9")
    assert past.status_code == 200
    assert _page_of(past.text) == (pages, pages)
    assert _listed(past.text) == expected[(pages - 1) * size :]


def _listed(page: str) -> list[str]:
    """The enterprise names of the results table, in order."""
    return re.findall(r'<td><a href="/enterprises/\d+">([^<]+)</a></td>', page)


def _page_of(page: str) -> tuple[int, int]:
    """ "Page 2 of 3" (or "Side 2 av 3") from the pagination: (number, pages)."""
    found = re.search(r"(?:Page|Side) (\d+) (?:of|av) (\d+)", page)
    assert found is not None
    return int(found[1]), int(found[2])
