"""Point 5 of the reliability issue: a NUL character in any form field or query parameter is
refused with 422 and nothing is stored (PostgreSQL answered 500, SQLite stored it)."""

from __future__ import annotations

from sqlalchemy import func, select

from iwemployer.models import EmployerRequest, Enterprise
from tests.conftest import WebClient, World

NUL = "a\x00b"


def _count(world: World, model: type) -> int:
    world.session.expire_all()
    return world.session.scalar(select(func.count()).select_from(model)) or 0


def test_nul_in_a_request_and_its_token_is_refused(world: World, client: WebClient) -> None:
    client.login_as(world.user("leder@nordlys.example"))
    url = f"/enterprises/{world.nordlys.id}/requests/new/question"
    before = _count(world, EmployerRequest)
    for data in (
        {"form_token": NUL, "question_kind": "question", "subject": "S", "description": "D"},
        {"form_token": "t" * 20, "question_kind": "question", "subject": NUL, "description": "D"},
    ):
        response = client.post(url, data)
        assert response.status_code == 422
        assert (
            "character that is not allowed" in response.text or "ikke er tillatt" in response.text
        )
    assert _count(world, EmployerRequest) == before


def test_nul_in_admin_forms_and_searches_is_refused(world: World, client: WebClient) -> None:
    client.login_as(world.user("admin@nav.example"))
    before = _count(world, Enterprise)
    response = client.post(
        "/admin/enterprises/new",
        {"org_number": "974760673", "name": NUL, "nace_code": "86.101", "employees": "5"},
    )
    assert response.status_code == 422
    assert _count(world, Enterprise) == before
    assert client.get("/admin/enterprises?q=" + "%00").status_code == 422
    assert client.get("/admin/enterprises?q%00=x").status_code == 422
    assert client.get("/admin/enterprises?q=ok").status_code == 200
