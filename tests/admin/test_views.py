"""The administration pages over HTTP: forms valid and invalid, htmx fragments, real mail."""

from __future__ import annotations

import re
import socket
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from iwemployer.admin import services as admin_services
from iwemployer.admin.services import default_end_date
from iwemployer.mail.worker import BACKOFF_MINUTES
from iwemployer.models import (
    AuditEntry,
    CooperationAgreement,
    Enterprise,
    MailStatus,
    MemberRole,
    Membership,
    OutboxMail,
    User,
    UserKind,
    UserSession,
    WrittenStandard,
)
from tests.conftest import SmtpServer, WebClient, World

NEW_PASSWORD = "Blåbærsyltetøy-på-Kanelbolle-1987"
LINK_RE = re.compile(r"http://localhost(/invitation/[A-Za-z0-9_-]+)")


def _text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def _is_fragment(response: TestResponse) -> bool:
    return "<html" not in _text(response) and "HX-Request" in response.headers.get("Vary", "")


def _follow(client: WebClient, response: TestResponse) -> str:
    assert response.status_code == 303, _text(response)[:2000]
    return _text(client.get(response.headers["Location"]))


def _fresh(session: Session, model: type[Any], record_id: int) -> Any:
    """The record as the database has it now, not as this test's session last saw it."""
    session.expire_all()
    return session.get(model, record_id)


def _count(session: Session, model: Any, *where: Any) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _enterprise_form(world: World, **changes: Any) -> dict[str, Any]:
    data = {
        "org_number": "998 877 660",
        "name": "Solsiden Bakeri AS",
        "nace_code": "10.710",
        "employees": "1 200",
        "centre_id": str(world.nordlys.centre_id),
    }
    data.update(changes)
    return data


# --- enterprises ------------------------------------------------------------------------------


def test_the_list_shows_every_centres_enterprises(admin: WebClient, world: World) -> None:
    response = admin.get("/admin/enterprises")
    assert response.status_code == 200
    body = _text(response)
    assert world.nordlys.name in body and world.fjellbygg.name in body
    assert "987 654 325" in body  # org numbers shown in groups of three
    assert 'aria-live="polite"' in body and 'hx-push-url="true"' in body


def test_active_search_answers_htmx_with_the_results_alone(admin: WebClient, world: World) -> None:
    response = admin.get("/admin/enterprises?q=nordlys", htmx=True)
    assert response.status_code == 200 and _is_fragment(response)
    body = _text(response)
    assert world.nordlys.name in body and world.fjellbygg.name not in body
    by_number = _text(admin.get("/admin/enterprises?q=923+456", htmx=True))
    assert world.fjellbygg.name in by_number and world.nordlys.name not in by_number
    # A plain request of the same URL (a reload of the pushed address) gets the whole page.
    assert "<html" in _text(admin.get("/admin/enterprises?q=nordlys"))
    # Back/forward through htmx's history restore needs the whole page too.
    restore = admin.get(
        "/admin/enterprises?q=nordlys", headers={"HX-History-Restore-Request": "true"}, htmx=True
    )
    assert "<html" in _text(restore)


