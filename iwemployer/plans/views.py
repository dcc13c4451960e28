"""The action plan's pages. Thin: load (scoped) → check role → validate → service → respond.

Who may do what (the access matrix in ``tests/plans/access_cases.py`` lists every route):

* see the plan, its history, timeline and print view, and comment: everyone at the enterprise,
  its contact person (any adviser of the centre) and administrators;
* edit goals, themes and activities and send the plan: the manager and the contact person;
* change an activity's status: they, and the party responsible for the activity (safety
  delegate, union representative, occupational health service);
* confirm or decline: the manager, the safety delegate and the union representative;
* propose an activity, or a status for an activity they cannot change: the safety delegate, the
  union representative and the occupational health service; accept or decline a proposal: the
  manager and the contact person (``proposal_views.py``);
* the overview across enterprises: advisers (and administrators).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

from flask import Blueprint, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from ..access import (
    acting_for,
    enterprise_visible,
    found,
    get_or_404,
    kind_required,
    member_role,
    member_role_required,
    require,
)
from ..errors import DomainError
from ..extensions import db
from ..forms import choice, show_error
from ..htmx import finish, is_fragment_request, render_page_or_fragment
from ..models import (
    PLAN_PARTIES,
    ActionPlan,
    ActivityStatus,
    Decision,
    Enterprise,
    MemberRole,
    PlanActivity,
    PlanStatus,
    PlanTheme,
    Responsible,
    UserKind,
)
from ..translation import gettext as _
from . import proposals, services
from .forms import (
    INCOMPLETE,
    ActivityEditForm,
    ActivityForm,
    CommentForm,
    DecisionForm,
    GoalsForm,
    MoveForm,
    NewThemeForm,
    PeriodForm,
    ProposalAnswerForm,
    SendForm,
    StatusForm,
    ThemeForm,
)
from .services import StaleEdit, can_edit
from .templating import register_helpers

bp = Blueprint("plans", __name__)
register_helpers(bp)

ANYONE = tuple(MemberRole)
EDITORS = services.EDITORS
CHANGED = "plan-changed"
RECENT_EVENTS = 10
PLAN = "/enterprises/<int:enterprise_id>/plans/<int:plan_id>"
PAGE = "plans/plan.html"
SUMMARY = "plans/_summary.html"
GOALS = "plans/_goals.html"
THEME = "plans/_theme_header.html"
ADD = "plans/_activity_add.html"
ROW = "plans/_activity_row.html"
Context = dict[str, Any]


# --- the regions of the plan page: each builds only what it shows ----------------------------


def _base(plan: ActionPlan) -> Context:
    """What every region needs."""
    # The user itself, not the request-local proxy: the checks run for every theme and activity,
    # and each attribute read through the proxy looks the user up again.
    user = current_user._get_current_object()
    role = member_role(user, plan.enterprise_id)
    return {
        "plan": plan,
        "today": date.today(),
        "can_edit": can_edit(user, plan),
        "can_delete_theme": lambda theme: services.can_delete_theme(user, theme),
        "can_change_status": lambda a: services.can_change_status(user, role, a),
        "can_propose": proposals.can_propose(user, role, plan),
        "can_propose_status": lambda a: proposals.can_propose_status(user, role, a),
        "confirm_delete_id": None,
        "new_version_note": None,
        "focus": None,
        "conflict": None,
        # Focus moves into swapped-in forms only; a whole page keeps its skip link first.
        "swapping": is_fragment_request(),
    }


def _summary(
    plan: ActionPlan, message: str | None = None, decision_form: DecisionForm | None = None
) -> Context:
    """The agreement: status, the parties' answers, what changed, sending and answering."""
    role = member_role(current_user, plan.enterprise_id)
    return {
        "role": role,
        "parties": PLAN_PARTIES,
        "holders": services.party_holders(db.session(), plan.enterprise_id),
        "decisions": plan.decisions(plan.version),
        "changes": _changes_for(plan, role),
        "can_send": services.can_send(current_user, plan),
        "confirm_and_send": services.confirms_when_sending(current_user, role, plan),
        "can_reopen": services.can_reopen(current_user, plan),
        "can_confirm": services.can_decide(current_user, role, plan),
        "decision_form": decision_form or DecisionForm(formdata=None),
        "summary_message": message,
    }


def _goals(plan: ActionPlan, form: GoalsForm | None = None, **extra: Any) -> Context:
    """The period and the goals, shown or in a form."""
    return {"goals_form": form, **extra}


def _theme(theme: PlanTheme, form: ThemeForm | None = None, **extra: Any) -> Context:
    """A theme's header, shown or renamed in place."""
    return {
        "theme": theme,
        "edit_theme_id": theme.id if form else None,
        "theme_form": form,
        **extra,
    }


