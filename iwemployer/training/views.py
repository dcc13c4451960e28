"""Training: the enterprise's side (``/enterprises/<id>/training...``), the centre's side
(``/centre/courses...``) and the calendar (``/account/calendar``; the feed
``/calendar/<token>.ics``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click
from flask import Blueprint, current_app, g, make_response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_time
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..access import (
    get_or_404,
    kind_required,
    member_role,
    member_role_required,
    require,
    scoped,
)
from ..errors import DomainError
from ..extensions import db
from ..forms import choice, show_error
from ..htmx import finish, is_fragment_request, render_page_or_fragment
from ..models import (
    ActionPlan,
    Booking,
    BookingStatus,
    Centre,
    Course,
    CourseTopic,
    Enterprise,
    MemberRole,
    ParticipantRole,
    PlanActivity,
    PlanTheme,
    UserKind,
    utcnow,
)
from ..templating import template_globals
from ..translation import gettext as _
from . import labels, services
from .forms import BookingForm, CourseForm, PlanLinkForm

# cli_group=None: the purge is ``flask --app wsgi training-purge`` (for a timer).
bp = Blueprint("training", __name__, cli_group=None)

TRAINEES = services.TRAINEES
COURSE_PAGE = "training/course.html"
BOOKING_REGION = "training/_bookings.html"
CENTRE_COURSE = "training/centre_course.html"
ICS = "text/calendar; charset=utf-8"

template_globals(
    bp,
    CourseTopic=CourseTopic,
    BookingStatus=BookingStatus,
    ParticipantRole=ParticipantRole,
    topic_label=labels.topic_label,
    participant_role_label=labels.role_label,
    booking_status_label=labels.booking_status_label,
    booking_status_variant=labels.booking_status_variant,
    course_language_label=labels.language_label,
    deadline_day=services.deadline_day,
    # Babel's short time of day, in Oslo time (the app offers only dates and datetimes).
    clock=lambda moment: format_time(moment, "short"),
    plan_training=lambda plan, activity: _plan_training(plan, activity),
)


@bp.record_once
def _config(state: Any) -> None:
    state.app.config.setdefault("TRAINING_RETENTION_DAYS", services.DEFAULT_RETENTION_DAYS)


def _now() -> datetime:
    return utcnow()


# --- the enterprise's side ------------------------------------------------------------------


def _filters() -> services.CourseFilter:
    topic = request.args.get("topic", "")
    audience = request.args.get("audience", "")
    month = request.args.get("month", "")
    months = {m.strftime("%Y-%m") for m in services.months_ahead(_now())}
    return services.CourseFilter(
        topic=CourseTopic(topic) if topic in set(CourseTopic) else None,
        audience=ParticipantRole(audience) if audience in set(ParticipantRole) else None,
        month=month if month in months else "",
    )


@bp.get("/enterprises/<int:enterprise_id>/training")
@member_role_required(*TRAINEES, adviser=True)
def courses(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id)
    filters = _filters()
    context: dict[str, Any] = {
        "enterprise": enterprise,
        "filters": filters,
        "courses": services.upcoming(db.session(), enterprise.centre_id, _now(), filters),
        "months": services.months_ahead(_now()),
    }
    if not is_fragment_request():
        # The filters' fragment is the list alone.
        context["bookings"] = services.enterprise_bookings(db.session(), enterprise_id, _now())
    return render_page_or_fragment("training/courses.html", "training/_course_list.html", **context)


def _course_for(enterprise: Enterprise, course_id: int, action: Any = "read") -> Course:
    # A course of another centre is not found from this enterprise.
    return get_or_404(Course, course_id, action, centre_id=enterprise.centre_id)


def _booking_form(role: MemberRole | None, submitted: bool = False) -> BookingForm:
    form = BookingForm() if submitted else BookingForm(formdata=None)
    if not services.may_book_others(role):
        # Booking oneself: one's own name and address, and one's own role in the enterprise.
        if not submitted:
            form.name.data = current_user.name
            form.email.data = current_user.email
        del form.role
    return form


def _region(enterprise: Enterprise, course: Course, **extra: Any) -> dict[str, Any]:
    """What the booking region shows: seats, this enterprise's bookings on the course, the form."""
    role = member_role(current_user, enterprise.id)
    now = _now()
    bookings = services.course_bookings(db.session(), course.id, enterprise.id)
    context: dict[str, Any] = {
        "enterprise": enterprise,
        "course": course,
        "bookings": bookings,
        "positions": services.waiting_positions(db.session(), course.id),
        "can_book": current_user.is_employer and services.can_book(course, role, now),
        "books_others": services.may_book_others(role),
        "cancellable": {
            b.id
            for b in bookings
            if current_user.is_employer
            and services.can_cancel_booking(b, course, current_user, role, now)
        },
    }
    if context["can_book"]:
        context["form"] = _booking_form(role)
    context.update(extra)
    return context


