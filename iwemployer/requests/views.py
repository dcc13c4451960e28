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

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from .. import kept_forms
from ..access import (
    Action,
    get_or_404,
    kind_required,
    member_role,
    member_role_required,
    require,
    scoped,
)
from ..errors import DomainError
from ..extensions import db
from ..forms import choice, optional_id, show_error
from ..htmx import finish, is_fragment_request, render_page_or_fragment
from ..models import (
    CaseHelpKind,
    EmployerRequest,
    Enterprise,
    QuestionKind,
    RequestEvent,
    RequestKind,
    RequestMessage,
    RequestStatus,
    Urgency,
    UserKind,
)
from ..search import (
    SearchField,
    enterprise_label,
    enterprise_options,
    find_enterprise,
    suggest_enterprises,
)
from ..templating import template_globals
from ..translation import format_date, format_decimal, ngettext
from ..translation import gettext as _
from . import labels, menu, services
from .forms import (
    CaseHelpForm,
    HandOverForm,
    InboxEnterpriseForm,
    NewRequestForm,
    QuestionForm,
    RatingForm,
    RecruitmentForm,
    ReplyForm,
)

bp = Blueprint("requests", __name__)
F = TypeVar("F", bound=Callable[..., Any])

ASKERS_OF = services.ASKERS_OF
# An htmx event other regions (the unread badge) refresh on.
CHANGED_EVENT = "requests-changed"
DETAIL = "requests/detail.html"
CONVERSATION = "requests/_conversation.html"

template_globals(
    bp,
    RequestStatus=RequestStatus,
    RequestKind=RequestKind,
    RequestEvent=RequestEvent,
    Urgency=Urgency,
    QuestionKind=QuestionKind,
    CaseHelpKind=CaseHelpKind,
    request_kind_label=labels.request_kind_label,
    request_status_label=labels.request_status_label,
    request_status_variant=labels.request_status_variant,
    request_title=labels.request_title,
    urgency_label=labels.urgency_label,
    urgency_variant=labels.urgency_variant,
    question_kind_label=labels.question_kind_label,
    can_ask_request=services.can_ask,
)


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
            require(current_user.kind == UserKind.EMPLOYER, int(kwargs["enterprise_id"]))
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def _require_follows(record: EmployerRequest, action: Action = "change") -> None:
    """Another person's request (for roles that follow only their own) answers 403."""
    role = member_role(current_user, record.enterprise_id)
    require(services.can_follow(record, current_user, role), record.enterprise_id, action)


# --- the detail page and its conversation region, for both sides ---------------------------------


def _centre_side() -> bool:
    return bool(current_user.kind == UserKind.ADVISER)


def _url(record: EmployerRequest) -> str:
    if _centre_side():
        return url_for(".inbox_detail", request_id=record.id)
    return url_for(".enterprise_detail", enterprise_id=record.enterprise_id, request_id=record.id)


def _today() -> date:
    return services.local_date(services.utcnow())


def _overdue_limit() -> int:
    return int(current_app.config["REQUEST_OVERDUE_WORKING_DAYS"])


def _reopen_days() -> int:
    return int(current_app.config["REQUEST_REOPEN_DAYS"])


def _hand_over_form(record: EmployerRequest, **kwargs: Any) -> HandOverForm:
    form = HandOverForm(**kwargs)
    form.adviser_id.choices = [
        choice(u.id, u.name)
        for u in services.colleagues(db.session(), record)
        if u.id != record.assigned_to_id
    ]
    return form


def _context(record: EmployerRequest, **extra: Any) -> dict[str, Any]:
    """What the conversation region shows (the page adds only the request's details)."""
    can = services.permissions(record, current_user, _reopen_days())
    context: dict[str, Any] = {
        "record": record,
        "enterprise": record.enterprise,
        "side": "centre" if _centre_side() else "enterprise",
        "can": can,
        "reply_form": ReplyForm(formdata=None),
        "reopen_days": _reopen_days(),
        "reopen_deadline": services.reopen_deadline(record, _reopen_days()),
        "answer_due": services.answer_due(record, _overdue_limit()),
    }
    if _centre_side():
        today = _today()
        context["days_waiting"] = services.days_waiting(record, today)
        context["overdue"] = services.is_overdue(record, today, _overdue_limit())
        if can.hand_over:
            context["hand_over_form"] = _hand_over_form(record, formdata=None)
    elif can.rate:
        context["rating_form"] = RatingForm(formdata=None)
    context.update(extra)
    return context