def test_the_list_pages_keep_the_search(
    admin: WebClient, world: World, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    first = _text(admin.get("/admin/enterprises?q=AS"))
    assert "Page 1 of 4" in first
    assert "/admin/enterprises?page=2&amp;q=AS" in first
    last = _text(admin.get("/admin/enterprises?q=AS&page=999"))
    assert "Page 4 of 4" in last
    assert admin.get("/admin/enterprises?page=abc").status_code == 200


def test_register_an_enterprise(admin: WebClient, world: World, session: Session) -> None:
    response = admin.post("/admin/enterprises/new", _enterprise_form(world))
    assert response.status_code == 303
    enterprise = session.scalar(select(Enterprise).where(Enterprise.org_number == "998877660"))
    assert enterprise is not None
    assert (enterprise.employees, enterprise.nace_code) == (1200, "10.710")
    assert response.headers["Location"].endswith(f"/admin/enterprises/{enterprise.id}")
    assert "Solsiden Bakeri AS is registered" in _follow(admin, response)
    audit = session.scalar(
        select(AuditEntry).where(
            AuditEntry.enterprise_id == enterprise.id, AuditEntry.action == "change"
        )
    )
    assert audit is not None and audit.permitted


def test_an_invalid_enterprise_form_shows_every_mistake_and_keeps_the_values(
    admin: WebClient, world: World, session: Session
) -> None:
    data = _enterprise_form(
        world, org_number="987654321", nace_code="86101", employees="-4", centre_id="abc"
    )
    response = admin.post("/admin/enterprises/new", data)
    assert response.status_code == 422
    body = _text(response)
    assert "Please correct the following" in body
    assert "This is not a valid organisation number" in body
    assert "Write the industry code as two digits" in body
    assert "Enter a whole number from 0 to 1,000,000." in body
    assert "Choose a centre." in body
    for kept in ('value="987654321"', 'value="86101"', 'value="-4"', 'value="Solsiden Bakeri AS"'):
        assert kept in body
    assert _count(session, Enterprise, Enterprise.name == "Solsiden Bakeri AS") == 0


def test_a_registered_org_number_is_a_field_error_not_a_crash(
    admin: WebClient, world: World
) -> None:
    response = admin.post("/admin/enterprises/new", _enterprise_form(world, org_number="987654325"))
    assert response.status_code == 422
    assert "An enterprise with organisation number 987 654 325 is already registered." in _text(
        response
    )


def test_edit_an_enterprise(admin: WebClient, world: World, session: Session) -> None:
    url = f"/admin/enterprises/{world.nordlys.id}/edit"
    page = _text(admin.get(url))
    assert 'value="987654325"' in page and "Ingrid Haugen" in page  # the contact-person warning
    taken = admin.post(url, _enterprise_form(world, org_number="923456783"))
    assert taken.status_code == 422 and "already registered" in _text(taken)
    nameless = admin.post(url, _enterprise_form(world, org_number="987654325", name=" "))
    assert nameless.status_code == 422 and "Enter the enterprise's name." in _text(nameless)
    good = admin.post(url, _enterprise_form(world, org_number="987654325", name="Nordlys Helse AS"))
    assert "The changes to Nordlys Helse AS are saved." in _follow(admin, good)
    assert _fresh(session, Enterprise, world.nordlys.id).name == "Nordlys Helse AS"  # type: ignore[union-attr]


def test_the_written_standard_is_set_on_register_and_edit(
    admin: WebClient, world: World, session: Session
) -> None:
    form = _text(admin.get("/admin/enterprises/new"))
    assert 'name="written_standard"' in form and "Nynorsk" in form
    created = admin.post("/admin/enterprises/new", _enterprise_form(world, written_standard="nn"))
    assert created.status_code == 303
    enterprise = session.scalar(select(Enterprise).where(Enterprise.org_number == "998877660"))
    assert enterprise is not None and enterprise.written_standard == WrittenStandard.NYNORSK
    assert "Nynorsk" in _follow(admin, created)  # shown with the basic data
    url = f"/admin/enterprises/{enterprise.id}/edit"
    assert '<option selected value="nn">' in _text(admin.get(url))
    changed = admin.post(url, _enterprise_form(world, written_standard="nb"))
    assert changed.status_code == 303
    assert _fresh(session, Enterprise, enterprise.id).written_standard == WrittenStandard.BOKMAL
    wrong = admin.post(url, _enterprise_form(world, written_standard="sv"))
    assert wrong.status_code == 422 and "Choose bokmål or nynorsk." in _text(wrong)


def test_moving_to_another_centre_clears_the_contact_person(
    admin: WebClient, world: World, session: Session
) -> None:
    url = f"/admin/enterprises/{world.nordlys.id}/edit"
    response = admin.post(
        url, _enterprise_form(world, org_number="987654325", centre_id=world.fjellbygg.centre_id)
    )
    assert "so it has no contact person now" in _follow(admin, response)
    enterprise = _fresh(session, Enterprise, world.nordlys.id)
    assert enterprise is not None and enterprise.contact_person_id is None


def test_the_detail_page_shows_agreements_members_and_contact_person(
    admin: WebClient, world: World
) -> None:
    body = _text(admin.get(f"/admin/enterprises/{world.nordlys.id}"))
    assert "Cooperation agreements" in body and "In force" in body and "Ended" in body
    assert "Marte Lie" in body and "Ola Nilsen" in body  # members
    assert "Ingrid Haugen" in body  # contact person
    assert 'id="contact-person-' in body and 'hx-target="this"' in body


@pytest.mark.parametrize("path", ["/admin/enterprises/999999", "/admin/enterprises/99999999999"])
def test_unknown_enterprises_are_404(admin: WebClient, world: World, path: str) -> None:
    assert admin.get(path).status_code == 404
    assert admin.post(path + "/agreements", {"start_date": "2030-01-01"}).status_code == 404


# --- agreements -------------------------------------------------------------------------------


def _agreements(session: Session, enterprise_id: int) -> list[CooperationAgreement]:
    return list(
        session.scalars(
            select(CooperationAgreement)
            .where(CooperationAgreement.enterprise_id == enterprise_id)
            .order_by(CooperationAgreement.start_date)
        )
    )


def test_register_an_agreement_with_the_default_end(
    admin: WebClient, world: World, session: Session
) -> None:
    enterprise_id = world.nordlys.id
    start = max(a.end_date for a in _agreements(session, enterprise_id)) + timedelta(days=1)
    response = admin.post(
        f"/admin/enterprises/{enterprise_id}/agreements",
        {"start_date": start.isoformat(), "end_date": ""},
    )
    assert "is registered" in _follow(admin, response)
    newest = _agreements(session, enterprise_id)[-1]
    assert (newest.start_date, newest.end_date) == (start, default_end_date(start))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start_date": "2026-13-45"}, "Enter a date like 30.11.2026."),
        ({"start_date": ""}, "Enter the start date."),
        ({"start_date": "2030-01-01", "end_date": "2029-01-01"}, "The end date must be after"),
        ({"start_date": "overlap"}, "The period overlaps the agreement"),
    ],
)
def test_an_invalid_agreement_is_a_field_error_with_the_values_kept(
    admin: WebClient, world: World, session: Session, data: dict[str, str], message: str
) -> None:
    # An overlap conflicts with a stored period: 409; the rest are invalid input: 422.
    expected = 409 if data["start_date"] == "overlap" else 422
    if data["start_date"] == "overlap":
        data = {"start_date": date.today().isoformat()}
    before = len(_agreements(session, world.nordlys.id))
    response = admin.post(f"/admin/enterprises/{world.nordlys.id}/agreements", data)
    assert response.status_code == expected
    body = _text(response)
    assert message in body and "Please correct the following" in body
    if data["start_date"]:
        assert f'value="{data["start_date"]}"' in body
    assert len(_agreements(session, world.nordlys.id)) == before


