"""The invitation of the occupational health service over HTTP, without JavaScript and with htmx."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from iwemployer.models import AccessOffer, AuditEntry, Membership
from tests.conftest import WebClient, World

MANAGER = "leder@nordlys.example"
OUTSIDER = "leder@fjellbygg.example"


@pytest.fixture
def manager(world: World, client: WebClient) -> WebClient:
    client.login_as(world.user(MANAGER))
    return client


def _invite(world: World, client: WebClient, email: str, htmx: bool = False):  # type: ignore[no-untyped-def]
    return client.post(
        f"/enterprises/{world.nordlys.id}/members/occupational-health",
        {"name": "Bente Berg", "email": email},
        htmx=htmx,
    )


def _without(text: str, email: str) -> str:
    """The answer with the typed address (echoed back) and the per-request tokens taken out;
    the members' own table (which the manager saw before) left aside."""
    text = "\n".join(line for line in text.splitlines() if "mailto:" not in line)
    text = text.replace(email, "ADDRESS")
    text = re.sub(r'name="csrf_token" value="[^"]*"', "", text)
    text = re.sub(r"(csrf_token|X-CSRFToken)[^,}>]*", "", text)
    return re.sub(r"/invitations/\d+/", "/invitations/N/", text)


ADDRESSES = [
    "ny.person@bht.example",  # no account
    OUTSIDER,  # an employer account elsewhere
    "verneombud@nordlys.example",  # a member already
    "radgiver.oslo@nav.example",  # NAV staff
]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_every_address_gets_the_same_answer(world: World, manager: WebClient, htmx: bool) -> None:
    answers = []
    for email in ADDRESSES:
        response = _invite(world, manager, email, htmx=htmx)
        if htmx:
            page = response.text
        else:
            assert response.headers["Location"] == f"/enterprises/{world.nordlys.id}/members"
            page = manager.get(response.headers["Location"]).text
        answers.append((response.status_code, _without(page, email)))
        # Each invitation is withdrawn again, so the next answer starts from the same page.
        invitation_id = re.search(r"/invitations/(\d+)/withdraw", page)
        assert invitation_id is not None
        withdrawn = manager.post(
            f"/enterprises/{world.nordlys.id}/members/invitations/{invitation_id[1]}/withdraw",
            htmx=True,
        )
        assert withdrawn.status_code == 200 and "trukket tilbake" in withdrawn.text
    assert {status for status, _ in answers} == {200 if htmx else 303}
    import difflib

    first = answers[0][1].splitlines()
    for _, page in answers[1:]:
        assert page.splitlines() == first, "\n".join(
            difflib.unified_diff(first, page.splitlines(), lineterm="")
        )
    if htmx:
        assert "<html" not in answers[0][1] and 'id="invitations"' in answers[0][1]


def test_nothing_of_the_invited_account_shows_before_it_accepts(
    world: World, manager: WebClient, make_client
) -> None:  # type: ignore[no-untyped-def]
    name = world.user(OUTSIDER).name
    assert _invite(world, manager, OUTSIDER).status_code == 303
    page = manager.get(f"/enterprises/{world.nordlys.id}/members").text
    assert OUTSIDER in page and name not in page
    # The invited person answers on their own page; the manager then sees them as a member.
    invited = make_client()
    invited.login_as(world.user(OUTSIDER))
    offers = invited.get("/access-invitations").text
    assert world.nordlys.name in offers
    offer = world.session.scalar(
        select(AccessOffer).where(AccessOffer.user_id == world.user(OUTSIDER).id)
    )
    assert offer is not None
    accepted = invited.post(f"/access-invitations/{offer.id}/accept")
    assert accepted.status_code == 303
    assert accepted.headers["Location"] == f"/enterprises/{world.nordlys.id}"
    # A double click changes nothing.
    assert invited.post(f"/access-invitations/{offer.id}/accept").status_code == 303
    assert (
        len(
            world.session.scalars(
                select(Membership).where(
                    Membership.user_id == offer.user_id,
                    Membership.enterprise_id == world.nordlys.id,
                )
            ).all()
        )
        == 1
    )
    page = manager.get(f"/enterprises/{world.nordlys.id}/members").text
    assert name in page and "/withdraw" not in page


