"""Subsidy applications: the enterprise's side, the contact person's review and decision, the
administrator's schemes and budgets.

Every application page is under ``/enterprises/<enterprise_id>/subsidies/<application_id>``, for
the enterprise's manager, safety delegate and union representative and for its advisers; what
each may do there comes from the services' ``can_*`` rules.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from .. import attachments
from ..access import (
    get_or_404,
    kind_required,
    member_role,
    member_role_required,
    require,
    scoped,
    visible_centre_ids,
)
from ..errors import DomainError
from ..extensions import db
from ..forms import choice, show_error
from ..htmx import finish, is_fragment_request, render_page_or_fragment
from ..models import (
    ApplicationEventKind,
    ApplicationStatus,
    AttachmentPart,
    Centre,
    Enterprise,
    MemberRole,
    PlanActivity,
    SubsidyApplication,
    SubsidyAttachment,
    SubsidyDecision,
    SubsidyKind,
    SubsidyScheme,
    UserKind,
)
from ..requests.services import new_form_token
from ..templating import template_globals
from ..translation import gettext as _
from . import labels, services
from .forms import (
    AttachmentForm,
    BudgetForm,
    DecisionForm,
    DraftForm,
    MessageForm,
    NewApplicationForm,
    ReportForm,
    SchemeForm,
    StatementForm,
    SubmitForm,
)

bp = Blueprint("subsidies", __name__)
F = TypeVar("F", bound=Callable[..., Any])

M, SD, UR = MemberRole.MANAGER, MemberRole.SAFETY_DELEGATE, MemberRole.UNION_REP
LIST = "/enterprises/<int:enterprise_id>/subsidies"
ONE = LIST + "/<int:application_id>"
DETAIL = "subsidies/detail.html"
DRAFT_STATUS = "subsidies/_draft_status.html"
TOTAL = "subsidies/_total.html"

template_globals(
    bp,
    ApplicationStatus=ApplicationStatus,
    ApplicationEventKind=ApplicationEventKind,
    SubsidyDecision=SubsidyDecision,
    AttachmentPart=AttachmentPart,
    kroner=labels.kroner,
    subsidy_kind_label=labels.kind_label,
    subsidy_status_label=labels.status_label,
    subsidy_status_variant=labels.status_variant,
    subsidy_decision_label=labels.decision_label,
    subsidy_event_label=labels.event_label,
    subsidy_tasks=lambda enterprise_id: _tasks(enterprise_id),
    subsidy_overdue_for_centre=lambda: _overdue_for_centre(),
    today_oslo=services.today_in_oslo,
    can_apply_for_subsidy=lambda enterprise_id: services.can_create(
        current_user, member_role(current_user, enterprise_id)
    ),
    MemberRole=MemberRole,
)


@bp.record_once
def _setup(state: Any) -> None:
    attachments.accept_uploads(state.app, "subsidies.upload")


def _tasks(enterprise_id: int) -> list[SubsidyApplication]:
    """The manager's subsidy tasks: applications sent back, final reports due or overdue."""
    return [
        a
        for a in services.enterprise_applications(db.session(), enterprise_id)
        if a.status in (ApplicationStatus.RETURNED, ApplicationStatus.GRANTED)
    ]


def _overdue_for_centre() -> list[SubsidyApplication]:
    if not current_user.is_authenticated or not current_user.is_adviser:
        return []
    return services.overdue_reports(
        db.session(), services.today_in_oslo(), centre_id=current_user.centre_id
    )


def employer_role_required(*roles: MemberRole) -> Callable[[F], F]:
    """The enterprise's own people in ``roles``; advisers and administrators get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            require(current_user.kind == UserKind.EMPLOYER, int(kwargs["enterprise_id"]))
            return view(*args, **kwargs)

        return member_role_required(*roles, adviser=False)(wrapped)  # type: ignore[return-value]

    return decorator


def adviser_required(view: F) -> F:
    """The enterprise's advisers only (administrators see, but do not decide): else 403."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        require(current_user.kind == UserKind.ADVISER, int(kwargs["enterprise_id"]))
        return view(*args, **kwargs)

    return member_role_required(adviser=True)(wrapped)  # type: ignore[return-value]


def _role(enterprise_id: int) -> MemberRole | None:
    return member_role(current_user, enterprise_id)