def _adding(theme: PlanTheme, form: ActivityForm | None = None, **extra: Any) -> Context:
    """After a theme's activities: "Add activity", or its form."""
    return {
        "theme": theme,
        "new_activity_theme_id": theme.id if form else None,
        "new_activity_form": form,
        **extra,
    }


def _row(
    activity: PlanActivity,
    form: ActivityEditForm | None = None,
    message: str | None = None,
    **extra: Any,
) -> Context:
    """One activity, shown or edited in place (``message``: why a status change failed)."""
    return {
        "activity": activity,
        "edit_activity_id": activity.id if form else None,
        "activity_form": form,
        "row_messages": {activity.id: message} if message else {},
        **extra,
    }


def proposals_region(plan: ActionPlan, **extra: Any) -> Context:
    """The open proposals, each with Accept and Decline for those who answer: one statement."""
    return {
        "proposals": proposals.open_proposals(db.session(), plan),
        "can_answer": proposals.can_answer(current_user, plan),
        "can_withdraw": lambda p: proposals.can_withdraw(current_user, p),
        "answer_forms": {},
        "new_answer_form": lambda p: ProposalAnswerForm(prefix=f"proposal{p.id}", formdata=None),
        **extra,
    }


def _timeline(plan: ActionPlan, limit: int | None = RECENT_EVENTS) -> Context:
    return {
        "events": services.events(db.session(), plan, limit=limit),
        "limited": limit is not None,
    }


def _page(plan: ActionPlan) -> Context:
    """The whole plan page: every region, the themes and activities loaded at once."""
    services.load_themes(db.session(), plan)
    return {
        "enterprise": plan.enterprise,
        **_summary(plan),
        **_goals(plan),
        **_timeline(plan),
        **proposals_region(plan),
        "edit_theme_id": None,
        "new_activity_theme_id": None,
        "edit_activity_id": None,
        "row_messages": {},
        "comment_form": _comment_form(plan),
        "new_theme_form": NewThemeForm(prefix="new-theme", formdata=None),
        "other_plans": [
            p for p in services.plans_of(db.session(), plan.enterprise_id) if p.id != plan.id
        ],
    }


def _activity_page(activity: PlanActivity) -> Context:
    """An activity's own page: its row, its timeline and a comment form about it."""
    plan = activity.theme.plan
    return {
        "enterprise": plan.enterprise,
        "activity_events": services.events(db.session(), plan, activity_id=activity.id),
        "comment_form": _comment_form(plan, activity),
    }


def _respond(
    plan: ActionPlan,
    fragment: str,
    region: Context,
    status: int = 200,
    page: str = PAGE,
    whole: Callable[[], Context] | None = None,
) -> Response:
    """htmx gets ``fragment`` built from its region alone; a whole page (no JavaScript, or a
    fragment that is a page) gets ``whole()`` (default: the plan page) with the region in it."""
    context = {**_base(plan)}
    if not is_fragment_request() or fragment == page:
        context.update(whole() if whole else _page(plan))
    context.update(region)
    return render_page_or_fragment(page, fragment, status, **context)


def _plan_url(plan: ActionPlan, anchor: str | None = None) -> str:
    return url_for(
        "plans.show", enterprise_id=plan.enterprise_id, plan_id=plan.id, _anchor=anchor or None
    )


def _finish(
    plan: ActionPlan,
    message: str,
    anchor: str,
    fragment: str | None = None,
    region: Callable[[], Context] | None = None,
    changed: bool = True,
) -> Response:
    """A successful change: htmx gets the region's fragment, a plain form a 303 to the plan."""
    trigger = CHANGED if changed else None
    return finish(
        message,
        _plan_url(plan, anchor),
        PAGE,
        fragment,
        trigger,
        region=(lambda: {**_base(plan), **region()}) if region else None,
    )


def _comment_form(plan: ActionPlan, activity: PlanActivity | None = None) -> CommentForm:
    form = CommentForm(prefix="comment", formdata=None)
    _comment_choices(form, plan)
    if activity is not None:
        form.activity_id.data = activity.id
        form.back.data = "activity"
    return form


def _comment_choices(form: CommentForm, plan: ActionPlan) -> None:
    form.activity_id.choices = [choice(0, _("The whole plan"))] + [
        choice(a.id, a.title) for a in plan.activities
    ]


def _changes_for(plan: ActionPlan, role: MemberRole | None) -> tuple[int, Any, bool] | None:
    """What changed since the version the user's role last confirmed (else since the last
    agreed version, else since the previous version): ``(version, diff, confirmed_by_you)``."""
    since: int | None = None
    yours = False
    if role in PLAN_PARTIES:
        assert role is not None
        confirmed = services.last_confirmed_by_role(plan, role)
        if confirmed is not None and confirmed.version < plan.version:
            since, yours = confirmed.version, True
    if since is None:
        agreed = plan.last_agreed_version()
        if agreed is not None and agreed < plan.version:
            since = agreed
        elif plan.version > 1:
            # Every version before the current one was sent: show what is new since it.
            since = plan.version - 1
    if since is None:
        return None
    services.load_themes(db.session(), plan)
    changes = services.diff_since(db.session(), plan, since)
    return (since, changes, yours) if changes is not None else None


