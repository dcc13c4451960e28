"""The tasks block and the industry's name on the home pages, in bokmål and English."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from iwemployer.models import ActionPlan, PlanStatus
from tests.conftest import WebClient, World


def _english(client: WebClient) -> None:
    client.post("/language", {"language": "en", "next": "/"})


@pytest.mark.parametrize(
    ("language", "heading", "ends", "contact"),
    [
        ("nb", "Oppgaver for deg", "Samarbeidsavtalen går ut", "Kontakt kontaktpersonen deres"),
        ("en", "Your tasks", "The cooperation agreement ends on", "Contact your contact person"),
    ],
)
def test_the_manager_is_told_to_renew_an_ending_agreement(
    world: World, client: WebClient, language: str, heading: str, ends: str, contact: str
) -> None:
    client.login_as(world.user("leder@fjellbygg.example"))
    if language == "en":
        _english(client)
    page = client.get(f"/enterprises/{world.fjellbygg.id}").text
    person = world.fjellbygg.contact_person
    assert person is not None
    assert heading in page and ends in page and contact in page
    assert f'href="mailto:{person.email}"' in page
    assert (date.today() + timedelta(days=60)).strftime("%Y") in page


@pytest.mark.parametrize(
    ("language", "empty", "industry"),
    [
        ("nb", "Ingen oppgaver nå.", "87.301 Pleie- og omsorgstjenester i institusjon"),
        ("en", "No tasks right now.", "87.301 Residential care activities"),
    ],
)
def test_empty_state_and_industry_name(
    world: World, client: WebClient, language: str, empty: str, industry: str
) -> None:
    client.login_as(world.user("verneombud@nordlys.example"))
    if language == "en":
        _english(client)
    page = client.get(f"/enterprises/{world.nordlys.id}").text
    assert empty in page
    assert industry in page


def test_an_unknown_industry_code_shows_alone(world: World, client: WebClient) -> None:
    world.nordlys.nace_code = "01.110"
    world.session.commit()
    client.login_as(world.user("leder@nordlys.example"))
    page = client.get(f"/enterprises/{world.nordlys.id}").text
    assert "01.110 ·" in page


def test_a_plan_waiting_for_the_party_links_to_the_plan(world: World, client: WebClient) -> None:
    # The demo: Fjellbygg's plan waits for the union representative's answer.
    plan = world.session.scalar(
        select(ActionPlan).where(ActionPlan.enterprise_id == world.fjellbygg.id)
    )
    assert plan is not None and plan.status == PlanStatus.SENT
    client.login_as(world.user("tillitsvalgt@fjellbygg.example"))
    page = client.get(f"/enterprises/{world.fjellbygg.id}").text
    assert "Handlingsplanen venter på bekreftelsen din" in page
    assert f'href="/enterprises/{world.fjellbygg.id}/plans/{plan.id}"' in page


def test_no_tasks_of_another_enterprise(world: World, client: WebClient) -> None:
    """The occupational health service at Nordlys sees Nordlys' tasks only, and another
    enterprise's page is not found, tasks and all."""
    plan = world.session.scalar(
        select(ActionPlan).where(ActionPlan.enterprise_id == world.fjellbygg.id)
    )
    assert plan is not None
    plan.status = PlanStatus.DECLINED
    world.session.commit()
    client.login_as(world.user("leder@nordlys.example"))
    page = client.get(f"/enterprises/{world.nordlys.id}").text
    assert f"/enterprises/{world.fjellbygg.id}/" not in page
    assert "Fjellbygg" not in page
    assert client.get(f"/enterprises/{world.fjellbygg.id}").status_code == 404


def test_advisers_see_no_employer_tasks_on_an_enterprise_page(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user("radgiver.vestland@nav.example"))
    page = client.get(f"/enterprises/{world.fjellbygg.id}").text
    assert "Oppgaver for deg" not in page


@pytest.mark.parametrize(
    ("language", "heading", "waiting"),
    [
        ("nb", "Oppgaver for deg", "1 handlingsplan hos virksomhetene dine venter på bekreftelse"),
        ("en", "Your tasks", "1 action plan at your enterprises awaits confirmation"),
    ],
)
def test_the_advisers_home_lists_their_tasks(
    world: World, client: WebClient, language: str, heading: str, waiting: str
) -> None:
    client.login_as(world.user("radgiver.vestland@nav.example"))
    if language == "en":
        _english(client)
    page = client.get("/adviser/enterprises").text
    assert heading in page and waiting in page
    assert f'href="/enterprises/{world.fjellbygg.id}"' in page
    # Searching swaps the results only: the tasks are not computed for it.
    fragment = client.get("/adviser/enterprises?q=fjell", htmx=True).text
    assert heading not in fragment
