"""The action plan's rules, as functions of (session, plain values); no HTTP here.

Versions (the exact rule; the models' docstring has the summary):

* Content is the period, the sick-leave goal, the free-text goals, the themes (titles, which
  exist) and the activities (title, description, responsible, dates, theme, reserved links).
  The activities' status and the order of themes and activities are not content.
* While ``plan.status`` is ``draft`` the current version has not been sent, and content
  changes go into it. Once sent (``sent`` or ``agreed``) it is frozen: the first content change
  after that makes ``version + 1`` a new draft; earlier confirmations stay in the history but
  no longer count. A save that changes nothing changes no version.
* Sending stores a ``PlanVersion`` snapshot of the version sent; confirmations are bound to a
  version number, and one for any other version than the current, sent one is refused.
* A decline (with a reason) makes the plan ``declined``: nobody answers that version any more.
  The manager or the contact person changes the plan (or asks for a new version outright) and
  sends version ``N + 1``.
* The plan is agreed when the three parties have confirmed the current version.

Every service here updates rows that carry a version counter, so two people changing the same
thing at once cannot silently overwrite each other: a form from before another person's save
raises ``StaleEdit``; a save that loses a race at commit raises ``ConcurrentChange``.
Services flush but never commit: the view commits together with the audit row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask_babel import LazyString
from sqlalchemy import ColumnElement, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, joinedload, load_only, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from .. import identity
from ..access import acts_for_centre, can_act, member_role
from ..errors import DomainError
from ..health_words import check_health_details
from ..locking import lock_row
from ..models import (
    PLAN_PARTIES,
    ActionPlan,
    ActivityStatus,
    ContactDeputy,
    Decision,
    Enterprise,
    MemberRole,
    Membership,
    PlanActivity,
    PlanConfirmation,
    PlanEvent,
    PlanEventKind,
    PlanStatus,
    PlanTheme,
    PlanVersion,
    Responsible,
    User,
    UserKind,
    utcnow,
)
from ..models.plans import OPEN_ACTIVITY_STATUSES
from ..notifications.services import notify, plan_subject, register_event, withdraw
from ..pagination import Page, Peek, paginate_counted, peek
from ..translation import gettext as _
from ..translation import lazy_gettext as _l

P = ParamSpec("P")
R = TypeVar("R")

MAX_TITLE = 200
MAX_TEXT = 5000
PERCENT_STEP = Decimal("0.1")

# --- notification events --------------------------------------------------------------------

EVENTS: dict[str, LazyString] = {
    "plan.created": _l("%(actor)s started an action plan for %(enterprise)s."),
    "plan.goals_changed": _l("%(actor)s changed the goals of the action plan for %(enterprise)s."),
    "plan.themes_changed": _l(
        "%(actor)s changed the themes of the action plan for %(enterprise)s."
    ),
    "plan.activity_added": _l(
        "%(actor)s added the activity “%(activity)s” to the action plan for %(enterprise)s."
    ),
    "plan.activity_changed": _l(
        "%(actor)s changed the activity “%(activity)s” in the action plan for %(enterprise)s."
    ),
    "plan.activity_removed": _l(
        "%(actor)s removed the activity “%(activity)s” from the action plan for %(enterprise)s."
    ),
    "plan.activity_status": _l(
        "%(actor)s updated the status of “%(activity)s” in the action plan for %(enterprise)s."
    ),
    "plan.reordered": _l("%(actor)s changed the order in the action plan for %(enterprise)s."),
    "plan.new_version": _l(
        "The action plan for %(enterprise)s was changed after it was sent. "
        "Version %(version)s must be confirmed again."
    ),
    "plan.sent": _l(
        "Version %(version)s of the action plan for %(enterprise)s awaits confirmation."
    ),
    "plan.confirmed": _l(
        "%(actor)s confirmed version %(version)s of the action plan for %(enterprise)s."
    ),
    "plan.declined": _l(
        "%(actor)s declined version %(version)s of the action plan for %(enterprise)s."
    ),
    "plan.agreed": _l("The action plan for %(enterprise)s is agreed (version %(version)s)."),
    "plan.commented": _l("%(actor)s commented on the action plan for %(enterprise)s."),
}
# Events that need someone to act are mailed unless the user turns it off; the mail's one line
# names no person and no content.
MAIL_LINES = {
    "plan.sent": _l("An action plan awaits your confirmation."),
    "plan.new_version": _l("An action plan you confirmed was changed and must be confirmed again."),
    "plan.declined": _l("An action plan was declined."),
    "plan.agreed": _l("An action plan is agreed."),
}
for _kind, _text in EVENTS.items():
    register_event(_kind, _text, mail_default=_kind in MAIL_LINES, mail_line=MAIL_LINES.get(_kind))
# Notices that a version waits for confirmation: withdrawn once that version is declined, agreed
# or replaced by a new draft (and a party's own once it has answered).
WAITING_KINDS = ("plan.sent", "plan.new_version")


# --- errors ----------------------------------------------------------------------------------


class StaleEdit(DomainError):
    """The form was filled in from an older revision of the record than the saved one: the
    view shows both texts (409)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status=409)


class ConcurrentChange(StaleEdit):
    """Someone else's change committed between loading and saving this one."""

    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed the plan at the same moment. Nothing was saved; try again.")
        )


def _outdated(message: str) -> DomainError:
    """The plan is no longer in the state the user saw (another version, already answered)."""
    return DomainError(message, status=409)


