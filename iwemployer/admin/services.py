"""Centre administration rules: enterprises, agreements, contact persons, users and memberships.

Functions of a session and plain values; a broken rule raises ``DomainError`` naming the form
field it belongs to, which the views show next to that field. Nothing here commits or rolls
back: the view adds its audit row and commits the change and the row together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from flask_babel import LazyString
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from .. import orgnr, search
from ..auth.services import IssuedInvitation, end_all_sessions, issue_invitation, normalise_email
from ..errors import DomainError
from ..locking import lock_row
from ..models import (
    Centre,
    ContactDeputy,
    CooperationAgreement,
    Enterprise,
    Invitation,
    MemberRole,
    Membership,
    User,
    UserKind,
    WrittenStandard,
    utcnow,
)
from ..pagination import Page, paginate
from ..translation import format_date
from ..translation import lazy_gettext as _l

NACE_PATTERN = re.compile(r"^\d{2}\.\d{1,3}$")
MAX_EMPLOYEES = 1_000_000
AGREEMENT_YEARS = 4
# Dates outside this range are typing mistakes (and would overflow date arithmetic near 9999).
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2199, 12, 31)
MAX_REASON = 2000


# --- searching and paging -------------------------------------------------------------------


def search_enterprises(session: Session, q: str, page: int, page_size: int) -> Page[Enterprise]:
    """Enterprises whose name or organisation number contains ``q``, by name."""
    query = select(Enterprise).options(
        selectinload(Enterprise.centre),
        selectinload(Enterprise.contact_person),
        selectinload(Enterprise.agreements),
    )
    q = q.strip()[: search.MAX_SEARCH_LENGTH]
    if q:
        query = query.where(search.enterprise_matches(q))
    query = query.order_by(Enterprise.name, Enterprise.id)
    return paginate(session, query, page, page_size)


def search_users(
    session: Session, q: str, kind: UserKind | None, page: int, page_size: int
) -> Page[User]:
    """Users whose name or e-mail address contains ``q``, optionally of one kind, by name."""
    # The centre in the same statement: a page of employers alone would skip a separate read.
    query = select(User).options(
        joinedload(User.centre),
        selectinload(User.memberships).selectinload(Membership.enterprise),
    )
    q = q.strip()[: search.MAX_SEARCH_LENGTH]
    if q:
        query = query.where(search.user_matches(q))
    if kind is not None:
        query = query.where(User.kind == kind)
    query = query.order_by(User.name, User.id)
    return paginate(session, query, page, page_size)


def centres(session: Session) -> list[Centre]:
    return list(session.scalars(select(Centre).order_by(Centre.name)))


def centre_advisers(session: Session, centre_id: int) -> list[User]:
    """The active advisers of a centre: the people who may be an enterprise's contact person."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.kind == UserKind.ADVISER,
                User.centre_id == centre_id,
                User.active.is_(True),
            )
            .order_by(User.name, User.id)
        )
    )


def enterprise_agreements(session: Session, enterprise_id: int) -> list[CooperationAgreement]:
    return list(
        session.scalars(
            select(CooperationAgreement)
            .where(CooperationAgreement.enterprise_id == enterprise_id)
            .order_by(CooperationAgreement.start_date.desc(), CooperationAgreement.id.desc())
        )
    )


def enterprise_memberships(session: Session, enterprise_id: int) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .join(Membership.user)
            .where(Membership.enterprise_id == enterprise_id)
            .options(selectinload(Membership.user))
            .order_by(User.name, User.id)
        )
    )


def user_memberships(session: Session, user_id: int) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .join(Membership.enterprise)
            .where(Membership.user_id == user_id)
            .options(selectinload(Membership.enterprise))
            .order_by(Enterprise.name, Enterprise.id)
        )
    )


