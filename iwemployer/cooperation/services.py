"""Meetings with the contact person, the occupational health service's reports, and the Labour
Inspection Authority's inspections and orders.

Functions of ``(session, plain values)``: they raise ``DomainError`` and never commit or roll
back. Who may do what is decided by the ``can_*`` functions, which the actions enforce and the
views show.

No double booking: confirming or moving a meeting first takes a write lock on the contact
person's account row (``SELECT ... FOR UPDATE`` on PostgreSQL; a no-op ``UPDATE`` on SQLite,
whose first write in a transaction takes the database's single write lock), so two bookings of
one adviser cannot both pass the overlap check. On PostgreSQL an exclusion constraint (see the
migration) forbids overlapping confirmed meetings of one adviser as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from .. import attachments
from ..access import acts_for_centre_at, can_act
from ..errors import DomainError
from ..health_words import check_health_details
from ..models import (
    ActionPlan,
    Enterprise,
    HealthServiceReport,
    Inspection,
    InspectionOrder,
    Meeting,
    MeetingAgendaItem,
    MeetingFollowUp,
    MeetingMessage,
    MeetingMode,
    MeetingSlot,
    MeetingStatus,
    MeetingStep,
    MemberRole,
    Membership,
    PlanActivity,
    PlanTheme,
    Responsible,
    User,
    UserKind,
)
from ..notifications.services import notify, register_event
from ..pagination import Page, paginate_counted
from ..plans import services as plans
from ..requests.services import check_free_text
from ..translation import gettext as _
from ..translation import lazy_gettext as _l

LOCAL_TIME = ZoneInfo("Europe/Oslo")
MAX_TEXT = 4000
MAX_TITLE = 200
MAX_SLOTS = 3
# Reminders of an open order's deadline, in days before it (sent by ``reminders``).
REMINDER_DAYS = (14, 3)
# The centre's open orders on the contact person's overview; the rest on their own pages.
OVERVIEW_ORDERS = 10
# The enterprise's open orders on its home card; all of them on the inspections page.
HOME_ORDERS = 5

S = MeetingStatus
# The state machine: every change not listed here is refused.
ALLOWED_TRANSITIONS: dict[MeetingStatus, frozenset[MeetingStatus]] = {
    S.REQUESTED: frozenset({S.PROPOSED, S.CONFIRMED, S.CANCELLED}),
    S.PROPOSED: frozenset({S.PROPOSED, S.CONFIRMED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.CONFIRMED, S.CANCELLED}),
    S.CANCELLED: frozenset(),
}

# Everyone on the enterprise's side may ask for a meeting, the occupational health service too.
ASKERS = (
    MemberRole.MANAGER,
    MemberRole.SAFETY_DELEGATE,
    MemberRole.UNION_REP,
    MemberRole.OCCUPATIONAL_HEALTH,
)
# The law gives the safety delegate and the union representative the right to see the
# authority's inspections; the health service sees them too. The manager records them.
INSPECTION_READERS = ASKERS
INSPECTION_EDITORS = (MemberRole.MANAGER,)
REPORT_AUTHORS = (MemberRole.OCCUPATIONAL_HEALTH,)

MEETING_PATH = "/enterprises/{enterprise_id}/meetings/{meeting_id}"
INSPECTIONS_PATH = "/enterprises/{enterprise_id}/inspections"

# A step someone must act on is mailed unless the user turns it off; the mail's one line names
# no enterprise and no person.
register_event(
    "meeting.requested",
    _l("%(actor)s asked for a meeting: %(enterprise)s (%(purpose)s)"),
    mail_default=True,
    mail_line=_l("A meeting request awaits your answer."),
)
register_event(
    "meeting.proposed",
    _l("New times proposed for the meeting with %(enterprise)s"),
    mail_default=True,
    mail_line=_l("New times are proposed for a meeting: choose one."),
)
register_event(
    "meeting.confirmed",
    _l("The meeting with %(enterprise)s is on %(when)s"),
    mail_default=True,
    mail_line=_l("A meeting is confirmed."),
    dates=("when",),
)
register_event(
    "meeting.moved",
    _l("The meeting with %(enterprise)s is moved to %(when)s"),
    mail_default=True,
    mail_line=_l("A meeting is moved to another time."),
    dates=("when",),
)
register_event(
    "meeting.cancelled",
    _l("The meeting with %(enterprise)s is cancelled"),
    mail_default=True,
    mail_line=_l("A meeting is cancelled."),
)
register_event(
    "meeting.minutes",
    _l("Minutes of the meeting with %(enterprise)s are written"),
    mail_line=_l("Minutes of a meeting are written."),
)
register_event(
    "meeting.comment",
    _l("%(actor)s commented on the meeting with %(enterprise)s"),
    mail_line=_l("There is a new comment on a meeting."),
)
register_event(
    "inspection.order_due",
    _l("An order to %(enterprise)s is due on %(deadline)s"),
    mail_default=True,
    mail_line=_l("An order from the Labour Inspection Authority is due soon."),
    dates=("deadline",),
)
register_event(
    "health_service.report",
    _l("New report from the health service: %(title)s"),
    mail_line=_l("The occupational health service has written a new report."),
)


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TIME)


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _text(value: str | None, field: str, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = _clean(value)
    if required and not text:
        raise DomainError(_("Write something here."), field)
    if len(text) > limit:
        raise DomainError(_("The text can be at most %(max)d characters.", max=limit), field)
    check_free_text(**{field: text})
    return text


# --- who may do what ---------------------------------------------------------------------------


def is_adviser_of(user: User, enterprise_id: int) -> bool:
    """Acts for the centre: an administrator, the contact person or a deputy an administrator
    named (other advisers of the centre read and comment)."""
    return user.kind == UserKind.ADMIN or acts_for_centre_at(user, enterprise_id)


def can_request_meeting(user: User, enterprise_id: int) -> bool:
    return user.kind == UserKind.EMPLOYER and can_act(user, enterprise_id, ASKERS, adviser=False)


def can_answer_request(user: User, meeting: Meeting) -> bool:
    """The contact person's turn: accept one of the asker's times or propose others."""
    return meeting.status in (S.REQUESTED, S.PROPOSED) and is_adviser_of(
        user, meeting.enterprise_id
    )


def can_accept_proposal(user: User, meeting: Meeting) -> bool:
    """The enterprise's turn: accept one of the times the contact person proposed."""
    return meeting.status == S.PROPOSED and can_request_meeting(user, meeting.enterprise_id)