def test_terminate_an_agreement(admin: WebClient, world: World, session: Session) -> None:
    running = next(a for a in _agreements(session, world.nordlys.id) if a.end_date >= date.today())
    url = f"/admin/agreements/{running.id}/terminate"
    # A confirmation step first: the date (today by default) and a required reason.
    confirm = admin.get(url)
    assert confirm.status_code == 200
    assert f'value="{date.today().isoformat()}"' in confirm.text
    assert 'data-color="danger"' in confirm.text and 'data-variant="danger"' not in confirm.text
    today = date.today().isoformat()
    no_reason = admin.post(url, {"terminated_on": today, "reason": " "})
    assert no_reason.status_code == 422 and "Say why the agreement ends." in _text(no_reason)
    assert _fresh(session, CooperationAgreement, running.id).terminated_on is None  # type: ignore[union-attr]
    done = admin.post(url, {"terminated_on": today, "reason": "Virksomheten er lagt ned"})
    assert "is terminated from" in _follow(admin, done)
    ended = _fresh(session, CooperationAgreement, running.id)
    assert ended is not None and ended.terminated_on == date.today()
    assert ended.termination_reason == "Virksomheten er lagt ned"
    assert "Virksomheten er lagt ned" in admin.get(f"/admin/enterprises/{world.nordlys.id}").text
    again = admin.post(url, {"terminated_on": today, "reason": "Igjen"})
    assert again.status_code == 422 and "already terminated" in _text(again)
    assert admin.post("/admin/agreements/999999/terminate").status_code == 404
    assert admin.get("/admin/agreements/999999/terminate").status_code == 404
    bad_date = admin.post(url, {"terminated_on": "not a date", "reason": "x"})
    assert bad_date.status_code == 422 and "Enter a date like 30.11.2026." in _text(bad_date)