def _focus(target: str) -> str | None:
    """Where htmx should put the focus after a swap (never on a whole page)."""
    return target if is_fragment_request() else None


# --- changing: the shapes every handler of a theme or an activity shares ---------------------


# Where the focus goes when a region is saved: the button that opens its form again.
_FOCUS_AFTER_SAVE = {GOALS: "goals", THEME: "theme", ROW: "edit"}


def _save(
    plan: ActionPlan,
    record: Any,
    form: Any,
    fragment: str,
    region: Callable[..., Context],
    save: Callable[[], bool],
    saved: str,
    anchor: str,
    revision: str = "revision",
    gone: str | None = None,
) -> Response:
    """Save an edit in place (goals, a theme, an activity): 422 with the form's errors, 409
    with both texts when someone else saved first, else the region as saved (or a 303)."""
    version = plan.version
    if not form.validate():
        return _respond(plan, fragment, region(record, form), 422)
    try:
        changed = save()
    except DomainError as error:
        db.session.rollback()
        current = db.session.get(type(record), record.id)
        if current is None and gone is not None:
            show_error(DomainError(gone))
            return redirect(_plan_url(plan, "themes"), code=303)
        current = found(current, plan.enterprise_id, "change")
        conflict = None
        if isinstance(error, StaleEdit):
            # Keep the user's text; the next save knowingly replaces what is saved now.
            form.revision.data = getattr(current, revision)
            form.revision.raw_data = [str(form.revision.data)]
            conflict = {"message": error.message, "current": current}
        else:
            show_error(error, form)
        return _respond(plan, fragment, region(current, form, conflict=conflict), error.status)
    db.session.commit()
    message = saved if changed else _("Nothing was changed.")
    note = _new_version_note(plan, version)
    if note:
        message = f"{message} {note}"
    focus = _FOCUS_AFTER_SAVE[fragment]
    return _finish(
        plan,
        message,
        anchor,
        fragment,
        lambda: region(record, focus=focus, new_version_note=note),
        changed,
    )


def _new_version_note(plan: ActionPlan, before: int) -> str | None:
    """Said where the change was made when it opened the plan's next version."""
    if plan.version == before:
        return None
    return _(
        "The plan is now version %(version)d, a draft: it must be sent and confirmed again.",
        version=plan.version,
    )


def _change(
    plan: ActionPlan, change: Callable[[], object], message: str, anchor: str, done: str
) -> Response:
    """A button of a plain form (move, delete): back to ``anchor`` with the error, if any."""
    try:
        change()
    except DomainError as error:
        db.session.rollback()
        show_error(error)
        return redirect(_plan_url(plan, anchor), code=303)
    db.session.commit()
    return _finish(plan, message, done)


def _move(plan: ActionPlan, move: Callable[[str], bool], anchor: str) -> Response:
    form = MoveForm()

    def moved() -> bool:
        if not form.validate():
            raise DomainError(str(INCOMPLETE), status=400)
        return move(form.direction.data or "")

    return _change(plan, moved, _("The order is saved."), anchor, anchor)


def _revision(form: Any) -> int:
    assert form.revision.data is not None
    return int(form.revision.data)


# --- the current plan and new plans ----------------------------------------------------------


@bp.get("/enterprises/<int:enterprise_id>/plan")
@member_role_required(*ANYONE, adviser=True)
def current(enterprise_id: int) -> ResponseReturnValue:
    """The plan for today's period, or the way to start one."""
    enterprise = get_or_404(Enterprise, enterprise_id)
    plan = services.pick_current(services.plans_of(db.session(), enterprise_id), date.today())
    if plan is not None:
        return redirect(
            url_for("plans.show", enterprise_id=enterprise_id, plan_id=plan.id), code=303
        )
    return _render_new(enterprise, _new_plan_form(enterprise), "plans/no_plan.html")


def _new_plan_form(enterprise: Enterprise) -> PeriodForm:
    """A year from this month, or from the day after the newest plan ends."""
    form = PeriodForm(prefix="plan", formdata=None)
    taken = services.plans_of(db.session(), enterprise.id)
    start = max([date.today().replace(day=1)] + [p.period_end + timedelta(days=1) for p in taken])
    form.period_start.data = start
    form.period_end.data = _one_year_from(start)
    return form


def _one_year_from(start: date) -> date:
    try:
        return start.replace(year=start.year + 1) - timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def _render_new(
    enterprise: Enterprise, form: PeriodForm, template: str, status: int = 200
) -> Response:
    return render_page_or_fragment(
        template,
        template,
        status,
        enterprise=enterprise,
        form=form,
        can_edit=can_edit(current_user, enterprise),
        plans=services.plans_of(db.session(), enterprise.id),
        confirms=member_role(current_user, enterprise.id) in PLAN_PARTIES,
    )