def suggest_employers(session: Session, q: str) -> list[User]:
    """A few employer-side users whose name or e-mail address contains ``q``, by name."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.kind == UserKind.EMPLOYER,
                search.user_matches(q.strip()[: search.MAX_SEARCH_LENGTH]),
            )
            .order_by(User.name, User.id)
            .limit(search.SUGGESTIONS)
        )
    )


def user_id_by_email(session: Session, email: str) -> int | None:
    return session.scalar(select(User.id).where(func.lower(User.email) == email.strip().lower()))


# --- enterprises ----------------------------------------------------------------------------


def clean_org_number(value: str) -> str:
    """The nine digits of a valid organisation number typed with or without spaces."""
    number = orgnr.normalise(value or "")
    if not number:
        raise DomainError(_l("Enter the organisation number."), "org_number")
    if len(number) != 9 or not number.isascii() or not number.isdigit():
        raise DomainError(_l("An organisation number has nine digits."), "org_number")
    if not orgnr.is_valid(number):
        raise DomainError(
            _l(
                "This is not a valid organisation number: the last digit does not match "
                "(MOD11 check digit). Check for a typing mistake."
            ),
            "org_number",
        )
    return number


def clean_nace_code(value: str) -> str:
    code = (value or "").strip()
    if not NACE_PATTERN.fullmatch(code):
        raise DomainError(
            _l(
                "Write the industry code as two digits, a full stop and one to three digits, "
                "for example 86.101 or 41.200."
            ),
            "nace_code",
        )
    return code


def _clean_name(value: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise DomainError(_l("Enter the name."), "name")
    if len(name) > 200:
        raise DomainError(_l("Use at most 200 characters."), "name")
    return name


def _clean_employees(value: int | None) -> int:
    if value is None or not 0 <= value <= MAX_EMPLOYEES:
        raise DomainError(_l("Enter a whole number from 0 to 1,000,000."), "employees")
    return value


def _centre(session: Session, centre_id: int | None) -> Centre:
    centre = session.get(Centre, centre_id) if centre_id else None
    if centre is None:
        raise DomainError(_l("Choose a centre."), "centre_id")
    return centre


def _check_org_number_free(session: Session, number: str, exclude_id: int | None = None) -> None:
    query = select(Enterprise.id).where(Enterprise.org_number == number)
    if exclude_id is not None:
        query = query.where(Enterprise.id != exclude_id)
    if session.scalar(query) is not None:
        raise _duplicate_org_number(number)


def _duplicate_org_number(number: str) -> DomainError:
    return DomainError(
        _l(
            "An enterprise with organisation number %(number)s is already registered.",
            number=orgnr.display(number),
        ),
        "org_number",
    )


@contextmanager
def _unique(session: Session, error: DomainError) -> Iterator[None]:
    """The block's changes, flushed in a savepoint: a unique constraint lost to a simultaneous
    request undoes only them and becomes ``error``."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError:
        raise error from None


def create_enterprise(
    session: Session,
    *,
    org_number: str,
    name: str,
    nace_code: str,
    employees: int | None,
    centre_id: int | None,
    written_standard: WrittenStandard = WrittenStandard.BOKMAL,
) -> Enterprise:
    number = clean_org_number(org_number)
    clean_name = _clean_name(name)
    code = clean_nace_code(nace_code)
    count = _clean_employees(employees)
    centre = _centre(session, centre_id)
    _check_org_number_free(session, number)
    enterprise = Enterprise(
        org_number=number,
        name=clean_name,
        nace_code=code,
        employees=count,
        centre_id=centre.id,
        written_standard=written_standard,
    )
    with _unique(session, _duplicate_org_number(number)):
        session.add(enterprise)
    return enterprise


