"""Finding what comes due and notifying about it once per subject and threshold.

``send_reminders`` is run daily (a timer, or the development server's mail thread). For each
subject it takes the nearest threshold not yet passed (an agreement ending in 20 days gets its
30-day reminder, never also the 90-day one) and claims that reminder by inserting its
``SentReminder`` row with ``ON CONFLICT DO NOTHING``: only the run whose insert happened
notifies, so two runs at once, or a run repeated the same day, send nothing twice. The claim and
the notifications (with their mail in the outbox) commit together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased, joinedload

from ..cooperation.services import INSPECTION_READERS, INSPECTIONS_PATH, REMINDER_DAYS
from ..models import (
    AGREEMENT_WARNING_DAYS,
    ApplicationStatus,
    CooperationAgreement,
    Enterprise,
    Inspection,
    InspectionOrder,
    MemberRole,
    Membership,
    ReminderSubject,
    SentReminder,
    SubsidyApplication,
)
from ..notifications.services import notify, register_event
from ..subsidies.services import EMPLOYER_PATH as SUBSIDY_PATH
from ..translation import lazy_gettext as _l

# Days before the date at which each subject is reminded.
THRESHOLDS: dict[ReminderSubject, tuple[int, ...]] = {
    ReminderSubject.AGREEMENT_END: (AGREEMENT_WARNING_DAYS, 30),
    ReminderSubject.SUBSIDY_REPORT: (30, 7),
    ReminderSubject.INSPECTION_ORDER: REMINDER_DAYS,
}
ENTERPRISE_PATH = "/enterprises/{enterprise_id}"

# Each needs someone to act, so each is mailed unless the user turns it off. The mail's one line
# names no enterprise; the site shows the details.
register_event(
    "agreement.ending",
    _l("The cooperation agreement with %(enterprise)s ends on %(end)s"),
    mail_default=True,
    mail_line=_l("A cooperation agreement ends soon: time to talk about what comes next."),
    dates=("end",),
)
register_event(
    "subsidies.report_due",
    _l("The final report on subsidy application no. %(number)s is due on %(due)s"),
    mail_default=True,
    mail_line=_l("The final report on a subsidy is due soon."),
    dates=("due",),
)


@dataclass(frozen=True)
class Due:
    """One subject coming due, and whom to tell."""

    subject: ReminderSubject
    subject_id: int
    enterprise_id: int
    on: date
    recipients: frozenset[int]
    kind: str
    url: str
    params: dict[str, str]


def threshold(thresholds: Iterable[int], days_left: int) -> int | None:
    """The nearest threshold not yet passed, or None while the date is further away."""
    reached = [days for days in thresholds if 0 <= days_left <= days]
    return min(reached) if reached else None


def send_reminders(session: Session, today: date) -> int:
    """Notify about everything reaching a threshold today; returns how many reminders went."""
    sent = 0
    for subject, find in FINDERS.items():
        thresholds = THRESHOLDS[subject]
        coming = find(session, today, today + timedelta(days=max(thresholds)))
        already = _already_sent(session, subject, [due.subject_id for due in coming])
        for due in coming:
            days = threshold(thresholds, (due.on - today).days)
            if days is None or (due.subject_id, days) in already:
                continue
            if not _claim(session, due, days):
                continue  # another run sent it meanwhile
            notify(
                session,
                due.recipients,
                due.kind,
                enterprise_id=due.enterprise_id,
                url=due.url,
                params=due.params,
            )
            sent += 1
    return sent


def _already_sent(
    session: Session, subject: ReminderSubject, ids: list[int]
) -> set[tuple[int, int]]:
    """Reminders sent earlier: skipped without a write (the claim below is the guard)."""
    if not ids:
        return set()
    rows = session.execute(
        select(SentReminder.subject_id, SentReminder.days_before).where(
            SentReminder.subject == subject, SentReminder.subject_id.in_(ids)
        )
    )
    return {(subject_id, days) for subject_id, days in rows}


def _claim(session: Session, due: Due, days: int) -> bool:
    """Insert the reminder's row unless it exists; True if this transaction inserted it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(SentReminder)
        .values(
            enterprise_id=due.enterprise_id,
            subject=due.subject,
            subject_id=due.subject_id,
            days_before=days,
        )
        .on_conflict_do_nothing(index_elements=["subject", "subject_id", "days_before"])
        # A row back means this insert happened (row counts differ between the drivers here).
        .returning(SentReminder.id)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def _people(
    session: Session, enterprise_ids: Iterable[int], roles: Iterable[MemberRole]
) -> dict[int, set[int]]:
    """Each enterprise's members in ``roles``, in one statement."""
    people: dict[int, set[int]] = {}
    rows = session.execute(
        select(Membership.enterprise_id, Membership.user_id).where(
            Membership.enterprise_id.in_(set(enterprise_ids)), Membership.role.in_(list(roles))
        )
    )
    for enterprise_id, user_id in rows:
        people.setdefault(enterprise_id, set()).add(user_id)
    return people