@bp.get("/enterprises/<int:enterprise_id>/plans/new")
@member_role_required(*EDITORS, adviser=True)
def new(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id)
    require(can_edit(current_user, enterprise), enterprise.id)
    return _render_new(enterprise, _new_plan_form(enterprise), "plans/new_plan.html")


@bp.post("/enterprises/<int:enterprise_id>/plans")
@member_role_required(*EDITORS, adviser=True)
def create(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id, "change")
    form = PeriodForm(prefix="plan")
    if not form.validate():
        return _render_new(enterprise, form, "plans/new_plan.html", 422)
    assert form.period_start.data and form.period_end.data
    try:
        plan = services.create_plan(
            db.session(), enterprise, current_user, form.period_start.data, form.period_end.data
        )
    except DomainError as error:
        db.session.rollback()
        show_error(error, form)
        return _render_new(enterprise, form, "plans/new_plan.html", error.status)
    db.session.commit()
    return _finish(
        plan, _("The action plan is started from the template. Adapt it to the enterprise."), ""
    )


# --- the plan page and its regions -----------------------------------------------------------


@bp.get(PLAN)
@member_role_required(*ANYONE, adviser=True)
def show(plan_id: int, **ids: int) -> ResponseReturnValue:
    """The plan page; htmx gets the agreement region (status, confirmations, changes), which it
    refreshes after edits through the ``summary`` URL."""
    plan = get_or_404(ActionPlan, plan_id, "read", **ids)
    return _respond(plan, SUMMARY, _summary(plan) if is_fragment_request() else {})


bp.add_url_rule(PLAN + "/summary", "summary", show)


# --- goals -----------------------------------------------------------------------------------


@bp.get(PLAN + "/goals")
@member_role_required(*ANYONE, adviser=True)
def goals(plan_id: int, **ids: int) -> ResponseReturnValue:
    plan = get_or_404(ActionPlan, plan_id, "read", **ids)
    return _respond(plan, GOALS, _goals(plan, focus=_focus("goals")))


def _goals_form(plan: ActionPlan) -> GoalsForm:
    form = GoalsForm(prefix="goals", formdata=None, obj=plan)
    form.revision.data = plan.goals_revision
    return form


@bp.get(PLAN + "/goals/edit")
@member_role_required(*EDITORS, adviser=True)
def edit_goals(plan_id: int, **ids: int) -> ResponseReturnValue:
    plan = get_or_404(ActionPlan, plan_id, "read", **ids)
    require(can_edit(current_user, plan), plan.enterprise_id)
    return _respond(plan, GOALS, _goals(plan, _goals_form(plan)))


@bp.post(PLAN + "/goals")
@member_role_required(*EDITORS, adviser=True)
def save_goals(plan_id: int, **ids: int) -> ResponseReturnValue:
    plan = get_or_404(ActionPlan, plan_id, "change", **ids)
    form = GoalsForm(prefix="goals")

    def save() -> bool:
        assert form.period_start.data and form.period_end.data
        values = services.Goals(
            form.period_start.data,
            form.period_end.data,
            form.sick_leave_baseline_pct.data,
            form.sick_leave_target_pct.data,
            form.goals.data or "",
        )
        return services.update_goals(db.session(), plan, current_user, _revision(form), values)

    return _save(
        plan,
        plan,
        form,
        GOALS,
        _goals,
        save,
        _("The goals are saved."),
        "plan-goals",
        revision="goals_revision",
    )


# --- themes ----------------------------------------------------------------------------------


@bp.post(PLAN + "/themes")
@member_role_required(*EDITORS, adviser=True)
def add_theme(plan_id: int, **ids: int) -> ResponseReturnValue:
    plan = get_or_404(ActionPlan, plan_id, "change", **ids)
    form = NewThemeForm(prefix="new-theme")
    if not form.validate():
        return _respond(plan, PAGE, {"new_theme_form": form}, 422)
    try:
        theme = services.add_theme(db.session(), plan, current_user, form.title.data or "")
    except DomainError as error:
        db.session.rollback()
        show_error(error, form)
        return _respond(plan, PAGE, {"new_theme_form": form}, error.status)
    db.session.commit()
    return _finish(plan, _("The theme is added."), f"theme-{theme.id}")


@bp.get(PLAN + "/themes/<int:theme_id>")
@member_role_required(*ANYONE, adviser=True)
def theme(theme_id: int, **ids: int) -> ResponseReturnValue:
    """A theme's header (cancelling a rename) or, with ``?part=add``, its "Add activity" region
    (cancelling a new activity); the page otherwise."""
    found_theme = get_or_404(PlanTheme, theme_id, "read", **ids)
    if request.args.get("part") == "add":
        return _respond(found_theme.plan, ADD, _adding(found_theme, focus=_focus("add")))
    return _respond(found_theme.plan, THEME, _theme(found_theme, focus=_focus("theme")))


