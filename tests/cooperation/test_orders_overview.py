"""Open orders where people act on them: among the tasks on the enterprise's home and the
adviser's home, on the contact person's overview (the first ten by deadline, then a link) and
on the centre's own paged list of open orders."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from iwemployer.cooperation.services import HOME_ORDERS, OVERVIEW_ORDERS
from iwemployer.models import Enterprise, Inspection, InspectionOrder
from tests.conftest import WebClient, World

VESTLAND = "radgiver.vestland@nav.example"
FJELLBYGG_ORDER = "Kartlegg risikoen for fall"


def _add_orders(world: World, enterprise: Enterprise, count: int) -> None:
    world.session.add(
        Inspection(
            enterprise_id=enterprise.id,
            inspected_on=date.today() - timedelta(days=3),
            topic="Støy",
            orders=[
                InspectionOrder(
                    text=f"Pålegg nummer {n:02d}", deadline=date.today() + timedelta(days=30 + n)
                )
                for n in range(count)
            ],
        )
    )
    world.session.commit()


def test_the_managers_home_lists_the_order_due_among_the_tasks(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user("leder@fjellbygg.example"))
    page = client.get(f"/enterprises/{world.fjellbygg.id}").text
    order = world.session.scalar(
        select(InspectionOrder)
        .where(InspectionOrder.answered_on.is_(None))
        .join(Inspection)
        .where(Inspection.enterprise_id == world.fjellbygg.id)
    )
    assert order is not None
    tasks = page.split('id="tasks-heading"')[1].split("</section>")[0]
    assert f"/enterprises/{world.fjellbygg.id}/inspections#order-{order.id}" in tasks
    assert "Et pålegg fra Arbeidstilsynet har frist" in tasks


def test_the_home_card_shows_the_first_orders_and_links_to_the_rest(
    world: World, client: WebClient
) -> None:
    _add_orders(world, world.fjellbygg, HOME_ORDERS + 2)
    client.login_as(world.user("verneombud@fjellbygg.example"))
    page = client.get(f"/enterprises/{world.fjellbygg.id}").text
    card = page.split('id="cooperation-heading"')[1].split("</section>")[0]
    assert card.count("#order-") == HOME_ORDERS
    assert FJELLBYGG_ORDER in card  # the nearest deadline comes first
    assert "Se alle tilsyn og pålegg" in card


def test_the_overview_shows_ten_orders_by_deadline_and_the_list_pages_the_rest(
    world: World, client: WebClient
) -> None:
    _add_orders(world, world.fjellbygg, OVERVIEW_ORDERS + 15)
    client.login_as(world.user(VESTLAND))
    overview = client.get("/adviser/cooperation").text
    orders = overview.split('id="orders-heading"')[1].split("</section>")[0]
    assert orders.count("#order-") == OVERVIEW_ORDERS
    assert FJELLBYGG_ORDER in orders
    assert "Se alle 26 åpne pålegg" in orders and "/adviser/cooperation/orders" in orders
    first = client.get("/adviser/cooperation/orders")
    assert first.status_code == 200 and first.text.count("#order-") == 20
    assert "26 åpne pålegg" in first.text and 'rel="next"' in first.text
    second = client.get("/adviser/cooperation/orders?page=2")
    assert second.text.count("#order-") == 6 and "Pålegg nummer 24" in second.text
    # A page number that is no number is the first page, not an error.
    assert client.get("/adviser/cooperation/orders?page=x").status_code == 200


def test_another_centres_adviser_sees_none_of_them(world: World, client: WebClient) -> None:
    client.login_as(world.user("radgiver.oslo@nav.example"))
    assert "Fjellbygg" not in client.get("/adviser/cooperation/orders").text
    assert "Fjellbygg" not in client.get("/adviser/cooperation").text


def test_the_advisers_home_has_the_centres_orders_coming_due(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(VESTLAND))
    page = client.get("/adviser/enterprises").text
    tasks = page.split('id="tasks-heading"')[1].split("</section>")[0]
    assert 'href="/adviser/cooperation/orders"' in tasks