def _party(user: User, meeting: Meeting) -> bool:
    return is_adviser_of(user, meeting.enterprise_id) or can_request_meeting(
        user, meeting.enterprise_id
    )


def can_move(user: User, meeting: Meeting, now: datetime) -> bool:
    return (
        meeting.status == S.CONFIRMED
        and meeting.starts_at is not None
        and meeting.starts_at > now
        and _party(user, meeting)
    )


def can_cancel(user: User, meeting: Meeting, now: datetime) -> bool:
    if meeting.status == S.CONFIRMED:
        return can_move(user, meeting, now)
    return meeting.status != S.CANCELLED and _party(user, meeting)


def can_write_minutes(user: User, meeting: Meeting, now: datetime) -> bool:
    """The contact person writes the minutes once the meeting has begun."""
    return (
        meeting.status == S.CONFIRMED
        and meeting.starts_at is not None
        and meeting.starts_at <= now
        and is_adviser_of(user, meeting.enterprise_id)
    )


def can_comment(user: User, meeting: Meeting) -> bool:
    # The conversation is open to every adviser of the centre, as reading is.
    return user.kind == UserKind.ADVISER or _party(user, meeting)


def can_record_inspection(user: User, enterprise_id: int) -> bool:
    if user.kind == UserKind.ADVISER:
        return acts_for_centre_at(user, enterprise_id)
    return can_act(user, enterprise_id, INSPECTION_EDITORS, adviser=False)