def update_enterprise(
    session: Session,
    enterprise: Enterprise,
    *,
    org_number: str,
    name: str,
    nace_code: str,
    employees: int | None,
    centre_id: int | None,
    written_standard: WrittenStandard | None = None,
) -> bool:
    """Change the basic data; True when a move to another centre cleared the contact person.

    ``written_standard`` None keeps the enterprise's.
    """
    number = clean_org_number(org_number)
    clean_name = _clean_name(name)
    code = clean_nace_code(nace_code)
    count = _clean_employees(employees)
    centre = _centre(session, centre_id)
    _check_org_number_free(session, number, exclude_id=enterprise.id)
    # The contact person is an adviser of the enterprise's centre; another centre's adviser is not.
    moved = centre.id != enterprise.centre_id
    cleared = moved and enterprise.contact_person_id is not None
    with _unique(session, _duplicate_org_number(number)):
        enterprise.org_number = number
        enterprise.name = clean_name
        enterprise.nace_code = code
        enterprise.employees = count
        enterprise.centre_id = centre.id
        enterprise.centre = centre
        if written_standard is not None:
            enterprise.written_standard = written_standard
        if cleared:
            enterprise.contact_person_id = None
            enterprise.contact_person = None
        if moved:
            # The old centre's advisers no longer stand in for the contact person either.
            session.execute(
                delete(ContactDeputy).where(ContactDeputy.enterprise_id == enterprise.id)
            )
    return cleared


# --- cooperation agreements -----------------------------------------------------------------


def default_end_date(start: date) -> date:
    """The last day of a four-year period starting on ``start``."""
    try:
        anniversary = start.replace(year=start.year + AGREEMENT_YEARS)
    except ValueError:  # 29 February, four years on in a year that is not a leap year (2100)
        anniversary = date(start.year + AGREEMENT_YEARS, 3, 1)
    return anniversary - timedelta(days=1)


def effective_end(agreement: CooperationAgreement) -> date:
    """The last day the agreement is (or was) in force: a termination ends it the day before."""
    if agreement.terminated_on is None:
        return agreement.end_date
    return min(agreement.end_date, agreement.terminated_on - timedelta(days=1))


def _long_date(value: date) -> LazyString:
    """A date for a message, formatted in the reader's language only when shown."""
    return LazyString(format_date, value, "long")


def _check_date(field: str, value: date | None) -> date:
    if value is None:
        raise DomainError(_l("Enter a date."), field)
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise DomainError(_l("Enter a date between 1990 and 2199."), field)
    return value


def add_agreement(
    session: Session, enterprise: Enterprise, start: date | None, end: date | None
) -> CooperationAgreement:
    """Register a new agreement period; a blank end gives four years less a day."""
    start = _check_date("start_date", start)
    end = default_end_date(start) if end is None else _check_date("end_date", end)
    if end <= start:
        raise DomainError(_l("The end date must be after the start date."), "end_date")
    # Periods of one enterprise are added one at a time, so the overlap check sees them all.
    lock_row(session, enterprise)
    existing = session.scalars(
        select(CooperationAgreement)
        .where(CooperationAgreement.enterprise_id == enterprise.id)
        .order_by(CooperationAgreement.start_date)
    )
    for other in existing:
        # A terminated period counts only up to the day before its termination.
        if other.start_date <= end and start <= effective_end(other):
            raise DomainError(
                _l(
                    "The period overlaps the agreement from %(start)s to %(end)s. "
                    "Choose dates outside it, or terminate that agreement first.",
                    start=_long_date(other.start_date),
                    end=_long_date(other.end_date),
                ),
                "start_date",
                # A conflict with a stored period (also for the loser of two at once).
                status=409,
            )
    agreement = CooperationAgreement(enterprise_id=enterprise.id, start_date=start, end_date=end)
    session.add(agreement)
    session.flush()
    return agreement


def _termination_refused(agreement: CooperationAgreement, on: date) -> DomainError | None:
    if agreement.terminated_on is not None:
        return DomainError(
            _l(
                "This agreement was already terminated on %(date)s.",
                date=_long_date(agreement.terminated_on),
            ),
            "terminated_on",
        )
    if on > agreement.end_date:
        return DomainError(
            _l(
                "The agreement ended on %(date)s, so there is nothing to terminate.",
                date=_long_date(agreement.end_date),
            ),
            "terminated_on",
        )
    return None


