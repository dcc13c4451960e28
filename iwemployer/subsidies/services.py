"""Subsidy applications: drafts, completeness, statements, the status machine, decisions against
the centre's budget, final reports and attachments.

Functions of ``(session, plain values)``; they raise ``DomainError`` and never commit or roll
back. Status changes are conditional updates (``UPDATE ... WHERE status = :expected``), so a
double click or two advisers at once give one result; a grant raises the centre budget's
``granted`` only ``WHERE granted + x <= amount``, so two decisions at once cannot overspend it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from .. import attachments
from ..errors import DomainError
from ..health_words import check_health_details
from ..locking import lock_row
from ..models import (
    ActionPlan,
    ApplicationEvent,
    ApplicationEventKind,
    ApplicationStatus,
    AttachmentPart,
    BudgetLine,
    Centre,
    CentreBudget,
    Enterprise,
    FinalReport,
    MemberRole,
    Membership,
    PartyStatement,
    PlanActivity,
    PlanTheme,
    SubsidyApplication,
    SubsidyAttachment,
    SubsidyDecision,
    SubsidyScheme,
    User,
    UserKind,
    utcnow,
)
from ..notifications.services import notify, register_event
from ..requests.services import LOCAL_TIME, check_free_text
from ..translation import lazy_gettext as _l
from .labels import kroner

S = ApplicationStatus
E = ApplicationEventKind

# The status machine: every change not listed here is refused.
ALLOWED_TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.UNDER_REVIEW}),
    S.UNDER_REVIEW: frozenset({S.RETURNED, S.GRANTED, S.REJECTED}),
    S.RETURNED: frozenset({S.SUBMITTED}),
    S.GRANTED: frozenset({S.REPORTED}),
    S.REJECTED: frozenset(),
    S.REPORTED: frozenset({S.CLOSED, S.GRANTED}),
    S.CLOSED: frozenset(),
}
# The manager writes while these last; the parties give statements until the decision.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
OPEN_FOR_STATEMENTS = frozenset({S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED})
PARTIES = (MemberRole.SAFETY_DELEGATE, MemberRole.UNION_REP)
READERS = (MemberRole.MANAGER, *PARTIES)

MAX_TEXT = 4000
MAX_AMOUNT = 100_000_000
MAX_LINES = 30
MAX_ATTACHMENTS = 20

EMPLOYER_PATH = "/enterprises/{enterprise_id}/subsidies/{application_id}"

# The steps someone must act on are mailed unless the user turns it off; the mail's one line
# names no enterprise and no amount.
register_event(
    "subsidies.submitted",
    _l("%(enterprise)s applied for a subsidy (application no. %(number)s)"),
    mail_default=True,
    mail_line=_l("A subsidy application awaits the centre."),
)
register_event("subsidies.taken", _l("Subsidy application no. %(number)s is under review"))
register_event(
    "subsidies.returned",
    _l("The centre asks for more information on application no. %(number)s"),
    mail_default=True,
    mail_line=_l("The centre asks for more information on a subsidy application."),
)
register_event(
    "subsidies.decided",
    _l("Subsidy application no. %(number)s has been decided"),
    mail_default=True,
    mail_line=_l("A subsidy application has been decided."),
)
register_event("subsidies.statement", _l("A statement was added to application no. %(number)s"))
register_event(
    "subsidies.reported",
    _l("%(enterprise)s sent the final report on application no. %(number)s"),
    mail_default=True,
    mail_line=_l("A final report on a subsidy awaits the centre."),
)
register_event(
    "subsidies.report_returned",
    _l("The centre asks for more in the final report no. %(number)s"),
    mail_default=True,
    mail_line=_l("The centre asks for more in a final report."),
)
register_event("subsidies.closed", _l("The final report on application no. %(number)s is accepted"))

TRANSITION_REFUSED = _l("The application cannot change to that status now.")
NOT_YOURS = _l("You cannot do that with this application.")
STALE = _l("Someone else changed the application at the same time. Look at it again.")
OVER_BUDGET = _l(
    "The centre's subsidy budget for %(year)d has %(remaining)s left: not enough for this grant."
)
NO_BUDGET = _l("The centre has no subsidy budget for %(year)d. Ask the administrator to set it.")
REQUIRED = _l("Fill in this field.")


class Incomplete(DomainError):
    """Submitting refused: every field still missing, each with its message."""

    def __init__(self, missing: list[tuple[str, str]]) -> None:
        super().__init__(missing[0][1], missing[0][0])
        self.missing = missing


class AlreadyCreated(DomainError):
    """The new-application form was sent twice: the view goes to the application it made."""

    def __init__(self, application_id: int) -> None:
        super().__init__("already created", status=409)
        self.application_id = application_id


def _conflict(message: Any) -> DomainError:
    return DomainError(str(message), status=409)


def today_in_oslo() -> date:
    return utcnow().astimezone(LOCAL_TIME).date()


# --- amounts -------------------------------------------------------------------------------------


def parse_amount(text: str | None, field: str) -> int | None:
    """Whole kroner as typed ("12 500", "12500 kr"); None when empty; refused otherwise."""
    cleaned = (text or "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    cleaned = cleaned.removesuffix("kr").removesuffix(",-").strip()
    if not cleaned:
        return None
    if cleaned.startswith("-"):
        raise DomainError(str(_l("An amount cannot be negative.")), field)
    if not cleaned.isdigit():
        raise DomainError(str(_l("Write the amount in whole kroner, digits only.")), field)
    value = int(cleaned)
    if value > MAX_AMOUNT:
        raise DomainError(str(_l("The amount is too large.")), field)
    return value


# --- who may do what -----------------------------------------------------------------------------


def can_transition(current: ApplicationStatus, wanted: ApplicationStatus) -> bool:
    return wanted in ALLOWED_TRANSITIONS[current]


def can_create(user: User, role: MemberRole | None) -> bool:
    return user.kind == UserKind.EMPLOYER and role == MemberRole.MANAGER


def can_edit(app: SubsidyApplication, user: User, role: MemberRole | None) -> bool:
    return can_create(user, role) and app.status in EDITABLE


def can_submit(app: SubsidyApplication, user: User, role: MemberRole | None) -> bool:
    return can_edit(app, user, role)


def can_delete(app: SubsidyApplication, user: User, role: MemberRole | None) -> bool:
    return can_create(user, role) and app.status == S.DRAFT


def can_state(app: SubsidyApplication, user: User, role: MemberRole | None) -> bool:
    """The safety delegate and the union representative add their statement before the decision."""
    return user.kind == UserKind.EMPLOYER and role in PARTIES and app.status in OPEN_FOR_STATEMENTS


def can_attach(
    app: SubsidyApplication, user: User, role: MemberRole | None, part: AttachmentPart
) -> bool:
    if part == AttachmentPart.REPORT:
        return can_report(app, user, role)
    return can_edit(app, user, role)


def can_take(app: SubsidyApplication, user: User) -> bool:
    return user.kind == UserKind.ADVISER and app.status == S.SUBMITTED


def can_decide(app: SubsidyApplication, user: User) -> bool:
    return user.kind == UserKind.ADVISER and app.status == S.UNDER_REVIEW


def can_report(app: SubsidyApplication, user: User, role: MemberRole | None) -> bool:
    return can_create(user, role) and app.status == S.GRANTED


def can_review_report(app: SubsidyApplication, user: User) -> bool:
    return user.kind == UserKind.ADVISER and app.status == S.REPORTED


def has_letter(app: SubsidyApplication) -> bool:
    return app.decision is not None


@dataclass(frozen=True)
class Permissions:
    edit: bool
    submit: bool
    delete: bool
    state: bool
    take: bool
    decide: bool
    report: bool
    review_report: bool
    attach: bool
    attach_report: bool


def permissions(app: SubsidyApplication, user: User, role: MemberRole | None) -> Permissions:
    return Permissions(
        edit=can_edit(app, user, role),
        submit=can_submit(app, user, role),
        delete=can_delete(app, user, role),
        state=can_state(app, user, role),
        take=can_take(app, user),
        decide=can_decide(app, user),
        report=can_report(app, user, role),
        review_report=can_review_report(app, user),
        attach=can_attach(app, user, role, AttachmentPart.APPLICATION),
        attach_report=can_attach(app, user, role, AttachmentPart.REPORT),
    )


# --- the status machine --------------------------------------------------------------------------


def _move(
    session: Session,
    app: SubsidyApplication,
    wanted: ApplicationStatus,
    actor: User,
    event: ApplicationEventKind,
    message: str = "",
    **values: Any,
) -> None:
    """Change the status by ``UPDATE ... WHERE status = :expected``: of two at once, one wins."""
    if not can_transition(app.status, wanted):
        raise _conflict(TRANSITION_REFUSED)
    now = utcnow()
    result = session.execute(
        update(SubsidyApplication)
        .where(SubsidyApplication.id == app.id, SubsidyApplication.status == app.status)
        .values(status=wanted, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _conflict(STALE)
    # The row is ours now (locked until commit); bring the object in line with it.
    session.refresh(app)
    session.add(
        ApplicationEvent(
            application_id=app.id, kind=event, actor_id=actor.id, message=message, created_at=now
        )
    )


# --- drafts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    title: str
    purpose: str = ""
    expected_effect: str = ""
    activity_description: str = ""
    period_start: date | None = None
    period_end: date | None = None
    own_share: int | None = None
    amount_applied: int | None = None
    scheme_id: int | None = None
    plan_activity_id: int | None = None


def active_schemes(session: Session) -> list[SubsidyScheme]:
    return list(
        session.scalars(
            select(SubsidyScheme).where(SubsidyScheme.active.is_(True)).order_by(SubsidyScheme.name)
        )
    )


def plan_activities(session: Session, enterprise_id: int) -> list[PlanActivity]:
    """The activities of the enterprise's plans, which an application may fund."""
    return list(
        session.scalars(
            select(PlanActivity)
            .join(PlanTheme, PlanTheme.id == PlanActivity.theme_id)
            .join(ActionPlan, ActionPlan.id == PlanTheme.plan_id)
            .where(ActionPlan.enterprise_id == enterprise_id)
            .options(selectinload(PlanActivity.theme))
            .order_by(PlanTheme.position, PlanActivity.position, PlanActivity.id)
        )
    )


