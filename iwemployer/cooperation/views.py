"""Meetings, the health service's reports, and inspections: load → access → validate → service →
commit → respond."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime, format_time
from flask_login import current_user

from .. import attachments
from ..access import found as access_found
from ..access import get_or_404, kind_required, member_role_required, require
from ..errors import DomainError
from ..extensions import db
from ..forms import blank_choice, choice, show_error
from ..htmx import finish, render_page_or_fragment
from ..models import (
    Enterprise,
    HealthServiceReport,
    InspectionOrder,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MeetingStep,
    PlanActivity,
    Responsible,
    UserKind,
    utcnow,
)
from ..templating import template_globals
from ..translation import gettext as _
from . import services
from .calendar import meeting_ics
from .forms import (
    AcceptForm,
    AnswerOrderForm,
    CancelForm,
    CommentForm,
    InspectionForm,
    LinkOrderForm,
    MeetingRequestForm,
    MinutesForm,
    MoveForm,
    ProposeForm,
    ReportForm,
)
from .labels import (
    MEETING_STATUS_LABELS,
    MEETING_STATUS_VARIANTS,
    MODE_LABELS,
    STEP_LABELS,
)
from .services import ASKERS, INSPECTION_EDITORS, REPORT_AUTHORS

bp = Blueprint("cooperation", __name__)
template_globals(
    bp,
    MeetingStatus=MeetingStatus,
    MeetingStep=MeetingStep,
    meeting_status_label=lambda s: str(MEETING_STATUS_LABELS[MeetingStatus(s)]),
    meeting_status_variant=lambda s: MEETING_STATUS_VARIANTS[MeetingStatus(s)],
    meeting_mode_label=lambda m: str(MODE_LABELS[MeetingMode(m)]),
    meeting_step_label=lambda s: str(STEP_LABELS[MeetingStep(s)]),
    local_time=services.local,
    # On a plan activity's page (plans area): the health service's reports it refers to.
    activity_reports=lambda activity_id: services.reports_for_activity(db.session(), activity_id),
)


def cooperation_summary(enterprise_id: int) -> services.HomeSummary:
    """The home card's region: asked only by the card, two small queries."""
    session = db.session()
    return services.HomeSummary(
        services.next_meeting(session, enterprise_id, utcnow()),
        # One more than the card shows: whether to link to the rest.
        services.open_orders(session, enterprise_id, services.HOME_ORDERS + 1),
    )


template_globals(bp, cooperation_summary=cooperation_summary, HOME_ORDERS=services.HOME_ORDERS)


@bp.record_once
def _setup(state: Any) -> None:
    attachments.accept_uploads(state.app, "cooperation.add_report")


MEETING = "/enterprises/<int:enterprise_id>/meetings/<int:meeting_id>"


def _today() -> date:
    return services.local(utcnow()).date()


def _enterprise(enterprise_id: int, action: str = "read") -> Enterprise:
    return get_or_404(Enterprise, enterprise_id, "change" if action == "change" else "read")


# --- meetings ----------------------------------------------------------------------------------


@bp.get("/enterprises/<int:enterprise_id>/meetings")
@member_role_required(*ASKERS, adviser=True)
def meetings(enterprise_id: int) -> ResponseReturnValue:
    enterprise = _enterprise(enterprise_id)
    session = db.session()
    return render_template(
        "cooperation/meetings.html",
        enterprise=enterprise,
        meetings=services.meetings_of(session, enterprise_id),
        can_request=services.can_request_meeting(current_user, enterprise_id),
        now=utcnow(),
    )


@bp.route("/enterprises/<int:enterprise_id>/meetings/new", methods=["GET", "POST"])
@member_role_required(*ASKERS, adviser=False)
def new_meeting(enterprise_id: int) -> ResponseReturnValue:
    enterprise = _enterprise(enterprise_id, "change" if request.method == "POST" else "read")
    form = MeetingRequestForm()
    themes = services.plan_themes(db.session(), enterprise_id, _today())
    form.set_agenda(themes)
    if request.method == "POST":
        if form.validate():
            try:
                meeting = services.request_meeting(
                    db.session(),
                    enterprise,
                    current_user,
                    purpose=form.purpose.data or "",
                    wished_participants=form.wished_participants.data or "",
                    mode=MeetingMode(form.mode.data),
                    slots=form.chosen_slots(),
                    wished_week=form.wished_week.data,
                    now=utcnow(),
                    agenda=form.agenda_picks(),
                )
            except DomainError as error:
                db.session.rollback()
                show_error(error, form)
            else:
                db.session.commit()
                return finish(_("Your request is sent to the contact person."), _url(meeting))
        status = 422
    else:
        status = 200
    return _form_page(
        "cooperation/new_meeting.html", status, enterprise=enterprise, form=form, themes=themes
    )