def _detail(record: EmployerRequest) -> ResponseReturnValue:
    """The request's page; opening it marks its activity seen."""
    services.mark_seen(db.session(), record, current_user)
    db.session.commit()
    return render_template(DETAIL, **_context(record))


def _conversation(record: EmployerRequest, status: int, **extra: Any) -> ResponseReturnValue:
    return render_page_or_fragment(DETAIL, CONVERSATION, status, **_context(record, **extra))


def _change(
    record: EmployerRequest,
    act: Callable[[], str],
    form: FlaskForm | None = None,
    form_name: str = "",
    anchor: str = "",
) -> ResponseReturnValue:
    """Validate ``form`` (if any), run ``act`` (the service call; it returns the message for the
    user) and answer with the conversation region: refreshed, or with the error at the form
    (422) or above the region (409: the request's state no longer allows it)."""
    if form is not None and not form.validate_on_submit():
        return _conversation(record, 422, **{form_name: form})
    try:
        message = act()
    except services.AlreadyRated:
        db.session.rollback()
        db.session.refresh(record)
        return _already_rated(record)
    except DomainError as error:
        db.session.rollback()
        db.session.refresh(record)
        if form is not None and error.status == 422:
            show_error(error, form)
            return _conversation(record, error.status, **{form_name: form})
        return _conversation(record, error.status, problem=str(error))
    db.session.commit()
    return finish(
        message, _url(record) + anchor, DETAIL, CONVERSATION, CHANGED_EVENT, **_context(record)
    )


def _already_rated(record: EmployerRequest) -> ResponseReturnValue:
    """A second rating (double click, resend) changes nothing: back to the request."""
    message = _("You have already rated the help with this request. Thank you!")
    if is_fragment_request():
        return _conversation(record, 200, notice=message)
    flash(message, "info")
    return redirect(_url(record), code=303)


# --- employer side ------------------------------------------------------------------------------


@bp.get("/enterprises/<int:enterprise_id>/requests")
@member_role_required(*services.ASKERS, adviser=True)
@employers_only(advisers_to=lambda enterprise_id: url_for(".inbox", enterprise_id=enterprise_id))
def enterprise_list(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id)
    role = member_role(current_user, enterprise_id)
    page = services.enterprise_requests(
        db.session(),
        enterprise_id,
        current_user,
        role,
        page=request.args.get("page", 1, type=int),
        page_size=int(current_app.config.get("PAGE_SIZE", 20)),
    )
    records = page.items
    unread = services.unread_ids(db.session(), current_user, (r.id for r in records))
    return render_template(
        "requests/enterprise_list.html",
        enterprise=enterprise,
        page=page,
        records=records,
        unread=unread,
        to_rate={r.id for r in records if services.can_rate(r, current_user)},
        follows_all=services.follows_all(role),
        can_ask={kind: services.can_ask(role, kind) for kind in RequestKind},
    )


def _new_request_page(
    enterprise_id: int,
    form: NewRequestForm,
    template: str,
    create: Callable[[Enterprise, str], EmployerRequest],
) -> ResponseReturnValue:
    if request.method == "GET":
        enterprise = get_or_404(Enterprise, enterprise_id)
        form.form_token.data = services.new_form_token()
        return render_template(template, enterprise=enterprise, form=form)
    enterprise = get_or_404(Enterprise, enterprise_id, "change")
    token = form.form_token.data or ""
    existing = services.sent_before(db.session(), token, enterprise_id, current_user)
    if existing is not None:
        # Sent twice (double click, resend after a network error): show the one already made.
        return redirect(_url(existing), code=303)
    if form.validate_on_submit():
        try:
            record = create(enterprise, token)
        except services.AlreadySubmitted as sent:
            target = url_for(
                ".enterprise_detail", enterprise_id=enterprise_id, request_id=sent.request_id
            )
            return redirect(target, code=303)
        except DomainError as error:
            if isinstance(error, services.TokenTaken):
                form.form_token.data = services.new_form_token()
            show_error(error, form)
        else:
            db.session.commit()
            return finish(_receipt(record), _url(record))
    if not form.form_token.data:
        form.form_token.data = services.new_form_token()
    return render_template(template, enterprise=enterprise, form=form), 422