def _load(enterprise_id: int, application_id: int, action: Any = "read") -> SubsidyApplication:
    return get_or_404(SubsidyApplication, application_id, action, enterprise_id=enterprise_id)


def _url(app: SubsidyApplication, anchor: str = "") -> str:
    return url_for(
        ".detail", enterprise_id=app.enterprise_id, application_id=app.id, _anchor=anchor or None
    )


# --- the list and a new application --------------------------------------------------------------


@bp.get(LIST)
@member_role_required(M, SD, UR, adviser=True)
def enterprise_list(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id)
    return render_template(
        "subsidies/enterprise_list.html",
        enterprise=enterprise,
        applications=services.enterprise_applications(db.session(), enterprise_id),
        may_create=services.can_create(current_user, _role(enterprise_id)),
        overdue={
            a.id
            for a in services.overdue_reports(
                db.session(), services.today_in_oslo(), enterprise_id=enterprise_id
            )
        },
    )


def _scheme_choices() -> list[Any]:
    return [
        choice(
            s.id,
            f"{s.name} ({labels.kind_label(s.kind)}, {_('at most')} {labels.kroner(s.max_amount)})",
        )
        for s in services.active_schemes(db.session())
    ]


def _activity_choices(enterprise_id: int) -> list[Any]:
    return [
        choice(None, _("No activity")),
        *(
            choice(a.id, f"{a.theme.title}: {a.title}")
            for a in services.plan_activities(db.session(), enterprise_id)
        ),
    ]


def _optional_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@bp.route(LIST + "/new", methods=["GET", "POST"])
@employer_role_required(M)
def new(enterprise_id: int) -> ResponseReturnValue:
    form = NewApplicationForm()
    form.scheme_id.choices = _scheme_choices()
    form.plan_activity_id.choices = _activity_choices(enterprise_id)
    if request.method == "GET":
        enterprise = get_or_404(Enterprise, enterprise_id)
        form.form_token.data = new_form_token()
        activity_id = _optional_id(request.args.get("activity"))
        if activity_id is not None:
            activity = get_or_404(PlanActivity, activity_id, enterprise_id=enterprise_id)
            form.plan_activity_id.data = str(activity.id)
            form.title.data = activity.title
        return render_template("subsidies/new.html", enterprise=enterprise, form=form)
    enterprise = get_or_404(Enterprise, enterprise_id, "change")
    if form.validate_on_submit():
        draft = services.Draft(
            title=(form.title.data or "").strip(),
            scheme_id=_optional_id(form.scheme_id.data),
            plan_activity_id=_optional_id(form.plan_activity_id.data),
        )
        try:
            app = services.create(
                db.session(),
                enterprise,
                current_user,
                _role(enterprise_id),
                form.form_token.data or "",
                draft,
            )
        except services.AlreadyCreated as made:
            return redirect(
                url_for(".detail", enterprise_id=enterprise_id, application_id=made.application_id),
                code=303,
            )
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
        else:
            db.session.commit()
            return finish(_("The draft is saved. Fill in the rest when you are ready."), _url(app))
    if not form.form_token.data:
        form.form_token.data = new_form_token()
    return render_template("subsidies/new.html", enterprise=enterprise, form=form), 422


# --- the application page ------------------------------------------------------------------------


def _draft_form(app: SubsidyApplication, data: bool = True) -> DraftForm:
    form = DraftForm() if not data else DraftForm(formdata=None, obj=app)
    form.scheme_id.choices = _scheme_choices()
    form.plan_activity_id.choices = _activity_choices(app.enterprise_id)
    if data:
        form.scheme_id.data = str(app.scheme_id)
        form.plan_activity_id.data = str(app.plan_activity_id or "")
        form.own_share.data = str(app.own_share) if app.own_share else ""
        form.amount_applied.data = str(app.amount_applied) if app.amount_applied else ""
    return form