def _form_page(template: str, status: int, **context: Any) -> ResponseReturnValue:
    return render_template(template, **context), status


def _url(meeting: Meeting) -> str:
    return url_for(
        "cooperation.meeting", enterprise_id=meeting.enterprise_id, meeting_id=meeting.id
    )


def _meeting_page(meeting: Meeting, status: int = 200, **forms: Any) -> ResponseReturnValue:
    session = db.session()
    meeting = services.load_meeting(session, meeting)
    user, now = current_user, utcnow()
    answer_slots = [s for s in meeting.slots if not s.from_centre]
    centre_slots = [s for s in meeting.slots if s.from_centre]
    can_answer = services.can_answer_request(user, meeting)
    can_accept = services.can_accept_proposal(user, meeting)
    choosable = answer_slots if can_answer else centre_slots if can_accept else []
    accept = forms.get("accept_form") or AcceptForm(formdata=None)
    accept.slot.choices = [blank_choice(_("Choose a time"))] + [
        choice(s.id, _slot_label(s.starts_at, s.ends_at)) for s in choosable if s.starts_at > now
    ]
    minutes_form = forms.get("minutes_form")
    can_minutes = services.can_write_minutes(user, meeting, now)
    if can_minutes and minutes_form is None:
        minutes_form = MinutesForm(formdata=None, obj=None)
        minutes_form.discussed.data = meeting.minutes_discussed
        minutes_form.decisions.data = meeting.minutes_decisions
    if minutes_form is not None:
        themes = services.plan_themes(session, meeting.enterprise_id, _today())
        minutes_form.set_themes([(t.id, t.title) for t in themes])
    return render_template(
        "cooperation/meeting.html",
        meeting=meeting,
        enterprise=meeting.enterprise,
        answer_slots=answer_slots,
        centre_slots=centre_slots,
        accept_form=accept if choosable else None,
        propose_form=(forms.get("propose_form") or ProposeForm(formdata=None))
        if can_answer
        else None,
        move_form=(forms.get("move_form") or MoveForm(formdata=None))
        if services.can_move(user, meeting, now)
        else None,
        cancel_form=(forms.get("cancel_form") or CancelForm(formdata=None))
        if services.can_cancel(user, meeting, now)
        else None,
        comment_form=(forms.get("comment_form") or CommentForm(formdata=None))
        if services.can_comment(user, meeting)
        else None,
        minutes_form=minutes_form if can_minutes else None,
        now=now,
    ), status


def _slot_label(starts_at: datetime, ends_at: datetime) -> str:
    return f"{format_datetime(starts_at, 'EEEE d. MMMM y HH:mm')}–{format_time(ends_at, 'HH:mm')}"


@bp.get(MEETING)
@member_role_required(*ASKERS, adviser=True)
def meeting(enterprise_id: int, meeting_id: int) -> ResponseReturnValue:
    found = get_or_404(Meeting, meeting_id, "read", enterprise_id=enterprise_id)
    return _meeting_page(found)


def _meeting_action(
    enterprise_id: int,
    meeting_id: int,
    form: Any,
    form_name: str,
    action: Callable[[Meeting], None],
    message: str,
) -> ResponseReturnValue:
    found = get_or_404(Meeting, meeting_id, "change", enterprise_id=enterprise_id)
    if form.validate():
        try:
            action(found)
        except DomainError as error:
            db.session.rollback()
            # A step the rules refuse (the other side's turn, a meeting already held).
            require(error.status != 403, enterprise_id)
            show_error(error, form)
        else:
            db.session.commit()
            return finish(message, _url(found))
    found = get_or_404(Meeting, meeting_id, "read", enterprise_id=enterprise_id)
    return _meeting_page(found, 422, **{form_name: form})