def _theme_form(found_theme: PlanTheme) -> ThemeForm:
    form = ThemeForm(prefix=f"theme{found_theme.id}", formdata=None, obj=found_theme)
    form.revision.data = found_theme.revision
    return form


@bp.get(PLAN + "/themes/<int:theme_id>/edit")
@member_role_required(*EDITORS, adviser=True)
def edit_theme(theme_id: int, **ids: int) -> ResponseReturnValue:
    found_theme = get_or_404(PlanTheme, theme_id, "read", **ids)
    require(can_edit(current_user, found_theme.plan), found_theme.plan.enterprise_id)
    return _respond(found_theme.plan, THEME, _theme(found_theme, _theme_form(found_theme)))


@bp.post(PLAN + "/themes/<int:theme_id>")
@member_role_required(*EDITORS, adviser=True)
def save_theme(theme_id: int, **ids: int) -> ResponseReturnValue:
    found_theme = get_or_404(PlanTheme, theme_id, "change", **ids)
    form = ThemeForm(prefix=f"theme{found_theme.id}")
    return _save(
        found_theme.plan,
        found_theme,
        form,
        THEME,
        _theme,
        lambda: services.rename_theme(
            db.session(), found_theme, current_user, _revision(form), form.title.data or ""
        ),
        _("The theme is saved."),
        f"theme-{found_theme.id}",
    )


@bp.post(PLAN + "/themes/<int:theme_id>/move")
@member_role_required(*EDITORS, adviser=True)
def move_theme(theme_id: int, **ids: int) -> ResponseReturnValue:
    found_theme = get_or_404(PlanTheme, theme_id, "change", **ids)
    return _move(
        found_theme.plan,
        lambda direction: services.move_theme(db.session(), found_theme, current_user, direction),
        f"theme-{found_theme.id}",
    )


@bp.post(PLAN + "/themes/<int:theme_id>/delete")
@member_role_required(*EDITORS, adviser=True)
def delete_theme(theme_id: int, **ids: int) -> ResponseReturnValue:
    found_theme = get_or_404(PlanTheme, theme_id, "change", **ids)
    return _change(
        found_theme.plan,
        lambda: services.delete_theme(db.session(), found_theme, current_user),
        _("The theme is deleted."),
        f"theme-{found_theme.id}",
        "themes",
    )


# --- activities ------------------------------------------------------------------------------


def _new_activity_form(plan: ActionPlan, found_theme: PlanTheme) -> ActivityForm:
    form = ActivityForm(prefix=f"theme{found_theme.id}-new", formdata=None)
    form.start_date.data = max(plan.period_start, date.today())
    if form.start_date.data > plan.period_end:
        form.start_date.data = plan.period_start
    form.end_date.data = plan.period_end
    form.responsible.data = Responsible.MANAGER.value
    return form


@bp.get(PLAN + "/themes/<int:theme_id>/activities/new")
@member_role_required(*EDITORS, adviser=True)
def new_activity(theme_id: int, **ids: int) -> ResponseReturnValue:
    found_theme = get_or_404(PlanTheme, theme_id, "read", **ids)
    plan = found_theme.plan
    require(can_edit(current_user, plan), plan.enterprise_id)
    return _respond(plan, ADD, _adding(found_theme, _new_activity_form(plan, found_theme)))


def _fields(form: ActivityForm) -> services.ActivityFields:
    assert form.start_date.data and form.end_date.data
    return services.ActivityFields(
        title=form.title.data or "",
        description=form.description.data or "",
        responsible=Responsible(form.responsible.data),
        start_date=form.start_date.data,
        end_date=form.end_date.data,
    )


@bp.post(PLAN + "/themes/<int:theme_id>/activities")
@member_role_required(*EDITORS, adviser=True)
def create_activity(theme_id: int, **ids: int) -> ResponseReturnValue:
    found_theme = get_or_404(PlanTheme, theme_id, "change", **ids)
    plan = found_theme.plan
    form = ActivityForm(prefix=f"theme{found_theme.id}-new")
    if not form.validate():
        return _respond(plan, ADD, _adding(found_theme, form), 422)
    try:
        added = services.add_activity(db.session(), found_theme, current_user, _fields(form))
    except DomainError as error:
        db.session.rollback()
        show_error(error, form)
        current = found(db.session.get(PlanTheme, theme_id), plan.enterprise_id, "change")
        return _respond(plan, ADD, _adding(current, form), error.status)
    db.session.commit()
    return _finish(
        plan,
        _("The activity is added."),
        f"activity-{added.id}",
        "plans/_activity_added.html",
        lambda: {**_adding(found_theme, focus="add"), **_row(added)},
    )