def _context(app: SubsidyApplication, **forms: Any) -> dict[str, Any]:
    role = _role(app.enterprise_id)
    can = services.permissions(app, current_user, role)
    returned = [
        e
        for e in app.events
        if e.kind in (ApplicationEventKind.RETURNED, ApplicationEventKind.REPORT_RETURNED)
    ]
    lines = forms.pop("lines", None)
    return {
        "app": app,
        "enterprise": app.enterprise,
        "role": role,
        "can": can,
        "statements": {r: services.statement_of(app, r) for r in services.PARTIES},
        "parties": services.PARTIES,
        "last_request": returned[-1]
        if returned and app.status in (ApplicationStatus.RETURNED, ApplicationStatus.GRANTED)
        else None,
        "lines": lines
        if lines is not None
        else [(line.item, str(line.amount)) for line in app.lines],
        "line_errors": forms.pop("line_errors", {}),
        "total": forms.pop("total", app.total),
        "today": services.today_in_oslo(),
        "draft_form": forms.pop("draft_form", None) or (_draft_form(app) if can.edit else None),
        "submit_form": forms.pop("submit_form", None) or SubmitForm(formdata=None, obj=app),
        "statement_form": forms.pop("statement_form", None) or StatementForm(formdata=None),
        "message_form": forms.pop("message_form", None) or MessageForm(formdata=None),
        "decision_form": forms.pop("decision_form", None) or DecisionForm(formdata=None),
        "report_form": forms.pop("report_form", None) or ReportForm(formdata=None, obj=app.report),
        "attachment_form": forms.pop("attachment_form", None) or AttachmentForm(formdata=None),
        "report_errors": forms.pop("report_errors", {}),
        **forms,
    }


def _page(app: SubsidyApplication, status: int = 200, **forms: Any) -> ResponseReturnValue:
    services.load_page(db.session(), app)
    return render_template(DETAIL, **_context(app, **forms)), status


@bp.get(ONE)
@member_role_required(M, SD, UR, adviser=True)
def detail(enterprise_id: int, application_id: int) -> ResponseReturnValue:
    return _page(_load(enterprise_id, application_id))


def _lines_from_form() -> tuple[
    list[tuple[str, str]], list[tuple[str, int | None]], dict[str, str]
]:
    """The budget lines as typed, as parsed, and any amount that is not whole kroner."""
    typed: list[tuple[str, str]] = []
    index = 0
    while f"line-{index}-item" in request.form and index < services.MAX_LINES + 5:
        typed.append(
            (
                request.form.get(f"line-{index}-item", ""),
                request.form.get(f"line-{index}-amount", ""),
            )
        )
        index += 1
    parsed: list[tuple[str, int | None]] = []
    errors: dict[str, str] = {}
    for i, (item, amount) in enumerate(typed):
        try:
            parsed.append((item, services.parse_amount(amount, f"line-{i}-amount")))
        except DomainError as error:
            errors[f"line-{i}-amount"] = str(error)
            parsed.append((item, None))
    return typed, parsed, errors


def _draft_from(form: DraftForm) -> services.Draft:
    return services.Draft(
        title=(form.title.data or "").strip(),
        purpose=(form.purpose.data or "").strip(),
        expected_effect=(form.expected_effect.data or "").strip(),
        activity_description=(form.activity_description.data or "").strip(),
        period_start=form.period_start.data,
        period_end=form.period_end.data,
        own_share=services.parse_amount(form.own_share.data, "own_share"),
        amount_applied=services.parse_amount(form.amount_applied.data, "amount_applied"),
        scheme_id=_optional_id(form.scheme_id.data),
        plan_activity_id=_optional_id(form.plan_activity_id.data),
    )


@bp.post(ONE)
@employer_role_required(M)
def save(enterprise_id: int, application_id: int) -> ResponseReturnValue:
    """Save the draft: the save button (a page) or leaving a field (htmx: the status line)."""
    app = _load(enterprise_id, application_id, "change")
    form = _draft_form(app, data=False)
    typed, parsed, line_errors = _lines_from_form()
    error: DomainError | None = None
    if not form.validate_on_submit():
        error = DomainError(_("Please correct the following"))
    elif line_errors:
        error = DomainError(next(iter(line_errors.values())))
    else:
        try:
            services.save_draft(
                db.session(),
                app,
                current_user,
                _role(enterprise_id),
                _draft_from(form),
                parsed,
                confirmed=bool(form.no_health_details.data),
            )
        except DomainError as refused:
            error = refused
    total = sum(amount or 0 for _item, amount in parsed)
    if error is not None:
        db.session.rollback()
        db.session.refresh(app)
        if error.field and error.field.startswith("line-"):
            line_errors[error.field] = str(error)
        elif error.status == 422:
            show_error(error, form)
        status = error.status
        if is_fragment_request():
            return render_page_or_fragment(
                DETAIL, DRAFT_STATUS, status, app=app, error=error, total=total
            )
        if status == 409:
            return finish(str(error), _url(app))
        return _page(app, 422, draft_form=form, lines=typed, line_errors=line_errors, total=total)
    db.session.commit()
    return finish(
        _("The draft is saved."),
        _url(app),
        DETAIL,
        DRAFT_STATUS,
        app=app,
        total=app.total,
        saved=True,
    )