def can_see_inspections(user: User, enterprise_id: int) -> bool:
    return can_act(user, enterprise_id, INSPECTION_READERS, adviser=True)


def can_add_report(user: User, enterprise_id: int) -> bool:
    return user.kind == UserKind.EMPLOYER and can_act(
        user, enterprise_id, REPORT_AUTHORS, adviser=False
    )


# --- meetings: asking, answering, booking ------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime


def _check_slot(slot: Slot, now: datetime, field: str) -> None:
    if slot.ends_at <= slot.starts_at:
        raise DomainError(_("The meeting must end after it starts."), field)
    if slot.starts_at <= now:
        raise DomainError(_("Choose a time in the future."), field)


def _step(
    session: Session, meeting: Meeting, actor: User, step: MeetingStep, body: str = ""
) -> None:
    meeting.messages.append(
        MeetingMessage(
            author_id=actor.id, from_centre=actor.kind != UserKind.EMPLOYER, step=step, body=body
        )
    )


def participants(session: Session, meeting: Meeting) -> set[int]:
    """Who hears about the meeting: the asker, the enterprise's parties and the contact person."""
    people = set(
        session.scalars(
            select(Membership.user_id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.enterprise_id == meeting.enterprise_id, User.active.is_(True))
        )
    )
    if meeting.adviser_id is not None:
        people.add(meeting.adviser_id)
    return people


def meeting_path(meeting: Meeting) -> str:
    return MEETING_PATH.format(enterprise_id=meeting.enterprise_id, meeting_id=meeting.id)


def _notify(session: Session, meeting: Meeting, actor: User, kind: str, **params: str) -> None:
    notify(
        session,
        participants(session, meeting),
        kind,
        enterprise_id=meeting.enterprise_id,
        url=meeting_path(meeting),
        params={"enterprise": meeting.enterprise.name, "actor": actor.name, **params},
        exclude=actor.id,
    )


def _starts_at(meeting: Meeting) -> str:
    """The start as stored in a notification: ISO, shown in each reader's language."""
    assert meeting.starts_at is not None
    return meeting.starts_at.isoformat()


def _when(meeting: Meeting) -> str:
    from flask_babel import format_datetime

    assert meeting.starts_at is not None
    return format_datetime(local(meeting.starts_at), "short")


def _transition(meeting: Meeting, to: MeetingStatus) -> None:
    if to not in ALLOWED_TRANSITIONS[meeting.status]:
        raise DomainError(_("The meeting has changed in the meantime; see its state now."))
    meeting.status = to


@dataclass(frozen=True)
class AgendaPick:
    """A plan theme (``is_theme``) or plan activity picked for a meeting's agenda."""

    is_theme: bool
    id: int


def _activity_ids(session: Session, enterprise_id: int, ids: Sequence[int]) -> set[int]:
    """Those of ``ids`` that are activities in one of the enterprise's plans."""
    if not ids:
        return set()
    return set(
        session.scalars(
            select(PlanActivity.id)
            .join(PlanTheme)
            .join(ActionPlan)
            .where(ActionPlan.enterprise_id == enterprise_id, PlanActivity.id.in_(ids))
        )
    )


def _agenda_items(
    session: Session, enterprise_id: int, picks: Sequence[AgendaPick]
) -> list[MeetingAgendaItem]:
    """The picks as agenda rows, refused unless every one is in one of the enterprise's plans."""
    picks = list(dict.fromkeys(picks))
    theme_ids = [p.id for p in picks if p.is_theme]
    activity_ids = [p.id for p in picks if not p.is_theme]
    found_themes = (
        set(
            session.scalars(
                select(PlanTheme.id)
                .join(ActionPlan)
                .where(ActionPlan.enterprise_id == enterprise_id, PlanTheme.id.in_(theme_ids))
            )
        )
        if theme_ids
        else set()
    )
    found_activities = _activity_ids(session, enterprise_id, activity_ids)
    if found_themes != set(theme_ids) or found_activities != set(activity_ids):
        raise DomainError(_("Choose themes and activities from the enterprise's plan."), "agenda")
    return [
        MeetingAgendaItem(
            theme_id=p.id if p.is_theme else None,
            activity_id=None if p.is_theme else p.id,
            position=position,
        )
        for position, p in enumerate(picks)
    ]