# --- contact person (htmx inline editing) -----------------------------------------------------


def test_contact_person_edit_form_lists_only_advisers_of_that_centre(
    admin: WebClient, world: World
) -> None:
    url = f"/admin/enterprises/{world.nordlys.id}/contact-person"
    fragment = admin.get(url, htmx=True)
    assert fragment.status_code == 200 and _is_fragment(fragment)
    body = _text(fragment)
    assert f'hx-post="{url}"' in body and 'hx-target="this"' in body
    assert 'hx-swap="outerHTML"' in body
    assert "Ingrid Haugen" in body and "Jonas Berg" in body
    assert "Kari Nordvik" not in body  # Vestland's adviser
    assert f'hx-get="{url}?view=1"' in body  # Cancel
    page = admin.get(url)
    assert "<html" in _text(page) and "Ingrid Haugen" in _text(page)


def test_cancel_returns_the_display_fragment(admin: WebClient, world: World) -> None:
    url = f"/admin/enterprises/{world.nordlys.id}/contact-person?view=1"
    response = admin.get(url, htmx=True)
    assert response.status_code == 200 and _is_fragment(response)
    assert "Ingrid Haugen" in _text(response) and "<form" not in _text(response)
    plain = admin.get(url)
    assert plain.status_code == 303
    assert plain.headers["Location"].endswith(f"/admin/enterprises/{world.nordlys.id}")


def test_saving_with_htmx_returns_the_display_and_an_event(
    admin: WebClient, world: World, session: Session
) -> None:
    jonas = world.user("radgiver2.oslo@nav.example")
    response = admin.post(
        f"/admin/enterprises/{world.nordlys.id}/contact-person",
        {"contact_person_id": jonas.id},
        htmx=True,
    )
    assert response.status_code == 200 and _is_fragment(response)
    assert response.headers["HX-Trigger"] == "contact-person-changed"
    assert "Jonas Berg" in _text(response) and "<form" not in _text(response)
    enterprise = _fresh(session, Enterprise, world.nordlys.id)
    assert enterprise is not None and enterprise.contact_person_id == jonas.id


@pytest.mark.parametrize("value", ["vestland", "employer", "abc", "99999999999999999999"])
def test_only_an_adviser_of_the_centre_can_be_saved(
    admin: WebClient, world: World, session: Session, value: str
) -> None:
    choices = {
        "vestland": world.user("radgiver.vestland@nav.example").id,
        "employer": world.user("leder@nordlys.example").id,
    }
    before = world.nordlys.contact_person_id
    url = f"/admin/enterprises/{world.nordlys.id}/contact-person"
    data = {"contact_person_id": choices.get(value, value)}
    fragment = admin.post(url, data, htmx=True)
    assert fragment.status_code == 422 and _is_fragment(fragment)
    assert "Choose one of the advisers at" in _text(fragment)
    page = admin.post(url, data)
    assert page.status_code == 422 and "Please correct the following" in _text(page)
    enterprise = _fresh(session, Enterprise, world.nordlys.id)
    assert enterprise is not None and enterprise.contact_person_id == before


def test_saving_without_js_redirects_to_the_detail_page(admin: WebClient, world: World) -> None:
    response = admin.post(
        f"/admin/enterprises/{world.nordlys.id}/contact-person", {"contact_person_id": ""}
    )
    assert "has no contact person now" in _follow(admin, response)