@bp.post(ONE + "/total")
@employer_role_required(M)
def total(enterprise_id: int, application_id: int) -> ResponseReturnValue:
    """The budget's total as the lines are typed, computed here (nothing is saved)."""
    app = _load(enterprise_id, application_id)
    if not is_fragment_request():
        return redirect(_url(app, "budget"), code=303)
    _typed, parsed, _errors = _lines_from_form()
    return render_page_or_fragment(TOTAL, TOTAL, total=sum(a or 0 for _i, a in parsed))


def _act(
    app: SubsidyApplication,
    act: Callable[[], str],
    form: FlaskForm | None = None,
    form_name: str = "",
    anchor: str = "",
) -> ResponseReturnValue:
    """Run ``act`` (a service call returning the message) and go back to the application; a
    refusal shows at the form (422) or as a message (409: the state no longer allows it)."""
    if form is not None and not form.validate_on_submit():
        return _page(app, 422, **{form_name: form})
    try:
        message = act()
    except services.Incomplete as incomplete:
        db.session.rollback()
        db.session.refresh(app)
        return _page(app, 422, missing=incomplete.missing, **({form_name: form} if form else {}))
    except DomainError as error:
        db.session.rollback()
        db.session.refresh(app)
        if form is not None and error.status == 422:
            show_error(error, form)
            return _page(app, 422, **{form_name: form})
        return _page(app, error.status, problem=str(error))
    db.session.commit()
    return finish(message, _url(app, anchor))


@bp.post(ONE + "/submit")
@employer_role_required(M)
def submit(enterprise_id: int, application_id: int) -> ResponseReturnValue:
    app = _load(enterprise_id, application_id, "change")
    if app.status not in services.EDITABLE:
        # Sent twice (double click, resend): one submission, and the page shows it.
        return finish(_("The application is already submitted."), _url(app))
    form = SubmitForm()

    def act() -> str:
        reason = (form.no_statement_reason.data or "").strip()
        services.submit(db.session(), app, current_user, _role(enterprise_id), reason)
        return _("The application is submitted to the centre.")

    return _act(app, act, form, "submit_form")


@bp.post(ONE + "/statement")
@employer_role_required(SD, UR)
def statement(enterprise_id: int, application_id: int) -> ResponseReturnValue:
    app = _load(enterprise_id, application_id, "change")
    form = StatementForm()

    def act() -> str:
        services.give_statement(
            db.session(), app, current_user, _role(enterprise_id), form.body.data or ""
        )
        return _("Your statement is saved.")

    return _act(app, act, form, "statement_form", "statements")


@bp.post(ONE + "/delete")
@employer_role_required(M)
def delete(enterprise_id: int, application_id: int) -> ResponseReturnValue:
    app = _load(enterprise_id, application_id, "change")
    try:
        services.delete_draft(db.session(), app, current_user, _role(enterprise_id))
    except DomainError as error:
        db.session.rollback()
        return finish(str(error), _url(app))
    db.session.commit()
    return finish(
        _("The draft is deleted."), url_for(".enterprise_list", enterprise_id=enterprise_id)
    )


# --- attachments ---------------------------------------------------------------------------------


@bp.post(ONE + "/attachments")
@employer_role_required(M)
def upload(enterprise_id: int, application_id: int) -> ResponseReturnValue:
    # Its larger body limit is set by attachments.accept_uploads, before CSRF reads the form.
    app = _load(enterprise_id, application_id, "change")
    form = AttachmentForm()
    part = AttachmentPart.REPORT if form.part.data == "report" else AttachmentPart.APPLICATION

    def act() -> str:
        name, data = attachments.read(request.files.get("file"))
        services.add_attachment(
            db.session(), app, current_user, _role(enterprise_id), part, name, data
        )
        return _("The attachment is added.")

    return _act(app, act, form, "attachment_form", "attachments")


