"""The health-details warning over HTTP: the first submission is re-shown (422) with the warning
at the field and the box; ticking it saves the text once; a resend makes no copy. In nb and en,
without JS, for a case-help request, a reply, a plan comment and a subsidy draft."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from iwemployer.models import (
    EmployerRequest,
    PlanEvent,
    PlanEventKind,
    RequestMessage,
    SubsidyApplication,
)
from tests.conftest import WebClient, World
from tests.plans.test_views import _plan
from tests.plans.test_views import _url as plan_url
from tests.requests.access_cases import CASE_HELP, rid
from tests.requests.test_views import _english, _token
from tests.subsidies.conftest import build_application
from tests.subsidies.test_views import DRAFT
from tests.subsidies.test_views import _url as subsidy_url

MANAGER = "leder@nordlys.example"
SAFETY = "verneombud@nordlys.example"
TEXT = "Kari Nordmann er 50 % sykmeldt for depresjon."
BOX = 'name="no_health_details"'


def _requests(world: World) -> int:
    world.session.expire_all()
    return world.session.scalar(select(func.count()).select_from(EmployerRequest)) or 0


def _case_help(token: str, **extra: str) -> dict[str, str]:
    return {
        "form_token": token,
        "help_kind": "sick_leave",
        "urgency": "soon",
        "description": TEXT,
        **extra,
    }


def _error_of(html: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}-error"[^>]*>(.*?)</div>', html, re.S)
    assert match, f"no error region for {field_id}"
    return match.group(1)


def test_case_help_with_health_details_is_reshown_with_the_warning_at_the_field(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/requests/new/case-help"
    page = client.get(url)
    assert BOX not in page.text  # the box only comes with the warning
    token = _token(page.text)
    before = _requests(world)
    warned = client.post(url, _case_help(token))
    assert warned.status_code == 422
    assert _requests(world) == before
    error = _error_of(warned.text, "description")
    assert "“depresjon”" in error and "Helseopplysninger om ansatte skal ikke" in error
    assert TEXT in warned.text  # nothing typed is lost
    assert BOX in warned.text
    assert "Teksten inneholder ikke helseopplysninger om navngitte ansatte" in warned.text
    assert _token(warned.text) == token

    sent = client.post(url, _case_help(token, no_health_details="y"))
    assert sent.status_code == 303
    assert _requests(world) == before + 1
    # The same form sent again (back button, double click) leads to the one request.
    again = client.post(url, _case_help(token, no_health_details="y"))
    assert again.status_code == 303 and again.headers["Location"] == sent.headers["Location"]
    assert _requests(world) == before + 1


def test_the_warning_in_english(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    _english(client)
    url = f"/enterprises/{world.nordlys.id}/requests/new/case-help"
    token = _token(client.get(url).text)
    warned = client.post(url, _case_help(token, description="She was diagnosed with cancer"))
    assert warned.status_code == 422
    error = _error_of(warned.text, "description")
    assert "“diagnosed”, “cancer”" in error and "must not be written here" in error
    assert "The text holds no health details about named employees" in warned.text


def test_ordinary_sick_leave_text_is_sent_without_a_warning(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/requests/new/case-help"
    token = _token(client.get(url).text)
    general = "En ansatt har vært sykmeldt lenge og vi vil tilrettelegge."
    assert client.post(url, _case_help(token, description=general)).status_code == 303


def test_a_reply_with_health_details_is_warned_then_sent_once(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/requests/{rid(world, CASE_HELP)}/messages"

    def messages() -> int:
        world.session.expire_all()
        return world.session.scalar(select(func.count()).select_from(RequestMessage)) or 0

    before = messages()
    warned = client.post(url, {"body": "Hun er gravid."})
    assert warned.status_code == 422 and "“gravid”" in warned.text and BOX in warned.text
    assert "Hun er gravid." in warned.text
    assert messages() == before
    sent = client.post(url, {"body": "Hun er gravid.", "no_health_details": "y"})
    assert sent.status_code == 303
    assert messages() == before + 1


def test_a_plan_comment_with_health_details_is_warned_then_added(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(SAFETY))
    plan = _plan(world, world.nordlys)

    def comments() -> int:
        world.session.expire_all()
        return (
            world.session.scalar(
                select(func.count())
                .select_from(PlanEvent)
                .where(PlanEvent.plan_id == plan.id, PlanEvent.kind == PlanEventKind.COMMENT)
            )
            or 0
        )

    before = comments()
    data = {"comment-text": "Ola har angst", "comment-activity_id": 0}
    warned = client.post(plan_url(plan, "/comments"), data)
    assert warned.status_code == 422
    assert "“angst”" in _error_of(warned.text, "comment-text")
    assert 'name="comment-no_health_details"' in warned.text
    assert "Ola har angst" in warned.text
    assert comments() == before
    sent = client.post(plan_url(plan, "/comments"), {**data, "comment-no_health_details": "y"})
    assert sent.status_code == 303
    assert comments() == before + 1


def test_a_subsidy_draft_with_health_details_is_not_saved_until_confirmed(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(MANAGER))
    app = build_application(world)
    data = {**DRAFT, "purpose": "Tilrettelegging for en ansatt med diabetes"}
    warned = client.post(subsidy_url(app), data)
    assert warned.status_code == 422
    assert "“diabetes”" in _error_of(warned.text, "purpose")
    assert BOX in warned.text and "med diabetes" in warned.text
    world.session.expire_all()
    assert world.session.get_one(SubsidyApplication, app.id).purpose != data["purpose"]
    assert client.post(subsidy_url(app), {**data, "no_health_details": "y"}).status_code == 303
    world.session.expire_all()
    assert world.session.get_one(SubsidyApplication, app.id).purpose == data["purpose"]
