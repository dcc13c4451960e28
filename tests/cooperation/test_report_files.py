"""The health service's reports with an optional file: kept in the attachment store through the
shared ``attachments`` module, checked by content, fetched only by the parties and the contact
person; the report's text gets the identity-number guard and the health-words warning."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from iwemployer.cooperation import services
from iwemployer.cooperation.demo import DEMO_REPORT_FILE, demo_pdf
from iwemployer.errors import DomainError
from iwemployer.health_words import HealthDetailsWarning
from iwemployer.models import HealthServiceReport
from tests.conftest import WebClient, World

HEALTH = "bht@helsepartner.example"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def attachment_dir(app: Flask, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "attachments"
    saved = app.config["ATTACHMENT_DIR"]
    app.config["ATTACHMENT_DIR"] = str(folder)
    yield folder
    app.config["ATTACHMENT_DIR"] = saved


def _stored(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _add(world: World, **kwargs: Any) -> HealthServiceReport:
    values: dict[str, Any] = {
        "title": "Støy i vaskeriet",
        "report_date": date.today(),
        "summary": "Målinger på tre skift.",
    }
    values.update(kwargs)
    return services.add_report(world.session, world.nordlys, world.user(HEALTH), **values)


# --- services ------------------------------------------------------------------------------------


def test_a_report_file_is_checked_by_content_and_placed_on_commit(
    app: Flask, world: World, attachment_dir: Path
) -> None:
    with app.test_request_context():
        report = _add(world, file=services.ReportFile("../../måling.PDF", PDF))
        assert _stored(attachment_dir) == [attachment_dir / ".pending" / report.file_stored_name]
        world.session.commit()
    assert report.file_name == "måling.pdf"
    assert (report.file_content_type, report.file_size) == ("application/pdf", len(PDF))
    assert _stored(attachment_dir) == [attachment_dir / str(report.file_stored_name)]


def test_a_refused_file_leaves_no_row_and_no_file(
    app: Flask, world: World, attachment_dir: Path
) -> None:
    before = len(services.reports_of(world.session, world.nordlys.id))
    with app.test_request_context():
        with pytest.raises(DomainError) as caught:
            _add(world, file=services.ReportFile("rapport.pdf", b"<html>not a pdf</html>"))
        assert caught.value.field == "file"
        with pytest.raises(DomainError) as big:
            _add(world, file=services.ReportFile("stor.pdf", PDF + b"0" * (10 * 1024 * 1024)))
        assert big.value.status == 413
        world.session.rollback()
    assert len(services.reports_of(world.session, world.nordlys.id)) == before
    assert _stored(attachment_dir) == []


def test_a_report_without_a_file_has_none(app: Flask, world: World) -> None:
    with app.test_request_context():
        report = _add(world, file=services.ReportFile("", b""))
    assert report.file_stored_name is None


def test_health_words_in_a_report_warn_until_confirmed(app: Flask, world: World) -> None:
    with app.test_request_context():
        with pytest.raises(HealthDetailsWarning) as caught:
            _add(world, summary="Én ansatt har prolaps etter løft.")
        assert caught.value.field == "summary"
        assert _add(world, summary="Én ansatt har prolaps.", no_health_details=True).id
        with pytest.raises(DomainError) as identity:
            _add(world, title="Gjelder 010170 12345", no_health_details=True)
        assert identity.value.field == "title"


def test_the_demo_report_has_a_small_pdf(world: World) -> None:
    report = world.session.scalar(
        select(HealthServiceReport).where(HealthServiceReport.file_stored_name.is_not(None))
    )
    assert report is not None and report.file_stored_name == DEMO_REPORT_FILE
    data = demo_pdf("Løft", ["Takheis (to avdelinger)."])
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF") and len(data) < 4096
    assert data.decode("ascii")  # letters beyond ASCII are escaped: no page chokes on it


# --- views ---------------------------------------------------------------------------------------


def _post(client: WebClient, world: World, data: bytes, name: str, **kw: Any) -> Any:
    return client.post(
        f"/enterprises/{world.nordlys.id}/health-service",
        {
            "title": "Inneklima",
            "report_date": date.today().isoformat(),
            "summary": "Målinger i alle etasjer.",
            "file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
        **kw,
    )


def _newest(world: World) -> HealthServiceReport:
    world.session.expire_all()
    found = world.session.scalars(
        select(HealthServiceReport).order_by(HealthServiceReport.id.desc())
    ).first()
    assert found is not None
    return found


def test_the_health_service_uploads_a_report_with_a_file_without_javascript(
    world: World, client: WebClient, attachment_dir: Path
) -> None:
    client.login_as(world.user(HEALTH))
    form = client.get(f"/enterprises/{world.nordlys.id}/health-service").text
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form
    response = _post(client, world, PDF, "inneklima.pdf")
    assert response.status_code == 303
    report = _newest(world)
    assert report.title == "Inneklima" and report.file_name == "inneklima.pdf"
    assert _stored(attachment_dir) == [attachment_dir / str(report.file_stored_name)]
    page = client.get(f"/enterprises/{world.nordlys.id}/health-service").text
    link = f"/enterprises/{world.nordlys.id}/health-service/{report.id}/file"
    assert link in page
    download = client.get(link)
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("htmx", [False, True])
def test_a_file_of_the_wrong_type_is_refused_at_the_field(
    world: World, client: WebClient, attachment_dir: Path, htmx: bool
) -> None:
    client.login_as(world.user(HEALTH))
    before = _newest(world).id
    response = _post(client, world, b"MZ\x90\x00 an executable", "rapport.pdf", htmx=htmx)
    assert response.status_code == 422
    assert "PDF, PNG eller JPEG" in response.text  # at the field, in the user's language
    assert _newest(world).id == before and _stored(attachment_dir) == []


def test_a_file_larger_than_the_upload_limit_is_refused_before_the_form_is_read(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(HEALTH))
    response = _post(client, world, PDF + b"0" * (11 * 1024 * 1024), "stor.pdf")
    assert response.status_code == 413


def test_the_health_words_box_shows_after_the_warning_and_sends_the_text(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(HEALTH))
    url = f"/enterprises/{world.nordlys.id}/health-service"
    data = {
        "title": "Ergonomi",
        "report_date": date.today().isoformat(),
        "summary": "Mange har prolaps-plager etter løft.",
    }
    warned = client.post(url, data)
    assert warned.status_code == 422 and 'name="no_health_details"' in warned.text
    sent = client.post(url, {**data, "no_health_details": "y"})
    assert sent.status_code == 303 and _newest(world).title == "Ergonomi"


def test_a_report_without_a_file_or_a_lost_file_is_no_500(world: World, client: WebClient) -> None:
    client.login_as(world.user("leder@nordlys.example"))
    without = world.session.scalar(
        select(HealthServiceReport).where(HealthServiceReport.file_stored_name.is_(None))
    )
    if without is None:
        without = HealthServiceReport(
            enterprise_id=world.nordlys.id, title="U", report_date=date.today(), summary="S"
        )
        world.session.add(without)
        world.session.commit()
    base = f"/enterprises/{world.nordlys.id}/health-service"
    assert client.get(f"{base}/{without.id}/file").status_code == 404
    # The demo report's file is not in this test's empty store: said, not failed.
    demo = world.session.scalar(
        select(HealthServiceReport).where(HealthServiceReport.file_stored_name == DEMO_REPORT_FILE)
    )
    assert demo is not None
    missing = client.get(f"{base}/{demo.id}/file")
    assert missing.status_code == 303 and missing.headers["Location"].endswith(base)


def test_another_enterprises_people_get_404_for_the_file(world: World, client: WebClient) -> None:
    demo = world.session.scalar(
        select(HealthServiceReport).where(HealthServiceReport.file_stored_name == DEMO_REPORT_FILE)
    )
    assert demo is not None
    client.login_as(world.user("leder@fjellbygg.example"))
    url = f"/enterprises/{world.nordlys.id}/health-service/{demo.id}/file"
    assert client.get(url).status_code == 404
    # Nor through their own enterprise's address.
    assert (
        client.get(f"/enterprises/{world.fjellbygg.id}/health-service/{demo.id}/file").status_code
        == 404
    )
