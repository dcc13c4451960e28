"""Deputies of the contact person (issue 9, point 16): reading a plan is centre-wide, changing it
is for the enterprise's contact person and the deputies an administrator names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iwemployer.access import acting_enterprise_ids, acts_for_centre
from iwemployer.admin import deputies
from iwemployer.admin import services as admin_services
from iwemployer.cooperation import services as cooperation
from iwemployer.errors import DomainError
from iwemployer.home.tasks import TaskKind, adviser_tasks
from iwemployer.models import (
    ActionPlan,
    AuditEntry,
    ContactDeputy,
    Enterprise,
    Notification,
    PlanStatus,
    User,
    UserKind,
)
from iwemployer.plans.services import can_edit
from tests.conftest import WebClient, World, build_centre, build_enterprise, build_user
from tests.plans.access_cases import _goals
from tests.reliability.race import Prepare, race, refusals

ADMIN = "admin@nav.example"
CONTACT = "radgiver.oslo@nav.example"
SECOND = "radgiver2.oslo@nav.example"  # Jonas Berg: Oslo, not Nordlys's contact person
VESTLAND = "radgiver.vestland@nav.example"
MANAGER = "leder@nordlys.example"
CLIENTS = 6


def _plan(world: World) -> ActionPlan:
    plan = world.session.scalar(
        select(ActionPlan).where(ActionPlan.enterprise_id == world.nordlys.id)
    )
    assert plan is not None
    return plan


def _name(world: World, email: str, enterprise: Enterprise | None = None) -> ContactDeputy:
    deputy = deputies.name_deputy(
        world.session, enterprise or world.nordlys, email, world.user(ADMIN)
    )
    world.session.commit()
    return deputy


def _deputy_count(world: World, enterprise: Enterprise) -> int:
    return (
        world.session.scalar(
            select(func.count())
            .select_from(ContactDeputy)
            .where(ContactDeputy.enterprise_id == enterprise.id)
        )
        or 0
    )


# --- the rule -------------------------------------------------------------------------------


def test_a_second_adviser_changes_the_plan_only_while_named_deputy(world: World) -> None:
    plan = _plan(world)
    second = world.user(SECOND)
    assert can_edit(world.user(CONTACT), plan)
    assert not can_edit(second, plan)
    assert not acts_for_centre(second, world.nordlys)

    deputy = _name(world, SECOND)
    assert can_edit(second, plan) and acts_for_centre(second, world.nordlys)

    deputies.remove_deputy(world.session, deputy, world.user(ADMIN))
    world.session.commit()
    assert not can_edit(second, plan) and not acts_for_centre(second, world.nordlys)


def test_an_adviser_of_another_centre_is_never_named(world: World) -> None:
    for email in (VESTLAND, MANAGER, ADMIN, "nobody@nav.example", ""):
        with pytest.raises(DomainError) as refused:
            deputies.name_deputy(world.session, world.nordlys, email, world.user(ADMIN))
        assert refused.value.field == "adviser"
    assert _deputy_count(world, world.nordlys) == 0
    # Even a deputy row written past the service gives another centre's adviser no rights.
    vestland = world.user(VESTLAND)
    world.session.add(ContactDeputy(enterprise_id=world.nordlys.id, adviser_id=vestland.id))
    world.session.flush()
    assert not can_edit(vestland, _plan(world))
    assert world.nordlys.id not in set(world.session.scalars(acting_enterprise_ids(vestland)))


def test_an_inactive_adviser_the_contact_person_or_a_deputy_twice_are_refused(
    world: World,
) -> None:
    with pytest.raises(DomainError, match="contact person already"):
        deputies.name_deputy(world.session, world.nordlys, CONTACT, world.user(ADMIN))
    _name(world, SECOND.upper())  # the address in any case
    with pytest.raises(DomainError, match="deputy already"):
        deputies.name_deputy(world.session, world.nordlys, SECOND, world.user(ADMIN))
    assert _deputy_count(world, world.nordlys) == 1
    second = world.user(SECOND)
    second.active = False
    world.session.flush()
    other = world.session.scalar(select(Enterprise).where(Enterprise.name == "Oslo Renhold AS"))
    assert other is not None
    other.contact_person_id = world.user(CONTACT).id
    with pytest.raises(DomainError, match="active advisers"):
        deputies.name_deputy(world.session, other, SECOND, world.user(ADMIN))


def test_the_named_adviser_is_told_and_so_is_the_removed_one(world: World) -> None:
    second = world.user(SECOND)

    def kinds() -> list[str]:
        return list(
            world.session.scalars(
                select(Notification.kind)
                .where(Notification.user_id == second.id)
                .order_by(Notification.id)
            )
        )

    before = kinds()
    deputy = _name(world, SECOND)
    deputies.remove_deputy(world.session, deputy, world.user(ADMIN))
    assert kinds() == [*before, "deputy.named", "deputy.removed"]


def test_moving_the_enterprise_or_making_the_deputy_contact_person_ends_the_deputy(
    world: World,
) -> None:
    _name(world, SECOND)
    admin_services.set_contact_person(world.session, world.nordlys, world.user(SECOND).id)
    assert _deputy_count(world, world.nordlys) == 0

    admin_services.set_contact_person(world.session, world.nordlys, world.user(CONTACT).id)
    _name(world, SECOND)
    vestland = world.fjellbygg.centre_id
    admin_services.update_enterprise(
        world.session,
        world.nordlys,
        org_number=world.nordlys.org_number,
        name=world.nordlys.name,
        nace_code=world.nordlys.nace_code,
        employees=world.nordlys.employees,
        centre_id=vestland,
    )
    assert _deputy_count(world, world.nordlys) == 0


def test_suggestions_are_the_centres_other_active_advisers(world: World) -> None:
    found = {u.email for u in deputies.suggest_advisers(world.session, world.nordlys, "nav")}
    assert SECOND in found
    assert CONTACT not in found and VESTLAND not in found and ADMIN not in found
    _name(world, SECOND)
    assert SECOND not in {
        u.email for u in deputies.suggest_advisers(world.session, world.nordlys, "nav")
    }


def test_the_deputy_has_the_plan_tasks_and_the_meeting_rights_of_the_contact_person(
    world: World,
) -> None:
    plan = _plan(world)
    plan.status = PlanStatus.SENT
    world.session.flush()
    second = world.user(SECOND)
    assert TaskKind.PLANS_AWAITING not in {
        t.kind for t in adviser_tasks(world.session, second, date.today())
    }
    assert not cooperation.is_adviser_of(second, world.nordlys.id)
    assert not cooperation.can_record_inspection(second, world.nordlys.id)

    _name(world, SECOND)
    tasks = {t.kind: t for t in adviser_tasks(world.session, second, date.today())}
    assert tasks[TaskKind.PLANS_AWAITING].url.endswith(f"/plans/{plan.id}")
    assert cooperation.is_adviser_of(second, world.nordlys.id)
    assert cooperation.can_record_inspection(second, world.nordlys.id)


# --- over HTTP ------------------------------------------------------------------------------


def test_a_non_deputy_adviser_is_refused_plan_changes_and_a_deputy_is_not(
    world: World, client: WebClient
) -> None:
    plan = _plan(world)
    themes = f"/enterprises/{world.nordlys.id}/plans/{plan.id}/themes"
    data = {"new-theme-title": "Nytt tema fra rådgiver"}
    client.login_as(world.user(SECOND))
    assert client.get(f"/enterprises/{world.nordlys.id}/plans/{plan.id}").status_code == 200
    assert client.post(themes, data).status_code == 403
    goals = f"/enterprises/{world.nordlys.id}/plans/{plan.id}/goals"
    assert client.post(goals, _goals(plan)).status_code == 403
    # Nor is the edit form handed out.
    assert client.get(f"{goals}/edit").status_code == 403
    activity = plan.activities[0]
    assert (
        client.get(f"{themes[: -len('/themes')]}/activities/{activity.id}/edit").status_code == 403
    )

    _name(world, SECOND)
    assert client.get(f"{goals}/edit").status_code == 200
    assert client.post(themes, data).status_code == 303
    world.session.expire_all()
    assert "Nytt tema fra rådgiver" in {t.title for t in _plan(world).themes}


def test_the_administrator_names_and_removes_a_deputy_without_javascript(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(ADMIN))
    client.post("/language", {"language": "en", "next": "/"})
    page = f"/admin/enterprises/{world.nordlys.id}"
    assert "No deputies." in client.get(page).get_data(as_text=True)
    added = client.post(f"{page}/deputies", {"adviser": SECOND})
    assert added.status_code == 303 and added.headers["Location"].endswith("#deputies")
    shown = client.get(page).get_data(as_text=True)
    assert "Jonas Berg (radgiver2.oslo@nav.example)" in shown
    deputy = world.session.scalar(
        select(ContactDeputy).where(ContactDeputy.enterprise_id == world.nordlys.id)
    )
    assert deputy is not None
    audited = world.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.endpoint == "admin.deputy_add",
            AuditEntry.enterprise_id == world.nordlys.id,
            AuditEntry.permitted.is_(True),
        )
    )
    assert audited == 1

    removed = client.post(f"/admin/deputies/{deputy.id}/delete", {})
    assert removed.status_code == 303
    assert _deputy_count(world, world.nordlys) == 0
    assert world.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.endpoint == "admin.deputy_delete", AuditEntry.permitted.is_(True))
    )


def test_a_wrong_adviser_is_an_error_at_the_field(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADMIN))
    client.post("/language", {"language": "en", "next": "/"})
    url = f"/admin/enterprises/{world.nordlys.id}/deputies"
    for typed, message in (
        ("", "Type the adviser"),
        (VESTLAND, "Choose one of the active advisers"),
        ("x" * 300, "254"),
    ):
        answer = client.post(url, {"adviser": typed})
        text = answer.get_data(as_text=True)
        assert answer.status_code == 422, typed
        assert message in text and 'id="adviser-error"' in text, typed
    assert _deputy_count(world, world.nordlys) == 0


def test_suggestions_for_htmx_and_a_plain_visit(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADMIN))
    url = f"/admin/enterprises/{world.nordlys.id}/deputy-suggestions?adviser=nav"
    options = client.get(url, htmx=True)
    text = options.get_data(as_text=True)
    assert options.status_code == 200 and "<html" not in text
    assert f'value="{SECOND}"' in text and VESTLAND not in text and CONTACT not in text
    plain = client.get(url)
    assert plain.status_code == 303 and plain.headers["Location"].endswith("#deputies")


def test_the_enterprise_page_shows_the_deputy_to_staff_and_employers(
    world: World, client: WebClient
) -> None:
    _name(world, SECOND)
    for email in (SECOND, MANAGER):
        reader = WebClient(client.app)
        reader.login_as(world.user(email))
        text = reader.get(f"/enterprises/{world.nordlys.id}").get_data(as_text=True)
        assert "Jonas Berg" in text and "radgiver2.oslo@nav.example" in text, email


def test_the_deputy_finds_the_enterprise_among_their_own(world: World, client: WebClient) -> None:
    second = world.user(SECOND)
    mine = set(world.session.scalars(acting_enterprise_ids(second)))
    assert world.nordlys.id not in mine
    _name(world, SECOND)
    assert world.nordlys.id in set(world.session.scalars(acting_enterprise_ids(second)))
    client.login_as(second)
    overview = client.get("/plans/overview").get_data(as_text=True)
    assert "Nordlys Omsorg AS" in overview
    # Reading stays centre-wide, but an employer is never an acting adviser.
    assert not set(world.session.scalars(acting_enterprise_ids(world.user(MANAGER))))


# --- at the same instant --------------------------------------------------------------------


def test_two_administrators_naming_the_same_deputy_at_once_give_one(
    app: Flask, session: Session
) -> None:
    """The unique (enterprise, adviser) constraint decides; the other gets the field error."""
    centre = build_centre(session)
    contact = build_user(session, UserKind.ADVISER, centre=centre)
    adviser = build_user(session, UserKind.ADVISER, centre=centre)
    admins = [build_user(session, UserKind.ADMIN) for _ in range(CLIENTS)]
    enterprise = build_enterprise(session, centre, contact=contact)
    session.commit()
    enterprise_id, email = enterprise.id, adviser.email

    def naming(admin_id: int) -> Prepare:
        def prepare(s: Session) -> Callable[[], Any]:
            target = s.get_one(Enterprise, enterprise_id)
            actor = s.get_one(User, admin_id)
            return lambda: deputies.name_deputy(s, target, email, actor)

        return prepare

    results = race(app, [naming(a.id) for a in admins])
    refused = refusals(results)
    assert len(refused) == CLIENTS - 1
    assert all(r.field == "adviser" for r in refused)
    assert (
        session.scalar(
            select(func.count())
            .select_from(ContactDeputy)
            .where(ContactDeputy.enterprise_id == enterprise_id)
        )
        == 1
    )