def _guarded(function: Callable[P, R]) -> Callable[P, R]:
    """A lost race on a version counter becomes ``ConcurrentChange``."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except StaleDataError as error:
            raise ConcurrentChange() from error

    return wrapper


# --- the template a new plan starts from -----------------------------------------------------


@dataclass(frozen=True)
class TemplateActivity:
    title: LazyString
    description: LazyString
    responsible: Responsible


TEMPLATE: tuple[tuple[LazyString, tuple[TemplateActivity, ...]], ...] = (
    (
        _l("Cooperation between the parties (partssamarbeid)"),
        (
            TemplateActivity(
                _l("Regular meetings between the parties"),
                _l(
                    "The manager, the safety delegate and the union representative meet "
                    "regularly to follow up this plan."
                ),
                Responsible.MANAGER,
            ),
        ),
    ),
    (
        _l("Sick-leave follow-up"),
        (
            TemplateActivity(
                _l("Review the follow-up routines"),
                _l(
                    "Go through the routines for following up employees on sick leave and "
                    "make them known to everyone."
                ),
                Responsible.MANAGER,
            ),
            TemplateActivity(
                _l("Follow-up talks"),
                _l(
                    "Hold follow-up talks with employees on sick leave in good time, and "
                    "prepare the managers for them."
                ),
                Responsible.MANAGER,
            ),
            TemplateActivity(
                _l("Adaptation duty"),
                _l(
                    "Make the duty to adapt work known, and describe which adaptations the "
                    "enterprise can offer."
                ),
                Responsible.MANAGER,
            ),
            TemplateActivity(
                _l("Employee involvement"),
                _l("Involve the employees and their representatives in the sick-leave work."),
                Responsible.UNION_REP,
            ),
        ),
    ),
    (
        _l("Working environment"),
        (
            TemplateActivity(
                _l("Survey of the working environment"),
                _l("Map the working environment and agree on measures where the risk is highest."),
                Responsible.SAFETY_DELEGATE,
            ),
        ),
    ),
    (
        _l("Recruitment and inclusion"),
        (
            TemplateActivity(
                _l("Inclusive recruitment"),
                _l(
                    "Consider how the enterprise can recruit people from outside working life, "
                    "with help from the centre."
                ),
                Responsible.CENTRE,
            ),
        ),
    ),
)


# --- reading ---------------------------------------------------------------------------------


def plan_path(plan: ActionPlan) -> str:
    """The plan page's path (notifications store it; equals ``url_for('plans.show', ...)``)."""
    return f"/enterprises/{plan.enterprise_id}/plans/{plan.id}"


def plans_of(session: Session, enterprise_id: int) -> list[ActionPlan]:
    return list(
        session.scalars(
            select(ActionPlan)
            .where(ActionPlan.enterprise_id == enterprise_id)
            .order_by(ActionPlan.period_start.desc())
        )
    )


def pick_current(plans: Iterable[ActionPlan], today: date) -> ActionPlan | None:
    """The plan for today's period, else the next to start, else the newest."""
    plans = sorted(plans, key=lambda p: p.period_start)
    covering = [p for p in plans if p.covers(today)]
    if covering:
        return covering[-1]
    upcoming = [p for p in plans if p.period_start > today]
    if upcoming:
        return upcoming[0]
    return plans[-1] if plans else None


def load_themes(session: Session, plan: ActionPlan) -> list[PlanTheme]:
    """The plan's themes with their activities and open proposals: two statements whatever
    their number."""
    if "themes" in inspect(plan).unloaded:
        themes = session.scalars(
            select(PlanTheme)
            .where(PlanTheme.plan_id == plan.id)
            .order_by(PlanTheme.position, PlanTheme.id)
            .options(selectinload(PlanTheme.activities), joinedload(PlanTheme.open_proposals))
        ).unique()
        set_committed_value(plan, "themes", list(themes))
    return plan.themes


def find_version(session: Session, plan: ActionPlan, number: int) -> PlanVersion | None:
    return session.scalar(
        select(PlanVersion).where(PlanVersion.plan_id == plan.id, PlanVersion.version == number)
    )


def events(
    session: Session,
    plan: ActionPlan,
    activity_id: int | None = None,
    limit: int | None = None,
) -> list[PlanEvent]:
    query = select(PlanEvent).where(PlanEvent.plan_id == plan.id)
    if activity_id is not None:
        query = query.where(PlanEvent.activity_id == activity_id)
    query = query.order_by(PlanEvent.at.desc(), PlanEvent.id.desc())
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def party_holders(session: Session, enterprise_id: int) -> dict[MemberRole, list[User]]:
    """Who holds each of the three parties' roles at the enterprise."""
    holders: dict[MemberRole, list[User]] = {role: [] for role in PLAN_PARTIES}
    rows = session.execute(
        select(Membership.role, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.enterprise_id == enterprise_id,
            Membership.role.in_(PLAN_PARTIES),
            User.active.is_(True),
        )
        .order_by(User.name)
    )
    for role, user in rows:
        holders[role].append(user)
    return holders


def awaiting_roles(plan: ActionPlan) -> list[MemberRole]:
    """The parties whose confirmation of the current, sent version is missing."""
    if plan.status != PlanStatus.SENT:
        return []
    confirmed = plan.confirmed_roles(plan.version)
    return [role for role in PLAN_PARTIES if role not in confirmed]


def last_confirmed_by_role(plan: ActionPlan, role: MemberRole) -> PlanConfirmation | None:
    """The role's newest confirmation of any version."""
    confirmed = [
        c for c in plan.confirmations if c.role == role and c.decision == Decision.CONFIRMED
    ]
    return max(confirmed, key=lambda c: c.version) if confirmed else None


# --- who may do what: the same function shows the button and refuses the action ------------

EDITORS = (MemberRole.MANAGER,)


def can_edit(user: User, plan: ActionPlan | Enterprise) -> bool:
    """The manager, the enterprise's contact person, the deputies an administrator named and
    administrators draw up the plan.

    Other advisers of the centre read it (the page's access is centre-wide) but do not change it.
    """
    enterprise = plan if isinstance(plan, Enterprise) else plan.enterprise
    if user.kind == UserKind.ADVISER:
        return acts_for_centre(user, enterprise)
    return can_act(user, enterprise.id, EDITORS, adviser=False)


