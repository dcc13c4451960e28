from __future__ import annotations

from datetime import date, timedelta

from iwemployer.models import CooperationAgreement
from tests.conftest import WebClient, World


def test_home_shows_enterprise_agreement_and_contact(world: World, client: WebClient) -> None:
    client.login_as(world.user("leder@nordlys.example"))
    page = client.get(f"/enterprises/{world.nordlys.id}").text
    for text in (
        "Nordlys Omsorg AS",
        "987 654 325",
        "87.301",
        "Ingrid Haugen",
        "radgiver.oslo@nav.example",
        "NAV Arbeidslivssenter Oslo",
        "Sannergata 2",
    ):
        assert text in page
    assert "Fjellbygg" not in page


def test_warning_when_agreement_ends_within_90_days(world: World, client: WebClient) -> None:
    client.login_as(world.user("leder@fjellbygg.example"))
    page = client.get(f"/enterprises/{world.fjellbygg.id}").text
    # The demo agreement of Fjellbygg ends in 60 days.
    assert "alert--warning" in page and "60" in page


def test_no_warning_far_from_the_end(world: World, client: WebClient) -> None:
    client.login_as(world.user("leder@nordlys.example"))
    page = client.get(f"/enterprises/{world.nordlys.id}").text
    assert "alert--warning" not in page


def test_earlier_periods_listed(world: World, client: WebClient) -> None:
    client.login_as(world.user("leder@nordlys.example"))
    agreements = (
        world.session.query(CooperationAgreement).filter_by(enterprise_id=world.nordlys.id).count()
    )
    assert agreements == 2
    page = client.get(f"/enterprises/{world.nordlys.id}").text
    assert page.count("<li>") >= 1


def test_index_redirects_each_kind(world: World, client: WebClient) -> None:
    client.login_as(world.user("leder@nordlys.example"))
    assert client.get("/").headers["Location"] == f"/enterprises/{world.nordlys.id}"
    adviser = WebClient(client.app)
    adviser.login_as(world.user("radgiver.oslo@nav.example"))
    assert adviser.get("/").headers["Location"] == "/adviser/enterprises"


def test_switcher_changes_current_enterprise(world: World, client: WebClient) -> None:
    ohs = world.user("bht@helsepartner.example")
    client.login_as(ohs)
    first = client.get("/", follow_redirects=True).text
    assert 'id="switch-enterprise"' in first
    other = next(m.enterprise for m in ohs.memberships if m.enterprise_id != world.nordlys.id)
    response = client.post("/switch-enterprise", {"enterprise_id": other.id})
    assert response.status_code == 303
    assert client.get("/").headers["Location"] == f"/enterprises/{other.id}"
    assert client.post("/switch-enterprise", {"enterprise_id": "abc"}).status_code == 404


def test_the_switcher_and_menu_follow_the_enterprise_of_the_page(
    world: World, client: WebClient
) -> None:
    """A link (from a mail, a notification) to another of the person's enterprises: the header
    names that enterprise and the menu leads within it, whatever was chosen before."""
    ohs = world.user("bht@helsepartner.example")
    client.login_as(ohs)
    other = next(m.enterprise for m in ohs.memberships if m.enterprise_id != world.nordlys.id)
    client.post("/switch-enterprise", {"enterprise_id": other.id})
    page = client.get(f"/enterprises/{world.nordlys.id}/health-service").text
    assert f'<option value="{world.nordlys.id}" selected>' in page
    assert f'<option value="{other.id}" selected>' not in page
    assert f'href="/enterprises/{world.nordlys.id}/plan"' in page
    # Elsewhere the choice stands.
    assert client.get("/").headers["Location"] == f"/enterprises/{other.id}"


def test_adviser_sees_enterprise_of_own_centre_only(world: World, client: WebClient) -> None:
    client.login_as(world.user("radgiver.oslo@nav.example"))
    assert client.get(f"/enterprises/{world.nordlys.id}").status_code == 200
    assert client.get(f"/enterprises/{world.fjellbygg.id}").status_code == 404
    assert client.get("/enterprises/999999").status_code == 404


def test_upcoming_agreement_status(world: World) -> None:
    today = date.today()
    upcoming = CooperationAgreement(
        start_date=today + timedelta(days=3), end_date=today + timedelta(days=900)
    )
    assert upcoming.status(today).value == "upcoming"
    terminated = CooperationAgreement(
        start_date=today - timedelta(days=3),
        end_date=today + timedelta(days=900),
        terminated_on=today,
    )
    assert terminated.status(today).value == "terminated"
    assert not terminated.ends_soon(today)


def test_occupational_health_sees_names_not_addresses(world: World, client: WebClient) -> None:
    client.login_as(world.user("bht@helsepartner.example"))
    page = client.get(f"/enterprises/{world.nordlys.id}/members").text
    assert "Aisha Rahman" in page
    assert "tillitsvalgt@nordlys.example" not in page
    client.login_as(world.user("leder@nordlys.example"))
    page = client.get(f"/enterprises/{world.nordlys.id}/members").text
    assert "tillitsvalgt@nordlys.example" in page