@bp.get(PLAN + "/activities/<int:activity_id>")
@member_role_required(*ANYONE, adviser=True)
def activity(activity_id: int, **ids: int) -> ResponseReturnValue:
    """One activity: its row for htmx (cancelling an edit), else a page with its timeline."""
    found_activity = get_or_404(PlanActivity, activity_id, "read", **ids)
    return _respond(
        found_activity.theme.plan,
        ROW,
        _row(found_activity, focus=_focus("edit")),
        page="plans/activity.html",
        whole=lambda: _activity_page(found_activity),
    )


def _activity_form(found_activity: PlanActivity, formdata: bool = False) -> ActivityEditForm:
    prefix = f"activity{found_activity.id}"
    if formdata:
        form = ActivityEditForm(prefix=prefix)
    else:
        form = ActivityEditForm(prefix=prefix, formdata=None, obj=found_activity)
        form.responsible.data = found_activity.responsible.value
        form.status.data = found_activity.status.value
        form.revision.data = found_activity.revision
    form.theme_id.choices = [choice(t.id, t.title) for t in found_activity.theme.plan.themes]
    return form


@bp.get(PLAN + "/activities/<int:activity_id>/edit")
@member_role_required(*EDITORS, adviser=True)
def edit_activity(activity_id: int, **ids: int) -> ResponseReturnValue:
    found_activity = get_or_404(PlanActivity, activity_id, "read", **ids)
    plan = found_activity.theme.plan
    require(can_edit(current_user, plan), plan.enterprise_id)
    form = _activity_form(found_activity)
    return _respond(found_activity.theme.plan, ROW, _row(found_activity, form))


@bp.post(PLAN + "/activities/<int:activity_id>")
@member_role_required(*EDITORS, adviser=True)
def save_activity(activity_id: int, **ids: int) -> ResponseReturnValue:
    found_activity = get_or_404(PlanActivity, activity_id, "change", **ids)
    plan = found_activity.theme.plan
    form = _activity_form(found_activity, formdata=True)

    def save() -> bool:
        target = next((t for t in plan.themes if t.id == form.theme_id.data), None)
        return services.update_activity(
            db.session(),
            found_activity,
            current_user,
            _revision(form),
            _fields(form),
            status=ActivityStatus(form.status.data),
            theme=target,
        )

    return _save(
        plan,
        found_activity,
        form,
        ROW,
        _row,
        save,
        _("The activity is saved."),
        f"activity-{found_activity.id}",
        gone=_("Someone else deleted this activity while you were editing it."),
    )


@bp.post(PLAN + "/activities/<int:activity_id>/status")
@member_role_required(*ANYONE, adviser=True)
def activity_status(activity_id: int, **ids: int) -> ResponseReturnValue:
    found_activity = get_or_404(PlanActivity, activity_id, "change", **ids)
    plan = found_activity.theme.plan
    form = StatusForm(prefix=f"status{found_activity.id}")
    if not form.validate():
        return _respond(plan, ROW, _row(found_activity, message=_("Choose a status.")), 422)
    try:
        changed = services.change_status(
            db.session(),
            found_activity,
            current_user,
            _revision(form),
            ActivityStatus(form.status.data),
        )
    except DomainError as error:
        db.session.rollback()
        current = found(db.session.get(PlanActivity, activity_id), plan.enterprise_id, "change")
        message = error.message + " " + _("This is how the activity is now.")
        return _respond(plan, ROW, _row(current, message=message), error.status)
    db.session.commit()
    return _finish(
        plan,
        _("The status is updated.") if changed else _("Nothing was changed."),
        f"activity-{found_activity.id}",
        ROW,
        lambda: _row(found_activity, focus="status"),
        changed,
    )


@bp.post(PLAN + "/activities/<int:activity_id>/move")
@member_role_required(*EDITORS, adviser=True)
def move_activity(activity_id: int, **ids: int) -> ResponseReturnValue:
    found_activity = get_or_404(PlanActivity, activity_id, "change", **ids)
    return _move(
        found_activity.theme.plan,
        lambda direction: services.move_activity(
            db.session(), found_activity, current_user, direction
        ),
        f"activity-{found_activity.id}",
    )


@bp.get(PLAN + "/activities/<int:activity_id>/delete")
@member_role_required(*EDITORS, adviser=True)
def confirm_delete_activity(activity_id: int, **ids: int) -> ResponseReturnValue:
    """Ask before deleting: in the row for htmx, else on the activity's own page."""
    found_activity = get_or_404(PlanActivity, activity_id, "read", **ids)
    plan = found_activity.theme.plan
    require(can_edit(current_user, plan), plan.enterprise_id)
    return _respond(
        plan,
        ROW,
        _row(found_activity, confirm_delete_id=found_activity.id),
        page="plans/activity.html",
        whole=lambda: _activity_page(found_activity),
    )