def _with_contact(people: set[int], enterprise: Enterprise) -> frozenset[int]:
    if enterprise.contact_person_id is not None:
        return frozenset(people | {enterprise.contact_person_id})
    return frozenset(people)


def _agreements(session: Session, today: date, until: date) -> list[Due]:
    """Agreements ending by ``until`` and not renewed (no later period) nor terminated: the
    enterprise's managers and the contact person."""
    later = aliased(CooperationAgreement)
    agreements = list(
        session.scalars(
            select(CooperationAgreement)
            .where(
                CooperationAgreement.terminated_on.is_(None),
                CooperationAgreement.end_date.between(today, until),
                ~select(later.id)
                .where(
                    later.enterprise_id == CooperationAgreement.enterprise_id,
                    later.start_date >= CooperationAgreement.end_date,
                )
                .exists(),
            )
            .options(joinedload(CooperationAgreement.enterprise))
            .order_by(CooperationAgreement.end_date, CooperationAgreement.id)
        )
    )
    managers = _people(session, (a.enterprise_id for a in agreements), [MemberRole.MANAGER])
    return [
        Due(
            subject=ReminderSubject.AGREEMENT_END,
            subject_id=agreement.id,
            enterprise_id=agreement.enterprise_id,
            on=agreement.end_date,
            recipients=_with_contact(
                managers.get(agreement.enterprise_id, set()), agreement.enterprise
            ),
            kind="agreement.ending",
            url=ENTERPRISE_PATH.format(enterprise_id=agreement.enterprise_id),
            params={"enterprise": agreement.enterprise.name, "end": agreement.end_date.isoformat()},
        )
        for agreement in agreements
    ]


def _subsidy_reports(session: Session, today: date, until: date) -> list[Due]:
    """Granted subsidies whose final report is due by ``until``: the managers and the author."""
    applications = list(
        session.scalars(
            select(SubsidyApplication)
            .where(
                SubsidyApplication.status == ApplicationStatus.GRANTED,
                SubsidyApplication.report_due.between(today, until),
            )
            .order_by(SubsidyApplication.report_due, SubsidyApplication.id)
        )
    )
    managers = _people(session, (a.enterprise_id for a in applications), [MemberRole.MANAGER])
    due = []
    for application in applications:
        assert application.report_due is not None
        people = set(managers.get(application.enterprise_id, set()))
        if application.created_by_id is not None:
            people.add(application.created_by_id)
        due.append(
            Due(
                subject=ReminderSubject.SUBSIDY_REPORT,
                subject_id=application.id,
                enterprise_id=application.enterprise_id,
                on=application.report_due,
                recipients=frozenset(people),
                kind="subsidies.report_due",
                url=SUBSIDY_PATH.format(
                    enterprise_id=application.enterprise_id, application_id=application.id
                ),
                # Never free text: the number only.
                params={"number": application.number, "due": application.report_due.isoformat()},
            )
        )
    return due


def _inspection_orders(session: Session, today: date, until: date) -> list[Due]:
    """Open orders due by ``until``: those who may read inspections, and the contact person."""
    orders = list(
        session.scalars(
            select(InspectionOrder)
            .join(Inspection)
            .where(
                InspectionOrder.answered_on.is_(None),
                InspectionOrder.deadline.between(today, until),
            )
            .options(joinedload(InspectionOrder.inspection).joinedload(Inspection.enterprise))
            .order_by(InspectionOrder.deadline, InspectionOrder.id)
        )
    )
    readers = _people(session, (o.inspection.enterprise_id for o in orders), INSPECTION_READERS)
    return [
        Due(
            subject=ReminderSubject.INSPECTION_ORDER,
            subject_id=order.id,
            enterprise_id=order.inspection.enterprise_id,
            on=order.deadline,
            recipients=_with_contact(
                readers.get(order.inspection.enterprise_id, set()), order.inspection.enterprise
            ),
            kind="inspection.order_due",
            url=INSPECTIONS_PATH.format(enterprise_id=order.inspection.enterprise_id),
            params={
                "enterprise": order.inspection.enterprise.name,
                "deadline": order.deadline.isoformat(),
            },
        )
        for order in orders
    ]


FINDERS: dict[ReminderSubject, Callable[[Session, date, date], list[Due]]] = {
    ReminderSubject.AGREEMENT_END: _agreements,
    ReminderSubject.SUBSIDY_REPORT: _subsidy_reports,
    ReminderSubject.INSPECTION_ORDER: _inspection_orders,
}