# --- users ------------------------------------------------------------------------------------


def test_user_list_search_and_kind_filter(admin: WebClient, world: World) -> None:
    page = _text(admin.get("/admin/users"))
    assert "Marte Lie" in page and "Ingrid Haugen" in page and "Sentraladministrator" in page
    advisers = admin.get("/admin/users?kind=adviser", htmx=True)
    assert _is_fragment(advisers)
    assert "Ingrid Haugen" in _text(advisers) and "Marte Lie" not in _text(advisers)
    found = _text(admin.get("/admin/users?q=NORDLYS.example"))
    assert "Marte Lie" in found and "Per Solheim" not in found
    assert admin.get("/admin/users?kind=nonsense&page=-3").status_code == 200


def _invite_form(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "Nora Nyansatt",
        "email": "Nora.Nyansatt@Nordlys.example",
        "kind": "employer",
        "centre_id": "",
        "title": "",
        "phone": "",
        "enterprise": "",
        "role": "",
    }
    data.update(changes)
    return data


def test_invitation_is_mailed_and_lets_the_user_choose_a_password_and_sign_in(
    admin: WebClient, world: World, session: Session, smtp_server: SmtpServer, make_client: Any
) -> None:
    response = admin.post(
        "/admin/users/invite",
        # Typed as a suggestion writes it.
        _invite_form(enterprise="Nordlys Omsorg AS (987 654 325)", role="safety_delegate"),
    )
    assert "The invitation is sent to nora.nyansatt@nordlys.example." in _follow(admin, response)
    user = session.scalar(select(User).where(User.email == "nora.nyansatt@nordlys.example"))
    assert user is not None and user.password_hash is None
    membership = session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert membership is not None and membership.role == MemberRole.SAFETY_DELEGATE

    [mail] = smtp_server.deliver()
    assert mail["To"] == "nora.nyansatt@nordlys.example"
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    # In the enterprise's written standard (Nordlys: bokmål), whatever the administrator reads.
    assert user.locale == "nb"
    assert "Hei Nora Nyansatt," in body and "Sentraladministrator" in body
    match = LINK_RE.search(body)
    assert match, body

    invitee = make_client()
    form = invitee.get(match.group(1))
    assert form.status_code == 200 and "Nora Nyansatt" in _text(form)
    accepted = invitee.post(
        match.group(1), {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert accepted.status_code == 303
    session.expire_all()
    assert session.scalar(
        select(AuditEntry).where(
            AuditEntry.endpoint == "auth.accept_invitation", AuditEntry.subject_user_id == user.id
        )
    )
    assert invitee.get(match.group(1)).status_code == 404  # used once

    fresh = make_client()
    signed_in = fresh.sign_in("nora.nyansatt@nordlys.example", NEW_PASSWORD)
    assert signed_in.status_code == 303
    home = fresh.get("/", follow_redirects=True)
    assert world.nordlys.name in _text(home)


def test_a_member_of_a_nynorsk_enterprise_is_invited_in_nynorsk(
    admin: WebClient, world: World, session: Session, smtp_server: SmtpServer, make_client: Any
) -> None:
    data = _invite_form(enterprise=world.fjellbygg.org_number, role="manager")
    assert admin.post("/admin/users/invite", data).status_code == 303
    user = session.scalar(select(User).where(User.email == "nora.nyansatt@nordlys.example"))
    assert user is not None and user.locale == "nn"
    [mail] = smtp_server.deliver()
    assert mail["Subject"] == "Kontoen din på IA-arbeidsgivarsida"
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Hei Nora Nyansatt," in body and "Brukarnamnet ditt er e-postadressa di" in body
    match = LINK_RE.search(body)
    assert match, body
    # Once the password is chosen, the new user is signed in and reads nynorsk.
    invitee = make_client()
    accepted = invitee.post(
        match.group(1), {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert accepted.status_code == 303
    home = invitee.get("/", follow_redirects=True).text
    assert '<html lang="nn">' in home and "Velkomen! Passordet ditt er lagra." in home


def test_a_user_without_an_enterprise_gets_no_language(
    admin: WebClient, session: Session, smtp_server: SmtpServer
) -> None:
    assert admin.post("/admin/users/invite", _invite_form()).status_code == 303
    user = session.scalar(select(User).where(User.email == "nora.nyansatt@nordlys.example"))
    assert user is not None and user.locale is None


def test_an_adviser_is_invited_with_centre_title_and_phone(
    admin: WebClient, world: World, session: Session, smtp_server: SmtpServer
) -> None:
    data = _invite_form(
        name="Ola Rådgiver",
        email="ola.radgiver@nav.example",
        kind="adviser",
        centre_id=world.fjellbygg.centre_id,
        title="Rådgiver",
        phone="+47 400 00 010",
    )
    assert admin.post("/admin/users/invite", data).status_code == 303
    user = session.scalar(select(User).where(User.email == "ola.radgiver@nav.example"))
    assert user is not None
    assert (user.kind, user.centre_id, user.title) == (
        UserKind.ADVISER,
        world.fjellbygg.centre_id,
        "Rådgiver",
    )
    assert len(smtp_server.deliver()) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "LEDER@nordlys.example"}, "A user with this e-mail address already exists."),
        ({"email": "not-an-address"}, "Enter an e-mail address like name@example.no."),
        ({"kind": "adviser"}, "Choose the centre the adviser works at."),
        ({"kind": "wizard"}, "Choose what kind of user this is."),
        ({"enterprise": "no such enterprise"}, "No enterprise matches “no such enterprise”"),
        ({"role": "manager"}, "Choose the enterprise for the role"),
        ({"name": ""}, "Enter the user's name."),
    ],
)
def test_an_invalid_invitation_is_refused_with_the_values_kept(
    admin: WebClient, world: World, session: Session, changes: dict[str, str], message: str
) -> None:
    users_before = _count(session, User)
    response = admin.post("/admin/users/invite", _invite_form(**changes))
    assert response.status_code == 422
    body = _text(response)
    assert message in body and "Please correct the following" in body
    if "email" in changes:
        assert f'value="{changes["email"]}"' in body
    assert _count(session, User) == users_before


