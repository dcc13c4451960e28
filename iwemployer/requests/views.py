"""Requests to the contact person: the enterprise's side and the contact person's inbox.

Employer side: ``/enterprises/<enterprise_id>/requests...`` (managers ask for anything; safety
delegates and union representatives ask questions and see their own requests).
Centre side: ``/inbox...`` for advisers, limited to their centre's enterprises.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from ..access import (
    Action,
    audit,
    deny,
    get_or_404,
    kind_required,
    member_role,
    member_role_required,
    permit,
    scoped,
)
from ..extensions import db
from ..htmx import is_fragment_request, render_page_or_fragment
from ..models import (
    CaseHelpKind,
    EmployerRequest,
    Enterprise,
    MemberRole,
    QuestionKind,
    RequestKind,
    RequestStatus,
    Urgency,
    UserKind,
)
from . import labels, services
from .forms import (
    CaseHelpForm,
    HandOverForm,
    NewRequestForm,
    QuestionForm,
    RatingForm,
    RecruitmentForm,
    ReplyForm,
    choice,
)

bp = Blueprint("requests", __name__)
F = TypeVar("F", bound=Callable[..., Any])

M, SD, UR = MemberRole.MANAGER, MemberRole.SAFETY_DELEGATE, MemberRole.UNION_REP
# Who may raise questions and meeting requests; recruitment and case help are for managers.
ASKERS = (M, SD, UR)
# An htmx event other regions (the unread badge) refresh on.
CHANGED_EVENT = "requests-changed"


@bp.record_once
def _setup(state: Any) -> None:
    app = state.app
    app.config.setdefault("REQUEST_OVERDUE_WORKING_DAYS", services.DEFAULT_OVERDUE_WORKING_DAYS)
    app.jinja_env.globals.update(
        request_kind_label=lambda k: str(labels.REQUEST_KIND_LABELS[RequestKind(k)]),
        request_status_label=lambda s: str(labels.REQUEST_STATUS_LABELS[RequestStatus(s)]),
        request_status_variant=lambda s: labels.REQUEST_STATUS_VARIANTS[RequestStatus(s)],
        request_title=request_title,
        urgency_label=lambda u: str(labels.URGENCY_LABELS[Urgency(u)]),
        question_kind_label=lambda q: str(labels.QUESTION_KIND_NAMES[QuestionKind(q)]),
    )


def request_title(record: EmployerRequest) -> str:
    """A short title in the reader's language; never the free-text description."""
    if record.kind == RequestKind.CASE_HELP and record.case_help_kind is not None:
        return str(labels.CASE_HELP_KIND_LABELS[CaseHelpKind(record.case_help_kind)])
    if record.kind == RequestKind.RECRUITMENT and record.recruitment is not None:
        return record.recruitment.job_title
    return record.subject


# --- access -------------------------------------------------------------------------------------


def employers_only(advisers_to: Callable[..., str] | None = None) -> Callable[[F], F]:
    """After ``member_role_required``: the enterprise's own people only.

    Advisers (let through by ``adviser=True``) are sent to the inbox's view of the same thing,
    ``advisers_to(**view_kwargs)``; administrators see enterprises but do not ask (403).
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.kind == UserKind.ADVISER and advisers_to is not None:
                return redirect(advisers_to(**kwargs), code=303)
            if current_user.kind != UserKind.EMPLOYER:
                deny(int(kwargs["enterprise_id"]), "change", 403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def _may_follow(record: EmployerRequest) -> bool:
    """Managers follow all the enterprise's requests; other roles the ones they asked."""
    if member_role(current_user, record.enterprise_id) == M:
        return True
    return record.created_by_id is not None and record.created_by_id == current_user.id


def _enterprise_request(enterprise_id: int, request_id: int, action: Action) -> EmployerRequest:
    """The enterprise's request: another enterprise's id answers 404, another person's 403."""
    record = db.session.scalar(
        scoped(EmployerRequest).where(
            EmployerRequest.id == request_id, EmployerRequest.enterprise_id == enterprise_id
        )
    )
    if record is None:
        deny(enterprise_id, action, 404)
    if not _may_follow(record):
        deny(enterprise_id, action, 403)
    permit(enterprise_id, action)
    return record


def _inbox_request(request_id: int, action: Action) -> EmployerRequest:
    """A request of the adviser's centre (else 404); only advisers handle requests (else 403)."""
    if current_user.kind == UserKind.ADVISER:
        return get_or_404(EmployerRequest, request_id, action)
    visible = db.session.scalar(scoped(EmployerRequest).where(EmployerRequest.id == request_id))
    deny(visible.enterprise_id if visible else None, action, 403 if visible is not None else 404)


