"""The administration rules, without HTTP."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iwemployer.admin import services
from iwemployer.auth.services import find_open_invitation, start_session
from iwemployer.errors import DomainError
from iwemployer.models import (
    AgreementStatus,
    CooperationAgreement,
    Enterprise,
    MemberRole,
    Membership,
    User,
    UserKind,
    UserSession,
)
from iwemployer.orgnr import check_digit
from tests.conftest import (
    build_agreement,
    build_centre,
    build_enterprise,
    build_membership,
    build_user,
)

WEEK = timedelta(days=7)


def _field(excinfo: pytest.ExceptionInfo[DomainError]) -> str | None:
    return excinfo.value.field


# --- organisation number and NACE code --------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("987654325", "987654325"), ("987 654 325", "987654325"), (" 923456783 ", "923456783")],
)
def test_org_number_with_a_valid_check_digit_is_accepted(typed: str, expected: str) -> None:
    assert services.clean_org_number(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "987654321",  # wrong MOD11 check digit
        "98765432",  # eight digits
        "9876543250",  # ten digits
        "98765432X",
        "９８７６５４３２５",  # full-width digits are not ASCII digits
    ],
)
def test_org_number_is_refused_unless_nine_digits_with_a_matching_check_digit(
    session: Session, typed: str
) -> None:
    with pytest.raises(DomainError) as excinfo:
        services.clean_org_number(typed)
    assert _field(excinfo) == "org_number"


def test_org_number_whose_check_digit_would_be_ten_is_never_valid(session: Session) -> None:
    base = next(
        f"{n:08d}" for n in range(10_000_000, 10_001_000) if check_digit(f"{n:08d}") is None
    )
    for last in "0123456789":
        with pytest.raises(DomainError):
            services.clean_org_number(base + last)


@pytest.mark.parametrize("code", ["86.101", "41.200", "01.1", "88.91"])
def test_nace_code_format_is_accepted(code: str) -> None:
    assert services.clean_nace_code(f" {code} ") == code


@pytest.mark.parametrize("code", ["", "86101", "8.101", "86.1011", "86,101", "86.", "AB.123"])
def test_nace_code_in_another_format_is_refused(session: Session, code: str) -> None:
    with pytest.raises(DomainError) as excinfo:
        services.clean_nace_code(code)
    assert _field(excinfo) == "nace_code"


# --- enterprises --------------------------------------------------------------------------------


def test_create_enterprise_stores_the_normalised_values(session: Session) -> None:
    centre = build_centre(session)
    enterprise = services.create_enterprise(
        session,
        org_number="987 654 325",
        name="  Nordlys   Omsorg AS ",
        nace_code="87.301",
        employees=120,
        centre_id=centre.id,
    )
    assert (enterprise.org_number, enterprise.name) == ("987654325", "Nordlys Omsorg AS")
    assert enterprise.centre_id == centre.id


def test_a_registered_org_number_cannot_be_registered_again(session: Session) -> None:
    centre = build_centre(session)
    build_enterprise(session, centre, org_number="987654325")
    with pytest.raises(DomainError) as excinfo:
        services.create_enterprise(
            session,
            org_number="987 654 325",
            name="Copy AS",
            nace_code="87.301",
            employees=1,
            centre_id=centre.id,
        )
    assert _field(excinfo) == "org_number"
    assert session.scalar(select(func.count()).select_from(Enterprise)) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"employees": -1}, "employees"),
        ({"employees": None}, "employees"),
        ({"employees": services.MAX_EMPLOYEES + 1}, "employees"),
        ({"centre_id": 999_999}, "centre_id"),
        ({"centre_id": None}, "centre_id"),
        ({"name": "   "}, "name"),
        ({"nace_code": "86101"}, "nace_code"),
    ],
)
def test_create_enterprise_refuses_bad_values(
    session: Session, changes: dict[str, object], field: str
) -> None:
    centre = build_centre(session)
    values: dict[str, object] = {
        "org_number": "987654325",
        "name": "Nordlys Omsorg AS",
        "nace_code": "87.301",
        "employees": 10,
        "centre_id": centre.id,
    }
    values.update(changes)
    with pytest.raises(DomainError) as excinfo:
        services.create_enterprise(session, **values)  # type: ignore[arg-type]
    assert _field(excinfo) == field


def test_update_enterprise_keeps_its_own_org_number_but_not_anothers(session: Session) -> None:
    centre = build_centre(session)
    enterprise = build_enterprise(session, centre, org_number="987654325")
    other = build_enterprise(session, centre, org_number="923456783")
    values = {"name": "Nytt navn AS", "nace_code": "86.101", "employees": 5, "centre_id": centre.id}
    cleared = services.update_enterprise(session, enterprise, org_number="987654325", **values)  # type: ignore[arg-type]
    assert not cleared and enterprise.name == "Nytt navn AS"
    with pytest.raises(DomainError) as excinfo:
        services.update_enterprise(session, enterprise, org_number=other.org_number, **values)  # type: ignore[arg-type]
    assert _field(excinfo) == "org_number"
    assert enterprise.org_number == "987654325"


def test_moving_an_enterprise_to_another_centre_clears_its_contact_person(
    session: Session,
) -> None:
    oslo, vestland = build_centre(session), build_centre(session)
    adviser = build_user(session, UserKind.ADVISER, centre=oslo)
    enterprise = build_enterprise(session, oslo, contact=adviser)
    cleared = services.update_enterprise(
        session,
        enterprise,
        org_number=enterprise.org_number,
        name=enterprise.name,
        nace_code="86.101",
        employees=10,
        centre_id=vestland.id,
    )
    assert cleared
    assert enterprise.centre_id == vestland.id and enterprise.contact_person_id is None


# --- agreements -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 1, 1), date(2029, 12, 31)),
        (date(2026, 3, 15), date(2030, 3, 14)),
        (date(2024, 2, 29), date(2028, 2, 28)),
        (date(2096, 2, 29), date(2100, 2, 28)),  # 2100 is no leap year
    ],
)
def test_default_end_date_is_four_years_less_a_day(start: date, end: date) -> None:
    assert services.default_end_date(start) == end


def test_a_blank_end_date_gives_a_four_year_period(session: Session) -> None:
    enterprise = build_enterprise(session, build_centre(session))
    agreement = services.add_agreement(session, enterprise, date(2026, 1, 1), None)
    assert agreement.end_date == date(2029, 12, 31)


def test_the_end_date_must_come_after_the_start(session: Session) -> None:
    enterprise = build_enterprise(session, build_centre(session))
    for end in (date(2026, 1, 1), date(2025, 12, 31)):
        with pytest.raises(DomainError) as excinfo:
            services.add_agreement(session, enterprise, date(2026, 1, 1), end)
        assert _field(excinfo) == "end_date"


def test_dates_far_outside_any_agreement_are_typing_mistakes(session: Session) -> None:
    enterprise = build_enterprise(session, build_centre(session))
    with pytest.raises(DomainError) as excinfo:
        services.add_agreement(session, enterprise, date(9999, 12, 31), None)
    assert _field(excinfo) == "start_date"
    with pytest.raises(DomainError) as excinfo:
        services.add_agreement(session, enterprise, date(2026, 1, 1), date(2400, 1, 1))
    assert _field(excinfo) == "end_date"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2027, 1, 1), None),  # starts inside
        (date(2025, 1, 1), date(2026, 1, 1)),  # ends on the first day
        (date(2029, 12, 31), None),  # starts on the last day
        (date(2025, 1, 1), date(2031, 1, 1)),  # covers it
    ],
)
def test_a_new_period_may_not_overlap_a_running_one(
    session: Session, start: date, end: date | None
) -> None:
    enterprise = build_enterprise(session, build_centre(session))
    services.add_agreement(session, enterprise, date(2026, 1, 1), None)  # to 2029-12-31
    with pytest.raises(DomainError) as excinfo:
        services.add_agreement(session, enterprise, start, end)
    assert _field(excinfo) == "start_date"


def test_periods_side_by_side_and_other_enterprises_do_not_overlap(session: Session) -> None:
    centre = build_centre(session)
    enterprise, other = build_enterprise(session, centre), build_enterprise(session, centre)
    services.add_agreement(session, enterprise, date(2026, 1, 1), None)
    services.add_agreement(session, enterprise, date(2030, 1, 1), None)
    services.add_agreement(session, enterprise, date(2022, 1, 1), date(2025, 12, 31))
    services.add_agreement(session, other, date(2026, 1, 1), None)
    count = select(func.count()).where(CooperationAgreement.enterprise_id == enterprise.id)
    assert session.scalar(count) == 3


def test_a_terminated_period_blocks_only_until_its_termination(session: Session) -> None:
    enterprise = build_enterprise(session, build_centre(session))
    first = services.add_agreement(session, enterprise, date(2026, 1, 1), None)
    services.terminate_agreement(session, first, date(2027, 6, 1), "Virksomheten er solgt")
    with pytest.raises(DomainError):
        services.add_agreement(session, enterprise, date(2027, 5, 31), None)
    renewed = services.add_agreement(session, enterprise, date(2027, 6, 1), None)
    assert renewed.end_date == date(2031, 5, 31)


def test_terminating_sets_the_date_once(session: Session) -> None:
    enterprise = build_enterprise(session, build_centre(session))
    agreement = build_agreement(session, enterprise)
    today = date.today()
    with pytest.raises(DomainError) as excinfo:
        services.terminate_agreement(session, agreement, today, "  ")
    assert _field(excinfo) == "reason" and agreement.terminated_on is None
    services.terminate_agreement(session, agreement, today, " Virksomheten er lagt ned ")
    assert agreement.terminated_on == today
    assert agreement.termination_reason == "Virksomheten er lagt ned"
    assert agreement.status(today) == AgreementStatus.TERMINATED
    with pytest.raises(DomainError) as excinfo:
        services.terminate_agreement(session, agreement, today, "Igjen")
    assert _field(excinfo) == "terminated_on"
    assert agreement.termination_reason == "Virksomheten er lagt ned"


def test_an_agreement_that_has_not_started_can_be_ended_before_it_starts(
    session: Session,
) -> None:
    enterprise = build_enterprise(session, build_centre(session))
    start = date.today() + timedelta(days=30)
    agreement = build_agreement(session, enterprise, start=start)
    services.terminate_agreement(session, agreement, date.today(), "Feil registrert")
    assert agreement.status(date.today()) == AgreementStatus.TERMINATED


def test_an_agreement_that_has_ended_cannot_be_terminated(session: Session) -> None:
    enterprise = build_enterprise(session, build_centre(session))
    agreement = build_agreement(session, enterprise, start=date(2018, 1, 1))
    with pytest.raises(DomainError):
        services.terminate_agreement(session, agreement, date.today(), "Grunn")
    assert agreement.terminated_on is None


# --- contact person ---------------------------------------------------------------------------


def test_contact_person_must_be_an_active_adviser_of_the_enterprises_centre(
    session: Session,
) -> None:
    oslo, vestland = build_centre(session), build_centre(session)
    enterprise = build_enterprise(session, oslo)
    ours = build_user(session, UserKind.ADVISER, centre=oslo)
    services.set_contact_person(session, enterprise, ours.id)
    assert enterprise.contact_person_id == ours.id

    theirs = build_user(session, UserKind.ADVISER, centre=vestland)
    employer = build_user(session, UserKind.EMPLOYER)
    admin = build_user(session, UserKind.ADMIN)
    gone = build_user(session, UserKind.ADVISER, centre=oslo, active=False)
    for user_id in (theirs.id, employer.id, admin.id, gone.id, 999_999):
        with pytest.raises(DomainError) as excinfo:
            services.set_contact_person(session, enterprise, user_id)
        assert _field(excinfo) == "contact_person_id"
    assert enterprise.contact_person_id == ours.id


def test_contact_person_can_be_cleared(session: Session) -> None:
    centre = build_centre(session)
    adviser = build_user(session, UserKind.ADVISER, centre=centre)
    enterprise = build_enterprise(session, centre, contact=adviser)
    services.set_contact_person(session, enterprise, None)
    assert enterprise.contact_person_id is None


def test_centre_advisers_lists_only_that_centres_active_advisers(session: Session) -> None:
    oslo, vestland = build_centre(session), build_centre(session)
    b = build_user(session, UserKind.ADVISER, centre=oslo, name="B")
    a = build_user(session, UserKind.ADVISER, centre=oslo, name="A")
    build_user(session, UserKind.ADVISER, centre=oslo, name="C", active=False)
    build_user(session, UserKind.ADVISER, centre=vestland, name="D")
    assert services.centre_advisers(session, oslo.id) == [a, b]


# --- users ------------------------------------------------------------------------------------


def _invite(session: Session, inviter: User, **values: object) -> services.IssuedInvitation:
    defaults: dict[str, object] = {
        "name": "Nina Ny",
        "email": "nina@example.no",
        "kind": UserKind.EMPLOYER,
        "invited_by": inviter,
        "valid_for": WEEK,
    }
    defaults.update(values)
    return services.invite_user(session, **defaults)  # type: ignore[arg-type]


def test_invite_creates_a_user_without_password_and_an_open_invitation(
    session: Session,
) -> None:
    inviter = build_user(session, UserKind.ADMIN)
    issued = _invite(session, inviter, email="  Nina.Ny@Example.NO ")
    user = issued.invitation.user
    assert user.email == "nina.ny@example.no"
    assert user.password_hash is None and user.active
    assert issued.invitation.invited_by_id == inviter.id
    assert find_open_invitation(session, issued.token) is issued.invitation


def test_invite_refuses_an_address_already_in_use_whatever_its_case(session: Session) -> None:
    inviter = build_user(session, UserKind.ADMIN)
    _invite(session, inviter, email="nina@example.no")
    with pytest.raises(DomainError) as excinfo:
        _invite(session, inviter, email="NINA@example.no", name="Another Nina")
    assert _field(excinfo) == "email"
    assert session.scalar(select(func.count()).select_from(User)) == 2


def test_an_adviser_needs_a_centre(session: Session) -> None:
    inviter = build_user(session, UserKind.ADMIN)
    with pytest.raises(DomainError) as excinfo:
        _invite(session, inviter, kind=UserKind.ADVISER)
    assert _field(excinfo) == "centre_id"
    centre = build_centre(session)
    issued = _invite(
        session,
        inviter,
        kind=UserKind.ADVISER,
        centre_id=centre.id,
        title="Rådgiver",
        phone="+47 400 00 009",
    )
    adviser = issued.invitation.user
    assert (adviser.centre_id, adviser.title, adviser.phone) == (
        centre.id,
        "Rådgiver",
        "+47 400 00 009",
    )


def test_only_advisers_get_a_centre_and_only_the_employer_side_a_membership(
    session: Session,
) -> None:
    inviter = build_user(session, UserKind.ADMIN)
    centre = build_centre(session)
    enterprise = build_enterprise(session, centre)
    with pytest.raises(DomainError) as excinfo:
        _invite(session, inviter, kind=UserKind.EMPLOYER, centre_id=centre.id)
    assert _field(excinfo) == "centre_id"
    with pytest.raises(DomainError) as excinfo:
        _invite(
            session,
            inviter,
            kind=UserKind.ADMIN,
            enterprise_id=enterprise.id,
            role=MemberRole.MANAGER,
        )
    assert _field(excinfo) == "enterprise"


def test_an_employer_side_invitation_may_create_the_first_membership(session: Session) -> None:
    inviter = build_user(session, UserKind.ADMIN)
    enterprise = build_enterprise(session, build_centre(session))
    with pytest.raises(DomainError) as excinfo:
        _invite(session, inviter, enterprise_id=enterprise.id)
    assert _field(excinfo) == "role"
    with pytest.raises(DomainError) as excinfo:
        _invite(session, inviter, role=MemberRole.MANAGER)
    assert _field(excinfo) == "enterprise"
    user = _invite(
        session, inviter, enterprise_id=enterprise.id, role=MemberRole.SAFETY_DELEGATE
    ).invitation.user
    membership = session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert membership is not None
    assert (membership.enterprise_id, membership.role) == (
        enterprise.id,
        MemberRole.SAFETY_DELEGATE,
    )


def test_a_new_invitation_replaces_the_earlier_link(session: Session) -> None:
    inviter = build_user(session, UserKind.ADMIN)
    first = _invite(session, inviter)
    user = first.invitation.user
    second = services.reinvite_user(session, user, inviter, WEEK)
    assert find_open_invitation(session, first.token) is None
    assert find_open_invitation(session, second.token) is second.invitation
    assert services.latest_invitation(session, user) is second.invitation


def test_no_invitation_for_users_with_a_password_or_deactivated(session: Session) -> None:
    inviter = build_user(session, UserKind.ADMIN)
    with pytest.raises(DomainError):
        services.reinvite_user(session, build_user(session), inviter, WEEK)
    invited = _invite(session, inviter).invitation.user
    invited.active = False
    with pytest.raises(DomainError):
        services.reinvite_user(session, invited, inviter, WEEK)


def test_deactivation_ends_every_session_of_the_user(session: Session) -> None:
    admin = build_user(session, UserKind.ADMIN)
    user, bystander = build_user(session), build_user(session)
    for person in (user, user, bystander):
        start_session(session, person)
    session.flush()
    services.deactivate_user(session, user, admin)
    assert not user.active
    sessions = select(func.count()).select_from(UserSession)
    assert session.scalar(sessions.where(UserSession.user_id == user.id)) == 0
    assert session.scalar(sessions.where(UserSession.user_id == bystander.id)) == 1
    services.activate_user(session, user)
    assert user.active


def test_an_administrator_cannot_deactivate_themself(session: Session) -> None:
    admin = build_user(session, UserKind.ADMIN)
    start_session(session, admin)
    with pytest.raises(DomainError) as excinfo:
        services.deactivate_user(session, admin, admin)
    assert _field(excinfo) is None
    assert admin.active
    assert session.scalar(select(func.count()).select_from(UserSession)) == 1


# --- memberships ------------------------------------------------------------------------------


def test_membership_is_unique_per_user_and_enterprise(session: Session) -> None:
    centre = build_centre(session)
    enterprise, other = build_enterprise(session, centre), build_enterprise(session, centre)
    user = build_user(session)
    services.add_membership(session, user.id, enterprise.id, MemberRole.MANAGER)
    with pytest.raises(DomainError) as excinfo:
        services.add_membership(session, user.id, enterprise.id, MemberRole.UNION_REP)
    assert _field(excinfo) is None
    services.add_membership(session, user.id, other.id, MemberRole.UNION_REP)
    assert session.scalar(select(func.count()).select_from(Membership)) == 2


def test_only_employer_side_users_become_members(session: Session) -> None:
    centre = build_centre(session)
    enterprise = build_enterprise(session, centre)
    adviser = build_user(session, UserKind.ADVISER, centre=centre)
    admin = build_user(session, UserKind.ADMIN)
    for user_id in (adviser.id, admin.id, 999_999, None):
        with pytest.raises(DomainError) as excinfo:
            services.add_membership(session, user_id, enterprise.id, MemberRole.MANAGER)
        assert _field(excinfo) == "user_id"
    with pytest.raises(DomainError) as excinfo:
        services.add_membership(session, build_user(session).id, 999_999, MemberRole.MANAGER)
    assert _field(excinfo) == "enterprise_id"


def test_role_change_and_removal(session: Session) -> None:
    enterprise = build_enterprise(session, build_centre(session))
    membership = build_membership(session, build_user(session), enterprise)
    services.change_role(session, membership, MemberRole.OCCUPATIONAL_HEALTH)
    assert membership.role == MemberRole.OCCUPATIONAL_HEALTH
    with pytest.raises(DomainError):
        services.change_role(session, membership, None)
    services.delete_membership(session, membership)
    assert session.scalar(select(func.count()).select_from(Membership)) == 0


# --- search and paging ------------------------------------------------------------------------


def test_enterprise_search_by_name_or_org_number(session: Session) -> None:
    centre = build_centre(session)
    nordlys = build_enterprise(session, centre, name="Nordlys Omsorg AS", org_number="987654325")
    fjell = build_enterprise(session, centre, name="Fjellbygg AS", org_number="923456783")
    build_enterprise(session, centre, name="100% Rent AS")

    def names(q: str) -> list[str]:
        return [e.name for e in services.search_enterprises(session, q, 1, 20).items]

    assert names("nordlys") == [nordlys.name]
    assert names("987 654") == [nordlys.name]
    assert names("23456") == [fjell.name]
    assert names("%") == ["100% Rent AS"]  # LIKE wildcards are taken literally
    assert len(names("")) == 3


def test_paging_clamps_to_the_pages_there_are(session: Session) -> None:
    centre = build_centre(session)
    for n in range(5):
        build_enterprise(session, centre, name=f"Bedrift {n} AS")
    page = services.search_enterprises(session, "", 2, 2)
    assert [e.name for e in page.items] == ["Bedrift 2 AS", "Bedrift 3 AS"]
    assert (page.pages, page.has_previous, page.has_next) == (3, True, True)
    last = services.search_enterprises(session, "", 99, 2)
    assert (last.number, [e.name for e in last.items]) == (3, ["Bedrift 4 AS"])


def test_user_search_by_name_or_address_and_kind(session: Session) -> None:
    centre = build_centre(session)
    build_user(
        session, UserKind.ADVISER, centre=centre, name="Ingrid Haugen", email="ingrid@nav.example"
    )
    build_user(session, UserKind.EMPLOYER, name="Marte Lie", email="leder@nordlys.example")

    def names(q: str, kind: UserKind | None = None) -> list[str]:
        return [u.name for u in services.search_users(session, q, kind, 1, 20).items]

    assert names("haugen") == ["Ingrid Haugen"]
    assert names("NORDLYS") == ["Marte Lie"]
    assert names("", UserKind.ADVISER) == ["Ingrid Haugen"]
    assert names("marte", UserKind.ADVISER) == []


def test_a_duplicate_lost_to_a_simultaneous_request_undoes_only_itself(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check before saving passed (another request saved in between): the unique
    constraint refuses it in a savepoint, and the session goes on with the rest."""
    centre = build_centre(session)
    taken = build_enterprise(session, centre)
    earlier = build_enterprise(session, centre, name="Lagret før AS")
    session.commit()
    earlier.employees = 42  # a change of the same request, before the race
    monkeypatch.setattr(services, "_check_org_number_free", lambda *args, **kwargs: None)
    with pytest.raises(DomainError) as excinfo:
        services.create_enterprise(
            session,
            org_number=taken.org_number,
            name="Dobbel AS",
            nace_code="86.101",
            employees=3,
            centre_id=centre.id,
        )
    assert _field(excinfo) == "org_number"
    session.commit()  # what the view would do with the rest of the request
    assert session.scalar(select(func.count()).where(Enterprise.name == "Dobbel AS")) == 0
    session.expire_all()
    assert session.get(Enterprise, earlier.id).employees == 42  # type: ignore[union-attr]