def test_a_double_submit_creates_one_user(
    admin: WebClient, world: World, session: Session, smtp_server: SmtpServer
) -> None:
    assert admin.post("/admin/users/invite", _invite_form()).status_code == 303
    again = admin.post("/admin/users/invite", _invite_form())
    assert again.status_code == 422
    assert "A user with this e-mail address already exists." in _text(again)
    assert _count(session, User, User.email == "nora.nyansatt@nordlys.example") == 1
    assert len(smtp_server.deliver()) == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_when_the_mail_server_is_down_the_invitation_waits_and_is_sent_later(
    admin: WebClient,
    world: World,
    session: Session,
    app: Flask,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "MAIL_PORT", _closed_port())
    response = admin.post("/admin/users/invite", _invite_form())
    assert "The invitation is sent to" in _follow(admin, response)
    assert smtp_server.deliver() == []
    [waiting] = session.scalars(select(OutboxMail)).all()
    assert waiting.status == MailStatus.WAITING and waiting.attempts == 1
    assert "ConnectionRefusedError" in waiting.last_error

    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    # The next try comes after the first backoff.
    [mail] = smtp_server.deliver(later=timedelta(minutes=BACKOFF_MINUTES[0]))
    assert LINK_RE.search(mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    session.expire_all()
    assert session.get_one(OutboxMail, waiting.id).status == MailStatus.SENT


def test_reinvite_is_refused_for_a_user_with_a_password(admin: WebClient, world: World) -> None:
    manager = world.user("leder@nordlys.example")
    response = admin.post(f"/admin/users/{manager.id}/reinvite")
    assert response.status_code == 422
    assert "already accepted the invitation" in _text(response)


def test_deactivation_signs_the_user_out_at_once(
    admin: WebClient, world: World, session: Session, make_client: Any
) -> None:
    manager = world.user("leder@nordlys.example")
    theirs = make_client()
    assert theirs.sign_in("leder@nordlys.example").status_code == 303
    assert theirs.get(f"/enterprises/{world.nordlys.id}").status_code == 200
    response = admin.post(f"/admin/users/{manager.id}/deactivate")
    assert "is deactivated and signed out everywhere" in _follow(admin, response)
    assert _count(session, UserSession, UserSession.user_id == manager.id) == 0
    kicked = theirs.get(f"/enterprises/{world.nordlys.id}")
    assert kicked.status_code == 302 and "/sign-in" in kicked.headers["Location"]
    assert theirs.sign_in("leder@nordlys.example").status_code == 422

    assert "is active again" in _follow(admin, admin.post(f"/admin/users/{manager.id}/activate"))
    assert make_client().sign_in("leder@nordlys.example").status_code == 303


def test_an_administrator_cannot_deactivate_themself(
    admin: WebClient, world: World, session: Session
) -> None:
    me = world.user("admin@nav.example")
    response = admin.post(f"/admin/users/{me.id}/deactivate")
    assert response.status_code == 422
    assert "You cannot deactivate your own account" in _text(response)
    user = _fresh(session, User, me.id)
    assert user is not None and user.active
    assert admin.get("/admin/users").status_code == 200  # still signed in


def test_user_detail_and_unknown_users(admin: WebClient, world: World) -> None:
    manager = world.user("leder@nordlys.example")
    body = _text(admin.get(f"/admin/users/{manager.id}"))
    assert "leder@nordlys.example" in body and world.nordlys.name in body
    adviser = world.user("radgiver.oslo@nav.example")
    assert world.nordlys.name in _text(admin.get(f"/admin/users/{adviser.id}"))  # contact for
    assert admin.get("/admin/users/999999").status_code == 404
    assert admin.post("/admin/users/999999/deactivate").status_code == 404


# --- memberships ------------------------------------------------------------------------------


def test_add_a_member_from_the_enterprise_page(
    admin: WebClient, world: World, session: Session
) -> None:
    per = world.user("leder@fjellbygg.example")
    data = {
        "back": "enterprise",
        "enterprise_id": world.nordlys.id,
        "user_id": per.id,
        "role": "union_rep",
    }
    response = admin.post("/admin/memberships", data)
    assert response.headers["Location"].endswith(f"/admin/enterprises/{world.nordlys.id}#members")
    assert "Per Solheim is added to Nordlys Omsorg AS" in _follow(admin, response)
    again = admin.post("/admin/memberships", data)
    assert again.status_code == 422
    assert "is already a member of Nordlys Omsorg AS" in _text(again)
    where = (Membership.user_id == per.id, Membership.enterprise_id == world.nordlys.id)
    assert _count(session, Membership, *where) == 1


def test_add_an_enterprise_from_the_user_page(
    admin: WebClient, world: World, session: Session
) -> None:
    marte = world.user("leder@nordlys.example")
    data = {
        "back": "user",
        "user_id": marte.id,
        "enterprise_id": world.fjellbygg.id,
        "role": "manager",
    }
    response = admin.post("/admin/memberships", data)
    assert response.headers["Location"].endswith(f"/admin/users/{marte.id}#memberships")
    where = (Membership.user_id == marte.id, Membership.enterprise_id == world.fjellbygg.id)
    assert _count(session, Membership, *where) == 1
    audit = select(AuditEntry).where(
        AuditEntry.enterprise_id == world.fjellbygg.id, AuditEntry.action == "change"
    )
    assert session.scalar(audit) is not None


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"user_id": "adviser"}, 422, "Only employer-side users can be members"),
        ({"user_id": "abc"}, 422, "Choose a user."),
        ({"user_id": ""}, 422, "Choose a user."),
        ({"role": "boss"}, 422, "Choose a role."),
        ({"enterprise_id": "abc"}, 404, None),
        ({"enterprise_id": "999999"}, 404, None),
    ],
)
def test_an_invalid_membership_is_refused(
    admin: WebClient,
    world: World,
    session: Session,
    changes: dict[str, str],
    status: int,
    message: str | None,
) -> None:
    data: dict[str, Any] = {
        "back": "enterprise",
        "enterprise_id": world.nordlys.id,
        "user_id": world.user("leder@fjellbygg.example").id,
        "role": "manager",
    }
    data.update(changes)
    if data["user_id"] == "adviser":
        data["user_id"] = world.user("radgiver.oslo@nav.example").id
    before = _count(session, Membership)
    response = admin.post("/admin/memberships", data)
    assert response.status_code == status
    if message:
        assert message in _text(response)
    assert _count(session, Membership) == before