def request_meeting(
    session: Session,
    enterprise: Enterprise,
    actor: User,
    *,
    purpose: str,
    wished_participants: str,
    mode: MeetingMode,
    slots: Sequence[Slot],
    wished_week: int | None,
    now: datetime,
    agenda: Sequence[AgendaPick] = (),
) -> Meeting:
    """Ask the contact person for a meeting: two or three times, or any time in a week, and
    the plan's themes and activities to talk about."""
    if not can_request_meeting(actor, enterprise.id):
        raise DomainError(_("Only the enterprise's people ask for a meeting."), status=403)
    purpose = _text(purpose, "purpose")
    agenda_items = _agenda_items(session, enterprise.id, agenda)
    wished = _text(wished_participants, "wished_participants", required=False)
    if wished_week is None and not 2 <= len(slots) <= MAX_SLOTS:
        raise DomainError(_("Suggest two or three times, or a week."), "slots")
    if wished_week is not None and not 1 <= wished_week <= 53:
        raise DomainError(_("Choose a week from 1 to 53."), "wished_week")
    for slot in slots:
        _check_slot(slot, now, "slots")
    meeting = Meeting(
        enterprise_id=enterprise.id,
        enterprise=enterprise,
        adviser_id=enterprise.contact_person_id,
        requested_by_id=actor.id,
        purpose=purpose,
        wished_participants=wished,
        wished_week=wished_week,
        mode=MeetingMode(mode),
        slots=[
            MeetingSlot(starts_at=s.starts_at, ends_at=s.ends_at, from_centre=False) for s in slots
        ],
        agenda_items=agenda_items,
    )
    session.add(meeting)
    _step(session, meeting, actor, MeetingStep.REQUESTED)
    session.flush()
    _notify(session, meeting, actor, "meeting.requested", purpose=purpose[:80])
    return meeting


def propose_times(
    session: Session,
    meeting: Meeting,
    actor: User,
    slots: Sequence[Slot],
    message: str,
    now: datetime,
) -> None:
    """The contact person offers other times; the asker accepts one of them."""
    if not can_answer_request(actor, meeting):
        raise DomainError(_("Only the contact person proposes other times."), status=403)
    if not 1 <= len(slots) <= MAX_SLOTS:
        raise DomainError(_("Propose one to three times."), "slots")
    for slot in slots:
        _check_slot(slot, now, "slots")
    body = _text(message, "message", required=False)
    _transition(meeting, S.PROPOSED)
    meeting.adviser_id = meeting.adviser_id or actor.id
    for slot in slots:
        meeting.slots.append(
            MeetingSlot(starts_at=slot.starts_at, ends_at=slot.ends_at, from_centre=True)
        )
    _step(session, meeting, actor, MeetingStep.PROPOSED, body)
    session.flush()
    _notify(session, meeting, actor, "meeting.proposed")