@bp.get(ONE + "/attachments/<int:attachment_id>")
@member_role_required(M, SD, UR, adviser=True)
def download(enterprise_id: int, application_id: int, attachment_id: int) -> ResponseReturnValue:
    attachment = get_or_404(
        SubsidyAttachment,
        attachment_id,
        application_id=application_id,
        enterprise_id=enterprise_id,
    )
    response = attachments.download(
        attachment.stored_name, attachment.content_type, attachment.original_name
    )
    if response is None:
        return finish(
            _("The file is missing from the store. Upload it again."),
            _url(attachment.application, "attachments"),
        )
    return response


@bp.post(ONE + "/attachments/<int:attachment_id>/delete")
@employer_role_required(M)
def remove_attachment(
    enterprise_id: int, application_id: int, attachment_id: int
) -> ResponseReturnValue:
    attachment = get_or_404(
        SubsidyAttachment,
        attachment_id,
        "change",
        application_id=application_id,
        enterprise_id=enterprise_id,
    )
    app = attachment.application

    def act() -> str:
        services.remove_attachment(
            db.session(), app, attachment, current_user, _role(enterprise_id)
        )
        return _("The attachment is removed.")

    return _act(app, act, anchor="attachments")


# --- the contact person's review -----------------------------------------------------------------


@bp.post(ONE + "/take")
@adviser_required
def take(enterprise_id: int, application_id: int) -> ResponseReturnValue:
    app = _load(enterprise_id, application_id, "change")

    def act() -> str:
        services.take(db.session(), app, current_user)
        return _("You are reviewing the application.")

    return _act(app, act)


@bp.post(ONE + "/more-information")
@adviser_required
def ask_for_more(enterprise_id: int, application_id: int) -> ResponseReturnValue:
    app = _load(enterprise_id, application_id, "change")
    form = MessageForm()

    def act() -> str:
        services.ask_for_more(db.session(), app, current_user, form.message.data or "")
        return _("The application is sent back to the enterprise.")

    return _act(app, act, form, "message_form")


@bp.post(ONE + "/decision")
@adviser_required
def decide(enterprise_id: int, application_id: int) -> ResponseReturnValue:
    app = _load(enterprise_id, application_id, "change")
    form = DecisionForm()

    def act() -> str:
        services.decide(
            db.session(),
            app,
            current_user,
            services.DecisionInput(
                decision=SubsidyDecision(form.decision.data),
                reason=form.reason.data or "",
                amount=services.parse_amount(form.amount.data, "amount"),
                conditions=form.conditions.data or "",
                report_due=form.report_due.data,
            ),
        )
        return _("The decision is made. The decision letter is ready.")

    return _act(app, act, form, "decision_form", "decision")


@bp.get(ONE + "/letter")
@member_role_required(M, SD, UR, adviser=True)
def letter(enterprise_id: int, application_id: int) -> ResponseReturnValue:
    app = _load(enterprise_id, application_id)
    if not services.has_letter(app):
        return finish(_("The application has not been decided yet."), _url(app))
    return render_template("subsidies/letter.html", app=app, enterprise=app.enterprise)


# --- the final report ----------------------------------------------------------------------------


@bp.post(ONE + "/report")
@employer_role_required(M)
def report(enterprise_id: int, application_id: int) -> ResponseReturnValue:
    app = _load(enterprise_id, application_id, "change")
    form = ReportForm()
    errors: dict[str, str] = {}
    actual: dict[int, int | None] = {}
    for index, line in enumerate(app.lines):
        try:
            actual[line.id] = services.parse_amount(
                request.form.get(f"actual-{index}"), f"actual-{index}"
            )
        except DomainError as error:
            errors[f"actual-{index}"] = str(error)
    if errors:
        return _page(app, 422, report_form=form, report_errors=errors)

    def act() -> str:
        services.submit_report(
            db.session(),
            app,
            current_user,
            _role(enterprise_id),
            form.what_was_done.data or "",
            form.effect.data or "",
            actual,
        )
        return _("The final report is sent to the centre.")

    return _act(app, act, form, "report_form", "report")


@bp.post(ONE + "/report/accept")
@adviser_required
def accept_report(enterprise_id: int, application_id: int) -> ResponseReturnValue:
    app = _load(enterprise_id, application_id, "change")

    def act() -> str:
        services.accept_report(db.session(), app, current_user)
        return _("The final report is accepted and the application closed.")

    return _act(app, act)


