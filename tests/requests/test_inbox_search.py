"""The inbox's enterprise filter: a search field with suggestions of the adviser's own centre's
enterprises (htmx), and without JavaScript the typed text resolved by the server."""

from __future__ import annotations

from tests.conftest import WebClient, World

ADVISER = "radgiver.oslo@nav.example"


def _adviser(world: World, client: WebClient) -> WebClient:
    client.login_as(world.user(ADVISER))
    return client


def _datalist(html: str) -> str:
    return html.split('<datalist id="enterprise-suggestions">')[1].split("</datalist>")[0]


def test_the_filter_is_a_search_field_not_a_list_of_the_centres_enterprises(
    world: World, client: WebClient
) -> None:
    page = _adviser(world, client).get("/inbox")
    assert page.status_code == 200
    assert 'list="enterprise-suggestions"' in page.text
    assert 'hx-get="/inbox/suggestions/enterprises"' in page.text
    assert 'id="filter-enterprise"' not in page.text
    assert "Torshov Verksted" not in page.text  # an enterprise without requests is not listed


def test_suggestions_are_the_advisers_centres_enterprises_only(
    world: World, client: WebClient
) -> None:
    _adviser(world, client)
    found = client.get("/inbox/suggestions/enterprises?enterprise=nord", htmx=True)
    assert found.status_code == 200
    assert '<option value="Nordlys Omsorg AS (987 654 325)"></option>' in found.text
    other_centre = client.get("/inbox/suggestions/enterprises?enterprise=fjell", htmx=True)
    assert other_centre.status_code == 200 and "<option" not in other_centre.text
    by_number = client.get("/inbox/suggestions/enterprises?enterprise=923456", htmx=True)
    assert "<option" not in by_number.text
    plain = client.get("/inbox/suggestions/enterprises?enterprise=nord")
    assert plain.status_code == 303 and plain.headers["Location"] == "/inbox?enterprise=nord"


def test_typed_without_javascript_the_text_filters_by_one_enterprise(
    world: World, client: WebClient
) -> None:
    _adviser(world, client)
    page = client.get("/inbox?enterprise=nordlys&status=all")
    assert page.status_code == 200
    assert "Omsorgsassistent" in page.text  # a Nordlys request
    as_suggested = client.get("/inbox?enterprise=Nordlys+Omsorg+AS+(987+654+325)&status=all")
    assert as_suggested.status_code == 200 and "Omsorgsassistent" in as_suggested.text
    other = client.get("/inbox?enterprise=oslo+renhold&status=all")
    assert other.status_code == 200 and "Omsorgsassistent" not in other.text


def test_a_link_names_the_enterprise_by_id_and_the_field_shows_it(
    world: World, client: WebClient
) -> None:
    page = _adviser(world, client).get(f"/inbox?enterprise_id={world.nordlys.id}&status=all")
    assert page.status_code == 200
    assert 'value="Nordlys Omsorg AS (987 654 325)"' in page.text
    foreign = client.get(f"/inbox?enterprise_id={world.fjellbygg.id}&status=all")
    assert foreign.status_code == 200 and "Fjellbygg" not in foreign.text


def test_an_ambiguous_or_unknown_enterprise_is_an_error_at_the_field(
    world: World, client: WebClient
) -> None:
    _adviser(world, client)
    several = client.get("/inbox?enterprise=AS&status=all")
    assert several.status_code == 422
    assert 'id="enterprise-error"' in several.text and "Flere virksomheter" in several.text
    assert '<option value="Nordlys Omsorg AS (987 654 325)">' in _datalist(several.text)
    assert "Omsorgsassistent" in several.text  # the list, unfiltered by enterprise
    # Another centre's enterprise is not found, and not told apart from one that does not exist.
    foreign = client.get("/inbox?enterprise=923+456+783")
    missing = client.get("/inbox?enterprise=812+345+680")
    assert foreign.status_code == missing.status_code == 422
    assert "Fjellbygg" not in foreign.text
    assert "Ingen virksomhet du kan velge, har organisasjonsnummer 923 456 783." in foreign.text