def test_htmx_answers_swap_the_region(world: World, manager: WebClient, make_client) -> None:  # type: ignore[no-untyped-def]
    _invite(world, manager, OUTSIDER, htmx=True)
    invited = make_client()
    invited.login_as(world.user(OUTSIDER))
    offer = world.session.scalar(select(AccessOffer))
    assert offer is not None
    response = invited.post(f"/access-invitations/{offer.id}/decline", htmx=True)
    assert response.status_code == 200
    assert 'id="access-offers"' in response.text and "<html" not in response.text
    assert "/accept" not in response.text
    # The manager learns only that the invitation ended.
    page = manager.get(f"/enterprises/{world.nordlys.id}/members").text
    assert OUTSIDER not in page and world.user(OUTSIDER).name not in page
    # Answering an ended invitation: a clear refusal, nothing created.
    refused = invited.post(f"/access-invitations/{offer.id}/accept")
    assert refused.status_code == 409
    assert (
        world.session.scalar(
            select(Membership).where(
                Membership.user_id == offer.user_id, Membership.enterprise_id == world.nordlys.id
            )
        )
        is None
    )


def test_another_person_cannot_answer_the_offer(
    world: World, manager: WebClient, make_client
) -> None:  # type: ignore[no-untyped-def]
    _invite(world, manager, OUTSIDER)
    offer = world.session.scalar(select(AccessOffer))
    assert offer is not None
    other = make_client()
    other.login_as(world.user("bht@helsepartner.example"))
    assert other.post(f"/access-invitations/{offer.id}/accept").status_code == 404
    assert manager.post(f"/access-invitations/{offer.id}/accept").status_code == 404


def test_the_limit_is_shown_at_the_field(
    world: World, manager: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(manager.app.config, "ACCESS_INVITATIONS_PER_DAY", 1)
    assert _invite(world, manager, "a@bht.example").status_code == 303
    for htmx in (False, True):
        response = _invite(world, manager, "b@bht.example", htmx=htmx)
        assert response.status_code == 429
        assert "grensen" in response.text and 'aria-invalid="true"' in response.text
        assert 'value="b@bht.example"' in response.text


def test_staff_address_is_audited_and_gets_nothing(
    world: World, manager: WebClient, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    staff = world.user("radgiver.oslo@nav.example")
    assert _invite(world, manager, staff.email).status_code == 303
    row = world.session.scalar(
        select(AuditEntry).where(
            AuditEntry.endpoint == "enterprise.invite_occupational_health",
            AuditEntry.permitted.is_(False),
        )
    )
    assert row is not None and row.subject_user_id == staff.id
    assert not [m for m in smtp_server.deliver() if m["To"] == staff.email]


def test_a_new_account_answers_on_its_first_page(
    world: World, manager: WebClient, make_client
) -> None:  # type: ignore[no-untyped-def]
    _invite(world, manager, "ny.person@bht.example")
    new = make_client()
    new.login_as(world.user("ny.person@bht.example"))
    start = new.get("/")
    assert start.status_code == 200
    assert world.nordlys.name in start.text and "/accept" in start.text


def test_withdrawing_an_answered_invitation_is_refused_in_place(
    world: World, manager: WebClient, make_client
) -> None:  # type: ignore[no-untyped-def]
    _invite(world, manager, OUTSIDER, htmx=True)
    offer = world.session.scalar(select(AccessOffer))
    assert offer is not None
    invited = make_client()
    invited.login_as(world.user(OUTSIDER))
    assert invited.post(f"/access-invitations/{offer.id}/decline").status_code == 303
    url = f"/enterprises/{world.nordlys.id}/members/invitations/{offer.invitation_id}/withdraw"
    fragment = manager.post(url, htmx=True)
    assert fragment.status_code == 409
    assert 'id="invitations"' in fragment.text and "alert--error" in fragment.text
    page = manager.post(url)
    assert page.status_code == 409 and "alert--error" in page.text
