"""View tests: uploads (content checks, size limits, safe names, other enterprises, failed
transactions), drafts saved with and without htmx, the server's total, submitting, the decision
letter in both languages, and the statement budget of the application page."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select

from iwemployer.extensions import db
from iwemployer.models import (
    ApplicationEvent,
    ApplicationEventKind,
    ApplicationStatus,
    AttachmentPart,
    BudgetLine,
    SubsidyApplication,
    SubsidyAttachment,
)
from iwemployer.subsidies import services
from tests.conftest import WebClient, World

from .conftest import ADVISER, MANAGER, build_application, stored_files

S = ApplicationStatus
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _url(app: SubsidyApplication, suffix: str = "") -> str:
    return f"/enterprises/{app.enterprise_id}/subsidies/{app.id}{suffix}"


def _upload(client: WebClient, app: SubsidyApplication, name: str, data: bytes, **kw: Any) -> Any:
    return client.post(
        _url(app, "/attachments"),
        {"file": (io.BytesIO(data), name), "part": "application"},
        content_type="multipart/form-data",
        **kw,
    )


@pytest.fixture
def manager(world: World, client: WebClient) -> WebClient:
    client.login_as(world.user(MANAGER))
    return client


# --- uploads -------------------------------------------------------------------------------------


def test_an_html_file_renamed_pdf_is_refused(
    world: World, manager: WebClient, attachment_dir: Path
) -> None:
    app = build_application(world)
    response = _upload(manager, app, "tilbud.pdf", b"<!doctype html><script>alert(1)</script>")
    assert response.status_code == 422
    assert "PDF, PNG" in response.text
    assert stored_files(attachment_dir) == []
    assert world.session.scalar(select(SubsidyAttachment.id)) is None


def test_an_11_mb_file_is_refused_with_413_and_a_readable_page(
    world: World, manager: WebClient, attachment_dir: Path
) -> None:
    app = build_application(world)
    response = _upload(manager, app, "stor.pdf", PDF + b"0" * (11 * 1024 * 1024))
    assert response.status_code == 413
    assert "10 MB" in response.text and "<h1" in response.text
    assert stored_files(attachment_dir) == []


def test_a_9_mb_pdf_is_accepted(world: World, manager: WebClient, attachment_dir: Path) -> None:
    app = build_application(world)
    response = _upload(manager, app, "program.pdf", PDF + b"0" * (9 * 1024 * 1024))
    assert response.status_code == 303
    assert len(stored_files(attachment_dir)) == 1


def test_every_route_has_a_body_limit(world: World, manager: WebClient) -> None:
    app = build_application(world)
    response = manager.post(_url(app), {"purpose": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413


def test_a_path_in_the_file_name_is_stored_safely_and_served_as_an_attachment(
    world: World, manager: WebClient, attachment_dir: Path
) -> None:
    app = build_application(world)
    response = _upload(manager, app, "../../etc/passwd.pdf", PDF)
    assert response.status_code == 303
    row = world.session.scalar(select(SubsidyAttachment))
    assert row is not None and row.original_name == "passwd.pdf"
    assert stored_files(attachment_dir) == [attachment_dir / row.stored_name]
    download = manager.get(_url(app, f"/attachments/{row.id}"))
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "passwd.pdf" in download.headers["Content-Disposition"]
    assert "/" not in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]
    assert download.headers["Content-Type"] == "application/pdf"


def test_another_enterprises_download_answers_404(
    world: World, make_client: Any, manager: WebClient
) -> None:
    app = build_application(world)
    assert _upload(manager, app, "tilbud.pdf", PDF).status_code == 303
    row = world.session.scalar(select(SubsidyAttachment))
    assert row is not None
    other = make_client()
    other.login_as(world.user("leder@fjellbygg.example"))
    assert other.get(_url(app, f"/attachments/{row.id}")).status_code == 404
    via_own = f"/enterprises/{world.fjellbygg.id}/subsidies/{app.id}/attachments/{row.id}"
    assert other.get(via_own).status_code == 404
    vestland = make_client()
    vestland.login_as(world.user("radgiver.vestland@nav.example"))
    assert vestland.get(_url(app, f"/attachments/{row.id}")).status_code == 404


def test_a_failed_transaction_leaves_no_file(
    world: World, manager: WebClient, attachment_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = build_application(world)
    real = services.add_attachment

    def fails_after_the_row(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise RuntimeError("the disk or the database failed half-way")

    monkeypatch.setattr(services, "add_attachment", fails_after_the_row)
    response = _upload(manager, app, "tilbud.pdf", PDF)
    assert response.status_code == 500
    assert stored_files(attachment_dir) == []
    assert world.session.scalar(select(SubsidyAttachment.id)) is None


def test_deleting_the_draft_deletes_its_files(
    world: World, manager: WebClient, attachment_dir: Path
) -> None:
    app = build_application(world)
    _upload(manager, app, "tilbud.pdf", PDF)
    assert len(stored_files(attachment_dir)) == 1
    assert manager.post(_url(app, "/delete")).status_code == 303
    assert stored_files(attachment_dir) == []


def test_the_upload_form_shows_progress_with_a_plain_form_behind_it(
    world: World, manager: WebClient
) -> None:
    page = manager.get(_url(build_application(world))).text
    assert 'enctype="multipart/form-data"' in page and 'hx-encoding="multipart/form-data"' in page
    # The script's name is fingerprinted once `make static` has run.
    assert "<progress" in page and re.search(r"/static/subsidies(-[0-9a-f]+)?\.js", page)


# --- drafts --------------------------------------------------------------------------------------

DRAFT = {
    "title": "Kurs",
    "purpose": "Bedre arbeidsmiljø",
    "line-0-item": "Kursholder",
    "line-0-amount": "12 000",
    "line-1-item": "Lokale",
    "line-1-amount": "600",
}


def test_the_total_is_computed_by_the_server_as_the_lines_are_typed(
    world: World, manager: WebClient
) -> None:
    app = build_application(world)
    response = manager.post(_url(app, "/total"), DRAFT, htmx=True)
    assert response.status_code == 200
    assert "12\u00a0600\u00a0kr" in response.text
    assert manager.post(_url(app, "/total"), DRAFT).status_code == 303


def test_leaving_a_field_saves_the_draft_with_htmx(world: World, manager: WebClient) -> None:
    app = build_application(world)
    response = manager.post(_url(app), DRAFT, htmx=True)
    assert response.status_code == 200
    assert 'id="draft-status"' in response.text and 'hx-swap-oob="true"' in response.text
    world.session.expire_all()
    saved = world.session.get_one(SubsidyApplication, app.id)
    assert [(line.item, line.amount) for line in saved.lines] == [
        ("Kursholder", 12_000),
        ("Lokale", 600),
    ]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_amount_is_refused_at_its_field_and_nothing_is_lost(
    world: World, manager: WebClient, htmx: bool
) -> None:
    app = build_application(world)
    response = manager.post(_url(app), {**DRAFT, "line-1-amount": "-5"}, htmx=htmx)
    assert response.status_code == 422
    assert "negative" in response.text or "negativt" in response.text
    if not htmx:
        assert 'value="Kursholder"' in response.text and 'value="-5"' in response.text
    world.session.expire_all()
    assert world.session.get_one(SubsidyApplication, app.id).lines == []


def test_an_identity_number_in_a_draft_is_refused_with_422(
    world: World, manager: WebClient
) -> None:
    app = build_application(world)
    response = manager.post(_url(app), {**DRAFT, "purpose": "Gjelder 01019012345"})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text


def test_submitting_an_incomplete_application_lists_what_is_missing(
    world: World, manager: WebClient
) -> None:
    app = build_application(world)
    response = manager.post(_url(app, "/submit"), {})
    assert response.status_code == 422
    for anchor in (
        "#purpose",
        "#period_start",
        "#lines",
        "#amount_applied",
        "#no_statement_reason",
    ):
        assert f'href="{anchor}"' in response.text


def test_submitting_twice_gives_one_submission(world: World, manager: WebClient) -> None:
    app = build_application(world, S.RETURNED)
    first = manager.post(_url(app, "/submit"), {})
    second = manager.post(_url(app, "/submit"), {})
    assert first.status_code == second.status_code == 303
    world.session.expire_all()
    saved = world.session.get_one(SubsidyApplication, app.id)
    assert saved.status == S.SUBMITTED
    assert [e.kind for e in saved.events].count("submitted") == 2  # once before, once now


# --- the decision letter -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "amount"), [("nb", "20\u00a0000\u00a0kr"), ("en", "NOK\u00a020,000")]
)
def test_the_decision_letter_in_both_languages(
    world: World, manager: WebClient, language: str, amount: str
) -> None:
    app = build_application(world, S.GRANTED)
    manager.post("/language", {"language": language, "next": "/"})
    response = manager.get(_url(app, "/letter"))
    assert response.status_code == 200
    assert amount in response.text
    assert 'class="letter"' in response.text
    assert re.search(r"/static/print(-[0-9a-f]+)?\.css", response.text)


def test_a_letter_before_the_decision_goes_back_to_the_application(
    world: World, manager: WebClient
) -> None:
    app = build_application(world, S.SUBMITTED)
    response = manager.get(_url(app, "/letter"))
    assert response.status_code == 303


# --- statements per page -------------------------------------------------------------------------


def _count(app: Flask, client: WebClient, url: str) -> int:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    engine = db.engine_for(app)
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_the_application_page_does_not_grow_with_its_data(
    app: Flask, world: World, make_client: Any
) -> None:
    small = build_application(world, S.UNDER_REVIEW)
    large = build_application(world, S.UNDER_REVIEW)
    people = [world.user(e) for e in (MANAGER, ADVISER, "radgiver2.oslo@nav.example")]
    large.lines.extend(BudgetLine(position=10 + n, item=f"Post {n}", amount=n) for n in range(15))
    large.attachments.extend(
        SubsidyAttachment(
            part=AttachmentPart.APPLICATION,
            original_name=f"{n}.pdf",
            stored_name=f"{n:032x}",
            content_type="application/pdf",
            size=10,
        )
        for n in range(8)
    )
    large.events.extend(
        ApplicationEvent(kind=ApplicationEventKind.TAKEN, actor_id=people[n % 3].id)
        for n in range(12)
    )
    world.session.commit()
    client = make_client()
    client.login_as(world.user(ADVISER))
    _count(app, client, _url(small))  # the first request of a session does more (its record)
    assert _count(app, client, _url(large)) == _count(app, client, _url(small))
