"""HTTP tests of proposals: the plan page's region, the proposal pages without JavaScript and
with htmx, 422 at the field, accepting into the plan, declining and withdrawing in place."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from iwemployer.models import (
    ActionPlan,
    ActivityStatus,
    PlanProposal,
    ProposalStatus,
    Responsible,
)
from tests.conftest import WebClient, World

MANAGER = "leder@nordlys.example"
SAFETY = "verneombud@nordlys.example"
HEALTH = "bht@helsepartner.example"
ADVISER = "radgiver.oslo@nav.example"
DEMO_TITLE = "Forflytningskurs på sykehjemmene"


def _plan(world: World) -> ActionPlan:
    world.session.expire_all()
    plan = world.session.scalar(
        select(ActionPlan).where(ActionPlan.enterprise_id == world.nordlys.id)
    )
    assert plan is not None
    return plan


def _url(plan: ActionPlan, suffix: str = "") -> str:
    return f"/enterprises/{plan.enterprise_id}/plans/{plan.id}{suffix}"


def _demo(world: World) -> PlanProposal:
    world.session.expire_all()
    proposal = world.session.scalar(select(PlanProposal).where(PlanProposal.title == DEMO_TITLE))
    assert proposal is not None
    return proposal


def _as(client: WebClient, world: World, email: str) -> WebClient:
    client.login_as(world.user(email))
    client.post("/language", {"language": "en", "next": "/"})
    return client


def _activity_data(plan: ActionPlan, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "proposal-title": "Trivselsundersøkelse",
        "proposal-description": "En kort undersøkelse på avdelingene.",
        "proposal-responsible": Responsible.SAFETY_DELEGATE.value,
        "proposal-due_date": (plan.period_end - timedelta(days=10)).isoformat(),
        "proposal-reason": "Vi vet for lite om trivselen.",
    }
    data.update(changes)
    return data


def test_the_manager_sees_the_open_proposal_with_accept_and_decline(
    world: World, client: WebClient
) -> None:
    plan = _plan(world)
    page = _as(client, world, MANAGER).get(_url(plan)).get_data(as_text=True)
    assert 'id="proposals"' in page
    assert DEMO_TITLE in page
    assert _url(plan, f"/proposals/{_demo(world).id}/accept") in page
    assert "Decline …" in page
    # The manager proposes nothing: she edits.
    assert "/proposals/new" not in page


def test_the_proposer_sees_withdraw_and_the_links_to_propose(
    world: World, client: WebClient
) -> None:
    plan = _plan(world)
    page = _as(client, world, HEALTH).get(_url(plan)).get_data(as_text=True)
    assert "Withdraw your proposal" in page
    assert "/accept" not in page
    assert page.count("Propose an activity") == len(plan.themes)
    assert "Propose a change" in page


def test_proposing_an_activity_without_javascript(world: World, client: WebClient) -> None:
    plan = _plan(world)
    theme = plan.themes[0]
    _as(client, world, SAFETY)
    form = client.get(_url(plan, f"/themes/{theme.id}/proposals/new"))
    assert form.status_code == 200
    assert "Propose an activity for" in form.get_data(as_text=True)
    sent = client.post(_url(plan, f"/themes/{theme.id}/proposals"), _activity_data(plan))
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith(_url(plan) + "#proposals")
    page = client.get(_url(plan)).get_data(as_text=True)
    assert "Your proposal is sent" in page
    assert "Trivselsundersøkelse" in page


@pytest.mark.parametrize("htmx", [False, True])
def test_a_proposal_with_errors_answers_422_at_the_fields(
    world: World, client: WebClient, htmx: bool
) -> None:
    plan = _plan(world)
    theme = plan.themes[0]
    _as(client, world, SAFETY)
    data = _activity_data(
        plan,
        **{
            "proposal-reason": "",
            "proposal-due_date": (plan.period_end + timedelta(days=30)).isoformat(),
        },
    )
    response = client.post(_url(plan, f"/themes/{theme.id}/proposals"), data, htmx=htmx)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="proposal-reason-error"' in body
    assert "Say briefly why." in body
    assert ("<html" in body) is not htmx
    # The due date outside the period is the service's refusal, also at its field.
    data["proposal-reason"] = "Fordi."
    response = client.post(_url(plan, f"/themes/{theme.id}/proposals"), data, htmx=htmx)
    assert response.status_code == 422
    assert "Choose a date within the plan" in response.get_data(as_text=True)
    assert (
        world.session.scalar(
            select(PlanProposal).where(PlanProposal.title == "Trivselsundersøkelse")
        )
        is None
    )


def test_proposing_with_htmx_redirects_to_the_plan(world: World, client: WebClient) -> None:
    plan = _plan(world)
    _as(client, world, SAFETY)
    response = client.post(
        _url(plan, f"/themes/{plan.themes[0].id}/proposals"), _activity_data(plan), htmx=True
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].endswith("#proposals")


def test_proposing_a_status(world: World, client: WebClient) -> None:
    plan = _plan(world)
    activity = next(a for a in plan.activities if a.responsible == Responsible.MANAGER)
    _as(client, world, HEALTH)
    assert client.get(_url(plan, f"/activities/{activity.id}/proposals/new")).status_code == 200
    wanted = next(s for s in ActivityStatus if s != activity.status)
    sent = client.post(
        _url(plan, f"/activities/{activity.id}/proposals"),
        {"proposal-to_status": wanted.value, "proposal-reason": "Det er gjort."},
    )
    assert sent.status_code == 303
    _as(client, world, MANAGER)
    proposal = world.session.scalar(
        select(PlanProposal).where(PlanProposal.activity_id == activity.id)
    )
    assert proposal is not None
    accepted = client.post(_url(plan, f"/proposals/{proposal.id}/accept"))
    assert accepted.status_code == 303
    assert _plan(world).version == plan.version
    world.session.refresh(activity)
    assert activity.status == wanted


def test_accepting_puts_the_activity_in_the_plan_with_a_new_version(
    world: World, client: WebClient
) -> None:
    plan = _plan(world)
    version = plan.version
    proposal = _demo(world)
    _as(client, world, MANAGER)
    response = client.post(_url(plan, f"/proposals/{proposal.id}/accept"))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The proposal is accepted" in page
    assert f"version {version + 1}" in page
    assert _plan(world).version == version + 1
    assert DEMO_TITLE in page
    assert _demo(world).status == ProposalStatus.ACCEPTED
    # A second click answers a conflict, and nothing is added twice.
    again = client.post(_url(plan, f"/proposals/{proposal.id}/accept"))
    assert again.status_code == 303
    titles = [a.title for a in _plan(world).activities]
    assert titles.count(DEMO_TITLE) == 1


@pytest.mark.parametrize("htmx", [False, True])
def test_declining_needs_a_reason_at_the_field(world: World, client: WebClient, htmx: bool) -> None:
    plan = _plan(world)
    proposal = _demo(world)
    _as(client, world, ADVISER)
    url = _url(plan, f"/proposals/{proposal.id}/decline")
    field = f"proposal{proposal.id}-answer"
    empty = client.post(url, {field: ""}, htmx=htmx)
    assert empty.status_code == 422
    body = empty.get_data(as_text=True)
    assert f'id="{field}-error"' in body
    assert '<details class="confirm-action" open>' in body
    declined = client.post(url, {field: "Tas med i neste plan."}, htmx=htmx)
    if htmx:
        assert declined.status_code == 200
        assert declined.headers["HX-Trigger"] == "plan-changed"
        assert "The proposal is declined" in declined.get_data(as_text=True)
    else:
        assert declined.status_code == 303
    assert _demo(world).status == ProposalStatus.DECLINED


def test_withdrawing_in_place(world: World, client: WebClient) -> None:
    plan = _plan(world)
    proposal = _demo(world)
    _as(client, world, HEALTH)
    response = client.post(_url(plan, f"/proposals/{proposal.id}/withdraw"), htmx=True)
    assert response.status_code == 200
    assert "Your proposal is withdrawn" in response.get_data(as_text=True)
    assert _demo(world).status == ProposalStatus.WITHDRAWN
    # The safety delegate did not propose it: refused.
    _as(client, world, SAFETY)
    assert client.post(_url(plan, f"/proposals/{proposal.id}/withdraw")).status_code == 403


def test_the_proposal_waits_on_the_manager_and_contact_persons_tasks(
    world: World, client: WebClient
) -> None:
    plan = _plan(world)
    link = f'href="{_url(plan)}#proposals"'
    text = "1 proposal to an action plan waits for your answer"
    home = (
        _as(client, world, MANAGER).get(f"/enterprises/{world.nordlys.id}").get_data(as_text=True)
    )
    assert text in home and link in home
    mine = _as(client, world, ADVISER).get("/adviser/enterprises").get_data(as_text=True)
    assert text in mine and link in mine
    # The parties propose: they are not asked to answer.
    theirs = _as(client, world, SAFETY).get(f"/enterprises/{world.nordlys.id}")
    assert text not in theirs.get_data(as_text=True)