def _check_text(draft: Draft, **more: str) -> None:
    texts = {
        "title": draft.title,
        "purpose": draft.purpose,
        "expected_effect": draft.expected_effect,
        "activity_description": draft.activity_description,
        **more,
    }
    check_free_text(**texts)
    for name, text in texts.items():
        if len(text or "") > MAX_TEXT:
            raise DomainError(str(_l("The text is too long.")), name)


def _check_links(session: Session, enterprise_id: int, draft: Draft) -> None:
    if draft.scheme_id is not None and draft.scheme_id not in {
        s.id for s in active_schemes(session)
    }:
        raise DomainError(str(_l("Choose one of the schemes.")), "scheme_id")
    if draft.plan_activity_id is not None and draft.plan_activity_id not in {
        a.id for a in plan_activities(session, enterprise_id)
    }:
        raise DomainError(
            str(_l("Choose one of the action plan's activities.")), "plan_activity_id"
        )


def find_by_token(session: Session, token: str) -> SubsidyApplication | None:
    return session.scalar(select(SubsidyApplication).where(SubsidyApplication.form_token == token))


def create(
    session: Session,
    enterprise: Enterprise,
    author: User,
    role: MemberRole | None,
    token: str,
    draft: Draft,
) -> SubsidyApplication:
    """Start a draft; the form's one-time token makes a resend find the first one."""
    if not can_create(author, role):
        raise _conflict(NOT_YOURS)
    if not token or len(token) > 64:
        raise DomainError(str(_l("The form had expired. Please send it again.")))
    existing = find_by_token(session, token)
    if existing is not None:
        if existing.enterprise_id == enterprise.id:
            raise AlreadyCreated(existing.id)
        raise DomainError(str(_l("The form had expired. Please send it again.")))
    if not draft.title.strip():
        raise DomainError(str(REQUIRED), "title")
    if draft.scheme_id is None:
        raise DomainError(str(_l("Choose one of the schemes.")), "scheme_id")
    _check_text(draft)
    _check_links(session, enterprise.id, draft)
    now = utcnow()
    app = SubsidyApplication(
        enterprise_id=enterprise.id,
        scheme_id=draft.scheme_id,
        plan_activity_id=draft.plan_activity_id,
        form_token=token,
        title=draft.title.strip(),
        purpose=draft.purpose,
        created_by_id=author.id,
        created_at=now,
        updated_at=now,
    )
    if draft.plan_activity_id is not None:
        activity = session.get(PlanActivity, draft.plan_activity_id)
        if activity is not None:
            app.activity_description = activity.description
            app.period_start, app.period_end = activity.start_date, activity.end_date
    try:
        with session.begin_nested():
            session.add(app)
    except IntegrityError:
        # The same form sent twice at once: the other copy won the unique token.
        found = find_by_token(session, token)
        if found is None:
            raise
        raise AlreadyCreated(found.id) from None
    session.add(ApplicationEvent(application_id=app.id, kind=E.CREATED, actor_id=author.id))
    return app