@bp.post(PLAN + "/activities/<int:activity_id>/delete")
@member_role_required(*EDITORS, adviser=True)
def delete_activity(activity_id: int, **ids: int) -> ResponseReturnValue:
    found_activity = get_or_404(PlanActivity, activity_id, "change", **ids)
    theme_id = found_activity.theme_id
    return _change(
        found_activity.theme.plan,
        lambda: services.delete_activity(db.session(), found_activity, current_user),
        _("The activity is deleted."),
        f"activity-{found_activity.id}",
        f"theme-{theme_id}",
    )


# --- sending, confirming, commenting ---------------------------------------------------------


@bp.post(PLAN + "/send")
@member_role_required(*EDITORS, adviser=True)
def send(plan_id: int, **ids: int) -> ResponseReturnValue:
    plan = get_or_404(ActionPlan, plan_id, "change", **ids)
    form = SendForm()
    if not form.validate():
        return _respond(plan, SUMMARY, _summary(plan, str(form.row_version.errors[0])), 422)
    assert form.row_version.data is not None
    try:
        services.send_for_confirmation(
            db.session(), plan, current_user, form.row_version.data, form.confirm.data == "1"
        )
    except DomainError as error:
        db.session.rollback()
        return _respond(plan, SUMMARY, _summary(plan, error.message), error.status)
    db.session.commit()
    if plan.confirmed_roles(plan.version):
        message = _(
            "You confirmed version %(version)d and sent it to the safety delegate and the "
            "union representative for confirmation.",
            version=plan.version,
        )
    else:
        message = _(
            "Version %(version)d is sent to the manager, the safety delegate and "
            "the union representative for confirmation.",
            version=plan.version,
        )
    return _finish(plan, message, "plan-summary")


@bp.post(PLAN + "/reopen")
@member_role_required(*EDITORS, adviser=True)
def reopen(plan_id: int, **ids: int) -> ResponseReturnValue:
    """After a decline: open the next version to change and send."""
    plan = get_or_404(ActionPlan, plan_id, "change", **ids)
    form = SendForm()
    if not form.validate():
        return _respond(plan, SUMMARY, _summary(plan, str(form.row_version.errors[0])), 422)
    assert form.row_version.data is not None
    try:
        services.reopen(db.session(), plan, current_user, form.row_version.data)
    except DomainError as error:
        db.session.rollback()
        return _respond(plan, SUMMARY, _summary(plan, error.message), error.status)
    db.session.commit()
    return _finish(
        plan,
        _(
            "Version %(version)d is a draft. Change the plan where the reason asks for it, "
            "then send it for confirmation.",
            version=plan.version,
        ),
        "themes",
    )


@bp.post(PLAN + "/confirmations")
@member_role_required(*PLAN_PARTIES, adviser=False)
@kind_required(UserKind.EMPLOYER)
def decide(plan_id: int, **ids: int) -> ResponseReturnValue:
    plan = get_or_404(ActionPlan, plan_id, "change", **ids)
    form = DecisionForm()
    if not form.validate():
        # The error stands at the field it concerns.
        return _respond(plan, SUMMARY, _summary(plan, decision_form=form), 422)
    assert form.version.data is not None
    decision = Decision(form.decision.data or "")
    try:
        services.decide(
            db.session(),
            plan,
            current_user,
            member_role(current_user, plan.enterprise_id),
            form.version.data,
            decision,
            form.reason.data or "",
        )
    except DomainError as error:
        db.session.rollback()
        if error.field:
            show_error(error, form)
            return _respond(plan, SUMMARY, _summary(plan, decision_form=form), error.status)
        return _respond(plan, SUMMARY, _summary(plan, error.message), error.status)
    db.session.commit()
    if decision == Decision.DECLINED:
        message = _(
            "You declined version %(version)d. The others are told your reason.",
            version=form.version.data,
        )
    elif plan.status == PlanStatus.AGREED:
        message = _(
            "You confirmed version %(version)d. The plan is now agreed by all three parties.",
            version=form.version.data,
        )
    else:
        message = _("You confirmed version %(version)d.", version=form.version.data)
    return _finish(plan, message, "plan-summary")