def _receipt(record: EmployerRequest) -> str:
    """What the enterprise is told on sending: when to expect an answer, in working days."""
    limit = _overdue_limit()
    due = services.answer_due(record, limit)
    return ngettext(
        "Your request is sent. The centre answers here within %(num)d working day, by %(date)s.",
        "Your request is sent. The centre answers here within %(num)d working days, by %(date)s.",
        limit,
        date=format_date(due, "full") if due else "",
    )


@bp.route("/enterprises/<int:enterprise_id>/requests/new/recruitment", methods=["GET", "POST"])
@member_role_required(*ASKERS_OF[RequestKind.RECRUITMENT], adviser=False)
@employers_only()
def enterprise_new_recruitment(enterprise_id: int) -> ResponseReturnValue:
    form = RecruitmentForm()
    activities = _plan_activity_choices(enterprise_id)
    form.plan_activity_id.choices = [
        choice(None, _("No activity")),
        *(choice(value, label) for value, label in activities),
    ]
    if request.method == "GET" and not kept_forms.refilled(form):
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
@member_role_required(*ASKERS_OF[RequestKind.CASE_HELP], adviser=False)
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
            bool(form.no_health_details.data),
        )

    return _new_request_page(enterprise_id, form, "requests/new_case_help.html", create)


@bp.route("/enterprises/<int:enterprise_id>/requests/new/question", methods=["GET", "POST"])
@member_role_required(*ASKERS_OF[RequestKind.QUESTION], adviser=False)
@employers_only()
def enterprise_new_question(enterprise_id: int) -> ResponseReturnValue:
    if request.method == "GET" and request.args.get("kind") == QuestionKind.MEETING.value:
        # Meetings have their own thread now (the cooperation area); old links lead there.
        return redirect(url_for("cooperation.new_meeting", enterprise_id=enterprise_id), 303)
    form = QuestionForm()

    def create(enterprise: Enterprise, token: str) -> EmployerRequest:
        return services.submit_question(
            db.session(),
            enterprise,
            current_user,
            token,
            QuestionKind.QUESTION,
            (form.subject.data or "").strip(),
            (form.description.data or "").strip(),
            bool(form.no_health_details.data),
        )

    return _new_request_page(enterprise_id, form, "requests/new_question.html", create)


@bp.get("/enterprises/<int:enterprise_id>/requests/<int:request_id>")
@member_role_required(*services.ASKERS, adviser=True)
@employers_only(advisers_to=lambda request_id, **_: url_for(".inbox_detail", request_id=request_id))
def enterprise_detail(enterprise_id: int, request_id: int) -> ResponseReturnValue:
    record = get_or_404(EmployerRequest, request_id, "read", enterprise_id=enterprise_id)
    _require_follows(record, "read")
    return _detail(record)


@bp.post("/enterprises/<int:enterprise_id>/requests/<int:request_id>/messages")
@member_role_required(*services.ASKERS, adviser=False)
@employers_only()
def enterprise_reply(enterprise_id: int, request_id: int) -> ResponseReturnValue:
    record = get_or_404(EmployerRequest, request_id, "change", enterprise_id=enterprise_id)
    _require_follows(record)
    form = ReplyForm()

    def act() -> str:
        services.employer_reply(
            db.session(),
            record,
            current_user,
            form.body.data or "",
            bool(form.no_health_details.data),
        )
        return _("Your message is sent.")

    return _change(record, act, form, "reply_form", "#conversation")