def _page_context(enterprise: Enterprise, course: Course, **extra: Any) -> dict[str, Any]:
    context = _region(enterprise, course, **extra)
    role = member_role(current_user, enterprise.id)
    if current_user.is_employer and role == MemberRole.MANAGER:
        activities = _plan_activities(enterprise.id)
        context["linked"] = [a for a in activities if a.training_session_id == course.id]
        form = PlanLinkForm(formdata=None)
        form.activity_id.choices = [
            choice(a.id, f"{a.theme.title}: {a.title}")
            for a in activities
            if a.training_session_id != course.id
        ]
        context["link_form"] = form
    return context


def _plan_activities(enterprise_id: int) -> list[PlanActivity]:
    return list(
        db.session.scalars(
            select(PlanActivity)
            .join(PlanTheme, PlanTheme.id == PlanActivity.theme_id)
            .join(ActionPlan, ActionPlan.id == PlanTheme.plan_id)
            .where(ActionPlan.enterprise_id == enterprise_id)
            .options(contains_eager(PlanActivity.theme))
            .order_by(PlanTheme.position, PlanActivity.position, PlanActivity.id)
        )
    )


@bp.get("/enterprises/<int:enterprise_id>/training/courses/<int:course_id>")
@member_role_required(*TRAINEES, adviser=True)
def course(enterprise_id: int, course_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id)
    record = _course_for(enterprise, course_id)
    return render_template(COURSE_PAGE, **_page_context(enterprise, record))


def _employers_only(enterprise_id: int) -> None:
    # Administrators see the enterprises' training; the enterprise's own people book it.
    require(current_user.kind == UserKind.EMPLOYER, enterprise_id)


@bp.post("/enterprises/<int:enterprise_id>/training/courses/<int:course_id>/bookings")
@member_role_required(*TRAINEES, adviser=False)
def book(enterprise_id: int, course_id: int) -> ResponseReturnValue:
    _employers_only(enterprise_id)
    enterprise = get_or_404(Enterprise, enterprise_id, "change")
    record = _course_for(enterprise, course_id, "change")
    role = member_role(current_user, enterprise_id)
    form = _booking_form(role, submitted=True)
    if form.validate_on_submit():
        participant_role = (
            ParticipantRole(form.role.data)
            if services.may_book_others(role) and form.role.data in set(ParticipantRole)
            else ParticipantRole.EMPLOYEE
        )
        try:
            booking = services.book(
                db.session(),
                record,
                enterprise_id,
                current_user,
                role,
                form.name.data or "",
                form.email.data or "",
                participant_role,
                _now(),
            )
        except DomainError as error:
            db.session.rollback()
            if error.status != 422:
                return _booking_region(enterprise, record, error.status, problem=str(error))
            show_error(error, form)
        else:
            db.session.commit()
            if booking.status == BookingStatus.CONFIRMED:
                message = _("%(name)s has a seat.", name=booking.participant_name)
            else:
                message = _(
                    "The course is full: %(name)s is on the waiting list.",
                    name=booking.participant_name,
                )
            return finish(
                message,
                url_for(".course", enterprise_id=enterprise_id, course_id=course_id),
                COURSE_PAGE,
                BOOKING_REGION,
                **_page_context(enterprise, record),
            )
    return _booking_region(enterprise, record, 422, form=form)


def _booking_region(
    enterprise: Enterprise, record: Course, status: int, **extra: Any
) -> ResponseReturnValue:
    context = _page_context(enterprise, record)
    context.update(extra)
    return render_page_or_fragment(COURSE_PAGE, BOOKING_REGION, status, **context)