@bp.post(ONE + "/report/more")
@adviser_required
def return_report(enterprise_id: int, application_id: int) -> ResponseReturnValue:
    app = _load(enterprise_id, application_id, "change")
    form = MessageForm()

    def act() -> str:
        services.return_report(db.session(), app, current_user, form.message.data or "")
        return _("The final report is sent back to the enterprise.")

    return _act(app, act, form, "message_form")


# --- the centre: worklist, budget, schemes -------------------------------------------------------


@bp.get("/subsidies")
@kind_required(UserKind.ADVISER)
def centre() -> ResponseReturnValue:
    today = services.today_in_oslo()
    return render_template(
        "subsidies/centre.html",
        applications=services.centre_applications(db.session(), current_user),
        overdue=services.overdue_reports(db.session(), today, centre_id=current_user.centre_id),
        budgets=services.budget_summaries(db.session(), [current_user.centre_id], today.year),
        today=today,
    )


def _budget_form() -> BudgetForm:
    form = BudgetForm()
    centres = list(db.session.scalars(scoped(Centre).order_by(Centre.name)))
    form.centre_id.choices = [choice(c.id, c.name) for c in centres]
    return form


def _budget_page(form: BudgetForm, year: int, status: int = 200) -> ResponseReturnValue:
    ids = list(db.session.scalars(visible_centre_ids(current_user)))
    return render_template(
        "subsidies/budget.html",
        form=form,
        year=year,
        budgets=services.budget_summaries(db.session(), ids, year),
        may_set=current_user.kind == UserKind.ADMIN,
    ), status


def _year() -> int:
    text = request.args.get("year", "")
    return (
        int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else services.today_in_oslo().year
    )


@bp.get("/subsidies/budget")
@kind_required(UserKind.ADVISER, UserKind.ADMIN)
def budget() -> ResponseReturnValue:
    form = _budget_form()
    form.year.data = _year()
    return _budget_page(form, _year())


@bp.post("/subsidies/budget")
@kind_required(UserKind.ADMIN)
def set_budget() -> ResponseReturnValue:
    form = _budget_form()
    year = services.today_in_oslo().year
    if form.validate_on_submit():
        year = int(form.year.data or 0)
        centre_id = _optional_id(form.centre_id.data)
        centre = get_or_404(Centre, centre_id or 0, "change")
        try:
            services.set_budget(db.session(), centre.id, year, int(form.amount.data or 0))
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
        else:
            db.session.commit()
            return finish(_("The budget is saved."), url_for(".budget", year=year))
    return _budget_page(form, year, 422)


@bp.route("/subsidies/schemes", methods=["GET", "POST"])
@kind_required(UserKind.ADMIN)
def schemes() -> ResponseReturnValue:
    return _scheme_page(None)


@bp.route("/subsidies/schemes/<int:scheme_id>", methods=["GET", "POST"])
@kind_required(UserKind.ADMIN)
def scheme(scheme_id: int) -> ResponseReturnValue:
    return _scheme_page(
        get_or_404(SubsidyScheme, scheme_id, "change" if request.method == "POST" else "read")
    )


def _scheme_page(scheme: SubsidyScheme | None) -> ResponseReturnValue:
    if request.method == "POST":
        form = SchemeForm()
    else:
        form = SchemeForm(formdata=None, obj=scheme)
        if scheme is not None:
            form.kind.data = scheme.kind.value
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                saved = services.save_scheme(
                    db.session(),
                    scheme,
                    services.SchemeInput(
                        kind=SubsidyKind(form.kind.data),
                        name=form.name.data or "",
                        rules=form.rules.data or "",
                        max_amount=int(form.max_amount.data or 0),
                        active=bool(form.active.data),
                    ),
                )
            except DomainError as error:
                db.session.rollback()
                show_error(error, form)
            else:
                db.session.commit()
                return finish(_("The scheme is saved."), url_for(".scheme", scheme_id=saved.id))
        status = 422
    all_schemes = list(db.session.scalars(scoped(SubsidyScheme).order_by(SubsidyScheme.name)))
    return render_template(
        "subsidies/schemes.html", form=form, scheme=scheme, schemes=all_schemes
    ), status