def save_draft(
    session: Session,
    app: SubsidyApplication,
    author: User,
    role: MemberRole | None,
    draft: Draft,
    lines: Sequence[tuple[str, int | None]],
    confirmed: bool = False,
) -> None:
    """Keep what is written so far, complete or not; the budget lines are replaced.

    Two saves of one draft can arrive at once (leaving a field, then Save): the application's
    row lock queues the second, which then replaces the lines the first wrote rather than
    adding its own beside them."""
    lock_row(session, app)
    session.expire(app, ["lines"])
    if not can_edit(app, author, role):
        raise _conflict(NOT_YOURS)
    _check_text(draft, **{f"line-{i}-item": item for i, (item, _) in enumerate(lines)})
    check_health_details(
        confirmed,
        purpose=draft.purpose,
        expected_effect=draft.expected_effect,
        activity_description=draft.activity_description,
    )
    _check_links(session, app.enterprise_id, draft)
    kept = [(item.strip(), amount) for item, amount in lines if item.strip() or amount is not None]
    if len(kept) > MAX_LINES:
        raise DomainError(str(_l("At most %(n)d budget lines.", n=MAX_LINES)))
    for index, (item, _amount) in enumerate(kept):
        if len(item) > 200:
            raise DomainError(str(_l("The text is too long.")), f"line-{index}-item")
    app.title = draft.title.strip() or app.title
    app.purpose = draft.purpose
    app.expected_effect = draft.expected_effect
    app.activity_description = draft.activity_description
    app.period_start, app.period_end = draft.period_start, draft.period_end
    app.own_share = draft.own_share or 0
    app.amount_applied = draft.amount_applied or 0
    if draft.scheme_id is not None:
        app.scheme_id = draft.scheme_id
        app.scheme = session.get_one(SubsidyScheme, draft.scheme_id)
    app.plan_activity_id = draft.plan_activity_id
    app.lines = [
        BudgetLine(position=i, item=item, amount=amount or 0)
        for i, (item, amount) in enumerate(kept)
    ]
    app.updated_at = utcnow()