@bp.post("/enterprises/<int:enterprise_id>/training/bookings/<int:booking_id>/cancel")
@member_role_required(*TRAINEES, adviser=False)
def cancel_booking(enterprise_id: int, booking_id: int) -> ResponseReturnValue:
    _employers_only(enterprise_id)
    enterprise = get_or_404(Enterprise, enterprise_id, "change")
    booking = get_or_404(Booking, booking_id, "change", enterprise_id=enterprise_id)
    record = booking.course
    role = member_role(current_user, enterprise_id)
    require(
        booking.booked_by_id == current_user.id
        or booking.email_key == current_user.email.lower()
        or services.may_book_others(role),
        enterprise_id,
    )
    try:
        promoted = services.cancel_booking(db.session(), booking, current_user, role, _now())
    except DomainError as error:
        db.session.rollback()
        return _booking_region(enterprise, record, error.status, problem=str(error))
    db.session.commit()
    message = _("The booking for %(name)s is cancelled.", name=booking.participant_name)
    if promoted:
        message += " " + _(
            "%(name)s got the seat from the waiting list.", name=promoted[0].participant_name
        )
    return finish(
        message,
        url_for(".course", enterprise_id=enterprise_id, course_id=record.id),
        COURSE_PAGE,
        BOOKING_REGION,
        **_page_context(enterprise, record),
    )


@bp.get("/enterprises/<int:enterprise_id>/training/bookings/<int:booking_id>.ics")
@member_role_required(*TRAINEES, adviser=True)
def booking_calendar(enterprise_id: int, booking_id: int) -> ResponseReturnValue:
    booking = get_or_404(Booking, booking_id, enterprise_id=enterprise_id)
    body = services.calendar([(booking.course, booking.participant_name)], booking.course.title)
    response = make_response(body)
    response.headers["Content-Type"] = ICS
    response.headers["Content-Disposition"] = (
        f'attachment; filename="course-{booking.course_id}.ics"'
    )
    return response


@bp.get("/enterprises/<int:enterprise_id>/training/record")
@member_role_required(*TRAINEES, adviser=True)
def record(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id)
    return render_template(
        "training/record.html",
        enterprise=enterprise,
        record=services.training_record(db.session(), enterprise_id),
    )


@bp.post("/enterprises/<int:enterprise_id>/training/courses/<int:course_id>/plan-link")
@member_role_required(MemberRole.MANAGER, adviser=False)
def plan_link(enterprise_id: int, course_id: int) -> ResponseReturnValue:
    _employers_only(enterprise_id)
    enterprise = get_or_404(Enterprise, enterprise_id, "change")
    record = _course_for(enterprise, course_id, "change")
    try:
        activity_id = int(request.form.get("activity_id", ""))
    except ValueError:
        return _booking_region(enterprise, record, 422, problem=_("Choose a plan activity."))
    activity = get_or_404(PlanActivity, activity_id, "change", enterprise_id=enterprise_id)
    unlink = request.form.get("unlink") == "1"
    services.link_activity(db.session(), activity, None if unlink else record)
    db.session.commit()
    message = (
        _("The plan activity is no longer linked to the course.")
        if unlink
        else _("The plan activity is linked to the course.")
    )
    return finish(message, url_for(".course", enterprise_id=enterprise_id, course_id=course_id))


def _plan_training(plan: ActionPlan, activity: PlanActivity) -> tuple[Course, list[Booking]] | None:
    """For the plan's activity rows: the linked course and the enterprise's bookings on it.

    Loaded once per request for all the plan's linked activities, so a plan page pays one
    statement however many activities are linked.
    """
    if activity.training_session_id is None:
        return None
    cache: dict[int, dict[int, tuple[Course, list[Booking]]]] = g.setdefault("plan_training", {})
    if plan.id not in cache:
        cache[plan.id] = services.linked_courses(db.session(), plan.id, plan.enterprise_id)
    return cache[plan.id].get(activity.training_session_id)


# --- the centre's side ----------------------------------------------------------------------