def _lock_adviser(session: Session, adviser_id: int) -> None:
    """Serialise the bookings of one adviser (see the module docstring)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(User.id).where(User.id == adviser_id).with_for_update())
    else:
        session.execute(update(User).where(User.id == adviser_id).values(id=User.id))


def overlapping(
    session: Session, adviser_id: int, slot: Slot, other_than: int | None = None
) -> Meeting | None:
    query = select(Meeting).where(
        Meeting.adviser_id == adviser_id,
        Meeting.status == S.CONFIRMED,
        Meeting.starts_at < slot.ends_at,
        Meeting.ends_at > slot.starts_at,
    )
    if other_than is not None:
        query = query.where(Meeting.id != other_than)
    return session.scalars(query.limit(1)).first()


def _book(session: Session, meeting: Meeting, slot: Slot, now: datetime, field: str) -> None:
    """Confirm ``meeting`` at ``slot`` unless its contact person is busy then."""
    _check_slot(slot, now, field)
    if meeting.adviser_id is None:
        raise DomainError(_("The enterprise has no contact person yet."), field)
    if S.CONFIRMED not in ALLOWED_TRANSITIONS[meeting.status]:
        raise DomainError(_("The meeting has changed in the meantime; see its state now."))
    _lock_adviser(session, meeting.adviser_id)
    if overlapping(session, meeting.adviser_id, slot, meeting.id) is not None:
        raise DomainError(_("The contact person has another meeting at that time."), field)
    meeting.starts_at, meeting.ends_at = slot.starts_at, slot.ends_at
    _transition(meeting, S.CONFIRMED)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:  # the exclusion constraint on PostgreSQL
        raise DomainError(
            _("The contact person has another meeting at that time."), field
        ) from error


def accept_time(
    session: Session, meeting: Meeting, actor: User, slot_id: int, now: datetime
) -> None:
    """The contact person accepts one of the asker's times, or the asker one of the centre's."""
    slot = next((s for s in meeting.slots if s.id == slot_id), None)
    if slot is None:
        raise DomainError(_("Choose one of the times."), "slot")
    if slot.from_centre:
        allowed = can_accept_proposal(actor, meeting)
    else:
        allowed = can_answer_request(actor, meeting)
    if not allowed:
        raise DomainError(_("The other side chooses from these times."), status=403)
    if meeting.adviser_id is None and actor.kind != UserKind.EMPLOYER:
        meeting.adviser_id = actor.id
    _book(session, meeting, Slot(slot.starts_at, slot.ends_at), now, "slot")
    _step(session, meeting, actor, MeetingStep.CONFIRMED)
    session.flush()
    _notify(session, meeting, actor, "meeting.confirmed", when=_starts_at(meeting))


def move_meeting(
    session: Session, meeting: Meeting, actor: User, slot: Slot, message: str, now: datetime
) -> None:
    if not can_move(actor, meeting, now):
        raise DomainError(_("This meeting can no longer be moved."), status=403)
    body = _text(message, "message")
    _book(session, meeting, slot, now, "starts_at")
    meeting.sequence += 1
    _step(session, meeting, actor, MeetingStep.MOVED, body)
    session.flush()
    _notify(session, meeting, actor, "meeting.moved", when=_starts_at(meeting))


def cancel_meeting(
    session: Session, meeting: Meeting, actor: User, message: str, now: datetime
) -> None:
    if not can_cancel(actor, meeting, now):
        raise DomainError(_("This meeting can no longer be cancelled."), status=403)
    body = _text(message, "message")
    _transition(meeting, S.CANCELLED)
    meeting.sequence += 1
    _step(session, meeting, actor, MeetingStep.CANCELLED, body)
    session.flush()
    _notify(session, meeting, actor, "meeting.cancelled")


def comment(session: Session, meeting: Meeting, actor: User, body: str) -> None:
    if not can_comment(actor, meeting):
        raise DomainError(_("Only the meeting's parties comment on it."), status=403)
    text = _text(body, "body")
    _step(session, meeting, actor, MeetingStep.COMMENT, text)
    session.flush()
    _notify(session, meeting, actor, "meeting.comment")


# --- minutes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """A follow-up of the minutes that becomes an activity in one of the plan's themes."""

    theme: PlanTheme
    title: str
    responsible: Responsible
    start_date: date
    end_date: date