def statement_of(app: SubsidyApplication, role: MemberRole) -> PartyStatement | None:
    return next((s for s in app.statements if s.role == role), None)


def missing(app: SubsidyApplication, reason: str = "") -> list[tuple[str, str]]:
    """Everything that keeps the application from being submitted, field by field."""
    found: list[tuple[str, str]] = []
    for name in ("purpose", "expected_effect", "activity_description"):
        if not getattr(app, name).strip():
            found.append((name, str(REQUIRED)))
    if app.period_start is None:
        found.append(("period_start", str(_l("Give the start of the period."))))
    if app.period_end is None:
        found.append(("period_end", str(_l("Give the end of the period."))))
    elif app.period_start is not None and app.period_end < app.period_start:
        found.append(("period_end", str(_l("The period must end after it starts."))))
    if not app.lines:
        found.append(("lines", str(_l("Add at least one budget line."))))
    for index, line in enumerate(app.lines):
        if not line.item:
            found.append((f"line-{index}-item", str(_l("Name the cost of every budget line."))))
    if app.amount_applied <= 0:
        found.append(("amount_applied", str(_l("Give the amount you apply for."))))
    elif app.amount_applied > app.scheme.max_amount:
        found.append(
            (
                "amount_applied",
                str(
                    _l(
                        "The scheme gives at most %(max)s.",
                        max=kroner(app.scheme.max_amount),
                    )
                ),
            )
        )
    elif app.amount_applied > app.total:
        found.append(
            ("amount_applied", str(_l("The amount applied for cannot exceed the budget's total.")))
        )
    if app.own_share > app.total:
        found.append(("own_share", str(_l("The enterprise's own share cannot exceed the total."))))
    lacking = [role for role in PARTIES if statement_of(app, role) is None]
    if lacking and not reason.strip():
        found.append(
            (
                "no_statement_reason",
                str(_l("A statement from the parties is missing: say why you send it without.")),
            )
        )
    return found


def submit(
    session: Session, app: SubsidyApplication, author: User, role: MemberRole | None, reason: str
) -> None:
    """Send the complete application to the centre (again, after more information was asked)."""
    if not can_submit(app, author, role):
        raise _conflict(TRANSITION_REFUSED)
    check_free_text(no_statement_reason=reason)
    found = missing(app, reason)
    if found:
        raise Incomplete(found)
    now = utcnow()
    lacking = [role for role in PARTIES if statement_of(app, role) is None]
    _move(
        session,
        app,
        S.SUBMITTED,
        author,
        E.SUBMITTED,
        message=reason.strip() if lacking else "",
        submitted_at=now,
        no_statement_reason=reason.strip() if lacking else "",
    )
    _notify_centre(session, app, "subsidies.submitted", author.id)