def _course_form(record: Course | None = None, formdata: Any = None) -> CourseForm:
    form = CourseForm(formdata=formdata) if formdata is not None else CourseForm(formdata=None)
    if current_user.kind == UserKind.ADMIN and record is None:
        form.centre_id.choices = [
            choice(c.id, c.name) for c in db.session.scalars(select(Centre).order_by(Centre.name))
        ]
    else:
        del form.centre_id
    if record is not None and formdata is None:
        form.title.data = record.title
        form.description.data = record.description
        form.topic.data = record.topic.value
        form.audience.data = [r.value for r in record.audience_roles]
        form.language.data = record.language
        form.place.data = record.place
        form.online_url.data = record.online_url
        form.capacity.data = record.capacity
        form.booking_deadline.data = services.deadline_day(record)
        for entry, sess in zip(form.sessions.entries, record.sessions, strict=False):
            entry.form.day.data = services.local(sess.starts_at).date()
            entry.form.starts.data = services.local(sess.starts_at).time()
            entry.form.ends.data = services.local(sess.ends_at).time()
    return form


def _details(form: CourseForm) -> services.CourseDetails:
    sessions = []
    for entry in form.sessions.entries:
        day, starts, ends = entry.form.day.data, entry.form.starts.data, entry.form.ends.data
        if day is None and starts is None and ends is None:
            continue
        if day is None or starts is None or ends is None:
            raise DomainError(_("Give each session a date, a start and an end."), "sessions")
        sessions.append((services.at_local(day, starts), services.at_local(day, ends)))
    deadline: date = form.booking_deadline.data  # type: ignore[assignment]
    audience = [ParticipantRole(v) for v in form.audience.data or [] if v in set(ParticipantRole)]
    return services.CourseDetails(
        title=form.title.data or "",
        description=form.description.data or "",
        topic=CourseTopic(form.topic.data),
        audience=audience,
        language=form.language.data or "nb",
        place=form.place.data or "",
        online_url=form.online_url.data or "",
        capacity=int(form.capacity.data or 0),
        booking_deadline=services.deadline_from_date(deadline),
        sessions=sessions,
    )


@bp.get("/centre/courses")
@kind_required(UserKind.ADVISER, UserKind.ADMIN)
def centre_courses() -> ResponseReturnValue:
    records = list(
        db.session.scalars(scoped(Course).order_by(Course.starts_at.desc(), Course.id).limit(200))
    )
    return render_template("training/centre_courses.html", courses=records, now=_now())


@bp.route("/centre/courses/new", methods=["GET", "POST"])
@kind_required(UserKind.ADVISER, UserKind.ADMIN)
def centre_new() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("training/course_form.html", form=_course_form(), record=None)
    form = _course_form(formdata=request.form)
    if form.validate_on_submit():
        centre_id = form.centre_id.data if "centre_id" in form else current_user.centre_id
        try:
            created = services.publish(db.session(), int(centre_id), current_user, _details(form))
        except DomainError as error:
            db.session.rollback()
            show_error(error, form)
        else:
            db.session.commit()
            return finish(
                _("The course is published."),
                url_for(".centre_course", course_id=created.id),
            )
    return render_template("training/course_form.html", form=form, record=None), 422


def _centre_context(record: Course, **extra: Any) -> dict[str, Any]:
    now = _now()
    context = {
        "course": record,
        "bookings": services.course_bookings(db.session(), record.id),
        "positions": services.waiting_positions(db.session(), record.id),
        "can_edit": services.can_edit(record, now),
        "can_cancel": services.can_cancel_course(record, now),
        "can_mark": services.can_mark_attendance(record, now),
    }
    context.update(extra)
    return context


@bp.get("/centre/courses/<int:course_id>")
@kind_required(UserKind.ADVISER, UserKind.ADMIN)
def centre_course(course_id: int) -> ResponseReturnValue:
    return render_template(CENTRE_COURSE, **_centre_context(get_or_404(Course, course_id)))


@bp.route("/centre/courses/<int:course_id>/edit", methods=["GET", "POST"])
@kind_required(UserKind.ADVISER, UserKind.ADMIN)
def centre_edit(course_id: int) -> ResponseReturnValue:
    if request.method == "GET":
        found = get_or_404(Course, course_id)
        return render_template("training/course_form.html", form=_course_form(found), record=found)
    found = get_or_404(Course, course_id, "change")
    form = _course_form(found, formdata=request.form)
    if form.validate_on_submit():
        try:
            services.edit(db.session(), found, current_user, _details(form), _now())
        except DomainError as error:
            db.session.rollback()
            db.session.refresh(found)
            show_error(error, form)
        else:
            db.session.commit()
            return finish(
                _("The course is saved. Everyone booked is told."),
                url_for(".centre_course", course_id=course_id),
            )
    return render_template("training/course_form.html", form=form, record=found), 422


