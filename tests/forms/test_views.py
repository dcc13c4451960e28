"""Nothing typed is lost: a form sent after the idle timeout comes back filled in after signing
in again, the expired-form page names answers by their labels, long texts get a counter and a
clear error instead of a hard cut; and the language fixes of issue 11 (item 15)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from flask import Flask
from sqlalchemy import select, update

from iwemployer.models import EmployerRequest, UserSession, utcnow
from iwemployer.seed import DEMO_PASSWORD
from tests.conftest import WebClient, World

MANAGER = "leder@nordlys.example"
SAFETY = "verneombud@nordlys.example"
LONG_TEXT = "Erfaring med turnus. " * 250  # 5 250 characters, past the limit of 4 000


def _recruitment(world: World) -> str:
    return f"/enterprises/{world.nordlys.id}/requests/new/recruitment"


def _form_token(html: str) -> str:
    match = re.search(r'name="form_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="form_token"', html
    )
    assert match, "no form token"
    return match.group(1)


def _answers(token: str) -> dict[str, str]:
    return {
        "form_token": token,
        "job_title": "Nattevakt i turnus",
        "positions": "2",
        "position_percent": "80",
        "location": "Tromsø",
        "requirements": "Fagbrev som helsefagarbeider.\r\nNorsk muntlig og skriftlig.",
        "contact_name": "Marte Lie",
        "contact_email": "marte@nordlys.example",
    }


def _idle_timeout_passes(world: World, email: str) -> None:
    user = world.user(email)
    world.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id)
        .values(last_seen_at=utcnow() - timedelta(hours=1))
    )
    world.session.commit()


def _requests(world: World) -> int:
    world.session.expire_all()
    return len(world.session.scalars(select(EmployerRequest.id)).all())


@pytest.fixture(autouse=True)
def _own_kept_forms(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "KEPT_FORM_DIR", str(tmp_path))


def _kept_files(app: Flask) -> list[Path]:
    return list(Path(app.config["KEPT_FORM_DIR"]).glob("*.json"))


def test_a_form_sent_after_the_idle_timeout_comes_back_filled_after_signing_in(
    world: World, client: WebClient
) -> None:
    client.sign_in(MANAGER)
    url = _recruitment(world)
    before = _requests(world)
    answers = _answers(_form_token(client.get(url).text))
    _idle_timeout_passes(world, MANAGER)

    sent = client.post(url, answers)

    assert sent.status_code == 302
    sign_in = sent.headers["Location"]
    assert unquote(sign_in).endswith(f"/sign-in?next={url}")
    page = client.get(sign_in).text
    assert "Du ble logget ut fordi du hadde vært borte en stund" in page
    assert _requests(world) == before
    back = client.post(sign_in, {"email": MANAGER, "password": DEMO_PASSWORD})
    assert back.status_code == 303 and back.headers["Location"] == url
    form = client.get(url).text
    assert "Velkommen tilbake. Det du skrev, er fylt inn igjen" in form
    assert 'value="Nattevakt i turnus"' in form and 'value="Tromsø"' in form
    assert "Fagbrev som helsefagarbeider." in form
    # What was typed wins over the defaults the page fills in for a new form.
    assert 'value="marte@nordlys.example"' in form
    # Given back once: the kept copy is gone.
    assert "Nattevakt i turnus" not in client.get(url).text

    done = client.post(url, {**_answers(_form_token(form))})
    assert done.status_code == 303
    assert _requests(world) == before + 1


def test_a_kept_form_is_given_only_to_the_person_who_typed_it(
    world: World, client: WebClient, app: Flask
) -> None:
    client.sign_in(MANAGER)
    url = _recruitment(world)
    answers = _answers(_form_token(client.get(url).text))
    _idle_timeout_passes(world, MANAGER)
    sign_in = client.post(url, answers).headers["Location"]
    assert _kept_files(app)

    client.post(sign_in, {"email": SAFETY, "password": DEMO_PASSWORD})

    assert "Velkommen tilbake" not in client.get("/").text
    assert not _kept_files(app)


def test_passwords_are_never_kept(world: World, client: WebClient, app: Flask) -> None:
    client.sign_in(MANAGER)
    _idle_timeout_passes(world, MANAGER)
    client.post(
        "/account/password",
        {"current_password": DEMO_PASSWORD, "new_password": "x" * 20, "title": "kept"},
    )
    (kept,) = _kept_files(app)
    text = kept.read_text()
    assert "kept" in text and DEMO_PASSWORD not in text and "x" * 20 not in text


def test_answers_whose_form_is_not_on_the_page_are_shown_to_copy_back(
    world: World, client: WebClient
) -> None:
    client.sign_in(MANAGER)
    _idle_timeout_passes(world, MANAGER)
    sign_in = client.post("/account/password", {"title": "Faste partsmøter hver uke"}).headers[
        "Location"
    ]
    client.post(sign_in, {"email": MANAGER, "password": DEMO_PASSWORD})
    page = client.get("/account/password").text
    shown = page.split('id="kept-answers"')[1].split("</dialog>")[0]
    assert "Det du skrev før du ble logget ut" in shown
    assert "Faste partsmøter hver uke" in shown and "title" not in shown
    assert 'id="kept-answers"' not in client.get("/account/password").text


def test_keep_alive_answers_the_script_and_the_form_without_script(
    world: World, client: WebClient
) -> None:
    client.sign_in(MANAGER)
    assert client.post("/keep-alive").status_code == 204
    back = client.post("/keep-alive", {"next": "/notifications"})
    assert back.status_code == 303 and back.headers["Location"] == "/notifications"
    assert (
        client.post("/keep-alive", {"next": "https://evil.example/"})
        .headers["Location"]
        .endswith("/")
    )


def test_signed_in_pages_carry_the_idle_warning(world: World, client: WebClient) -> None:
    assert 'id="session-warning"' not in client.get("/sign-in").text
    client.sign_in(MANAGER)
    page = client.get(_recruitment(world)).text
    assert 'data-idle-seconds="1800"' in page and 'data-warning-seconds="120"' in page
    assert "Du blir snart logget ut" in page and "Forbli innlogget" in page


def test_the_expired_form_page_names_answers_by_their_labels(
    world: World, client: WebClient
) -> None:
    client.sign_in(MANAGER)
    url = _recruitment(world)
    answers = _answers("secret-form-token-123")
    page = client.post(url, {**answers, "csrf_token": "stale"}, csrf=True)
    assert page.status_code == 400
    shown = page.text.split('<dl class="kept-values">')[1].split("</dl>")[0]
    assert "<dt>Stillingstittel</dt>" in shown and "Nattevakt i turnus" in shown
    for raw in ("job_title", "form_token", "secret-form-token-123", "csrf_token"):
        assert raw not in shown
    # Still sent again as they were, the double-submission token included.
    assert 'name="form_token" value="secret-form-token-123"' in page.text


def test_long_texts_get_a_counter_not_a_hard_cut(world: World, client: WebClient) -> None:
    client.sign_in(MANAGER)
    page = client.get(_recruitment(world)).text
    textarea = re.search(r"<textarea[^>]*>", page)
    assert textarea
    assert "maxlength" not in textarea.group(0).replace("data-maxlength", "")
    assert 'data-maxlength="4000"' in textarea.group(0)
    assert "Du kan skrive opptil 4\u00a0000 tegn." in page
    assert 'data-over-other="Du har {n} tegn for mye."' in page
    # Short fields keep the browser's own limit.
    assert re.search(r'<input[^>]*maxlength="200"[^>]*name="job_title"', page)


def test_a_pasted_text_over_the_limit_is_refused_whole_at_its_field(
    world: World, client: WebClient
) -> None:
    client.sign_in(MANAGER)
    url = _recruitment(world)
    answers = {**_answers(_form_token(client.get(url).text)), "requirements": LONG_TEXT}
    response = client.post(url, answers)
    assert response.status_code == 422
    error = response.text.split('id="requirements-error"')[1].split("</div>")[0]
    assert "«Krav» er lengre enn 4\u00a0000 tegn (nå 5\u00a0250)." in error
    assert LONG_TEXT.strip() in response.text  # nothing cut
    client.post("/language", {"language": "en", "next": "/"})
    response = client.post(url, answers)
    assert "“Requirements” is longer than 4,000 characters (now 5,250)." in response.text


def test_english_dates_are_british_and_the_language_stays_en(
    world: World, client: WebClient
) -> None:
    client.sign_in(MANAGER)
    client.post("/language", {"language": "en", "next": "/"})
    home = client.get(f"/enterprises/{world.nordlys.id}").text
    assert '<html lang="en">' in home
    agreement = home.split('id="agreement-heading"')[1].split("</section>")[0]
    # Babel's en_GB: "1 January 2026", never the US "January 1, 2026".
    assert re.search(
        r"\d{1,2} (January|February|March|April|May|June|July|August|"
        r"September|October|November|December) \d{4}",
        agreement,
    )
    assert not re.search(r"[A-Z][a-z]+ \d{1,2}, \d{4}", agreement)


def test_agreement_card_names_the_ia_agreement(world: World, client: WebClient) -> None:
    client.sign_in(MANAGER)
    home = client.get(f"/enterprises/{world.nordlys.id}").text
    assert "under IA-avtalen" in home and "mellom dere og NAV Arbeidslivssenter" in home
    client.post("/language", {"language": "nn", "next": "/"})
    assert (
        "mellom dykk og NAV Arbeidslivssenter"
        in client.get(f"/enterprises/{world.nordlys.id}").text
    )