def can_terminate(agreement: CooperationAgreement, on: date) -> bool:
    """Still in force or to come on ``on``, and not terminated yet."""
    return _termination_refused(agreement, on) is None


def terminate_agreement(
    session: Session, agreement: CooperationAgreement, on: date, reason: str
) -> None:
    """End the agreement early: from ``on`` it is no longer in force; ``reason`` is kept."""
    if agreement.terminated_on is None:
        on = _check_date("terminated_on", on)
    refused = _termination_refused(agreement, on)
    if refused is not None:
        raise refused
    reason = reason.strip().replace("\r\n", "\n")
    if not reason:
        raise DomainError(_l("Say why the agreement ends."), "reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_l("The reason is too long."), "reason")
    agreement.terminated_on = on
    agreement.termination_reason = reason
    session.flush()


# --- contact person -------------------------------------------------------------------------


def set_contact_person(session: Session, enterprise: Enterprise, adviser_id: int | None) -> None:
    """Make an active adviser of the enterprise's own centre its contact person (None: nobody)."""
    if adviser_id is None:
        enterprise.contact_person_id = None
        enterprise.contact_person = None
        session.flush()
        return
    adviser = session.get(User, adviser_id)
    if (
        adviser is None
        or adviser.kind != UserKind.ADVISER
        or adviser.centre_id != enterprise.centre_id
        or not adviser.active
    ):
        raise DomainError(
            _l("Choose one of the advisers at %(centre)s.", centre=enterprise.centre.name),
            "contact_person_id",
        )
    enterprise.contact_person_id = adviser.id
    enterprise.contact_person = adviser
    # The new contact person stands in for nobody: no deputy row for them.
    session.execute(
        delete(ContactDeputy).where(
            ContactDeputy.enterprise_id == enterprise.id, ContactDeputy.adviser_id == adviser.id
        )
    )
    session.flush()


# --- users ----------------------------------------------------------------------------------


def _duplicate_email() -> DomainError:
    return DomainError(_l("A user with this e-mail address already exists."), "email")


def invite_user(
    session: Session,
    *,
    name: str,
    email: str,
    kind: UserKind | None,
    invited_by: User,
    valid_for: timedelta,
    centre_id: int | None = None,
    title: str = "",
    phone: str = "",
    enterprise_id: int | None = None,
    role: MemberRole | None = None,
) -> IssuedInvitation:
    """Create a user without a password, optionally a first membership, and an invitation."""
    clean_name = _clean_name(name)
    address = normalise_email(email or "")
    if not address or "@" not in address:
        raise DomainError(_l("Enter an e-mail address like name@example.no."), "email")
    if kind is None:
        raise DomainError(_l("Choose what kind of user this is."), "kind")
    if kind == UserKind.ADVISER:
        if centre_id is None:
            raise DomainError(_l("Choose the centre the adviser works at."), "centre_id")
        centre: Centre | None = _centre(session, centre_id)
    elif centre_id is not None:
        raise DomainError(_l("Only advisers belong to a centre. Leave this blank."), "centre_id")
    else:
        centre = None
    enterprise: Enterprise | None = None
    if kind != UserKind.EMPLOYER:
        if enterprise_id is not None or role is not None:
            raise DomainError(
                _l("Only employer-side users can be members of an enterprise. Leave this blank."),
                "enterprise",
            )
    elif enterprise_id is not None:
        enterprise = session.get(Enterprise, enterprise_id)
        if enterprise is None:
            raise DomainError(_l("Choose an enterprise."), "enterprise")
        if role is None:
            raise DomainError(_l("Choose the user's role in the enterprise."), "role")
    elif role is not None:
        raise DomainError(
            _l("Choose the enterprise for the role, or leave the role blank."), "enterprise"
        )
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise _duplicate_email()
    user = User(
        email=address,
        name=clean_name,
        kind=kind,
        password_hash=None,
        active=True,
        title=" ".join((title or "").split()),
        phone=" ".join((phone or "").split()),
        centre_id=centre.id if centre else None,
        # A member starts in the enterprise's written standard; others in the site's default.
        locale=enterprise.written_standard.value if enterprise is not None else None,
    )
    with _unique(session, _duplicate_email()):
        session.add(user)
    if enterprise is not None and role is not None:
        session.add(Membership(user_id=user.id, enterprise_id=enterprise.id, role=role))
    issued = issue_invitation(session, user, invited_by, valid_for)
    session.flush()
    return issued


def _reinvite_refused(user: User) -> DomainError | None:
    if not user.active:
        return DomainError(
            _l("The user is deactivated. Activate the user before sending an invitation.")
        )
    if user.password_hash is not None:
        return DomainError(
            _l("The user has already accepted the invitation and chosen a password.")
        )
    return None


def can_reinvite(user: User) -> bool:
    """An active user who has not chosen a password yet may get a fresh invitation."""
    return _reinvite_refused(user) is None


def reinvite_user(
    session: Session, user: User, invited_by: User, valid_for: timedelta
) -> IssuedInvitation:
    """A fresh invitation link; the earlier open links stop working."""
    refused = _reinvite_refused(user)
    if refused is not None:
        raise refused
    now = utcnow()
    still_open = session.scalars(
        select(Invitation).where(
            Invitation.user_id == user.id,
            Invitation.used_at.is_(None),
            Invitation.expires_at > now,
        )
    )
    for invitation in still_open:
        invitation.expires_at = now
    issued = issue_invitation(session, user, invited_by, valid_for)
    session.flush()
    return issued


def latest_invitation(session: Session, user: User) -> Invitation | None:
    return session.scalar(
        select(Invitation)
        .where(Invitation.user_id == user.id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        .limit(1)
    )


def can_deactivate(user: User, actor: User) -> bool:
    """Anyone but oneself: another administrator deactivates an administrator."""
    return user.id != actor.id


def deactivate_user(session: Session, user: User, actor: User) -> None:
    """Stop the user signing in and end every session they have now."""
    if not can_deactivate(user, actor):
        raise DomainError(
            _l("You cannot deactivate your own account. Ask another administrator to do it.")
        )
    user.active = False
    end_all_sessions(session, user.id)
    session.flush()


def activate_user(session: Session, user: User) -> None:
    user.active = True
    session.flush()


def contact_person_for(session: Session, user: User) -> list[Enterprise]:
    return list(
        session.scalars(
            select(Enterprise)
            .where(Enterprise.contact_person_id == user.id)
            .order_by(Enterprise.name, Enterprise.id)
        )
    )


# --- memberships ----------------------------------------------------------------------------


def add_membership(
    session: Session, user_id: int | None, enterprise_id: int | None, role: MemberRole | None
) -> Membership:
    user = session.get(User, user_id) if user_id else None
    if user is None:
        raise DomainError(_l("Choose a user."), "user_id")
    if user.kind != UserKind.EMPLOYER:
        raise DomainError(
            _l("Only employer-side users can be members of an enterprise."), "user_id"
        )
    enterprise = session.get(Enterprise, enterprise_id) if enterprise_id else None
    if enterprise is None:
        raise DomainError(_l("Choose an enterprise."), "enterprise_id")
    if role is None:
        raise DomainError(_l("Choose a role."), "role")
    duplicate = DomainError(
        _l(
            "%(user)s is already a member of %(enterprise)s. Change the role in the list instead.",
            user=user.name,
            enterprise=enterprise.name,
        )
    )
    exists = session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id, Membership.enterprise_id == enterprise.id
        )
    )
    if exists is not None:
        raise duplicate
    membership = Membership(user_id=user.id, enterprise_id=enterprise.id, role=role)
    with _unique(session, duplicate):
        session.add(membership)
    return membership


def change_role(session: Session, membership: Membership, role: MemberRole | None) -> None:
    if role is None:
        raise DomainError(_l("Choose a role."), "role")
    membership.role = role
    session.flush()


def delete_membership(session: Session, membership: Membership) -> None:
    session.delete(membership)
    session.flush()