@bp.post("/enterprises/<int:enterprise_id>/requests/<int:request_id>/withdraw")
@member_role_required(*services.ASKERS, adviser=False)
@employers_only()
def enterprise_withdraw(enterprise_id: int, request_id: int) -> ResponseReturnValue:
    record = get_or_404(EmployerRequest, request_id, "change", enterprise_id=enterprise_id)
    _require_follows(record)

    def act() -> str:
        services.withdraw(db.session(), record, current_user)
        return _("The request is withdrawn.")

    return _change(record, act)


@bp.post("/enterprises/<int:enterprise_id>/requests/<int:request_id>/reopen")
@member_role_required(*services.ASKERS, adviser=False)
@employers_only()
def enterprise_reopen(enterprise_id: int, request_id: int) -> ResponseReturnValue:
    record = get_or_404(EmployerRequest, request_id, "change", enterprise_id=enterprise_id)
    _require_follows(record)

    def act() -> str:
        services.reopen(db.session(), record, current_user, _reopen_days())
        return _("The request is open again. Write what you need below.")

    return _change(record, act, anchor="#conversation")


@bp.post("/enterprises/<int:enterprise_id>/requests/<int:request_id>/rating")
@member_role_required(*services.ASKERS, adviser=False)
@employers_only()
def enterprise_rate(enterprise_id: int, request_id: int) -> ResponseReturnValue:
    record = get_or_404(EmployerRequest, request_id, "change", enterprise_id=enterprise_id)
    # Only the person who asked rates the help.
    require(services.is_asker(record, current_user), enterprise_id)
    if record.rating is not None:
        return _already_rated(record)
    form = RatingForm()

    def act() -> str:
        score, comment = int(form.score.data or 0), (form.comment.data or "").strip()
        services.rate(db.session(), record, current_user, score, comment)
        return _("Thank you for your rating.")

    return _change(record, act, form, "rating_form")


# --- the contact person's inbox -----------------------------------------------------------------


INBOX_ENTERPRISE = SearchField("enterprise", "requests.inbox_suggest_enterprises")


def _inbox_filter(form: InboxEnterpriseForm) -> services.InboxFilter:
    """The filters asked for; the enterprise typed into ``form`` (or named by ``enterprise_id``
    in a link) is one of the adviser's centre's, or an error at the field and no such filter."""
    kind = request.args.get("kind", "")
    status = request.args.get("status", "open")
    sort = request.args.get("sort", "mine")
    return services.InboxFilter(
        kind=RequestKind(kind) if kind in {k.value for k in RequestKind} else None,
        status=status if status in services.STATUS_FILTERS else "open",
        enterprise_id=_inbox_enterprise(form),
        sort=sort if sort in services.SORTS else "mine",
    )


def _inbox_enterprise(form: InboxEnterpriseForm) -> int | None:
    try:
        linked = optional_id(request.args.get("enterprise_id"))
    except ValueError:
        linked = None
    if linked is not None and not form.enterprise.data:
        enterprise = db.session.scalar(scoped(Enterprise).where(Enterprise.id == linked))
        if enterprise is not None:
            form.enterprise.data = enterprise_label(enterprise)
            return enterprise.id
    if not form.validate() or not (form.enterprise.data or "").strip():
        return None
    try:
        return find_enterprise(
            db.session(), scoped(Enterprise), form.enterprise.data or "", "enterprise"
        ).id
    except DomainError as error:
        show_error(error, form)
        return None


@bp.get("/inbox")
@kind_required(UserKind.ADVISER)
def inbox() -> ResponseReturnValue:
    enterprise_form = InboxEnterpriseForm(request.args)
    filters = _inbox_filter(enterprise_form)
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
        enterprise_form=enterprise_form,
        enterprise_search=INBOX_ENTERPRISE,
        unread_count=menu.unread_count(),
        unread_shown_up_to=services.UNREAD_SHOWN_UP_TO,
        rating=rating,
        rating_average=format_decimal(rating.average or 0, format="0.0"),
        overdue_limit=_overdue_limit(),
        kinds=list(RequestKind),
        statuses=list(RequestStatus),
        sorts=[(value, labels.SORT_LABELS[value]) for value in services.SORTS],
        query_args={k: v for k, v in request.args.items() if k != "page" and v},
    ), (422 if enterprise_form.errors else 200)