@bp.post(PLAN + "/comments")
@member_role_required(*ANYONE, adviser=True)
def comment(plan_id: int, **ids: int) -> ResponseReturnValue:
    plan = get_or_404(ActionPlan, plan_id, "change", **ids)
    form = CommentForm(prefix="comment")
    _comment_choices(form, plan)
    # The choices are the plan's activities: a valid form names one of them, or the plan.
    valid = form.validate()
    about = next((a for a in plan.activities if a.id == form.activity_id.data), None)
    if not valid:
        return _comment_problem(plan, form, about, 422)
    try:
        services.comment(
            db.session(),
            plan,
            current_user,
            form.text.data or "",
            about,
            confirmed=bool(form.no_health_details.data),
        )
    except DomainError as error:
        db.session.rollback()
        show_error(error, form)
        return _comment_problem(plan, form, about, error.status)
    db.session.commit()
    if about is not None and form.back.data == "activity":
        url = url_for(
            "plans.activity",
            enterprise_id=plan.enterprise_id,
            plan_id=plan.id,
            activity_id=about.id,
            _anchor="timeline",
        )
        return finish(_("Your comment is added."), url)
    return _finish(plan, _("Your comment is added."), "timeline")


def _comment_problem(
    plan: ActionPlan, form: CommentForm, about: PlanActivity | None, status: int
) -> Response:
    if about is not None and form.back.data == "activity":
        page = "plans/activity.html"
        region = {**_row(about), "comment_form": form}
        return _respond(plan, page, region, status, page, partial(_activity_page, about))
    return _respond(plan, PAGE, {"comment_form": form}, status)


@bp.get(PLAN + "/timeline")
@member_role_required(*ANYONE, adviser=True)
def timeline(plan_id: int, **ids: int) -> ResponseReturnValue:
    """The whole timeline; htmx asks for the newest events (``?limit=``) after a change."""
    plan = get_or_404(ActionPlan, plan_id, "read", **ids)
    limit = request.args.get("limit", type=int)
    if limit is not None:
        limit = min(max(limit, 1), 100)
    if not is_fragment_request():
        limit = None
    return _respond(
        plan,
        "plans/_timeline.html",
        _timeline(plan, limit),
        page="plans/timeline.html",
        whole=lambda: {"enterprise": plan.enterprise, "comment_form": _comment_form(plan)},
    )


# --- history and print: whole pages ----------------------------------------------------------


def _document(plan: ActionPlan, template: str, **context: Any) -> Response:
    return render_page_or_fragment(
        template,
        template,
        **_base(plan),
        enterprise=plan.enterprise,
        parties=PLAN_PARTIES,
        **context,
    )


@bp.get(PLAN + "/versions")
@member_role_required(*ANYONE, adviser=True)
def versions(plan_id: int, **ids: int) -> ResponseReturnValue:
    plan = get_or_404(ActionPlan, plan_id, "read", **ids)
    return _document(plan, "plans/versions.html")


@bp.get(PLAN + "/versions/<int:number>")
@member_role_required(*ANYONE, adviser=True)
def version(plan_id: int, number: int, **ids: int) -> ResponseReturnValue:
    plan = get_or_404(ActionPlan, plan_id, "read", **ids)
    stored = found(services.find_version(db.session(), plan, number), plan.enterprise_id)
    previous = services.find_version(db.session(), plan, number - 1)
    services.load_themes(db.session(), plan)
    return _document(
        plan,
        "plans/version.html",
        stored=stored,
        content=stored.snapshot,
        from_previous=services.diff(previous.snapshot, stored.snapshot) if previous else None,
        to_current=services.diff(stored.snapshot, services.snapshot(plan)),
        version_decisions=plan.decisions(number),
    )


@bp.get(PLAN + "/print")
@member_role_required(*ANYONE, adviser=True)
def print_view(plan_id: int, **ids: int) -> ResponseReturnValue:
    """The last agreed version by default (what the parties stand by); ``?draft=1`` prints the
    plan as it is now."""
    plan = get_or_404(ActionPlan, plan_id, "read", **ids)
    services.load_themes(db.session(), plan)
    agreed = plan.last_agreed_version()
    current = request.args.get("draft") == "1" or agreed is None or agreed == plan.version
    number = plan.version if current else agreed
    assert number is not None
    stored = None if current else services.find_version(db.session(), plan, number)
    return _document(
        plan,
        "plans/print.html",
        number=number,
        stored=stored,
        agreed_version=agreed,
        content=stored.snapshot if stored else services.snapshot(plan),
        decisions=plan.decisions(number),
    )


# --- the contact person's overview -----------------------------------------------------------


@bp.get("/plans/overview")
@kind_required(UserKind.ADVISER, UserKind.ADMIN)
def overview() -> ResponseReturnValue:
    """Across the adviser's enterprises (or the whole centre's): what awaits whom."""
    show_all = request.args.get("show") == "all" or current_user.kind == UserKind.ADMIN
    in_scope = enterprise_visible(Enterprise.id, current_user)
    if not show_all:
        in_scope = in_scope & acting_for(current_user)
    pages = {
        name: request.args.get(f"{name}_page", 1, type=int) for name in services.OVERVIEW_SECTIONS
    }
    return render_page_or_fragment(
        "plans/overview.html",
        "plans/overview.html",
        data=services.overview(db.session(), in_scope, date.today(), pages),
        show_all=show_all,
        today=date.today(),
    )