def _membership(session: Session, world: World, email: str) -> Membership:
    membership = session.scalar(
        select(Membership).where(
            Membership.user_id == world.user(email).id,
            Membership.enterprise_id == world.nordlys.id,
        )
    )
    assert membership is not None
    return membership


def test_change_a_role_and_remove_a_member(
    admin: WebClient, world: World, session: Session
) -> None:
    membership = _membership(session, world, "verneombud@nordlys.example")
    url = f"/admin/memberships/{membership.id}"
    bad = admin.post(url + "/role", {"role": "king", "back": "enterprise"})
    assert bad.status_code == 422 and "Choose a role." in _text(bad)
    changed = admin.post(url + "/role", {"role": "union_rep", "back": "user"})
    assert changed.headers["Location"].endswith(f"/admin/users/{membership.user_id}#memberships")
    assert "Ola Nilsen is now union representative in Nordlys Omsorg AS." in _follow(admin, changed)
    assert _fresh(session, Membership, membership.id).role == MemberRole.UNION_REP  # type: ignore[union-attr]
    removed = admin.post(url + "/delete", {"back": "enterprise"})
    assert "Ola Nilsen is removed from Nordlys Omsorg AS." in _follow(admin, removed)
    assert _fresh(session, Membership, membership.id) is None
    assert admin.post(url + "/delete").status_code == 404


