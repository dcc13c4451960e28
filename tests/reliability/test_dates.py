"""Points 6 and 7 of the reliability issue: a required date of only spaces is a 422 with the
field's error (not a 500), and every date field accepts one sane range (1990–2199)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from iwemployer.models import ActionPlan, Enterprise, RecruitmentRequest
from tests.conftest import WebClient, World

ADVISER = "radgiver.oslo@nav.example"
MANAGER = "leder@nordlys.example"


def _grunerlokka(world: World) -> Enterprise:
    found = world.session.scalar(
        select(Enterprise).where(Enterprise.name == "Grünerløkka Barnehager AS")
    )
    assert found is not None
    return found


def _plans(world: World, enterprise_id: int) -> int:
    world.session.expire_all()
    return (
        world.session.scalar(
            select(func.count())
            .select_from(ActionPlan)
            .where(ActionPlan.enterprise_id == enterprise_id)
        )
        or 0
    )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("   ", "2027-12-31", "en dato."),
        ("2027-01-01", " \t ", "en dato."),
        ("2027-01-01", "9999-12-31", "mellom 1990 og 2199."),
        ("0001-01-01", "2027-12-31", "mellom 1990 og 2199."),
    ],
)
def test_a_new_plan_with_a_blank_or_absurd_date_is_422(
    world: World, client: WebClient, start: str, end: str, message: str
) -> None:
    client.login_as(world.user(ADVISER))
    enterprise = _grunerlokka(world)
    response = client.post(
        f"/enterprises/{enterprise.id}/plans",
        {"plan-period_start": start, "plan-period_end": end},
    )
    assert response.status_code == 422
    assert message in response.text  # at the field, in bokmål
    assert _plans(world, enterprise.id) == 0
    assert client.get(f"/enterprises/{enterprise.id}/plans/new").status_code == 200


def test_a_recruitment_start_date_far_away_is_422(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/requests/new/recruitment"
    before = world.session.scalar(select(func.count()).select_from(RecruitmentRequest))
    data = {
        "form_token": "x" * 30,
        "job_title": "Omsorgsassistent",
        "positions": "1",
        "position_percent": "100",
        "location": "Oslo",
        "requirements": "Norsk",
        "contact_name": "Marte Lie",
        "contact_email": "leder@nordlys.example",
        "start_date": "9999-12-31",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    assert "1990" in response.text and "2199" in response.text
    # Only spaces in an optional date is no date: the request is made.
    assert client.post(url, {**data, "start_date": "  "}).status_code == 303
    world.session.expire_all()
    after = world.session.scalar(select(func.count()).select_from(RecruitmentRequest))
    assert after == (before or 0) + 1