def write_minutes(
    session: Session,
    meeting: Meeting,
    actor: User,
    *,
    discussed: str,
    decisions: str,
    follow_ups: Iterable[FollowUp],
    now: datetime,
) -> list[PlanActivity]:
    """Record the minutes; each follow-up becomes a plan activity through the plan's own rules
    (a sent plan opens a new version that the parties confirm again)."""
    if not can_write_minutes(actor, meeting, now):
        raise DomainError(_("The contact person writes the minutes after the meeting."), status=403)
    meeting.minutes_discussed = _text(discussed, "discussed")
    meeting.minutes_decisions = _text(decisions, "decisions", required=False)
    created = []
    for follow_up in follow_ups:
        if follow_up.theme.plan.enterprise_id != meeting.enterprise_id:
            raise DomainError(_("Choose one of the plan's themes."), "theme")
        check_free_text(follow_up_title=follow_up.title)
        activity = plans.add_activity(
            session,
            follow_up.theme,
            actor,
            plans.ActivityFields(
                title=follow_up.title,
                description=_("Follow-up from the meeting on %(date)s.", date=_when(meeting)),
                responsible=follow_up.responsible,
                start_date=follow_up.start_date,
                end_date=follow_up.end_date,
            ),
        )
        meeting.follow_ups.append(MeetingFollowUp(activity_id=activity.id, title=activity.title))
        created.append(activity)
    first = meeting.minutes_written_at is None
    meeting.minutes_written_at = now
    if first:
        _step(session, meeting, actor, MeetingStep.MINUTES)
    session.flush()
    _notify(session, meeting, actor, "meeting.minutes")
    return created


# --- lists ---------------------------------------------------------------------------------------


def meetings_of(session: Session, enterprise_id: int) -> list[Meeting]:
    return list(
        session.scalars(
            select(Meeting)
            .where(Meeting.enterprise_id == enterprise_id)
            .options(selectinload(Meeting.adviser))
            .order_by(Meeting.starts_at.desc().nulls_first(), Meeting.id.desc())
        )
    )