@bp.post("/centre/courses/<int:course_id>/cancel")
@kind_required(UserKind.ADVISER, UserKind.ADMIN)
def centre_cancel(course_id: int) -> ResponseReturnValue:
    found = get_or_404(Course, course_id, "change")
    try:
        services.cancel_course(db.session(), found, current_user, _now())
    except DomainError as error:
        db.session.rollback()
        db.session.refresh(found)
        return render_template(CENTRE_COURSE, **_centre_context(found, problem=str(error))), 409
    db.session.commit()
    return finish(
        _("The course is cancelled. Everyone booked is told."),
        url_for(".centre_course", course_id=course_id),
    )


@bp.get("/centre/courses/<int:course_id>/participants.csv")
@kind_required(UserKind.ADVISER, UserKind.ADMIN)
def centre_participants_csv(course_id: int) -> ResponseReturnValue:
    found = get_or_404(Course, course_id)
    body = services.participants_csv(
        services.course_bookings(db.session(), found.id), labels.csv_labels()
    )
    response = make_response(body.encode("utf-8"))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="participants-{course_id}.csv"'
    return response


@bp.post("/centre/courses/<int:course_id>/attendance")
@kind_required(UserKind.ADVISER, UserKind.ADMIN)
def centre_attendance(course_id: int) -> ResponseReturnValue:
    found = get_or_404(Course, course_id, "change")
    chosen = {int(v) for v in request.form.getlist("attended") if v.isdigit()}
    try:
        came = services.mark_attendance(db.session(), found, chosen, _now())
    except DomainError as error:
        db.session.rollback()
        return render_template(CENTRE_COURSE, **_centre_context(found, problem=str(error))), 409
    db.session.commit()
    return finish(
        _("Attendance is saved: %(n)d attended.", n=came),
        url_for(".centre_course", course_id=course_id),
    )


# --- calendar -------------------------------------------------------------------------------


@bp.get("/account/calendar")
@kind_required(UserKind.EMPLOYER, UserKind.ADVISER, UserKind.ADMIN)
def calendar_settings() -> ResponseReturnValue:
    return render_template(
        "training/calendar.html", has_feed=services.has_feed(db.session(), current_user)
    )


@bp.post("/account/calendar")
@kind_required(UserKind.EMPLOYER, UserKind.ADVISER, UserKind.ADMIN)
def calendar_new() -> ResponseReturnValue:
    token = services.new_feed_token(db.session(), current_user)
    db.session.commit()
    # Shown once, on this page: only its hash is stored.
    feed_url = url_for(".calendar_feed", token=token, _external=True)
    return render_template("training/calendar.html", has_feed=True, feed_url=feed_url)


@bp.post("/account/calendar/revoke")
@kind_required(UserKind.EMPLOYER, UserKind.ADVISER, UserKind.ADMIN)
def calendar_revoke() -> ResponseReturnValue:
    services.revoke_feed(db.session(), current_user)
    db.session.commit()
    return finish(_("The calendar feed is turned off."), url_for(".calendar_settings"))


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str) -> ResponseReturnValue:
    """Public: the unguessable token is the credential (calendar apps cannot sign in)."""
    owner = services.feed_owner(db.session(), token)
    if owner is None:
        return make_response("", 404)
    body = services.calendar(
        [(c, c.title) for c in services.feed_courses(db.session(), owner)], _("Courses")
    )
    response = make_response(body)
    response.headers["Content-Type"] = ICS
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.cli.command("training-purge")
def purge_command() -> None:
    """Delete participants' names and e-mails of courses that ended long enough ago."""
    days = int(current_app.config["TRAINING_RETENTION_DAYS"])
    with db.new_session() as session:
        purged = services.purge(session, utcnow(), days)
        session.commit()
    click.echo(f"{purged} course(s) purged (names kept {days} days after the course)")