@bp.post(MEETING + "/accept")
@member_role_required(*ASKERS, adviser=True)
def accept(enterprise_id: int, meeting_id: int) -> ResponseReturnValue:
    form = AcceptForm()
    form.slot.choices = None  # any id; the service checks it is one of the meeting's times
    form.slot.validate_choice = False
    return _meeting_action(
        enterprise_id,
        meeting_id,
        form,
        "accept_form",
        lambda m: services.accept_time(db.session(), m, current_user, form.slot.data, utcnow()),
        _("The meeting is agreed."),
    )


@bp.post(MEETING + "/propose")
@member_role_required(adviser=True)
def propose(enterprise_id: int, meeting_id: int) -> ResponseReturnValue:
    form = ProposeForm()
    return _meeting_action(
        enterprise_id,
        meeting_id,
        form,
        "propose_form",
        lambda m: services.propose_times(
            db.session(), m, current_user, form.chosen_slots(), form.message.data or "", utcnow()
        ),
        _("The times are sent."),
    )


@bp.post(MEETING + "/move")
@member_role_required(*ASKERS, adviser=True)
def move(enterprise_id: int, meeting_id: int) -> ResponseReturnValue:
    form = MoveForm()

    def act(found: Meeting) -> None:
        slot = form.slot()
        assert slot is not None  # the form requires the start
        services.move_meeting(
            db.session(), found, current_user, slot, form.message.data or "", utcnow()
        )

    return _meeting_action(
        enterprise_id, meeting_id, form, "move_form", act, _("The meeting is moved.")
    )


@bp.post(MEETING + "/cancel")
@member_role_required(*ASKERS, adviser=True)
def cancel(enterprise_id: int, meeting_id: int) -> ResponseReturnValue:
    form = CancelForm()
    return _meeting_action(
        enterprise_id,
        meeting_id,
        form,
        "cancel_form",
        lambda m: services.cancel_meeting(
            db.session(), m, current_user, form.message.data or "", utcnow()
        ),
        _("The meeting is cancelled."),
    )


@bp.post(MEETING + "/comments")
@member_role_required(*ASKERS, adviser=True)
def comment(enterprise_id: int, meeting_id: int) -> ResponseReturnValue:
    form = CommentForm()
    return _meeting_action(
        enterprise_id,
        meeting_id,
        form,
        "comment_form",
        lambda m: services.comment(db.session(), m, current_user, form.body.data or ""),
        _("Your comment is added."),
    )


@bp.post(MEETING + "/minutes")
@member_role_required(adviser=True)
def minutes(enterprise_id: int, meeting_id: int) -> ResponseReturnValue:
    form = MinutesForm()
    session = db.session()
    themes = {t.id: t for t in services.plan_themes(session, enterprise_id, _today())}
    form.set_themes([(t.id, t.title) for t in themes.values()])

    def act(found: Meeting) -> None:
        follow_ups = []
        for entry in form.follow_ups:
            sub = entry.form
            if not (sub.title.data or "").strip():
                continue
            theme = themes.get(sub.theme.data or 0)
            if theme is None:
                raise DomainError(_("Choose a theme for each follow-up."), "follow_ups")
            follow_ups.append(
                services.FollowUp(
                    theme=theme,
                    title=sub.title.data or "",
                    responsible=Responsible(sub.responsible.data or Responsible.MANAGER),
                    start_date=_today(),
                    end_date=sub.end_date.data or _today(),
                )
            )
        services.write_minutes(
            session,
            found,
            current_user,
            discussed=form.discussed.data or "",
            decisions=form.decisions.data or "",
            follow_ups=follow_ups,
            now=utcnow(),
        )

    return _meeting_action(
        enterprise_id, meeting_id, form, "minutes_form", act, _("The minutes are saved.")
    )


@bp.get(MEETING + "/meeting.ics")
@member_role_required(*ASKERS, adviser=True)
def meeting_calendar(enterprise_id: int, meeting_id: int) -> ResponseReturnValue:
    # A meeting without an agreed time has no calendar file (yet).
    meeting = get_or_404(Meeting, meeting_id, "read", enterprise_id=enterprise_id)
    found = access_found(meeting if meeting.starts_at is not None else None, enterprise_id)
    enterprise = found.enterprise
    location = {
        MeetingMode.AT_CENTRE: enterprise.centre.street_address,
        MeetingMode.AT_ENTERPRISE: enterprise.name,
        MeetingMode.ONLINE: _("Online"),
    }[found.mode]
    body = meeting_ics(
        found,
        request.host.split(":")[0],
        _("Meeting: %(enterprise)s and NAV", enterprise=enterprise.name),
        location,
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="meeting-{found.id}.ics"'},
    )