def _require_edit(user: User, plan: ActionPlan | Enterprise) -> None:
    if not can_edit(user, plan):
        raise DomainError(
            _("Only the manager, the contact person and their deputies change the plan."),
            status=403,
        )


def opens_new_version(plan: ActionPlan) -> bool:
    """Would a content change now make a new version (the current one was sent)?"""
    return plan.status != PlanStatus.DRAFT


# The parties at the workplace (besides the manager) and the activities they answer for.
RESPONSIBLE_FOR: dict[MemberRole, Responsible] = {
    MemberRole.SAFETY_DELEGATE: Responsible.SAFETY_DELEGATE,
    MemberRole.UNION_REP: Responsible.UNION_REP,
    MemberRole.OCCUPATIONAL_HEALTH: Responsible.OCCUPATIONAL_HEALTH,
}


def can_change_status(user: User, role: MemberRole | None, activity: PlanActivity) -> bool:
    """The plan's editors, and the party responsible for the activity (``role``: the user's role
    at the enterprise), report its progress; a status is not content, so no new version."""
    if can_edit(user, activity.theme.plan):
        return True
    return (
        user.kind == UserKind.EMPLOYER
        and role is not None
        and RESPONSIBLE_FOR.get(role) == activity.responsible
    )


def can_reopen(user: User, plan: ActionPlan) -> bool:
    """After a decline: the manager or the contact person opens the next version to change."""
    return plan.status == PlanStatus.DECLINED and can_edit(user, plan)


def send_refusal(user: User, plan: ActionPlan) -> DomainError | None:
    """Why ``user`` may not send the plan now (None: they may)."""
    if not can_edit(user, plan):
        return DomainError(
            _("Only the manager, the contact person and their deputies change the plan."),
            status=403,
        )
    if plan.status != PlanStatus.DRAFT:
        return _outdated(
            _("Version %(version)d has already been sent for confirmation.", version=plan.version)
        )
    return None


def can_send(user: User, plan: ActionPlan) -> bool:
    return send_refusal(user, plan) is None


def answer_refusal(
    role: MemberRole | None,
    plan: ActionPlan,
    version: int | None = None,
) -> DomainError | None:
    """Why the party ``role`` may not answer ``version`` (default: the current one) now (None:
    they may): only a party that has not answered the current version, while it awaits
    answers (a declined version awaits none)."""
    if role not in PLAN_PARTIES:
        return DomainError(
            _(
                "Only the manager, the safety delegate and the union representative confirm "
                "the plan."
            ),
            status=403,
        )
    if version is not None and version != plan.version:
        return _outdated(
            _(
                "You answered for version %(old)d, but the plan has been changed since: it is "
                "now version %(new)d. Look at what changed and answer for the current version.",
                old=version,
                new=plan.version,
            )
        )
    if plan.status == PlanStatus.DRAFT:
        return _outdated(
            _(
                "Version %(version)d has not been sent for confirmation yet.",
                version=plan.version,
            )
        )
    if plan.status == PlanStatus.DECLINED:
        return _outdated(
            _(
                "Version %(version)d was declined. The manager or the contact person changes "
                "the plan and sends a new version to answer.",
                version=plan.version,
            )
        )
    assert role is not None
    existing = plan.decisions(plan.version).get(role)
    if existing is not None:
        return _outdated(
            _(
                "%(name)s has already answered for version %(version)d on behalf of this role.",
                name=existing.user_name,
                version=plan.version,
            )
        )
    return None


def can_decide(user: User, role: MemberRole | None, plan: ActionPlan) -> bool:
    """May ``user``, as ``role``, confirm or decline the current version now?"""
    return user.kind == UserKind.EMPLOYER and answer_refusal(role, plan) is None


def confirms_when_sending(user: User, role: MemberRole | None, plan: ActionPlan) -> bool:
    """The manager who sends the plan confirms it in the same step ("confirm and send")."""
    return user.kind == UserKind.EMPLOYER and role in PLAN_PARTIES and can_send(user, plan)


def can_delete_theme(user: User, theme: PlanTheme) -> bool:
    """A theme is deleted once its activities are moved or deleted."""
    return can_edit(user, theme.plan) and not theme.activities


# --- snapshots and diffs ---------------------------------------------------------------------


def _pct(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(PERCENT_STEP))


def activity_content(activity: PlanActivity) -> dict[str, Any]:
    return {
        "id": activity.id,
        "title": activity.title,
        "description": activity.description,
        "responsible": activity.responsible.value,
        "start_date": activity.start_date.isoformat(),
        "end_date": activity.end_date.isoformat(),
        "training_session_id": activity.training_session_id,
        "subsidy_application_id": activity.subsidy_application_id,
    }


def snapshot(plan: ActionPlan) -> dict[str, Any]:
    """The plan's content as JSON: what a version is. Never the activities' status."""
    return {
        "period_start": plan.period_start.isoformat(),
        "period_end": plan.period_end.isoformat(),
        "sick_leave_baseline_pct": _pct(plan.sick_leave_baseline_pct),
        "sick_leave_target_pct": _pct(plan.sick_leave_target_pct),
        "goals": plan.goals,
        "themes": [
            {
                "id": theme.id,
                "title": theme.title,
                "activities": [activity_content(a) for a in theme.activities],
            }
            for theme in plan.themes
        ],
    }


