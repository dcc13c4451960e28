"""HTTP tests: forms and their errors in both languages, double submits, scoping of nested ids,
htmx fragments, the inbox (filters, overdue, unread badge) and the whole journey."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from iwemployer.extensions import db
from iwemployer.models import (
    AuditEntry,
    EmployerRequest,
    MemberRole,
    Notification,
    RequestRating,
    RequestStatus,
)
from iwemployer.requests import services as request_services
from tests.conftest import WebClient, World, build_membership

from .access_cases import CASE_HELP, FOREIGN, QUESTION, rid

MANAGER = "leder@nordlys.example"
SAFETY = "verneombud@nordlys.example"
ADVISER = "radgiver.oslo@nav.example"


def _token(html: str) -> str:
    match = re.search(r'<input[^>]*name="form_token"[^>]*>', html)
    assert match, "no form token in the form"
    value = re.search(r'value="([^"]+)"', match.group(0))
    assert value
    return value.group(1)


def _english(client: WebClient) -> None:
    client.post("/language", {"language": "en", "next": "/"})


def _count(world: World) -> int:
    world.session.expire_all()
    return world.session.scalar(select(func.count()).select_from(EmployerRequest)) or 0


def _question_data(token: str, **extra: Any) -> dict[str, Any]:
    data = {
        "form_token": token,
        "question_kind": "question",
        "subject": "Spørsmål om tilretteleggingstilskudd",
        "description": "Hvordan søker vi?",
    }
    data.update(extra)
    return data


def test_a_question_is_sent_once_even_if_sent_twice(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/requests/new/question"
    page = client.get(url)
    assert page.status_code == 200
    token = _token(page.text)
    before = _count(world)
    first = client.post(url, _question_data(token))
    assert first.status_code == 303
    second = client.post(url, _question_data(token))  # double click / resend
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(world) == before + 1
    shown = client.get(first.headers["Location"])
    assert "Spørsmål om tilretteleggingstilskudd" in shown.text
    # A new visit to the form makes a new token, so a second question is a new request.
    assert _token(client.get(url).text) != token


def test_the_question_form_asks_questions_only_and_leads_to_the_meeting_flow(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/requests/new/question"
    page = client.get(url)
    assert 'name="question_kind"' not in page.text
    assert f'href="/enterprises/{world.nordlys.id}/meetings/new"' in page.text
    # An old form posting the meeting choice still sends a question.
    sent = client.post(url, _question_data(_token(page.text), question_kind="meeting"))
    assert sent.status_code == 303
    record = world.session.scalars(
        select(EmployerRequest).order_by(EmployerRequest.id.desc()).limit(1)
    ).one()
    assert record.question_kind == "question"


def test_a_resend_with_changed_values_still_finds_the_first(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/requests/new/question"
    token = _token(client.get(url).text)
    first = client.post(url, _question_data(token))
    again = client.post(url, _question_data(token, subject="Endret"))
    assert again.headers["Location"] == first.headers["Location"]


def test_case_help_refuses_an_identity_number_and_keeps_the_text(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/requests/new/case-help"
    page = client.get(url)
    assert "Ikke skriv navn, fødselsnummer eller helseopplysninger" in page.text
    token = _token(page.text)
    before = _count(world)
    typed = "Den ansatte (010190 12345) har vært borte lenge."
    response = client.post(
        url,
        {"form_token": token, "help_kind": "sick_leave", "urgency": "soon", "description": typed},
    )
    assert response.status_code == 422
    assert "Fjern fødselsnummeret" in response.text
    assert 'aria-invalid="true"' in response.text
    assert typed in response.text  # nothing typed is lost
    assert 'value="sick_leave" checked' in response.text or "checked" in response.text
    assert _token(response.text) == token  # the same form, the same token
    assert _count(world) == before


def test_identity_number_with_a_dot_in_english(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    _english(client)
    url = f"/enterprises/{world.nordlys.id}/requests/new/case-help"
    token = _token(client.get(url).text)
    response = client.post(
        url,
        {
            "form_token": token,
            "help_kind": "adaptation",
            "urgency": "normal",
            "description": "Nr 010190.12345",
        },
    )
    assert response.status_code == 422
    assert "Remove the national identity number" in response.text


def test_recruitment_form_errors_per_field_in_both_languages(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/requests/new/recruitment"
    page = client.get(url)
    assert page.status_code == 200
    # Contact details start from the manager's own.
    assert 'value="leder@nordlys.example"' in page.text
    token = _token(page.text)
    data = {
        "form_token": token,
        "job_title": "Omsorgsassistent",
        "positions": "to",
        "position_percent": "150",
        "location": "",
        "requirements": "Norsk",
        "contact_name": "Marte Lie",
        "contact_email": "ikke-en-adresse",
        "start_date": "2001-01-01",
        "open_to_adaptation": "y",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    text = response.text
    assert "Skriv et helt tall." in text
    assert "Skriv en prosent fra 1 til 100." in text
    assert "Skriv hvor arbeidsplassen er." in text
    assert "Skriv en gyldig e-postadresse" in text
    assert "Startdatoen kan ikke være tilbake i tid." in text
    assert 'value="to"' in text and 'value="150"' in text  # kept as typed
    assert 'name="open_to_adaptation" type="checkbox" value="y" checked' in text or (
        "checked" in text
    )
    _english(client)
    response = client.post(url, data)
    assert "Enter a whole number." in response.text
    assert "Enter a percentage from 1 to 100." in response.text
    assert "The start date cannot be in the past." in response.text


def test_recruitment_with_norwegian_date_and_action_plan_activity(
    world: World, client: WebClient
) -> None:
    from datetime import date, timedelta

    from tests.requests.test_services import _activity

    activity = _activity(world.session, world.nordlys)
    world.session.commit()
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/requests/new/recruitment"
    page = client.get(url)
    assert "Inkludering og rekruttering: Rekruttere bredere" in page.text
    start = date.today() + timedelta(days=40)
    response = client.post(
        url,
        {
            "form_token": _token(page.text),
            "job_title": "Renholder",
            "positions": "1",
            "position_percent": "50",
            "location": "Oslo",
            "requirements": "Ingen",
            "contact_name": "Marte",
            "contact_email": "leder@nordlys.example",
            "start_date": start.strftime("%d.%m.%Y"),
            "plan_activity_id": str(activity.id),
            "open_to_trial": "y",
        },
    )
    assert response.status_code == 303, response.text[:2000]
    world.session.expire_all()
    record = world.session.scalar(select(EmployerRequest).order_by(EmployerRequest.id.desc()))
    assert record is not None and record.recruitment is not None
    assert record.recruitment.start_date == start
    assert record.recruitment.plan_activity_id == activity.id
    assert record.recruitment.open_to_trial and not record.recruitment.open_to_wage_subsidy
    detail = client.get(response.headers["Location"])
    assert "Rekruttere bredere" in detail.text


def test_no_activity_select_without_an_action_plan(world: World, client: WebClient) -> None:
    from tests.conftest import build_enterprise, build_user

    enterprise = build_enterprise(world.session, world.nordlys.centre)
    manager = build_user(world.session)
    build_membership(world.session, manager, enterprise, MemberRole.MANAGER)
    world.session.commit()
    client.login_as(manager)
    page = client.get(f"/enterprises/{enterprise.id}/requests/new/recruitment")
    assert page.status_code == 200
    assert 'name="plan_activity_id"' not in page.text


def test_nested_ids_are_scoped_to_the_enterprise(world: World, client: WebClient) -> None:
    """A manager of two enterprises cannot reach one's request through the other's URL."""
    from tests.conftest import build_enterprise

    manager = world.user(MANAGER)
    other = build_enterprise(world.session, world.nordlys.centre)
    build_membership(world.session, manager, other, MemberRole.MANAGER)
    world.session.commit()
    client.login_as(manager)
    url = f"/enterprises/{other.id}/requests/new/question"
    created = client.post(url, _question_data(_token(client.get(url).text)))
    assert created.status_code == 303
    other_rid = int(created.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/enterprises/{other.id}/requests/{other_rid}").status_code == 200
    assert client.get(f"/enterprises/{world.nordlys.id}/requests/{other_rid}").status_code == 404
    assert (
        client.post(
            f"/enterprises/{world.nordlys.id}/requests/{other_rid}/messages", {"body": "Hei"}
        ).status_code
        == 404
    )
    # Fjellbygg's request through Nordlys' URL: 404, and logged as denied.
    fjellbygg_rid = rid(world, FOREIGN)
    assert (
        client.get(f"/enterprises/{world.nordlys.id}/requests/{fjellbygg_rid}").status_code == 404
    )
    denied = world.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.permitted.is_(False))
    )
    assert denied and denied >= 1


def test_adviser_of_another_centre_gets_404(world: World, client: WebClient) -> None:
    client.login_as(world.user("radgiver.vestland@nav.example"))
    assert client.get(f"/inbox/{rid(world, CASE_HELP)}").status_code == 404
    assert client.post(f"/inbox/{rid(world, CASE_HELP)}/close").status_code == 404
    assert client.get(f"/inbox/{rid(world, FOREIGN)}").status_code == 200
    inbox = client.get("/inbox?status=all")
    assert "Nordlys" not in inbox.text and "Tømrer" in inbox.text


def test_safety_delegate_sees_only_own_and_may_only_ask_questions(
    world: World, client: WebClient
) -> None:
    client.login_as(world.user(SAFETY))
    listing = client.get(f"/enterprises/{world.nordlys.id}/requests")
    assert listing.status_code == 200
    assert "Verneombudets rolle i handlingsplanen" in listing.text
    assert "Omsorgsassistent" not in listing.text  # the manager's recruitment request
    assert "Be om rekrutteringsbistand" not in listing.text
    assert (
        client.get(f"/enterprises/{world.nordlys.id}/requests/new/recruitment").status_code == 403
    )
    assert client.get(f"/enterprises/{world.nordlys.id}/requests/new/case-help").status_code == 403
    assert (
        client.get(f"/enterprises/{world.nordlys.id}/requests/{rid(world, CASE_HELP)}").status_code
        == 403
    )


def test_manager_list_shows_all_and_new_activity(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    listing = client.get(f"/enterprises/{world.nordlys.id}/requests")
    text = listing.text
    for title in (
        "Omsorgsassistent",
        "Langvarig eller gjentatt sykefravær",
        "Verneombudets rolle i handlingsplanen",
    ):
        assert title in text
    assert "Ny aktivitet" in text  # the answer to the recruitment request is not seen yet
    assert "Fjellbygg" not in text


def test_home_card_for_those_who_may_ask(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    home = client.get(f"/enterprises/{world.nordlys.id}")
    assert f"/enterprises/{world.nordlys.id}/requests" in home.text
    # The occupational health service asks questions (and meetings), not for case help.
    other = client.__class__(client.app)
    other.login_as(world.user("bht@helsepartner.example"))
    home = other.get(f"/enterprises/{world.nordlys.id}")
    assert home.status_code == 200
    assert f"/enterprises/{world.nordlys.id}/requests" in home.text
    case_help = other.get(f"/enterprises/{world.nordlys.id}/requests/new/case-help")
    assert case_help.status_code == 403
    question = other.get(f"/enterprises/{world.nordlys.id}/requests/new/question")
    assert question.status_code == 200


def test_advisers_are_sent_to_the_inbox(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADVISER))
    response = client.get(f"/enterprises/{world.nordlys.id}/requests")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/inbox?enterprise_id={world.nordlys.id}"
    response = client.get(f"/enterprises/{world.nordlys.id}/requests/{rid(world, CASE_HELP)}")
    assert response.headers["Location"] == f"/inbox/{rid(world, CASE_HELP)}"


# --- the inbox ---------------------------------------------------------------------------------


def test_inbox_highlights_overdue_and_unread(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADVISER))
    page = client.get("/inbox")
    assert page.status_code == 200
    text = page.text
    assert "row--overdue" in text and "Forsinket" in text
    assert "Ulest" in text
    assert "1 ulest" in text  # the badge
    assert 'hx-trigger="every 30s, requests-changed from:body"' in text
    assert "Henvendelser (1 ulest)" in text  # the menu, a plain number without JS
    assert "Din gjennomsnittlige vurdering: 5,0 av 5 (1 vurdering)." in text
    # Yours first: the case-help request (hers) comes before the others.
    assert text.index("Langvarig eller gjentatt sykefravær") < text.index("Omsorgsassistent")
    assert "Fjellbygg" not in text


def test_inbox_shows_a_large_unread_count_as_more_than(
    world: World, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(request_services, "UNREAD_SHOWN_UP_TO", 0)
    client.login_as(world.user(ADVISER))
    text = client.get("/inbox").text
    assert "Henvendelser (0+ uleste)" in text  # the menu
    assert "0+ uleste</span>" in text  # the badge
    assert "0+ uleste" in client.get("/inbox/badge", headers={"HX-Request": "true"}).text


def test_inbox_counts_up_to_a_limit_and_pages_on(
    world: World, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(request_services, "INBOX_COUNTED_UP_TO", 1)
    monkeypatch.setitem(client.app.config, "PAGE_SIZE", 1)
    client.login_as(world.user(ADVISER))
    first = client.get("/inbox?status=all").text
    assert "Mer enn 1 henvendelser." in first
    assert "Side 1</span>" in first and "Neste side" in first
    second = client.get("/inbox?status=all&page=2").text
    assert "Side 2</span>" in second and "Forrige side" in second


def test_inbox_overdue_limit_is_configurable(
    world: World, client: WebClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REQUEST_OVERDUE_WORKING_DAYS", 30)
    client.login_as(world.user(ADVISER))
    page = client.get("/inbox")
    assert "row--overdue" not in page.text
    assert "mer enn 30 arbeidsdager" in page.text


def test_inbox_filters(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADVISER))
    text = client.get("/inbox?kind=question&status=all").text
    assert "Verneombudets rolle i handlingsplanen" in text
    assert "Omsorgsassistent" not in text
    text = client.get("/inbox?status=answered").text
    assert "Omsorgsassistent" in text and "Verneombudets" not in text
    text = client.get(f"/inbox?enterprise_id={world.fjellbygg.id}&status=all").text
    assert "Tømrer" not in text  # another centre's enterprise is ignored, never shown
    text = client.get("/inbox?status=nonsense&kind=nonsense&enterprise=x&page=y").text
    assert "Langvarig eller gjentatt sykefravær" in text


def test_badge_fragment(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADVISER))
    response = client.get("/inbox/badge", htmx=True)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "1 ulest" in response.text
    assert "HX-Request" in response.headers["Vary"]
    plain = client.get("/inbox/badge")
    assert plain.status_code == 303 and plain.headers["Location"] == "/inbox"
    # Opening the request makes it read.
    client.get(f"/inbox/{rid(world, CASE_HELP)}")
    assert "0 uleste" in client.get("/inbox/badge", htmx=True).text


# --- htmx conversation -------------------------------------------------------------------------


def test_htmx_reply_returns_the_conversation_fragment(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADVISER))
    url = f"/inbox/{rid(world, CASE_HELP)}"
    page = client.get(url)
    assert 'id="conversation"' in page.text and 'hx-post="' + url + '/messages"' in page.text
    response = client.post(
        url + "/messages", {"body": "Jeg ringer deg i morgen.", "action": "send"}, htmx=True
    )
    assert response.status_code == 200
    body = response.text
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="conversation"')
    assert "Jeg ringer deg i morgen." in body
    assert 'hx-swap-oob="innerHTML:#messages"' in body
    assert response.headers["HX-Trigger"] == "requests-changed"
    assert "HX-Request" in response.headers["Vary"]
    assert "Under arbeid" in body  # a reply takes the submitted request


def test_htmx_reply_error_is_422_fragment(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/requests/{rid(world, CASE_HELP)}/messages"
    response = client.post(url, {"body": "  "}, htmx=True)
    assert response.status_code == 422
    assert "<html" not in response.text
    assert "Skriv et svar før du sender." in response.text
    response = client.post(url, {"body": "Nummeret er 01019012345"}, htmx=True)
    assert response.status_code == 422
    assert "Nummeret er 01019012345" in response.text  # kept for correcting


def test_plain_reply_redirects(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/requests/{rid(world, CASE_HELP)}"
    response = client.post(url + "/messages", {"body": "Mer informasjon."})
    assert response.status_code == 303
    assert response.headers["Location"].startswith(url)
    page = client.get(url)
    assert "Mer informasjon." in page.text
    assert "Meldingen din er sendt." in page.text


def test_closed_request_refuses_replies_with_409(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADVISER))
    url = f"/inbox/{rid(world, QUESTION)}"
    response = client.post(url + "/messages", {"body": "Hei igjen"}, htmx=True)
    assert response.status_code == 409
    assert "Henvendelsen er avsluttet" in response.text
    response = client.post(url + "/close")
    assert response.status_code == 409


def test_hand_over_to_a_colleague(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADVISER))
    url = f"/inbox/{rid(world, CASE_HELP)}"
    page = client.get(url)
    assert "Jonas Berg" in page.text and "Kari Nordvik" not in page.text
    kari = world.user("radgiver.vestland@nav.example")
    refused = client.post(url + "/hand-over", {"adviser_id": kari.id})
    assert refused.status_code == 422
    jonas = world.user("radgiver2.oslo@nav.example")
    done = client.post(url + "/hand-over", {"adviser_id": jonas.id}, htmx=True)
    assert done.status_code == 200
    assert "ga henvendelsen videre til Jonas Berg" in done.text
    note = world.session.scalar(
        select(Notification).where(
            Notification.user_id == jonas.id, Notification.kind == "requests.handed_over"
        )
    )
    assert note is not None and note.url == url


# --- the journey over HTTP ---------------------------------------------------------------------


def test_journey_ask_answer_close_rate(world: World, client: WebClient, make_client: Any) -> None:
    manager = client
    manager.login_as(world.user(MANAGER))
    new_url = f"/enterprises/{world.nordlys.id}/requests/new/question"
    created = manager.post(new_url, _question_data(_token(manager.get(new_url).text)))
    detail_url = created.headers["Location"]
    request_id = int(detail_url.rsplit("/", 1)[1])

    adviser = make_client()
    adviser.login_as(world.user(ADVISER))
    assert "2 uleste" in adviser.get("/inbox/badge", htmx=True).text
    inbox_url = f"/inbox/{request_id}"
    assert adviser.post(inbox_url + "/take", htmx=True).status_code == 200
    answer = adviser.post(inbox_url + "/messages", {"body": "Søk via Altinn.", "action": "answer"})
    assert answer.status_code == 303

    page = manager.get(detail_url)
    assert "Søk via Altinn." in page.text and "Besvart" in page.text
    assert "Ingrid Haugen" in page.text  # who handles it

    assert adviser.post(inbox_url + "/close").status_code == 303
    page = manager.get(detail_url)
    assert "Hvordan var hjelpen?" in page.text
    rated = manager.post(detail_url + "/rating", {"score": "4", "comment": "Raskt svar."})
    assert rated.status_code == 303
    page = manager.get(detail_url)
    assert "Hvordan var hjelpen?" not in page.text  # asked once
    assert "Vurdert til 4 av 5." in page.text
    again = manager.post(detail_url + "/rating", {"score": "1"})
    assert again.status_code == 303
    again = manager.post(detail_url + "/rating", {"score": "1"}, htmx=True)
    assert again.status_code == 200 and "<html" not in again.text
    assert "Du har allerede vurdert hjelpen" in again.text
    world.session.expire_all()
    ratings = world.session.scalars(
        select(RequestRating).where(RequestRating.request_id == request_id)
    ).all()
    assert [r.score for r in ratings] == [4]
    assert "4,5 av 5 (2 vurderinger)" in adviser.get("/inbox").text
    record = world.session.get(EmployerRequest, request_id)
    assert record is not None and record.status == RequestStatus.CLOSED
    # Every change was audit-logged as permitted.
    changes = world.session.scalars(
        select(AuditEntry.endpoint).where(
            AuditEntry.action == "change", AuditEntry.permitted.is_(True)
        )
    ).all()
    for endpoint in (
        "requests.enterprise_new_question",
        "requests.inbox_take",
        "requests.inbox_reply",
        "requests.inbox_close",
        "requests.enterprise_rate",
    ):
        assert endpoint in changes
    kinds = world.session.scalars(
        select(Notification.kind).where(Notification.user_id == world.user(MANAGER).id)
    ).all()
    # Closing withdrew the notices about the open request; the request to rate remains.
    assert "requests.closed" in kinds
    assert not {"requests.taken", "requests.answered"} & set(kinds)


def test_withdraw(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    url = f"/enterprises/{world.nordlys.id}/requests/{rid(world, CASE_HELP)}"
    assert client.post(url + "/withdraw").status_code == 303
    page = client.get(url)
    assert "Trukket tilbake" in page.text
    assert client.post(url + "/withdraw").status_code == 409


def test_english_pages(world: World, client: WebClient) -> None:
    client.login_as(world.user(MANAGER))
    _english(client)
    text = client.get(f"/enterprises/{world.nordlys.id}/requests").text
    assert "Requests to the contact person" in text and "Ask for recruitment help" in text
    text = client.get(f"/enterprises/{world.nordlys.id}/requests/{rid(world, CASE_HELP)}").text
    assert "Long or repeated sick leave" in text and "Submitted" in text


# --- fragments pay for their region only ---------------------------------------------------------


@contextmanager
def _statements(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = db.engine_for(app)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_fragments_build_only_their_region(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADVISER))
    url = f"/inbox/{rid(world, CASE_HELP)}"
    assert client.get(url).status_code == 200
    client.csrf()  # fetched before counting
    with _statements(client.app) as badge:
        assert client.get("/inbox/badge", htmx=True).status_code == 200
    assert len(badge) <= 4, badge
    with _statements(client.app) as take:
        response = client.post(url + "/take", {}, htmx=True)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="conversation"')
    # The change itself (about 14 statements: 3 for the mail (choices, grouping, outbox row), 2
    # for the row lock), then the region: no page around it.
    assert len(take) <= 19, "\n".join(s[:120] for s in take)