@bp.get("/inbox/suggestions/enterprises")
@kind_required(UserKind.ADVISER)
def inbox_suggest_enterprises() -> ResponseReturnValue:
    """The centre's enterprises for the filter's datalist; a plain visit filters the inbox."""
    q = request.args.get("enterprise", "")
    if not is_fragment_request():
        return redirect(url_for(".inbox", enterprise=q), code=303)
    found = suggest_enterprises(db.session(), scoped(Enterprise), q)
    return render_template("_suggestions.html", options=enterprise_options(found))


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
        unread_shown_up_to=services.UNREAD_SHOWN_UP_TO,
    )


@bp.get("/inbox/<int:request_id>")
@kind_required(UserKind.ADVISER)
def inbox_detail(request_id: int) -> ResponseReturnValue:
    return _detail(get_or_404(EmployerRequest, request_id))


@bp.post("/inbox/<int:request_id>/take")
@kind_required(UserKind.ADVISER)
def inbox_take(request_id: int) -> ResponseReturnValue:
    record = get_or_404(EmployerRequest, request_id, "change")

    def act() -> str:
        if services.take(db.session(), record, current_user):
            return _("You are handling the request.")
        return _("You already handle it.")

    return _change(record, act)


@bp.post("/inbox/<int:request_id>/messages")
@kind_required(UserKind.ADVISER)
def inbox_reply(request_id: int) -> ResponseReturnValue:
    record = get_or_404(EmployerRequest, request_id, "change")
    form = ReplyForm()
    answered = request.form.get("action") == "answer"

    def act() -> str:
        body = form.body.data or ""
        services.adviser_reply(db.session(), record, current_user, body, answered=answered)
        if answered:
            return _("Your answer is sent and the request is marked as answered.")
        return _("Your reply is sent.")

    return _change(record, act, form, "reply_form", "#conversation")


@bp.post("/inbox/<int:request_id>/hand-over")
@kind_required(UserKind.ADVISER)
def inbox_hand_over(request_id: int) -> ResponseReturnValue:
    record = get_or_404(EmployerRequest, request_id, "change")
    form = _hand_over_form(record)

    def act() -> str:
        adviser_id = int(form.adviser_id.data or 0)
        note = form.note.data or ""
        target = services.hand_over(db.session(), record, current_user, adviser_id, note)
        return _("The request is handed over to %(name)s.", name=target.name)

    return _change(record, act, form, "hand_over_form")


@bp.post("/inbox/<int:request_id>/description/redact")
@kind_required(UserKind.ADVISER)
def inbox_redact_description(request_id: int) -> ResponseReturnValue:
    """Remove the description (health details): behind a disclosure that asks to confirm."""
    record = get_or_404(EmployerRequest, request_id, "change")

    def act() -> str:
        services.redact_description(db.session(), record, current_user)
        return _("The description is removed.")

    return _change(record, act, anchor="#details-heading")


@bp.post("/inbox/<int:request_id>/messages/<int:message_id>/redact")
@kind_required(UserKind.ADVISER)
def inbox_redact_message(request_id: int, message_id: int) -> ResponseReturnValue:
    """Remove a message's text (health details): behind a disclosure that asks to confirm."""
    record = get_or_404(EmployerRequest, request_id, "change")
    message = get_or_404(RequestMessage, message_id, "change", request_id=record.id)

    def act() -> str:
        services.redact_message(db.session(), record, message, current_user)
        return _("The message's text is removed.")

    return _change(record, act, anchor=f"#message-{message.id}")


@bp.post("/inbox/<int:request_id>/close")
@kind_required(UserKind.ADVISER)
def inbox_close(request_id: int) -> ResponseReturnValue:
    record = get_or_404(EmployerRequest, request_id, "change")

    def act() -> str:
        services.close(db.session(), record, current_user)
        return _("The request is closed. The enterprise is asked to rate the help.")

    return _change(record, act)