GOAL_FIELDS = (
    "period_start",
    "period_end",
    "sick_leave_baseline_pct",
    "sick_leave_target_pct",
    "goals",
)
ACTIVITY_FIELDS = (
    "title",
    "description",
    "responsible",
    "start_date",
    "end_date",
    "training_session_id",
    "subsidy_application_id",
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ThemeChange:
    kind: str  # added | removed | renamed
    title: str
    old_title: str = ""


@dataclass(frozen=True)
class ActivityChange:
    kind: str  # added | removed | changed
    title: str
    theme: str
    changes: tuple[FieldChange, ...] = ()
    content: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanDiff:
    goals: tuple[FieldChange, ...]
    themes: tuple[ThemeChange, ...]
    activities: tuple[ActivityChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.goals or self.themes or self.activities)


def diff(old: dict[str, Any], new: dict[str, Any]) -> PlanDiff:
    """What changed from snapshot ``old`` to snapshot ``new`` (themes and activities by id)."""
    goals = tuple(
        FieldChange(name, old.get(name), new.get(name))
        for name in GOAL_FIELDS
        if old.get(name) != new.get(name)
    )
    old_themes = {t["id"]: t for t in old.get("themes", [])}
    new_themes = {t["id"]: t for t in new.get("themes", [])}
    themes: list[ThemeChange] = []
    for theme_id, theme in new_themes.items():
        before = old_themes.get(theme_id)
        if before is None:
            themes.append(ThemeChange("added", theme["title"]))
        elif before["title"] != theme["title"]:
            themes.append(ThemeChange("renamed", theme["title"], before["title"]))
    themes.extend(
        ThemeChange("removed", theme["title"])
        for theme_id, theme in old_themes.items()
        if theme_id not in new_themes
    )

    def activities_of(snap: dict[str, Any]) -> dict[int, tuple[int, str, dict[str, Any]]]:
        return {
            a["id"]: (t["id"], t["title"], a)
            for t in snap.get("themes", [])
            for a in t["activities"]
        }

    old_activities = activities_of(old)
    new_activities = activities_of(new)
    activities: list[ActivityChange] = []
    for activity_id, (theme_id, theme_title, activity) in new_activities.items():
        if activity_id not in old_activities:
            activities.append(ActivityChange("added", activity["title"], theme_title, (), activity))
            continue
        old_theme_id, old_theme_title, before = old_activities[activity_id]
        changes = [
            FieldChange(name, before.get(name), activity.get(name))
            for name in ACTIVITY_FIELDS
            if before.get(name) != activity.get(name)
        ]
        if old_theme_id != theme_id:
            changes.append(FieldChange("theme", old_theme_title, theme_title))
        if changes:
            activities.append(
                ActivityChange("changed", activity["title"], theme_title, tuple(changes), activity)
            )
    activities.extend(
        ActivityChange("removed", activity["title"], theme_title, (), activity)
        for activity_id, (_theme_id, theme_title, activity) in old_activities.items()
        if activity_id not in new_activities
    )
    return PlanDiff(goals, tuple(themes), tuple(activities))


def diff_since(session: Session, plan: ActionPlan, number: int) -> PlanDiff | None:
    """Changes from the stored version ``number`` to the plan as it is now."""
    stored = find_version(session, plan, number)
    return None if stored is None else diff(stored.snapshot, snapshot(plan))


# --- recording: timeline, notifications ------------------------------------------------------


def _concerned(session: Session, plan: ActionPlan, roles: Iterable[MemberRole] | None) -> set[int]:
    """The enterprise's people (all, or those in ``roles``), its contact person and deputies."""
    query = (
        select(Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.enterprise_id == plan.enterprise_id, User.active.is_(True))
    )
    if roles is not None:
        query = query.where(Membership.role.in_(list(roles)))
    # The deputies in the same statement: they follow the plan as the contact person does.
    deputies = select(ContactDeputy.adviser_id).where(
        ContactDeputy.enterprise_id == plan.enterprise_id
    )
    people = set(session.scalars(query.union(deputies)))
    contact = plan.enterprise.contact_person_id
    if contact is not None:
        people.add(contact)
    return people


def _notify(
    session: Session,
    plan: ActionPlan,
    actor: User | None,
    kind: str,
    roles: Iterable[MemberRole] | None = None,
    **params: str,
) -> None:
    notify(
        session,
        _concerned(session, plan, roles),
        kind,
        enterprise_id=plan.enterprise_id,
        url=plan_path(plan),
        params={
            "enterprise": plan.enterprise.name,
            "actor": actor.name if actor else "",
            "version": str(plan.version),
            **params,
        },
        exclude=actor.id if actor else None,
        subject=plan_subject(plan.id),
    )


def _event(
    session: Session,
    plan: ActionPlan,
    actor: User | None,
    kind: PlanEventKind,
    *,
    text: str = "",
    activity: PlanActivity | None = None,
    from_status: ActivityStatus | None = None,
    to_status: ActivityStatus | None = None,
) -> PlanEvent:
    event = PlanEvent(
        plan_id=plan.id,
        user_id=actor.id if actor else None,
        user_name=actor.name if actor else "",
        kind=kind,
        version=plan.version,
        text=text,
        activity_id=activity.id if activity else None,
        activity_title=activity.title if activity else "",
        from_status=from_status,
        to_status=to_status,
        at=utcnow(),
    )
    session.add(event)
    return event


def _touch(plan: ActionPlan, actor: User | None) -> None:
    """Update the plan row, so its version counter guards this change against a parallel one."""
    plan.updated_at = utcnow()
    plan.updated_by_id = actor.id if actor else None


def _content_change(session: Session, plan: ActionPlan, actor: User) -> None:
    """Before any content change: a sent version is frozen, so the change opens a new draft."""
    _touch(plan, actor)
    if not opens_new_version(plan):
        return
    plan.version += 1
    plan.status = PlanStatus.DRAFT
    plan.sent_at = None
    plan.agreed_at = None
    _event(session, plan, actor, PlanEventKind.NEW_VERSION)
    # The new version is announced when it is sent, not while it is a draft.
    withdraw(session, plan_subject(plan.id), WAITING_KINDS)


def _clean(text: str | None) -> str:
    """Trimmed text with plain newlines; refused when it holds a national identity number."""
    cleaned = (text or "").strip().replace("\r\n", "\n")
    identity.check_free_text(text=cleaned)
    return cleaned


def _percent(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if not Decimal(0) <= value <= Decimal(100):
        raise DomainError(_("A percentage must be between 0 and 100."))
    return value.quantize(PERCENT_STEP)


def _check_period(start: date, end: date) -> None:
    if end <= start:
        raise DomainError(_("The period must end after it starts."))


def _check_dates(start: date, end: date) -> None:
    if end < start:
        raise DomainError(_("The end date cannot be before the start date."))


def _check_title(title: str) -> str:
    title = _clean(title)
    if not title:
        raise DomainError(_("Enter a title."))
    if len(title) > MAX_TITLE:
        raise DomainError(_("The title can be at most %(max)d characters.", max=MAX_TITLE))
    return title


def _renumber(items: list[Any]) -> None:
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position


def _moved(items: list[Any], item: Any, direction: str) -> list[Any]:
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return items
    items = list(items)
    items[index], items[other] = items[other], items[index]
    return items


# --- creating a plan -------------------------------------------------------------------------


@_guarded
def create_plan(
    session: Session, enterprise: Enterprise, actor: User, period_start: date, period_end: date
) -> ActionPlan:
    """A new draft plan for a period, started from the template of themes and activities."""
    _require_edit(actor, enterprise)
    _check_period(period_start, period_end)
    # Plans of one enterprise are created one at a time, so the overlap check sees them all.
    lock_row(session, enterprise)
    overlapping = session.scalar(
        select(ActionPlan.id).where(
            ActionPlan.enterprise_id == enterprise.id,
            ActionPlan.period_start <= period_end,
            ActionPlan.period_end >= period_start,
        )
    )
    if overlapping is not None:
        # A conflict with a stored plan (also for the loser of two at once).
        raise DomainError(
            _("The enterprise already has an action plan for part of this period."), status=409
        )
    now = utcnow()
    plan = ActionPlan(
        enterprise_id=enterprise.id,
        period_start=period_start,
        period_end=period_end,
        created_by_id=actor.id,
        updated_by_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    for position, (theme_title, activities) in enumerate(TEMPLATE):
        theme = PlanTheme(title=str(theme_title), position=position)
        for index, template in enumerate(activities):
            theme.activities.append(
                PlanActivity(
                    title=str(template.title),
                    description=str(template.description),
                    responsible=template.responsible,
                    start_date=period_start,
                    end_date=period_end,
                    position=index,
                    updated_by_id=actor.id,
                )
            )
        plan.themes.append(theme)
    session.add(plan)
    try:
        session.flush()
    except IntegrityError as error:
        raise DomainError(
            _("The enterprise already has an action plan for part of this period.")
        ) from error
    _event(session, plan, actor, PlanEventKind.CREATED)
    _notify(session, plan, actor, "plan.created")
    session.flush()
    return plan


# --- goals -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Goals:
    period_start: date
    period_end: date
    sick_leave_baseline_pct: Decimal | None
    sick_leave_target_pct: Decimal | None
    goals: str


@_guarded
def update_goals(
    session: Session, plan: ActionPlan, actor: User, revision: int, goals: Goals
) -> bool:
    """Save the period and goals; False when nothing changed. Raises ``StaleEdit``."""
    _require_edit(actor, plan)
    if revision != plan.goals_revision:
        raise StaleEdit(_("Someone else saved the goals while you were editing them."))
    _check_period(goals.period_start, goals.period_end)
    text = _clean(goals.goals)
    if len(text) > MAX_TEXT:
        raise DomainError(_("The text can be at most %(max)d characters.", max=MAX_TEXT))
    values = {
        "period_start": goals.period_start,
        "period_end": goals.period_end,
        "sick_leave_baseline_pct": _percent(goals.sick_leave_baseline_pct),
        "sick_leave_target_pct": _percent(goals.sick_leave_target_pct),
        "goals": text,
    }
    if all(getattr(plan, name) == value for name, value in values.items()):
        return False
    if (goals.period_start, goals.period_end) != (plan.period_start, plan.period_end):
        lock_row(session, session.get_one(Enterprise, plan.enterprise_id))
        overlapping = session.scalar(
            select(ActionPlan.id).where(
                ActionPlan.enterprise_id == plan.enterprise_id,
                ActionPlan.id != plan.id,
                ActionPlan.period_start <= goals.period_end,
                ActionPlan.period_end >= goals.period_start,
            )
        )
        if overlapping is not None:
            raise DomainError(
                _("The enterprise already has an action plan for part of this period."), status=409
            )
    _content_change(session, plan, actor)
    for name, value in values.items():
        setattr(plan, name, value)
    plan.goals_revision += 1
    _notify(session, plan, actor, "plan.goals_changed")
    session.flush()
    return True


# --- themes ----------------------------------------------------------------------------------


@_guarded
def add_theme(session: Session, plan: ActionPlan, actor: User, title: str) -> PlanTheme:
    _require_edit(actor, plan)
    title = _check_title(title)
    _content_change(session, plan, actor)
    theme = PlanTheme(title=title, position=len(plan.themes))
    plan.themes.append(theme)
    _notify(session, plan, actor, "plan.themes_changed")
    session.flush()
    return theme


@_guarded
def rename_theme(
    session: Session, theme: PlanTheme, actor: User, revision: int, title: str
) -> bool:
    _require_edit(actor, theme.plan)
    if revision != theme.revision:
        raise StaleEdit(_("Someone else renamed this theme while you were editing it."))
    title = _check_title(title)
    if title == theme.title:
        return False
    plan = theme.plan
    _content_change(session, plan, actor)
    theme.title = title
    theme.revision += 1
    _notify(session, plan, actor, "plan.themes_changed")
    session.flush()
    return True


@_guarded
def move_theme(session: Session, theme: PlanTheme, actor: User, direction: str) -> bool:
    """Order is not content: no new version."""
    plan = theme.plan
    _require_edit(actor, plan)
    themes = list(plan.themes)
    moved = _moved(themes, theme, direction)
    if moved == themes:
        return False
    _renumber(moved)
    _notify(session, plan, actor, "plan.reordered")
    session.flush()
    session.expire(plan, ["themes"])
    return True


@_guarded
def delete_theme(session: Session, theme: PlanTheme, actor: User) -> None:
    _require_edit(actor, theme.plan)
    if not can_delete_theme(actor, theme):
        raise DomainError(_("Move or delete the theme's activities before deleting the theme."))
    plan = theme.plan
    _content_change(session, plan, actor)
    plan.themes.remove(theme)
    session.delete(theme)
    _renumber(list(plan.themes))
    _notify(session, plan, actor, "plan.themes_changed")
    session.flush()


# --- activities ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityFields:
    title: str
    description: str
    responsible: Responsible
    start_date: date
    end_date: date


def _checked(fields: ActivityFields) -> dict[str, Any]:
    _check_dates(fields.start_date, fields.end_date)
    description = _clean(fields.description)
    if len(description) > MAX_TEXT:
        raise DomainError(_("The text can be at most %(max)d characters.", max=MAX_TEXT))
    return {
        "title": _check_title(fields.title),
        "description": description,
        "responsible": Responsible(fields.responsible),
        "start_date": fields.start_date,
        "end_date": fields.end_date,
    }


@_guarded
def add_activity(
    session: Session,
    theme: PlanTheme,
    actor: User,
    fields: ActivityFields,
    status: ActivityStatus = ActivityStatus.PLANNED,
) -> PlanActivity:
    _require_edit(actor, theme.plan)
    values = _checked(fields)
    plan = theme.plan
    _content_change(session, plan, actor)
    activity = PlanActivity(
        **values,
        status=status,
        position=len(theme.activities),
        updated_by_id=actor.id,
        updated_at=utcnow(),
    )
    theme.activities.append(activity)
    session.flush()
    _notify(session, plan, actor, "plan.activity_added", activity=activity.title)
    session.flush()
    return activity


def _set_status(
    session: Session, activity: PlanActivity, actor: User, status: ActivityStatus
) -> None:
    plan = activity.theme.plan
    _event(
        session,
        plan,
        actor,
        PlanEventKind.STATUS,
        activity=activity,
        from_status=activity.status,
        to_status=status,
    )
    activity.status = status
    _notify(session, plan, actor, "plan.activity_status", activity=activity.title)


@_guarded
def update_activity(
    session: Session,
    activity: PlanActivity,
    actor: User,
    revision: int,
    fields: ActivityFields,
    status: ActivityStatus | None = None,
    theme: PlanTheme | None = None,
) -> bool:
    """Save an activity; False when nothing changed. A status change alone keeps the version."""
    _require_edit(actor, activity.theme.plan)
    if revision != activity.revision:
        raise StaleEdit(_("Someone else saved this activity while you were editing it."))
    values = _checked(fields)
    plan = activity.theme.plan
    if theme is not None and theme.plan_id != plan.id:
        raise DomainError(_("Choose one of the plan's themes."))
    new_theme = theme if theme is not None and theme.id != activity.theme_id else None
    content_changed = new_theme is not None or any(
        getattr(activity, name) != value for name, value in values.items()
    )
    status_changed = status is not None and status != activity.status
    if not content_changed and not status_changed:
        return False
    if content_changed:
        _content_change(session, plan, actor)
        for name, value in values.items():
            setattr(activity, name, value)
        if new_theme is not None:
            old_theme = activity.theme
            old_theme.activities.remove(activity)
            activity.position = len(new_theme.activities)
            new_theme.activities.append(activity)
            _renumber(list(old_theme.activities))
        _notify(session, plan, actor, "plan.activity_changed", activity=activity.title)
    if status is not None and status_changed:
        _set_status(session, activity, actor, status)
    activity.revision += 1
    activity.updated_at = utcnow()
    activity.updated_by_id = actor.id
    session.flush()
    return True


@_guarded
def change_status(
    session: Session, activity: PlanActivity, actor: User, revision: int, status: ActivityStatus
) -> bool:
    """Progress during the period: recorded on the timeline, never a new version."""
    role = member_role(actor, activity.theme.plan.enterprise_id)
    if not can_change_status(actor, role, activity):
        raise DomainError(
            _(
                "Only the manager, the contact person and the party responsible for the "
                "activity change its status."
            ),
            status=403,
        )
    if revision != activity.revision:
        raise StaleEdit(_("Someone else changed this activity in the meantime."))
    if status == activity.status:
        return False
    # Everything changes before the timeline's and notifications' queries flush it: one UPDATE.
    activity.revision += 1
    activity.updated_at = utcnow()
    activity.updated_by_id = actor.id
    _set_status(session, activity, actor, status)
    session.flush()
    return True


@_guarded
def move_activity(session: Session, activity: PlanActivity, actor: User, direction: str) -> bool:
    """Order is not content: no new version."""
    theme = activity.theme
    _require_edit(actor, theme.plan)
    siblings = list(theme.activities)
    moved = _moved(siblings, activity, direction)
    if moved == siblings:
        return False
    _renumber(moved)
    _notify(session, theme.plan, actor, "plan.reordered")
    session.flush()
    session.expire(theme, ["activities"])
    return True


@_guarded
def delete_activity(session: Session, activity: PlanActivity, actor: User) -> None:
    theme = activity.theme
    plan = theme.plan
    _require_edit(actor, plan)
    title = activity.title
    _content_change(session, plan, actor)
    theme.activities.remove(activity)
    session.delete(activity)
    _renumber(list(theme.activities))
    _notify(session, plan, actor, "plan.activity_removed", activity=title)
    session.flush()


# --- sending and agreeing --------------------------------------------------------------------


@_guarded
def send_for_confirmation(
    session: Session, plan: ActionPlan, actor: User, row_version: int, confirm: bool = False
) -> PlanVersion:
    """Freeze the current version and ask the three parties to confirm it; with ``confirm``
    the manager who sends it confirms it in the same step ("confirm and send")."""
    refusal = send_refusal(actor, plan)
    if refusal is not None:
        raise refusal
    role = member_role(actor, plan.enterprise_id)
    if confirm and not confirms_when_sending(actor, role, plan):
        raise DomainError(
            _(
                "Only the manager, the safety delegate and the union representative confirm "
                "the plan."
            ),
            status=403,
        )
    if row_version != plan.row_version:
        raise StaleEdit(
            _(
                "The plan has changed since you opened it. Look through it and send it again "
                "if it is ready."
            )
        )
    if not any(a.status != ActivityStatus.CANCELLED for a in plan.activities):
        raise DomainError(_("Add at least one activity before sending the plan."))
    now = utcnow()
    _touch(plan, actor)
    plan.status = PlanStatus.SENT
    plan.sent_at = now
    stored = PlanVersion(
        plan_id=plan.id,
        version=plan.version,
        snapshot=snapshot(plan),
        created_at=now,
        created_by_id=actor.id,
    )
    session.add(stored)
    try:
        session.flush()
    except IntegrityError as error:
        raise ConcurrentChange() from error
    _event(session, plan, actor, PlanEventKind.SENT)
    withdraw(session, plan_subject(plan.id), WAITING_KINDS)
    _notify(session, plan, actor, "plan.sent", PLAN_PARTIES)
    if confirm:
        assert role is not None
        # One notice (sent) says it all: the sender's own confirmation is on the plan page.
        _record(session, plan, actor, role, Decision.CONFIRMED, "", announce=False)
    session.flush()
    return stored


def _record(
    session: Session,
    plan: ActionPlan,
    actor: User,
    role: MemberRole,
    decision: Decision,
    reason: str,
    announce: bool = True,
) -> PlanConfirmation:
    """Store a checked decision: a decline ends the round, three confirmations agree the plan."""
    now = utcnow()
    _touch(plan, actor)
    confirmation = PlanConfirmation(
        plan_id=plan.id,
        version=plan.version,
        role=role,
        user_id=actor.id,
        user_name=actor.name,
        decision=decision,
        reason=reason if decision == Decision.DECLINED else "",
        at=now,
    )
    plan.confirmations.append(confirmation)
    try:
        session.flush()
    except IntegrityError as error:
        # The same party answered in a parallel request.
        raise ConcurrentChange() from error
    if decision == Decision.CONFIRMED:
        _event(session, plan, actor, PlanEventKind.CONFIRMED)
        withdraw(session, plan_subject(plan.id), WAITING_KINDS, user_ids=[actor.id])
        if announce:
            _notify(session, plan, actor, "plan.confirmed", PLAN_PARTIES)
    else:
        plan.status = PlanStatus.DECLINED
        _event(session, plan, actor, PlanEventKind.DECLINED, text=reason)
        # A declined version is answered no more: nobody is asked to confirm it.
        withdraw(session, plan_subject(plan.id), WAITING_KINDS)
        _notify(session, plan, actor, "plan.declined", PLAN_PARTIES)
    if plan.confirmed_roles(plan.version) >= set(PLAN_PARTIES):
        plan.status = PlanStatus.AGREED
        plan.agreed_at = now
        _event(session, plan, None, PlanEventKind.AGREED)
        withdraw(session, plan_subject(plan.id), WAITING_KINDS)
        _notify(session, plan, actor, "plan.agreed")
    return confirmation


@_guarded
def decide(
    session: Session,
    plan: ActionPlan,
    actor: User,
    role: MemberRole | None,
    version: int,
    decision: Decision,
    reason: str = "",
) -> PlanConfirmation:
    """A party confirms (or declines, with a reason) the version it was shown.

    Refused: a version other than the current one, a version not yet sent or already declined,
    and a second answer by the same party on the same version.
    """
    refusal = answer_refusal(role, plan, version)
    if refusal is not None:
        raise refusal
    assert role is not None
    reason = _clean(reason)
    if decision == Decision.DECLINED and not reason:
        raise DomainError(_("Say why you decline, so the others can change the plan."), "reason")
    if len(reason) > MAX_TEXT:
        raise DomainError(_("The text can be at most %(max)d characters.", max=MAX_TEXT), "reason")
    confirmation = _record(session, plan, actor, role, decision, reason)
    session.flush()
    return confirmation


@_guarded
def reopen(session: Session, plan: ActionPlan, actor: User, row_version: int) -> None:
    """After a decline: open version N+1 as a draft to change and send ("change the plan and
    send a new version"). Nothing is announced until it is sent."""
    _require_edit(actor, plan)
    if not can_reopen(actor, plan):
        raise _outdated(
            _("Version %(version)d is not declined: nothing to reopen.", version=plan.version)
        )
    if row_version != plan.row_version:
        raise StaleEdit(_("The plan has changed since you opened it. Look through it again."))
    _touch(plan, actor)
    plan.version += 1
    plan.status = PlanStatus.DRAFT
    plan.sent_at = None
    plan.agreed_at = None
    _event(session, plan, actor, PlanEventKind.NEW_VERSION)
    session.flush()


# --- comments --------------------------------------------------------------------------------


def comment(
    session: Session,
    plan: ActionPlan,
    actor: User,
    text: str,
    activity: PlanActivity | None = None,
    confirmed: bool = False,
) -> PlanEvent:
    text = _clean(text)
    if not text:
        raise DomainError(_("Write a comment."))
    if len(text) > MAX_TEXT:
        raise DomainError(_("The text can be at most %(max)d characters.", max=MAX_TEXT))
    check_health_details(confirmed, text=text)
    if activity is not None and activity.theme.plan_id != plan.id:
        raise DomainError(_("Choose one of the plan's activities."))
    event = _event(session, plan, actor, PlanEventKind.COMMENT, text=text, activity=activity)
    _notify(session, plan, actor, "plan.commented")
    session.flush()
    return event


# --- the contact person's overview -----------------------------------------------------------


@dataclass(frozen=True)
class Awaiting:
    plan: ActionPlan
    confirmed: list[PlanConfirmation]
    declined: list[PlanConfirmation]
    awaiting: list[MemberRole]


@dataclass(frozen=True)
class Listed:
    """A plan as the overview lists it (what a row shows and links to), read as plain columns:
    building ORM objects for the rows cost more than the statements' own growth with the data."""

    id: int
    enterprise_id: int
    enterprise_name: str
    version: int
    period_start: date
    period_end: date


@dataclass(frozen=True)
class Overdue:
    plan: Listed
    activity_id: int
    title: str
    responsible: Responsible
    end_date: date
    status: ActivityStatus
    days: int


@dataclass(frozen=True)
class Overview:
    # Plans and activities are read in the order listed, a page at a time, and not counted: a
    # county has thousands; the enterprises without a current plan are few, and counted.
    awaiting: Peek[Awaiting]
    # Declined plans wait for the manager or the contact person: who declined, and why.
    declined: Peek[Awaiting]
    drafts: Peek[Listed]
    overdue: Peek[Overdue]
    without_plan: Page[tuple[int, str]]


# Rows per section of the overview; each section has pages of its own. Ten, so that all five
# sections are in reach on a phone: at 25 each, a county's overview was 125 rows long, and the
# drafts and the enterprises without a plan came after the first 75.
OVERVIEW_PAGE_SIZE = 10
OVERVIEW_SECTIONS = ("awaiting", "declined", "overdue", "drafts", "without")


def overview(
    session: Session,
    in_scope: ColumnElement[bool],
    today: date,
    pages: Mapping[str, int] | None = None,
    size: int = OVERVIEW_PAGE_SIZE,
) -> Overview:
    """Which plans await whose confirmation, which are drafts, which activities are overdue,
    which enterprises have no current plan: among the enterprises ``in_scope`` holds for (a
    condition on Enterprise), one page of each, one statement each (the plans awaiting answers
    bring their confirmations along, joined to the page). Each list is read in an order an
    index serves, so a page stops the scan (ix_action_plan_status_sent,
    ix_action_plan_status_updated, ix_enterprise_name, ix_plan_activity_open_end_date)."""
    pages = pages or {}
    # Plans awaiting answers are objects (their confirmations decide what is missing), loaded
    # with only the columns the rows show. (Not raiseload: it sets a loader on every row for every
    # column left out, 1–2 ms a page; a column read anyway would be a statement a row, which the
    # statement budget's two sizes catch.) The other lists are plain columns.
    shown_plan = load_only(
        ActionPlan.enterprise_id, ActionPlan.version, ActionPlan.status, ActionPlan.sent_at
    )
    shown_enterprise = contains_eager(ActionPlan.enterprise).load_only(Enterprise.name)
    with_enterprise = (
        select(ActionPlan).join(ActionPlan.enterprise).options(shown_plan, shown_enterprise)
    )

    def answers(status: PlanStatus, order: Any, section: str) -> Peek[Awaiting]:
        found = peek(
            session,
            # Joined, not a statement of its own: a page of plans has few confirmations.
            with_enterprise.options(joinedload(ActionPlan.confirmations))
            .where(in_scope, ActionPlan.status == status)
            .order_by(order, ActionPlan.id),
            pages.get(section, 1),
            size,
        )
        rows = []
        for plan in found.items:
            decisions = plan.decisions(plan.version)
            rows.append(
                Awaiting(
                    plan,
                    [c for c in decisions.values() if c.decision == Decision.CONFIRMED],
                    plan.declines(plan.version),
                    awaiting_roles(plan),
                )
            )
        return Peek(rows, found.number, found.size, found.has_next)

    listed = (
        ActionPlan.id,
        ActionPlan.enterprise_id,
        Enterprise.name,
        ActionPlan.version,
        ActionPlan.period_start,
        ActionPlan.period_end,
    )
    drafts = peek(
        session,
        select(*listed)
        .join(ActionPlan.enterprise)
        .where(in_scope, ActionPlan.status == PlanStatus.DRAFT, ActionPlan.period_end >= today)
        .order_by(Enterprise.name, ActionPlan.id),
        pages.get("drafts", 1),
        size,
    )
    late = peek(
        session,
        select(
            *listed,
            PlanActivity.id,
            PlanActivity.title,
            PlanActivity.responsible,
            PlanActivity.end_date,
            PlanActivity.status,
        )
        .join(PlanActivity.theme)
        .join(PlanTheme.plan)
        .join(ActionPlan.enterprise)
        .where(
            in_scope,
            PlanActivity.status.in_(OPEN_ACTIVITY_STATUSES),
            PlanActivity.end_date < today,
        )
        .order_by(PlanActivity.end_date, PlanActivity.id),
        pages.get("overdue", 1),
        size,
    )
    current_plan = (
        select(ActionPlan.id)
        .where(ActionPlan.enterprise_id == Enterprise.id, ActionPlan.period_end >= today)
        .exists()
    )
    without = paginate_counted(
        session,
        select(Enterprise.id, Enterprise.name)
        .where(in_scope, ~current_plan)
        .order_by(Enterprise.name, Enterprise.id),
        pages.get("without", 1),
        size,
    )
    return Overview(
        answers(
            PlanStatus.SENT,
            ActionPlan.sent_at,  # set whenever a plan is sent
            "awaiting",
        ),
        answers(PlanStatus.DECLINED, ActionPlan.updated_at, "declined"),
        Peek([Listed(*row) for row in drafts.items], drafts.number, drafts.size, drafts.has_next),
        Peek(
            [
                Overdue(
                    Listed(*plan), activity_id, title, responsible, end, status, (today - end).days
                )
                for *plan, activity_id, title, responsible, end, status in late.items
            ],
            late.number,
            late.size,
            late.has_next,
        ),
        without,
    )