def give_statement(
    session: Session, app: SubsidyApplication, author: User, role: MemberRole | None, body: str
) -> PartyStatement:
    if not can_state(app, author, role) or role is None:
        raise _conflict(NOT_YOURS)
    body = body.strip()
    if not body:
        raise DomainError(str(_l("Write your statement.")), "body")
    if len(body) > MAX_TEXT:
        raise DomainError(str(_l("The text is too long.")), "body")
    check_free_text(body=body)
    existing = statement_of(app, role)
    if existing is None:
        existing = PartyStatement(application_id=app.id, role=role, body=body, author_id=author.id)
        try:
            with session.begin_nested():
                session.add(existing)
        except IntegrityError:
            # The other party tab won the race: keep this text as the newer version.
            session.expire(app, ["statements"])
            existing = statement_of(app, role)
            if existing is None:
                raise
    existing.body, existing.author_id, existing.created_at = body, author.id, utcnow()
    if existing not in app.statements:
        app.statements.append(existing)
    _notify_employer(session, app, "subsidies.statement", author.id)
    return existing


def delete_draft(
    session: Session, app: SubsidyApplication, author: User, role: MemberRole | None
) -> None:
    """A draft may go; its files are removed once the deletion is committed."""
    if not can_delete(app, author, role):
        raise _conflict(TRANSITION_REFUSED)
    for attachment in app.attachments:
        attachments.remove_on_commit(session, attachment.stored_name)
    session.delete(app)


# --- the centre's side ---------------------------------------------------------------------------


def take(session: Session, app: SubsidyApplication, adviser: User) -> None:
    if not can_take(app, adviser):
        raise _conflict(TRANSITION_REFUSED)
    _move(session, app, S.UNDER_REVIEW, adviser, E.TAKEN, handled_by_id=adviser.id)
    _notify_employer(session, app, "subsidies.taken", adviser.id)


def _reason(text: str, field: str = "message") -> str:
    text = text.strip()
    if not text:
        raise DomainError(str(_l("Write the reason.")), field)
    if len(text) > MAX_TEXT:
        raise DomainError(str(_l("The text is too long.")), field)
    check_free_text(**{field: text})
    return text


def ask_for_more(session: Session, app: SubsidyApplication, adviser: User, message: str) -> None:
    """Send the application back to the manager with what the centre needs."""
    if not can_decide(app, adviser):
        raise _conflict(TRANSITION_REFUSED)
    text = _reason(message)
    _move(session, app, S.RETURNED, adviser, E.RETURNED, message=text)
    _notify_employer(session, app, "subsidies.returned", adviser.id)


def budget_for(session: Session, centre_id: int, year: int) -> CentreBudget | None:
    return session.scalar(
        select(CentreBudget).where(CentreBudget.centre_id == centre_id, CentreBudget.year == year)
    )


def _reserve(session: Session, centre_id: int, year: int, amount: int) -> CentreBudget:
    """Count ``amount`` against the budget, in one conditional update: refused if it won't fit."""
    budget = budget_for(session, centre_id, year)
    if budget is None:
        raise DomainError(str(NO_BUDGET % {"year": year}), "amount", status=409)
    result = session.execute(
        update(CentreBudget)
        .where(CentreBudget.id == budget.id, CentreBudget.granted + amount <= CentreBudget.amount)
        .values(granted=CentreBudget.granted + amount)
        .execution_options(synchronize_session=False)
    )
    session.refresh(budget)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        remaining = kroner(budget.amount - budget.granted)
        raise DomainError(
            str(OVER_BUDGET % {"year": year, "remaining": remaining}), "amount", status=409
        )
    return budget


@dataclass(frozen=True)
class DecisionInput:
    decision: SubsidyDecision
    reason: str
    amount: int | None = None
    conditions: str = ""
    report_due: date | None = None