def test_a_button_post_without_csrf_is_refused(admin: WebClient, world: World) -> None:
    manager = world.user("leder@nordlys.example")
    response = admin.post(f"/admin/users/{manager.id}/deactivate", csrf=False)
    assert response.status_code == 400


def test_pages_render_in_bokmal_by_default(world: World, client: WebClient) -> None:
    client.login_as(world.user("admin@nav.example"))
    body = _text(client.get(f"/admin/enterprises/{world.nordlys.id}"))
    assert '<html lang="nb">' in body


def test_search_text_is_escaped(admin: WebClient, world: World) -> None:
    body = _text(admin.get("/admin/enterprises?q=<b>Nord</b>"))
    assert "<b>Nord</b>" not in body and "&lt;b&gt;Nord&lt;/b&gt;" in body
    fragment = _text(admin.get("/admin/users?q=<i>x</i>", htmx=True))
    assert "<i>x</i>" not in fragment


def test_buttons_follow_the_rules_the_services_enforce(
    admin: WebClient, world: World, session: Session
) -> None:
    me = world.user("admin@nav.example")
    own = admin.get(f"/admin/users/{me.id}").text
    assert f"/admin/users/{me.id}/deactivate" not in own
    assert admin.post(f"/admin/users/{me.id}/deactivate").status_code == 422
    marte = world.user("leder@nordlys.example")  # has chosen a password: nothing to resend
    page = admin.get(f"/admin/users/{marte.id}").text
    assert f"/admin/users/{marte.id}/deactivate" in page
    assert f"/admin/users/{marte.id}/reinvite" not in page
    assert admin.post(f"/admin/users/{marte.id}/reinvite").status_code == 422

    today = date.today()
    agreements = _agreements(session, world.nordlys.id)
    detail = admin.get(f"/admin/enterprises/{world.nordlys.id}").text
    for agreement in agreements:
        button = f"/admin/agreements/{agreement.id}/terminate"
        assert (button in detail) == admin_services.can_terminate(agreement, today)
