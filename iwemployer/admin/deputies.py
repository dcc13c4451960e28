"""Deputies of an enterprise's contact person: advisers of its centre an administrator names.

A deputy acts for the centre as the contact person does (``access.acts_for_centre``): changes
the enterprise's plan and finds it among their own enterprises. Functions of a session and plain
values; the view audits and commits.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..errors import DomainError
from ..models import ContactDeputy, Enterprise, User, UserKind
from ..notifications.services import notify, register_event
from ..search import MAX_SEARCH_LENGTH, SUGGESTIONS, user_matches
from ..translation import lazy_gettext as _l

register_event("deputy.named", _l("You are now a deputy of the contact person for %(enterprise)s."))
register_event(
    "deputy.removed", _l("You are no longer a deputy of the contact person for %(enterprise)s.")
)


def deputies(session: Session, enterprise_id: int) -> list[ContactDeputy]:
    """The enterprise's deputies with their advisers, by name: one statement."""
    return list(
        session.scalars(
            select(ContactDeputy)
            .join(User, User.id == ContactDeputy.adviser_id)
            .options(joinedload(ContactDeputy.adviser))
            .where(ContactDeputy.enterprise_id == enterprise_id)
            .order_by(User.name, User.id)
        )
    )


def contact_and_deputies(session: Session, enterprise: Enterprise) -> list[User]:
    """The enterprise's active deputies, by name, read with its contact person in one statement
    (so ``enterprise.contact_person`` then comes from the session without a read of its own)."""
    named = select(ContactDeputy.adviser_id).where(ContactDeputy.enterprise_id == enterprise.id)
    people = list(
        session.scalars(
            select(User)
            .where(or_(User.id == enterprise.contact_person_id, User.id.in_(named)))
            .order_by(User.name, User.id)
        )
    )
    contact = next((u for u in people if u.id == enterprise.contact_person_id), None)
    set_committed_value(enterprise, "contact_person", contact)
    return [u for u in people if u is not contact and u.active]


def _eligible(enterprise: Enterprise) -> list[ColumnElement[bool]]:
    """Who may be named: an active adviser of the enterprise's own centre."""
    return [
        User.kind == UserKind.ADVISER,
        User.centre_id == enterprise.centre_id,
        User.active.is_(True),
    ]


def suggest_advisers(session: Session, enterprise: Enterprise, q: str) -> list[User]:
    """A few active advisers of the enterprise's centre whose name or address contains ``q``,
    leaving out the contact person and the deputies already named."""
    named = select(ContactDeputy.adviser_id).where(ContactDeputy.enterprise_id == enterprise.id)
    stmt = select(User).where(
        *_eligible(enterprise),
        user_matches(q.strip()[:MAX_SEARCH_LENGTH]),
        User.id.not_in(named),
    )
    if enterprise.contact_person_id is not None:
        stmt = stmt.where(User.id != enterprise.contact_person_id)
    return list(session.scalars(stmt.order_by(User.name, User.id).limit(SUGGESTIONS)))


def name_deputy(session: Session, enterprise: Enterprise, email: str, actor: User) -> ContactDeputy:
    """Name the adviser with ``email`` a deputy; they get a notification.

    The unique (enterprise, adviser) constraint decides between two administrators naming the
    same adviser at once: the second gets the field error, not a duplicate row."""
    typed = email.strip()
    if not typed:
        raise DomainError(_l("Type the adviser's e-mail address or choose one."), "adviser")
    adviser = session.scalar(
        select(User).where(
            func.lower(User.email) == typed.lower(),
            *_eligible(enterprise),
        )
    )
    if adviser is None:
        raise DomainError(
            _l("Choose one of the active advisers at %(centre)s.", centre=enterprise.centre.name),
            "adviser",
        )
    if adviser.id == enterprise.contact_person_id:
        raise DomainError(
            _l("%(name)s is the contact person already.", name=adviser.name), "adviser"
        )
    already = DomainError(_l("%(name)s is a deputy already.", name=adviser.name), "adviser")
    deputy = ContactDeputy(enterprise_id=enterprise.id, adviser_id=adviser.id, adviser=adviser)
    try:
        with session.begin_nested():
            session.add(deputy)
            session.flush()
    except IntegrityError:
        raise already from None
    notify(
        session,
        [adviser.id],
        "deputy.named",
        enterprise_id=enterprise.id,
        url=f"/enterprises/{enterprise.id}",
        params={"enterprise": enterprise.name},
        exclude=actor.id,
    )
    return deputy


def remove_deputy(session: Session, deputy: ContactDeputy, actor: User) -> None:
    """The adviser no longer acts for the centre at the enterprise; they are told."""
    enterprise = deputy.enterprise
    adviser_id = deputy.adviser_id
    session.delete(deputy)
    session.flush()
    notify(
        session,
        [adviser_id],
        "deputy.removed",
        enterprise_id=enterprise.id,
        url=f"/enterprises/{enterprise.id}",
        params={"enterprise": enterprise.name},
        exclude=actor.id,
    )