def decide(
    session: Session,
    app: SubsidyApplication,
    adviser: User,
    choice: DecisionInput,
    today: date | None = None,
) -> None:
    """Approve, partly approve (with the amount) or reject, always with a written reason."""
    if not can_decide(app, adviser):
        raise _conflict(TRANSITION_REFUSED)
    today = today or today_in_oslo()
    reason = _reason(choice.reason, "reason")
    check_free_text(conditions=choice.conditions)
    if choice.decision == SubsidyDecision.REJECTED:
        _move(
            session,
            app,
            S.REJECTED,
            adviser,
            E.DECIDED,
            message=reason,
            decision=choice.decision,
            decision_reason=reason,
            decided_at=utcnow(),
            decided_by_id=adviser.id,
        )
        _notify_employer(session, app, "subsidies.decided", adviser.id)
        return
    amount = app.amount_applied
    if choice.decision == SubsidyDecision.PARTLY_APPROVED:
        if choice.amount is None or choice.amount <= 0:
            raise DomainError(str(_l("Give the amount granted.")), "amount")
        if choice.amount >= app.amount_applied:
            raise DomainError(
                str(_l("A partial grant is less than the amount applied for.")), "amount"
            )
        amount = choice.amount
    if choice.report_due is None:
        raise DomainError(str(_l("Give the deadline for the final report.")), "report_due")
    if choice.report_due <= today:
        raise DomainError(str(_l("The deadline must be after today.")), "report_due")
    _move(
        session,
        app,
        S.GRANTED,
        adviser,
        E.DECIDED,
        message=reason,
        decision=choice.decision,
        granted_amount=amount,
        decision_reason=reason,
        conditions=choice.conditions.strip(),
        report_due=choice.report_due,
        decided_at=utcnow(),
        decided_by_id=adviser.id,
    )
    budget = _reserve(session, app.enterprise.centre_id, today.year, amount)
    app.budget_id = budget.id
    _notify_employer(session, app, "subsidies.decided", adviser.id)


def submit_report(
    session: Session,
    app: SubsidyApplication,
    author: User,
    role: MemberRole | None,
    what_was_done: str,
    effect: str,
    actual: dict[int, int | None],
) -> FinalReport:
    """The manager's final report: what was done, the actual cost per line, the effect seen."""
    if not can_report(app, author, role):
        raise _conflict(TRANSITION_REFUSED)
    check_free_text(what_was_done=what_was_done, effect=effect)
    if not what_was_done.strip():
        raise DomainError(str(REQUIRED), "what_was_done")
    if not effect.strip():
        raise DomainError(str(REQUIRED), "effect")
    for index, line in enumerate(app.lines):
        if actual.get(line.id) is None:
            raise DomainError(str(_l("Give the actual cost.")), f"actual-{index}")
    for line in app.lines:
        line.actual_amount = actual[line.id]
    report = app.report or FinalReport(application_id=app.id, what_was_done="", effect="")
    report.what_was_done, report.effect = what_was_done.strip(), effect.strip()
    report.submitted_at, report.submitted_by_id = utcnow(), author.id
    app.report = report
    _move(session, app, S.REPORTED, author, E.REPORTED)
    _notify_centre(session, app, "subsidies.reported", author.id)
    return report


def accept_report(session: Session, app: SubsidyApplication, adviser: User) -> None:
    if not can_review_report(app, adviser):
        raise _conflict(TRANSITION_REFUSED)
    now = utcnow()
    _move(session, app, S.CLOSED, adviser, E.CLOSED, closed_at=now)
    if app.report is not None:
        app.report.accepted_at = now
    _notify_employer(session, app, "subsidies.closed", adviser.id)


def return_report(session: Session, app: SubsidyApplication, adviser: User, message: str) -> None:
    if not can_review_report(app, adviser):
        raise _conflict(TRANSITION_REFUSED)
    text = _reason(message)
    _move(session, app, S.GRANTED, adviser, E.REPORT_RETURNED, message=text)
    _notify_employer(session, app, "subsidies.report_returned", adviser.id)


# --- attachments ---------------------------------------------------------------------------------