def next_meeting(session: Session, enterprise_id: int, now: datetime) -> Meeting | None:
    return session.scalars(
        select(Meeting)
        .where(
            Meeting.enterprise_id == enterprise_id,
            Meeting.status == S.CONFIRMED,
            Meeting.starts_at > now,
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    ).first()


def load_meeting(session: Session, meeting: Meeting) -> Meeting:
    """The meeting with its thread, times and follow-ups, in a fixed number of statements."""
    return session.scalars(
        select(Meeting)
        .where(Meeting.id == meeting.id)
        .options(
            selectinload(Meeting.slots),
            selectinload(Meeting.messages).selectinload(MeetingMessage.author),
            selectinload(Meeting.follow_ups).selectinload(MeetingFollowUp.activity),
            selectinload(Meeting.agenda_items).options(
                joinedload(MeetingAgendaItem.theme),
                joinedload(MeetingAgendaItem.activity).joinedload(PlanActivity.theme),
            ),
        )
        .execution_options(populate_existing=True)
    ).one()


def plan_themes(session: Session, enterprise_id: int, today: date) -> list[PlanTheme]:
    """The themes of the current plan, for follow-ups in the minutes."""
    plan = plans.pick_current(plans.plans_of(session, enterprise_id), today)
    return plans.load_themes(session, plan) if plan is not None else []


@dataclass(frozen=True)
class HomeSummary:
    next_meeting: Meeting | None
    open_orders: list[InspectionOrder]


@dataclass(frozen=True)
class AdviserOverview:
    coming: list[Meeting]
    minutes_due: list[Meeting]
    # The first of the centre's open orders by deadline, and how many there are in all.
    open_orders: Page[InspectionOrder]


def centre_open_orders(session: Session, adviser: User, number: int, size: int) -> Page[Any]:
    """A page of the open orders of the adviser's centre's enterprises, by deadline, with the
    total: one statement."""
    return paginate_counted(
        session,
        select(InspectionOrder)
        .join(Inspection)
        .join(Enterprise, Enterprise.id == Inspection.enterprise_id)
        .where(Enterprise.centre_id == adviser.centre_id, InspectionOrder.answered_on.is_(None))
        .options(joinedload(InspectionOrder.inspection).joinedload(Inspection.enterprise))
        .order_by(InspectionOrder.deadline, InspectionOrder.id),
        number,
        size,
    )


def adviser_overview(session: Session, adviser: User, now: datetime) -> AdviserOverview:
    """The contact person's home: coming meetings, minutes not yet written, and the open orders
    of the centre's enterprises."""
    mine = select(Meeting).options(selectinload(Meeting.enterprise))
    coming = session.scalars(
        mine.where(
            Meeting.adviser_id == adviser.id,
            Meeting.status == S.CONFIRMED,
            Meeting.starts_at > now,
        ).order_by(Meeting.starts_at)
    )
    due = session.scalars(
        mine.where(
            Meeting.adviser_id == adviser.id,
            Meeting.status == S.CONFIRMED,
            Meeting.starts_at <= now,
            Meeting.minutes_written_at.is_(None),
        ).order_by(Meeting.starts_at)
    )
    orders = centre_open_orders(session, adviser, 1, OVERVIEW_ORDERS)
    return AdviserOverview(list(coming), list(due), orders)


# --- the occupational health service's reports ---------------------------------------------------


@dataclass(frozen=True)
class ReportFile:
    """A file sent with a report: the browser's name for it and its bytes."""

    filename: str
    data: bytes


def add_report(
    session: Session,
    enterprise: Enterprise,
    actor: User,
    *,
    title: str,
    report_date: date,
    summary: str,
    activity_id: int | None = None,
    file: ReportFile | None = None,
    no_health_details: bool = False,
) -> HealthServiceReport:
    """Add a report; ``activity_id`` is the plan activity that follows it up (refers to it).
    Its file, if any, is checked by content and put in the attachment store on commit."""
    if not can_add_report(actor, enterprise.id):
        raise DomainError(_("Only the occupational health service adds reports."), status=403)
    title = _text(title, "title", limit=MAX_TITLE)
    summary = _text(summary, "summary")
    # A report is about the workplace: a soft warning for words that look like health details.
    check_health_details(no_health_details, title=title, summary=summary)
    if activity_id is not None and activity_id not in _activity_ids(
        session, enterprise.id, [activity_id]
    ):
        raise DomainError(_("Choose one of the plan's activities."), "activity")
    report = HealthServiceReport(
        enterprise_id=enterprise.id,
        title=title,
        report_date=report_date,
        summary=summary,
        author_id=actor.id,
        activity_id=activity_id,
    )
    if file is not None and (file.filename or file.data):
        content_type = attachments.checked(file.data)
        report.file_name = attachments.display_name(file.filename, content_type)
        report.file_stored_name = attachments.new_stored_name()
        report.file_content_type = content_type
        report.file_size = len(file.data)
    session.add(report)
    session.flush()
    if report.file_stored_name is not None and file is not None:
        attachments.place_on_commit(session, report.file_stored_name, file.data)
    people = set(
        session.scalars(select(Membership.user_id).where(Membership.enterprise_id == enterprise.id))
    )
    if enterprise.contact_person_id is not None:
        people.add(enterprise.contact_person_id)
    notify(
        session,
        people,
        "health_service.report",
        enterprise_id=enterprise.id,
        url=f"/enterprises/{enterprise.id}/health-service",
        params={"title": report.title},
        exclude=actor.id,
    )
    return report


def reports_of(session: Session, enterprise_id: int) -> list[HealthServiceReport]:
    return list(
        session.scalars(
            select(HealthServiceReport)
            .where(HealthServiceReport.enterprise_id == enterprise_id)
            .options(
                selectinload(HealthServiceReport.author),
                selectinload(HealthServiceReport.activity).joinedload(PlanActivity.theme),
            )
            .order_by(HealthServiceReport.report_date.desc(), HealthServiceReport.id.desc())
        )
    )


def reports_for_activity(session: Session, activity_id: int) -> list[HealthServiceReport]:
    """The reports an activity refers to, for its page (one statement)."""
    return list(
        session.scalars(
            select(HealthServiceReport)
            .where(HealthServiceReport.activity_id == activity_id)
            .order_by(HealthServiceReport.report_date.desc(), HealthServiceReport.id.desc())
        )
    )


# --- inspections and orders -----------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFields:
    text: str
    deadline: date


def record_inspection(
    session: Session,
    enterprise: Enterprise,
    actor: User,
    *,
    inspected_on: date,
    topic: str,
    letter_url: str,
    orders: Sequence[OrderFields],
    today: date,
) -> Inspection:
    if not can_record_inspection(actor, enterprise.id):
        raise DomainError(
            _("Only the manager and the contact person record inspections."), status=403
        )
    if inspected_on > today:
        raise DomainError(_("The inspection date cannot be in the future."), "inspected_on")
    url = _clean(letter_url)
    if url and not url.startswith(("https://", "http://")):
        raise DomainError(_("Give a web address starting with https://."), "letter_url")
    inspection = Inspection(
        enterprise_id=enterprise.id,
        inspected_on=inspected_on,
        topic=_text(topic, "topic", limit=MAX_TITLE),
        letter_url=url[:500],
        created_by_id=actor.id,
    )
    for order in orders:
        if order.deadline < inspected_on:
            raise DomainError(_("A deadline cannot be before the inspection."), "orders")
        inspection.orders.append(
            InspectionOrder(text=_text(order.text, "orders"), deadline=order.deadline)
        )
    session.add(inspection)
    session.flush()
    return inspection


def link_order(
    session: Session, order: InspectionOrder, actor: User, activity: PlanActivity | None
) -> None:
    enterprise_id = order.inspection.enterprise_id
    if not can_record_inspection(actor, enterprise_id):
        raise DomainError(_("Only the manager and the contact person link orders."), status=403)
    if activity is not None and activity.theme.plan.enterprise_id != enterprise_id:
        raise DomainError(_("Choose one of the plan's activities."), "activity")
    order.activity_id = activity.id if activity is not None else None
    session.flush()


def answer_order(
    session: Session, order: InspectionOrder, actor: User, answer: str, today: date
) -> None:
    """Mark the order as answered: when (today) and how."""
    if not can_record_inspection(actor, order.inspection.enterprise_id):
        raise DomainError(_("Only the manager and the contact person answer orders."), status=403)
    if not order.is_open:
        raise DomainError(_("The order is already answered."))
    order.answer = _text(answer, "answer")
    order.answered_on = today
    order.answered_by_id = actor.id
    session.flush()


def inspections_of(session: Session, enterprise_id: int) -> list[Inspection]:
    return list(
        session.scalars(
            select(Inspection)
            .where(Inspection.enterprise_id == enterprise_id)
            .options(selectinload(Inspection.orders).selectinload(InspectionOrder.activity))
            .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
        )
    )


def open_orders(
    session: Session, enterprise_id: int, limit: int | None = None
) -> list[InspectionOrder]:
    """The enterprise's open orders by deadline (the first ``limit`` of them)."""
    return list(
        session.scalars(
            select(InspectionOrder)
            .join(Inspection)
            .where(Inspection.enterprise_id == enterprise_id, InspectionOrder.answered_on.is_(None))
            .order_by(InspectionOrder.deadline, InspectionOrder.id)
            .limit(limit)
        )
    )


def plan_activities(session: Session, enterprise_id: int) -> list[PlanActivity]:
    return list(
        session.scalars(
            select(PlanActivity)
            .join(PlanTheme)
            .join(ActionPlan)
            .where(ActionPlan.enterprise_id == enterprise_id)
            .order_by(PlanTheme.position, PlanActivity.position)
        )
    )