# --- helpers ------------------------------------------------------------------------------------


def _status_for(error: services.RequestError) -> int:
    if isinstance(error, services.RequestNotOpen | services.TransitionNotAllowed):
        return 409
    return 422


def _form_error(form: FlaskForm, error: services.RequestError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def _mark_seen(record: EmployerRequest) -> None:
    """Opening a request marks its activity seen; two tabs at once must not fail the page."""
    services.mark_seen(db.session(), record, current_user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def _today() -> date:
    return services.local_date(services.utcnow())


def _overdue_limit() -> int:
    return int(current_app.config["REQUEST_OVERDUE_WORKING_DAYS"])


def _done(
    target: str,
    message: str,
    page: str,
    fragment: str,
    **context: Any,
) -> ResponseReturnValue:
    """A successful change: the refreshed region for htmx, else a flash and a 303."""
    if is_fragment_request():
        return render_page_or_fragment(
            page, fragment, 200, trigger=CHANGED_EVENT, notice=message, **context
        )
    flash(message, "success")
    return redirect(target, code=303)


# --- employer side ------------------------------------------------------------------------------


@bp.get("/enterprises/<int:enterprise_id>/requests")
@member_role_required(*ASKERS, adviser=True)
@employers_only(advisers_to=lambda enterprise_id: url_for(".inbox", enterprise=enterprise_id))
def enterprise_list(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id)
    role = member_role(current_user, enterprise_id)
    # Managers follow every request of the enterprise; the others the ones they asked.
    asked_by = None if role == M else current_user.id
    records = services.enterprise_requests(db.session(), enterprise_id, asked_by=asked_by)
    unread = services.unread_ids(db.session(), current_user, (r.id for r in records))
    return render_template(
        "requests/enterprise_list.html",
        enterprise=enterprise,
        records=records,
        unread=unread,
        role=role,
        is_manager=role == M,
    )


def _new_request_page(
    enterprise_id: int,
    form: NewRequestForm,
    template: str,
    create: Callable[[Enterprise, str], EmployerRequest],
) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id)
    if request.method == "GET":
        form.form_token.data = services.new_form_token()
        return render_template(template, enterprise=enterprise, form=form)
    token = form.form_token.data or ""
    existing = services.find_by_token(db.session(), token) if token else None
    if (
        existing is not None
        and existing.enterprise_id == enterprise_id
        and existing.created_by_id == current_user.id
    ):
        # Sent twice (double click, resend after a network error): show the one already made.
        return redirect(_employer_url(existing), code=303)
    if form.validate_on_submit():
        try:
            record = create(enterprise, token)
        except services.AlreadySubmitted as sent:
            target = url_for(
                ".enterprise_detail", enterprise_id=enterprise_id, request_id=sent.request_id
            )
            return redirect(target, code=303)
        except services.TokenTaken as error:
            form.form_token.data = services.new_form_token()
            _form_error(form, error)
        except services.RequestError as error:
            _form_error(form, error)
        else:
            audit(enterprise_id, "change", permitted=True)
            db.session.commit()
            flash(_("Your request is sent. The centre will answer here."), "success")
            return redirect(_employer_url(record), code=303)
    if not form.form_token.data:
        form.form_token.data = services.new_form_token()
    return render_template(template, enterprise=enterprise, form=form), 422


def _employer_url(record: EmployerRequest) -> str:
    return url_for(".enterprise_detail", enterprise_id=record.enterprise_id, request_id=record.id)


@bp.route("/enterprises/<int:enterprise_id>/requests/new/recruitment", methods=["GET", "POST"])
@member_role_required(M, adviser=False)
@employers_only()
def enterprise_new_recruitment(enterprise_id: int) -> ResponseReturnValue:
    form = RecruitmentForm()
    activities = _plan_activity_choices(enterprise_id)
    form.plan_activity_id.choices = [
        choice(None, _("No activity")),
        *(choice(value, label) for value, label in activities),
    ]
    if request.method == "GET":
        form.contact_name.data = current_user.name
        form.contact_phone.data = current_user.phone
        form.contact_email.data = current_user.email

    def create(enterprise: Enterprise, token: str) -> EmployerRequest:
        details = services.RecruitmentDetails(
            job_title=(form.job_title.data or "").strip(),
            positions=int(form.positions.data or 0),
            location=(form.location.data or "").strip(),
            start_date=form.start_date.data,
            position_percent=int(form.position_percent.data or 0),
            requirements=(form.requirements.data or "").strip(),
            open_to_adaptation=bool(form.open_to_adaptation.data),
            open_to_trial=bool(form.open_to_trial.data),
            open_to_wage_subsidy=bool(form.open_to_wage_subsidy.data),
            contact_name=(form.contact_name.data or "").strip(),
            contact_phone=(form.contact_phone.data or "").strip(),
            contact_email=(form.contact_email.data or "").strip(),
            plan_activity_id=form.plan_activity_id.data if activities else None,
        )
        return services.submit_recruitment(db.session(), enterprise, current_user, token, details)

    return _new_request_page(enterprise_id, form, "requests/new_recruitment.html", create)


def _plan_activity_choices(enterprise_id: int) -> list[tuple[int, str]]:
    return [
        (a.id, f"{a.theme.title}: {a.title}")
        for a in services.plan_activities(db.session(), enterprise_id)
    ]


@bp.route("/enterprises/<int:enterprise_id>/requests/new/case-help", methods=["GET", "POST"])
@member_role_required(M, adviser=False)
@employers_only()
def enterprise_new_case_help(enterprise_id: int) -> ResponseReturnValue:
    form = CaseHelpForm()

    def create(enterprise: Enterprise, token: str) -> EmployerRequest:
        return services.submit_case_help(
            db.session(),
            enterprise,
            current_user,
            token,
            CaseHelpKind(form.help_kind.data),
            Urgency(form.urgency.data),
            (form.description.data or "").strip(),
        )

    return _new_request_page(enterprise_id, form, "requests/new_case_help.html", create)


@bp.route("/enterprises/<int:enterprise_id>/requests/new/question", methods=["GET", "POST"])
@member_role_required(*ASKERS, adviser=False)
@employers_only()
def enterprise_new_question(enterprise_id: int) -> ResponseReturnValue:
    form = QuestionForm()
    if request.method == "GET" and request.args.get("kind") == QuestionKind.MEETING.value:
        form.question_kind.data = QuestionKind.MEETING.value

    def create(enterprise: Enterprise, token: str) -> EmployerRequest:
        return services.submit_question(
            db.session(),
            enterprise,
            current_user,
            token,
            QuestionKind(form.question_kind.data),
            (form.subject.data or "").strip(),
            (form.description.data or "").strip(),
        )

    return _new_request_page(enterprise_id, form, "requests/new_question.html", create)


def _employer_context(record: EmployerRequest, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "record": record,
        "enterprise": record.enterprise,
        "side": "enterprise",
        "reply_form": ReplyForm(formdata=None),
        "rating_form": RatingForm(formdata=None),
        "may_rate": services.may_rate(record, current_user),
        "may_withdraw": record.is_open,
        "base_url": _employer_url(record),
    }
    context.update(extra)
    return context


@bp.get("/enterprises/<int:enterprise_id>/requests/<int:request_id>")
@member_role_required(*ASKERS, adviser=True)
@employers_only(advisers_to=lambda request_id, **_: url_for(".inbox_detail", request_id=request_id))
def enterprise_detail(enterprise_id: int, request_id: int) -> ResponseReturnValue:
    record = _enterprise_request(enterprise_id, request_id, "read")
    _mark_seen(record)
    return render_template("requests/detail.html", **_employer_context(record))


@bp.post("/enterprises/<int:enterprise_id>/requests/<int:request_id>/messages")
@member_role_required(*ASKERS, adviser=False)
@employers_only()
def enterprise_reply(enterprise_id: int, request_id: int) -> ResponseReturnValue:
    record = _enterprise_request(enterprise_id, request_id, "change")
    form = ReplyForm()
    status = 422
    if form.validate_on_submit():
        try:
            services.employer_reply(db.session(), record, current_user, form.body.data or "")
        except services.RequestNotOpen as error:
            return _refused(record, error, _employer_context(record), "requests/detail.html")
        except services.RequestError as error:
            _form_error(form, error)
            status = _status_for(error)
        else:
            db.session.commit()
            return _done(
                _employer_url(record) + "#conversation",
                _("Your message is sent."),
                "requests/detail.html",
                "requests/_conversation.html",
                **_employer_context(record),
            )
    return render_page_or_fragment(
        "requests/detail.html",
        "requests/_conversation.html",
        status,
        **_employer_context(record, reply_form=form),
    )


@bp.post("/enterprises/<int:enterprise_id>/requests/<int:request_id>/withdraw")
@member_role_required(*ASKERS, adviser=False)
@employers_only()
def enterprise_withdraw(enterprise_id: int, request_id: int) -> ResponseReturnValue:
    record = _enterprise_request(enterprise_id, request_id, "change")
    try:
        services.withdraw(db.session(), record, current_user)
    except services.RequestError as error:
        return _refused(record, error, _employer_context(record), "requests/detail.html")
    db.session.commit()
    return _done(
        _employer_url(record),
        _("The request is withdrawn."),
        "requests/detail.html",
        "requests/_conversation.html",
        **_employer_context(record),
    )


@bp.post("/enterprises/<int:enterprise_id>/requests/<int:request_id>/rating")
@member_role_required(*ASKERS, adviser=False)
@employers_only()
def enterprise_rate(enterprise_id: int, request_id: int) -> ResponseReturnValue:
    record = _enterprise_request(enterprise_id, request_id, "change")
    if record.created_by_id != current_user.id:
        # Only the person who asked rates the help.
        abort(403)
    if record.rating is not None:
        return _already_rated(record)
    form = RatingForm()
    status = 422
    if form.validate_on_submit():
        try:
            services.rate(
                db.session(),
                record,
                current_user,
                int(form.score.data or 0),
                (form.comment.data or "").strip(),
            )
        except services.AlreadyRated:
            db.session.rollback()
            db.session.refresh(record)
            return _already_rated(record)
        except services.RequestError as error:
            _form_error(form, error)
            status = 409 if isinstance(error, services.RatingNotAllowed) else 422
        else:
            db.session.commit()
            return _done(
                _employer_url(record),
                _("Thank you for your rating."),
                "requests/detail.html",
                "requests/_conversation.html",
                **_employer_context(record),
            )
    return render_page_or_fragment(
        "requests/detail.html",
        "requests/_conversation.html",
        status,
        **_employer_context(record, rating_form=form),
    )


def _already_rated(record: EmployerRequest) -> ResponseReturnValue:
    """A second rating (double click, resend) changes nothing: back to the request."""
    message = _("You have already rated the help with this request. Thank you!")
    if is_fragment_request():
        return render_page_or_fragment(
            "requests/detail.html",
            "requests/_conversation.html",
            notice=message,
            **_employer_context(record),
        )
    flash(message, "info")
    return redirect(_employer_url(record), code=303)


def _refused(
    record: EmployerRequest, error: services.RequestError, context: dict[str, Any], page: str
) -> ResponseReturnValue:
    """A change the request's state does not allow (for example, closing it twice)."""
    db.session.rollback()
    db.session.refresh(record)
    return render_page_or_fragment(
        page,
        "requests/_conversation.html",
        _status_for(error),
        **{**context, "problem": str(error.message)},
    )


# --- the contact person's inbox -----------------------------------------------------------------


def _inbox_filter() -> services.InboxFilter:
    kind = request.args.get("kind", "")
    status = request.args.get("status", "open")
    try:
        enterprise_id: int | None = int(request.args.get("enterprise", ""))
    except ValueError:
        enterprise_id = None
    return services.InboxFilter(
        kind=RequestKind(kind) if kind in {k.value for k in RequestKind} else None,
        status=status if status in services.STATUS_FILTERS else "open",
        enterprise_id=enterprise_id,
    )


@bp.get("/inbox")
@kind_required(UserKind.ADVISER)
def inbox() -> ResponseReturnValue:
    filters = _inbox_filter()
    enterprises = list(db.session.scalars(scoped(Enterprise).order_by(Enterprise.name)))
    if filters.enterprise_id is not None and filters.enterprise_id not in {
        e.id for e in enterprises
    }:
        filters = services.InboxFilter(kind=filters.kind, status=filters.status)
    try:
        page_number = int(request.args.get("page", "1"))
    except ValueError:
        page_number = 1
    page = services.inbox(
        db.session(),
        current_user,
        filters,
        today=_today(),
        overdue_limit=_overdue_limit(),
        page=page_number,
        page_size=int(current_app.config.get("PAGE_SIZE", 20)),
    )
    rating = services.adviser_rating(db.session(), current_user.id)
    return render_template(
        "requests/inbox.html",
        page=page,
        filters=filters,
        enterprises=enterprises,
        unread_count=services.unread_count(db.session(), current_user),
        rating=rating,
        rating_average=format_decimal(rating.average or 0, format="0.0"),
        overdue_limit=_overdue_limit(),
        kinds=list(RequestKind),
        statuses=list(RequestStatus),
        query_args={k: v for k, v in request.args.items() if k != "page" and v},
    )


@bp.get("/inbox/badge")
@kind_required(UserKind.ADVISER)
def inbox_badge() -> ResponseReturnValue:
    """The unread count alone, for htmx polling; a plain visit goes to the inbox."""
    if not is_fragment_request():
        return redirect(url_for(".inbox"), code=303)
    return render_page_or_fragment(
        "requests/_badge.html",
        "requests/_badge.html",
        unread_count=services.unread_count(db.session(), current_user),
    )


def _inbox_context(record: EmployerRequest, **extra: Any) -> dict[str, Any]:
    today = _today()
    context: dict[str, Any] = {
        "record": record,
        "enterprise": record.enterprise,
        "side": "centre",
        "reply_form": ReplyForm(formdata=None),
        "hand_over_form": _hand_over_form(record, formdata=None),
        "days_waiting": services.days_waiting(record, today),
        "overdue": services.is_overdue(record, today, _overdue_limit()),
        "base_url": url_for(".inbox_detail", request_id=record.id),
        "may_rate": False,
        "may_withdraw": False,
    }
    context.update(extra)
    return context


def _hand_over_form(record: EmployerRequest, **kwargs: Any) -> HandOverForm:
    form = HandOverForm(**kwargs)
    form.adviser_id.choices = [
        choice(u.id, u.name)
        for u in services.colleagues(db.session(), record)
        if u.id != record.assigned_to_id
    ]
    return form


@bp.get("/inbox/<int:request_id>")
@login_required
def inbox_detail(request_id: int) -> ResponseReturnValue:
    record = _inbox_request(request_id, "read")
    _mark_seen(record)
    return render_template("requests/detail.html", **_inbox_context(record))


@bp.post("/inbox/<int:request_id>/take")
@login_required
def inbox_take(request_id: int) -> ResponseReturnValue:
    record = _inbox_request(request_id, "change")
    try:
        changed = services.take(db.session(), record, current_user)
    except services.RequestError as error:
        return _refused(record, error, _inbox_context(record), "requests/detail.html")
    db.session.commit()
    message = _("You are handling the request.") if changed else _("You already handle it.")
    return _done(
        url_for(".inbox_detail", request_id=record.id),
        message,
        "requests/detail.html",
        "requests/_conversation.html",
        **_inbox_context(record),
    )


@bp.post("/inbox/<int:request_id>/messages")
@login_required
def inbox_reply(request_id: int) -> ResponseReturnValue:
    record = _inbox_request(request_id, "change")
    form = ReplyForm()
    status = 422
    if form.validate_on_submit():
        answered = request.form.get("action") == "answer"
        try:
            services.adviser_reply(
                db.session(), record, current_user, form.body.data or "", answered=answered
            )
        except services.RequestNotOpen as error:
            return _refused(record, error, _inbox_context(record), "requests/detail.html")
        except services.RequestError as error:
            _form_error(form, error)
            status = _status_for(error)
        else:
            db.session.commit()
            message = (
                _("Your answer is sent and the request is marked as answered.")
                if answered
                else _("Your reply is sent.")
            )
            return _done(
                url_for(".inbox_detail", request_id=record.id) + "#conversation",
                message,
                "requests/detail.html",
                "requests/_conversation.html",
                **_inbox_context(record),
            )
    return render_page_or_fragment(
        "requests/detail.html",
        "requests/_conversation.html",
        status,
        **_inbox_context(record, reply_form=form),
    )


@bp.post("/inbox/<int:request_id>/hand-over")
@login_required
def inbox_hand_over(request_id: int) -> ResponseReturnValue:
    record = _inbox_request(request_id, "change")
    form = _hand_over_form(record)
    status = 422
    if form.validate_on_submit():
        try:
            target = services.hand_over(
                db.session(), record, current_user, int(form.adviser_id.data or 0)
            )
        except services.RequestNotOpen as error:
            return _refused(record, error, _inbox_context(record), "requests/detail.html")
        except services.RequestError as error:
            _form_error(form, error)
            status = _status_for(error)
        else:
            db.session.commit()
            return _done(
                url_for(".inbox_detail", request_id=record.id),
                _("The request is handed over to %(name)s.", name=target.name),
                "requests/detail.html",
                "requests/_conversation.html",
                **_inbox_context(record),
            )
    return render_page_or_fragment(
        "requests/detail.html",
        "requests/_conversation.html",
        status,
        **_inbox_context(record, hand_over_form=form),
    )


@bp.post("/inbox/<int:request_id>/close")
@login_required
def inbox_close(request_id: int) -> ResponseReturnValue:
    record = _inbox_request(request_id, "change")
    try:
        services.close(db.session(), record, current_user)
    except services.RequestError as error:
        return _refused(record, error, _inbox_context(record), "requests/detail.html")
    db.session.commit()
    return _done(
        url_for(".inbox_detail", request_id=record.id),
        _("The request is closed. The enterprise is asked to rate the help."),
        "requests/detail.html",
        "requests/_conversation.html",
        **_inbox_context(record),
    )