def add_attachment(
    session: Session,
    app: SubsidyApplication,
    author: User,
    role: MemberRole | None,
    part: AttachmentPart,
    filename: str,
    data: bytes,
) -> SubsidyAttachment:
    """Check the file by its content, write the row, and put the file in place on commit."""
    if not can_attach(app, author, role, part):
        raise _conflict(NOT_YOURS)
    content_type = attachments.checked(data)
    # Take the application's row first: concurrent uploads count one after the other.
    session.execute(
        update(SubsidyApplication)
        .where(SubsidyApplication.id == app.id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    count = session.scalar(
        select(func.count())
        .select_from(SubsidyAttachment)
        .where(SubsidyAttachment.application_id == app.id)
    )
    if (count or 0) >= MAX_ATTACHMENTS:
        raise DomainError(
            str(_l("An application has at most %(n)d attachments.", n=MAX_ATTACHMENTS)), "file"
        )
    attachment = SubsidyAttachment(
        application_id=app.id,
        part=part,
        original_name=attachments.display_name(filename, content_type),
        stored_name=attachments.new_stored_name(),
        content_type=content_type,
        size=len(data),
        uploaded_by_id=author.id,
    )
    session.add(attachment)
    session.flush()
    attachments.place_on_commit(session, attachment.stored_name, data)
    app.attachments.append(attachment)
    return attachment


def remove_attachment(
    session: Session,
    app: SubsidyApplication,
    attachment: SubsidyAttachment,
    author: User,
    role: MemberRole | None,
) -> None:
    if not can_attach(app, author, role, attachment.part):
        raise _conflict(NOT_YOURS)
    attachments.remove_on_commit(session, attachment.stored_name)
    app.attachments.remove(attachment)
    session.delete(attachment)


def load_page(session: Session, app: SubsidyApplication) -> SubsidyApplication:
    """Everything the application's page shows, in a fixed number of statements."""
    session.execute(
        select(SubsidyApplication)
        .where(SubsidyApplication.id == app.id)
        .options(
            selectinload(SubsidyApplication.scheme),
            selectinload(SubsidyApplication.plan_activity),
            selectinload(SubsidyApplication.lines),
            selectinload(SubsidyApplication.statements).selectinload(PartyStatement.author),
            selectinload(SubsidyApplication.attachments),
            selectinload(SubsidyApplication.events).selectinload(ApplicationEvent.actor),
            selectinload(SubsidyApplication.report),
            selectinload(SubsidyApplication.decided_by),
        )
        .execution_options(populate_existing=True)
    ).scalars().all()  # fetching the row is what runs the loaders
    return app


# --- lists, budget, overdue ----------------------------------------------------------------------


def enterprise_applications(session: Session, enterprise_id: int) -> list[SubsidyApplication]:
    return list(
        session.scalars(
            select(SubsidyApplication)
            .where(SubsidyApplication.enterprise_id == enterprise_id)
            .options(selectinload(SubsidyApplication.scheme))
            .order_by(SubsidyApplication.created_at.desc(), SubsidyApplication.id.desc())
        )
    )


def centre_applications(session: Session, adviser: User) -> list[SubsidyApplication]:
    """The centre's applications the enterprises have sent (drafts stay theirs)."""
    return list(
        session.scalars(
            select(SubsidyApplication)
            .join(Enterprise, Enterprise.id == SubsidyApplication.enterprise_id)
            .where(
                Enterprise.centre_id == adviser.centre_id,
                SubsidyApplication.status != S.DRAFT,
            )
            .options(
                selectinload(SubsidyApplication.scheme),
                selectinload(SubsidyApplication.enterprise),
            )
            .order_by(SubsidyApplication.updated_at.desc(), SubsidyApplication.id.desc())
        )
    )


def overdue_reports(
    session: Session, today: date, *, centre_id: int | None = None, enterprise_id: int | None = None
) -> list[SubsidyApplication]:
    """Granted applications whose final report is past its deadline."""
    stmt = (
        select(SubsidyApplication)
        .join(Enterprise, Enterprise.id == SubsidyApplication.enterprise_id)
        .where(SubsidyApplication.status == S.GRANTED, SubsidyApplication.report_due < today)
        .options(selectinload(SubsidyApplication.enterprise))
        .order_by(SubsidyApplication.report_due)
    )
    if centre_id is not None:
        stmt = stmt.where(Enterprise.centre_id == centre_id)
    if enterprise_id is not None:
        stmt = stmt.where(SubsidyApplication.enterprise_id == enterprise_id)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class BudgetSummary:
    centre_id: int
    centre_name: str
    year: int
    amount: int | None
    granted: int
    paid: int

    @property
    def remaining(self) -> int:
        return max((self.amount or 0) - self.granted, 0)


def budget_summaries(session: Session, centre_ids: Sequence[int], year: int) -> list[BudgetSummary]:
    """Budget, granted, paid out (accepted final reports) and remaining, per centre."""
    centres = list(
        session.scalars(select(Centre).where(Centre.id.in_(centre_ids)).order_by(Centre.name))
    )
    budgets = {
        b.centre_id: b
        for b in session.scalars(
            select(CentreBudget).where(
                CentreBudget.centre_id.in_(centre_ids), CentreBudget.year == year
            )
        )
    }
    rows = session.execute(
        select(
            CentreBudget.centre_id,
            func.coalesce(func.sum(SubsidyApplication.granted_amount), 0),
        )
        .join(SubsidyApplication, SubsidyApplication.budget_id == CentreBudget.id)
        .where(
            CentreBudget.centre_id.in_(centre_ids),
            CentreBudget.year == year,
            SubsidyApplication.status == S.CLOSED,
        )
        .group_by(CentreBudget.centre_id)
    )
    paid = {centre_id: total for centre_id, total in rows}
    return [
        BudgetSummary(
            c.id,
            c.name,
            year,
            budgets[c.id].amount if c.id in budgets else None,
            budgets[c.id].granted if c.id in budgets else 0,
            int(paid.get(c.id) or 0),
        )
        for c in centres
    ]


def set_budget(session: Session, centre_id: int, year: int, amount: int) -> CentreBudget:
    """The administrator sets a centre's yearly budget; never below what is already granted."""
    if not 2000 <= year <= 2100:
        raise DomainError(str(_l("Give a year such as 2026.")), "year")
    budget = budget_for(session, centre_id, year)
    if budget is None:
        budget = CentreBudget(centre_id=centre_id, year=year, amount=amount, granted=0)
        try:
            with session.begin_nested():
                session.add(budget)
            return budget
        except IntegrityError:
            budget = budget_for(session, centre_id, year)
            if budget is None:
                raise
    result = session.execute(
        update(CentreBudget)
        .where(CentreBudget.id == budget.id, CentreBudget.granted <= amount)
        .values(amount=amount)
        .execution_options(synchronize_session=False)
    )
    session.refresh(budget)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError(
            str(
                _l(
                    "%(granted)s is already granted this year: the budget cannot be less.",
                    granted=kroner(budget.granted),
                )
            ),
            "amount",
        )
    return budget


@dataclass(frozen=True)
class SchemeInput:
    kind: Any
    name: str
    rules: str
    max_amount: int
    active: bool = True


def save_scheme(session: Session, scheme: SubsidyScheme | None, data: SchemeInput) -> SubsidyScheme:
    name = data.name.strip()
    if not name:
        raise DomainError(str(REQUIRED), "name")
    if data.max_amount <= 0:
        raise DomainError(str(_l("Give the maximum amount.")), "max_amount")
    clash = session.scalar(select(SubsidyScheme).where(SubsidyScheme.name == name))
    if clash is not None and clash is not scheme:
        raise DomainError(str(_l("A scheme with this name exists.")), "name")
    scheme = scheme or SubsidyScheme()
    scheme.kind, scheme.name, scheme.rules = data.kind, name, data.rules.strip()
    scheme.max_amount, scheme.active = data.max_amount, data.active
    try:
        with session.begin_nested():
            session.add(scheme)
    except IntegrityError:
        raise DomainError(str(_l("A scheme with this name exists.")), "name") from None
    return scheme


# --- notifications -------------------------------------------------------------------------------


def _params(app: SubsidyApplication) -> dict[str, str]:
    # Never free text: the number and the enterprise's name only.
    return {"number": app.number, "enterprise": app.enterprise.name}


def _url(app: SubsidyApplication) -> str:
    return EMPLOYER_PATH.format(enterprise_id=app.enterprise_id, application_id=app.id)


def _notify_centre(session: Session, app: SubsidyApplication, kind: str, actor_id: int) -> None:
    if app.handled_by_id is not None:
        recipients = [app.handled_by_id]
    elif app.enterprise.contact_person_id is not None:
        recipients = [app.enterprise.contact_person_id]
    else:
        recipients = list(
            session.scalars(
                select(User.id).where(
                    User.kind == UserKind.ADVISER,
                    User.active.is_(True),
                    User.centre_id == app.enterprise.centre_id,
                )
            )
        )
    notify(
        session,
        recipients,
        kind,
        enterprise_id=app.enterprise_id,
        url=_url(app),
        params=_params(app),
        exclude=actor_id,
    )


def _notify_employer(session: Session, app: SubsidyApplication, kind: str, actor_id: int) -> None:
    """The enterprise's managers, and the application's author."""
    managers = set(
        session.scalars(
            select(Membership.user_id).where(
                Membership.enterprise_id == app.enterprise_id,
                Membership.role == MemberRole.MANAGER,
            )
        )
    )
    if app.created_by_id is not None:
        managers.add(app.created_by_id)
    notify(
        session,
        managers,
        kind,
        enterprise_id=app.enterprise_id,
        url=_url(app),
        params=_params(app),
        exclude=actor_id,
    )