# --- the occupational health service's reports -----------------------------------------------


@bp.get("/enterprises/<int:enterprise_id>/health-service")
@member_role_required(*ASKERS, adviser=True)
def reports(enterprise_id: int) -> ResponseReturnValue:
    return _reports_page(enterprise_id, ReportForm(formdata=None), 200)


def _reports_page(enterprise_id: int, form: ReportForm, status: int) -> ResponseReturnValue:
    enterprise = _enterprise(enterprise_id)
    can_add = services.can_add_report(current_user, enterprise_id)
    if can_add:
        _activity_choices(form.activity, services.plan_activities(db.session(), enterprise_id))
    return render_template(
        "cooperation/reports.html",
        enterprise=enterprise,
        reports=services.reports_of(db.session(), enterprise_id),
        form=form if can_add else None,
    ), status


def _activity_choices(field: Any, activities: list[PlanActivity]) -> None:
    field.choices = [blank_choice(_("No activity"))] + [choice(a.id, a.title) for a in activities]


@bp.post("/enterprises/<int:enterprise_id>/health-service")
@member_role_required(*REPORT_AUTHORS, adviser=False)
def add_report(enterprise_id: int) -> ResponseReturnValue:
    enterprise = _enterprise(enterprise_id, "change")
    form = ReportForm()
    # Any activity of the enterprise's plans: the service checks it (422 at the field).
    form.activity.validate_choice = False
    if form.validate():
        try:
            services.add_report(
                db.session(),
                enterprise,
                current_user,
                title=form.title.data or "",
                report_date=form.report_date.data or _today(),
                summary=form.summary.data or "",
                activity_id=form.activity.data or None,
                file=services.ReportFile(*attachments.read(request.files.get("file"))),
                no_health_details=bool(form.no_health_details.data),
            )
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
        else:
            db.session.commit()
            return finish(
                _("The report is added."),
                url_for(".reports", enterprise_id=enterprise_id),
            )
    return _reports_page(enterprise_id, form, 422)


@bp.get("/enterprises/<int:enterprise_id>/health-service/<int:report_id>/file")
@member_role_required(*ASKERS, adviser=True)
def report_file(enterprise_id: int, report_id: int) -> ResponseReturnValue:
    report = get_or_404(HealthServiceReport, report_id, enterprise_id=enterprise_id)
    # A report without a file has no file to fetch: 404, as for any missing record.
    found = access_found(report if report.file_stored_name else None, enterprise_id)
    assert found.file_stored_name and found.file_content_type and found.file_name
    response = attachments.download(
        found.file_stored_name, found.file_content_type, found.file_name
    )
    if response is None:
        # The store lost the file (an incomplete restore): say so rather than fail.
        return finish(
            _("The file is missing from the store."),
            url_for(".reports", enterprise_id=enterprise_id),
        )
    return response


# --- inspections and orders --------------------------------------------------------------------


@bp.get("/enterprises/<int:enterprise_id>/inspections")
@member_role_required(*ASKERS, adviser=True)
def inspections(enterprise_id: int) -> ResponseReturnValue:
    return _inspections_page(enterprise_id, 200)


def _inspections_page(enterprise_id: int, status: int, **forms: Any) -> ResponseReturnValue:
    enterprise = _enterprise(enterprise_id)
    session = db.session()
    can_edit = services.can_record_inspection(current_user, enterprise_id)
    activities = services.plan_activities(session, enterprise_id) if can_edit else []
    link_form = forms.get("link_form") or LinkOrderForm(formdata=None)
    _activity_choices(link_form.activity, activities)
    return render_template(
        "cooperation/inspections.html",
        enterprise=enterprise,
        inspections=services.inspections_of(session, enterprise_id),
        can_edit=can_edit,
        link_form=link_form,
        failed_order=forms.get("order_id"),
        answer_form=forms.get("answer_form") or AnswerOrderForm(formdata=None),
        today=_today(),
    ), status


