"""The second sign-in step, enrolment and the administrator's reset over HTTP."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from iwemployer.mail.reset import issue_reset
from iwemployer.mfa.demo import DEMO_TOTP_SECRET
from iwemployer.models import AuditEntry, SecondFactor, UserKind, UserSession
from iwemployer.seed import DEMO_PASSWORD
from tests.conftest import WebClient, World, build_user, forget_used_codes
from tests.statements import count_statements

ADVISER = "radgiver.oslo@nav.example"
MANAGER = "leder@nordlys.example"
SECRET_RE = r'<code class="secret-key" id="secret-key">([A-Z2-7 ]+)</code>'
WRONG = {"nb": "Koden er feil eller allerede brukt", "en": "The code is wrong or already used"}


def _text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def _password(client: WebClient, email: str, language: str = "nb") -> TestResponse:
    client.raw.set_cookie("iwemployer_lang", language)
    return client.post("/sign-in", {"email": email, "password": DEMO_PASSWORD})


def _demo_code() -> str:
    return pyotp.TOTP(DEMO_TOTP_SECRET).now()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_staff_give_a_code_after_the_password(
    world: World, client: WebClient, language: str
) -> None:
    response = _password(client, ADVISER, language)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in/code")
    # Half signed in: no page of the site, only the second step.
    page = client.get("/adviser/enterprises")
    assert page.status_code == 302 and page.headers["Location"].startswith("/sign-in/code")
    hx = client.get("/adviser/enterprises", htmx=True)
    assert hx.status_code == 401 and hx.headers["HX-Redirect"].startswith("/sign-in/code")

    wrong = client.post("/sign-in/code", {"code": "000000" if _demo_code() != "000000" else "1"})
    assert wrong.status_code == 422
    body = _text(wrong)
    assert WRONG[language] in body
    field = re.search(r'<input[^>]*id="code"[^>]*>', body)
    assert field and 'aria-invalid="true"' in field.group(0)
    assert 'id="code-error"' in body

    done = client.post("/sign-in/code?next=/adviser/enterprises", {"code": _demo_code()})
    assert done.status_code == 303 and done.headers["Location"] == "/adviser/enterprises"
    assert client.get("/adviser/enterprises").status_code == 200


def test_the_session_token_changes_at_the_second_step(world: World, client: WebClient) -> None:
    _password(client, ADVISER)
    client.post("/sign-in/code", {"code": _demo_code()})
    sessions = world.session.scalars(
        select(UserSession).where(UserSession.user_id == world.user(ADVISER).id)
    ).all()
    # The half-signed-in session is gone; one signed-in session is left.
    assert [s.second_step for s in sessions] == [None]


def test_a_used_code_is_refused_at_the_next_sign_in(world: World, client: WebClient) -> None:
    code = _demo_code()
    _password(client, ADVISER)
    assert client.post("/sign-in/code", {"code": code}).status_code == 303
    client.post("/sign-out")
    _password(client, ADVISER)
    again = client.post("/sign-in/code", {"code": code})
    assert again.status_code == 422


def test_code_entry_is_rate_limited_per_user(world: World, client: WebClient) -> None:
    _password(client, ADVISER)
    for _ in range(5):
        assert client.post("/sign-in/code", {"code": "abcdef"}).status_code == 422
    # The limit holds even for the right code.
    assert client.post("/sign-in/code", {"code": _demo_code()}).status_code == 429


def test_signing_out_half_signed_in_ends_that_session(world: World, client: WebClient) -> None:
    _password(client, ADVISER)
    client.post("/sign-out")
    user_id = world.user(ADVISER).id
    assert (
        world.session.scalar(select(UserSession.id).where(UserSession.user_id == user_id)) is None
    )
    assert client.get("/sign-in/code").headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("language", ["nb", "en"])
def test_a_new_adviser_must_enrol_before_anything_else(
    world: World, session: Session, client: WebClient, language: str
) -> None:
    centre = world.user(ADVISER).centre
    adviser = build_user(session, UserKind.ADVISER, centre=centre)
    session.commit()
    response = _password(client, adviser.email, language)
    assert response.headers["Location"].startswith("/account/two-step")
    assert client.get("/adviser/enterprises").headers["Location"].startswith("/account/two-step")
    page = client.get("/account/two-step")
    body = _text(page)
    assert page.status_code == 200 and "<svg" in body
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert "<script" not in svg and "style=" not in svg

    match = re.search(SECRET_RE, body)
    assert match, body
    secret = match.group(1).replace(" ", "")
    assert secret != DEMO_TOTP_SECRET

    wrong = client.post("/account/two-step", {"code": "12"})
    assert wrong.status_code == 422 and 'aria-invalid="true"' in _text(wrong)
    done = client.post("/account/two-step", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", _text(done))
    assert len(codes) == 10
    assert client.get("/adviser/enterprises").status_code == 200
    client._csrf = None  # a new session since the enrolment signed in fully, a new token

    # The recovery code signs in once instead of the app's code.
    client.post("/sign-out")
    _password(client, adviser.email, language)
    assert client.post("/sign-in/code", {"code": codes[0]}).status_code == 303
    client.post("/sign-out")
    _password(client, adviser.email, language)
    assert client.post("/sign-in/code", {"code": codes[0]}).status_code == 422


def test_a_manager_turns_it_on_and_off_from_the_account_page(
    world: World, client: WebClient
) -> None:
    assert client.sign_in(MANAGER).headers["Location"] == "/"
    page = _text(client.get("/account/two-step"))

    secret = re.search(SECRET_RE, page).group(1).replace(" ", "")  # type: ignore[union-attr]
    assert client.post("/account/two-step", {"code": pyotp.TOTP(secret).now()}).status_code == 200
    assert "Totrinnsbekreftelse" in _text(client.get("/account/two-step"))
    client.post("/sign-out")
    assert _password(client, MANAGER).headers["Location"].startswith("/sign-in/code")
    forget_used_codes(client.app, MANAGER)
    assert client.post("/sign-in/code", {"code": pyotp.TOTP(secret).now()}).status_code == 303
    assert client.post("/account/two-step/off").status_code == 303
    client.post("/sign-out")
    assert _password(client, MANAGER).headers["Location"] == "/"


def test_staff_cannot_turn_it_off(world: World, client: WebClient) -> None:
    client.login_as(world.user(ADVISER))
    assert "Slå av" not in _text(client.get("/account/two-step"))
    client.post("/account/two-step/off")
    assert world.session.scalar(
        select(SecondFactor.id).where(SecondFactor.user_id == world.user(ADVISER).id)
    )


def test_an_administrator_resets_an_advisers_second_factor(world: World, client: WebClient) -> None:
    admin, adviser = world.user("admin@nav.example"), world.user(ADVISER)
    client.login_as(admin)
    detail = _text(client.get(f"/admin/users/{adviser.id}"))
    assert f"/admin/users/{adviser.id}/two-step/reset" in detail
    confirm = client.get(f"/admin/users/{adviser.id}/two-step/reset")
    assert confirm.status_code == 200 and "Nullstill totrinnsbekreftelse" in _text(confirm)
    done = client.post(f"/admin/users/{adviser.id}/two-step/reset")
    assert done.status_code == 303
    session = world.session
    assert session.scalar(select(SecondFactor.id).where(SecondFactor.user_id == adviser.id)) is None
    audited = session.scalar(
        select(AuditEntry).where(
            AuditEntry.endpoint == "mfa.admin_reset",
            AuditEntry.method == "POST",
            AuditEntry.subject_user_id == adviser.id,
        )
    )
    assert audited is not None and audited.permitted and audited.user_id == admin.id
    # At the next sign-in the adviser sets it up again.
    other = WebClient(client.app)
    assert _password(other, ADVISER).headers["Location"].startswith("/account/two-step")


def test_an_administrator_cannot_reset_their_own(world: World, client: WebClient) -> None:
    admin = world.user("admin@nav.example")
    client.login_as(admin)
    assert client.post(f"/admin/users/{admin.id}/two-step/reset").status_code == 422
    assert world.session.scalar(select(SecondFactor.id).where(SecondFactor.user_id == admin.id))


def test_production_refuses_codes_of_the_published_demo_secret(
    world: World, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    _password(client, ADVISER)
    monkeypatch.setitem(client.app.config, "ENV_NAME", "production")
    assert client.post("/sign-in/code", {"code": _demo_code()}).status_code == 422
    monkeypatch.setitem(client.app.config, "ENV_NAME", "testing")
    assert client.post("/sign-in/code", {"code": _demo_code()}).status_code == 303


def test_a_password_reset_does_not_skip_the_code(
    world: World, session: Session, client: WebClient
) -> None:
    issued = issue_reset(session, ADVISER)
    assert issued is not None
    session.commit()
    new = "Blåbærsyltetøy-på-Kanelbolle-1987"
    response = client.post(
        f"/reset-password/{issued[1]}", {"new_password": new, "confirm_password": new}
    )
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in/code")
    assert client.get("/adviser/enterprises").headers["Location"].startswith("/sign-in/code")


def test_pages_take_a_fixed_number_of_statements(world: World, client: WebClient) -> None:
    _password(client, ADVISER)
    with count_statements(client.app) as code_page:
        assert client.get("/sign-in/code").status_code == 200
    client.post("/sign-in/code", {"code": _demo_code()})
    with count_statements(client.app) as status_page:
        assert client.get("/account/two-step").status_code == 200
    # The session with its user, then the page's own: factor, codes left (plus the menu's).
    assert code_page.count <= 3, str(code_page)
    assert status_page.count <= 8, str(status_page)