@bp.route("/enterprises/<int:enterprise_id>/inspections/new", methods=["GET", "POST"])
@member_role_required(*INSPECTION_EDITORS, adviser=True)
def new_inspection(enterprise_id: int) -> ResponseReturnValue:
    enterprise = _enterprise(enterprise_id, "change" if request.method == "POST" else "read")
    form = InspectionForm()
    if request.method == "POST":
        if form.validate():
            orders = [
                services.OrderFields(e.form.text.data or "", e.form.deadline.data)
                for e in form.orders
                if (e.form.text.data or "").strip() and e.form.deadline.data
            ]
            try:
                if any(
                    (e.form.text.data or "").strip() and not e.form.deadline.data
                    for e in form.orders
                ):
                    raise DomainError(_("Give each order its deadline."), "orders")
                services.record_inspection(
                    db.session(),
                    enterprise,
                    current_user,
                    inspected_on=form.inspected_on.data or _today(),
                    topic=form.topic.data or "",
                    letter_url=form.letter_url.data or "",
                    orders=orders,
                    today=_today(),
                )
            except DomainError as error:
                db.session.rollback()
                show_error(error, form)
            else:
                db.session.commit()
                return finish(
                    _("The inspection is recorded."),
                    url_for(".inspections", enterprise_id=enterprise_id),
                )
        return _form_page("cooperation/new_inspection.html", 422, enterprise=enterprise, form=form)
    return _form_page("cooperation/new_inspection.html", 200, enterprise=enterprise, form=form)


ORDER = "/enterprises/<int:enterprise_id>/inspections/<int:inspection_id>/orders/<int:order_id>"


def _order_action(
    enterprise_id: int,
    inspection_id: int,
    order_id: int,
    form: Any,
    form_name: str,
    action: Callable[[InspectionOrder], None],
    message: str,
) -> ResponseReturnValue:
    order = get_or_404(
        InspectionOrder,
        order_id,
        "change",
        inspection_id=inspection_id,
        enterprise_id=enterprise_id,
    )
    if form.validate():
        try:
            action(order)
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
        else:
            db.session.commit()
            return finish(message, url_for(".inspections", enterprise_id=enterprise_id))
    return _inspections_page(enterprise_id, 422, order_id=order_id, **{form_name: form})


@bp.post(ORDER + "/link")
@member_role_required(*INSPECTION_EDITORS, adviser=True)
def link_order(enterprise_id: int, inspection_id: int, order_id: int) -> ResponseReturnValue:
    form = LinkOrderForm()
    form.activity.validate_choice = False

    def act(order: InspectionOrder) -> None:
        activity = (
            get_or_404(PlanActivity, form.activity.data, "change", enterprise_id=enterprise_id)
            if form.activity.data
            else None
        )
        services.link_order(db.session(), order, current_user, activity)

    return _order_action(
        enterprise_id,
        inspection_id,
        order_id,
        form,
        "link_form",
        act,
        _("The order is linked to the activity."),
    )


@bp.post(ORDER + "/answer")
@member_role_required(*INSPECTION_EDITORS, adviser=True)
def answer_order(enterprise_id: int, inspection_id: int, order_id: int) -> ResponseReturnValue:
    form = AnswerOrderForm()
    return _order_action(
        enterprise_id,
        inspection_id,
        order_id,
        form,
        "answer_form",
        lambda o: services.answer_order(
            db.session(), o, current_user, form.answer.data or "", _today()
        ),
        _("The order is marked as answered."),
    )


# --- the contact person's overview ---------------------------------------------------------------


@bp.get("/adviser/cooperation")
@kind_required(UserKind.ADVISER)
def adviser_overview() -> ResponseReturnValue:
    overview = services.adviser_overview(db.session(), current_user, utcnow())
    return render_page_or_fragment(
        "cooperation/adviser_overview.html",
        "cooperation/adviser_overview.html",
        overview=overview,
        today=_today(),
    )


@bp.get("/adviser/cooperation/orders")
@kind_required(UserKind.ADVISER)
def adviser_orders() -> ResponseReturnValue:
    try:
        number = int(request.args.get("page", "1"))
    except ValueError:
        number = 1
    return render_template(
        "cooperation/centre_orders.html",
        orders=services.centre_open_orders(
            db.session(), current_user, number, current_app.config["PAGE_SIZE"]
        ),
        today=_today(),
    )
