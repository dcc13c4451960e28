"""The action plan's pages. Thin: load (scoped) → check role → validate → service → respond.

Who may do what (the access matrix in ``tests/plans/access_cases.py`` lists every route):

* see the plan, its history, timeline and print view, and comment: everyone at the enterprise,
  its contact person (any adviser of the centre) and administrators;
* edit goals, themes and activities and send the plan: the manager and the contact person;
* confirm or decline: the manager, the safety delegate and the union representative;
* the overview across enterprises: advisers (and administrators).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from ..access import (
    Action,
    can_act,
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
from . import services
from .forms import (
    ActivityEditForm,
    ActivityForm,
    CommentForm,
    DecisionForm,
    GoalsForm,
    MoveForm,
    NewThemeForm,
    PeriodForm,
    SendForm,
    StatusForm,
    ThemeForm,
    choice,
)
from .services import ConcurrentChange, PlanError, StaleEdit
from .templating import register_helpers

bp = Blueprint("plans", __name__)
register_helpers(bp)

ANYONE = tuple(MemberRole)
EDITORS = (MemberRole.MANAGER,)
CHANGED = "plan-changed"
RECENT_EVENTS = 10
PLAN = "/enterprises/<int:enterprise_id>/plans/<int:plan_id>"


# --- lookups: every nested id is found through the plan, which is found through the enterprise


def _scoped_plan(enterprise_id: int, plan_id: int) -> ActionPlan | None:
    """The plan if the user sees its enterprise and it belongs to the one in the URL."""
    return db.session.scalar(
        scoped(ActionPlan).where(
            ActionPlan.id == plan_id, ActionPlan.enterprise_id == enterprise_id
        )
    )


def _plan_or_404(enterprise_id: int, plan_id: int, action: Action = "read") -> ActionPlan:
    plan = _scoped_plan(enterprise_id, plan_id)
    _audit_lookup(enterprise_id, action, plan is not None)
    assert plan is not None
    return plan


def _activity_or_404(
    enterprise_id: int, plan_id: int, activity_id: int, action: Action = "read"
) -> tuple[ActionPlan, PlanActivity]:
    plan = _scoped_plan(enterprise_id, plan_id)
    activity = services.find_activity(db.session(), plan, activity_id) if plan else None
    _audit_lookup(enterprise_id, action, activity is not None)
    assert plan is not None and activity is not None
    return plan, activity


def _theme_or_404(
    enterprise_id: int, plan_id: int, theme_id: int, action: Action = "read"
) -> tuple[ActionPlan, PlanTheme]:
    plan = _scoped_plan(enterprise_id, plan_id)
    theme = services.find_theme(db.session(), plan, theme_id) if plan else None
    _audit_lookup(enterprise_id, action, theme is not None)
    assert plan is not None and theme is not None
    return plan, theme


def _audit_lookup(enterprise_id: int, action: Action, found: bool) -> None:
    """As ``get_or_404``: log the lookup; a change's row commits with the change itself."""
    if not found:
        deny(enterprise_id, action, 404)
    permit(enterprise_id, action)


# --- responding ------------------------------------------------------------------------------


def _can_edit(enterprise_id: int) -> bool:
    return can_act(current_user, enterprise_id, EDITORS, adviser=True)


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
    changes = services.diff_since(db.session(), plan, since)
    return (since, changes, yours) if changes is not None else None


def _plan_context(plan: ActionPlan, **extra: Any) -> dict[str, Any]:
    role = member_role(current_user, plan.enterprise_id)
    others = [p for p in services.plans_of(db.session(), plan.enterprise_id) if p.id != plan.id]
    context: dict[str, Any] = {
        "plan": plan,
        "enterprise": plan.enterprise,
        "today": date.today(),
        "role": role,
        "can_edit": _can_edit(plan.enterprise_id),
        "can_decide": role in PLAN_PARTIES,
        "holders": services.party_holders(db.session(), plan.enterprise_id),
        "decisions": plan.decisions(plan.version),
        "awaiting": services.awaiting_roles(plan),
        "changes": _changes_for(plan, role),
        "events": services.events(db.session(), plan, limit=RECENT_EVENTS),
        "comment_form": _comment_form(plan),
        "decision_form": DecisionForm(formdata=None),
        "new_theme_form": NewThemeForm(prefix="new-theme", formdata=None),
        "other_plans": others,
        "goals_mode": "view",
        "goals_form": None,
        "edit_activity_id": None,
        "activity_form": None,
        "edit_theme_id": None,
        "theme_form": None,
        "new_activity_theme_id": None,
        "new_activity_form": None,
        "conflict": None,
        "summary_message": None,
        "row_messages": {},
        "parties": PLAN_PARTIES,
        "limited": True,
        "focus": None,
        # Focus moves into swapped-in forms only; a whole page keeps its skip link first.
        "swapping": is_fragment_request(),
    }
    context.update(extra)
    return context


def _done(plan: ActionPlan, message: str, anchor: str = "") -> Response:
    flash(message, "success")
    return redirect(
        url_for(
            "plans.show", enterprise_id=plan.enterprise_id, plan_id=plan.id, _anchor=anchor or None
        ),
        code=303,
    )


def _fragment(
    page: str, fragment: str, status: int = 200, changed: bool = False, **context: Any
) -> Response:
    return render_page_or_fragment(
        page, fragment, status, trigger=CHANGED if changed else None, **context
    )


def _reload(plan: ActionPlan) -> ActionPlan:
    """After a refused change: forget what was tried and read the plan as it is now."""
    db.session.rollback()
    fresh = db.session.get(ActionPlan, plan.id)
    if fresh is None:
        abort(404)
    return fresh


def _focus(target: str) -> str | None:
    """Where htmx should put the focus after a swap (never on a whole page)."""
    return target if is_fragment_request() else None


def _take_revision(form: Any, revision: int) -> None:
    """After a conflict the form keeps the user's text but carries the saved revision, so that
    saving again knowingly replaces what the other person saved."""
    form.revision.data = revision
    form.revision.raw_data = [str(revision)]


def _form_error(form: Any, error: PlanError) -> None:
    form.form_errors.append(error.message)


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
        can_edit=_can_edit(enterprise.id),
        plans=services.plans_of(db.session(), enterprise.id),
    )


@bp.get("/enterprises/<int:enterprise_id>/plans/new")
@member_role_required(*EDITORS, adviser=True)
def new(enterprise_id: int) -> ResponseReturnValue:
    enterprise = get_or_404(Enterprise, enterprise_id)
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
    except PlanError as error:
        db.session.rollback()
        _form_error(form, error)
        return _render_new(enterprise, form, "plans/new_plan.html", error.status)
    db.session.commit()
    return _done(
        plan, _("The action plan is started from the template. Adapt it to the enterprise.")
    )


# --- the plan page and its regions -----------------------------------------------------------


@bp.get(PLAN)
@member_role_required(*ANYONE, adviser=True)
def show(enterprise_id: int, plan_id: int) -> ResponseReturnValue:
    plan = _plan_or_404(enterprise_id, plan_id)
    return _fragment("plans/plan.html", "plans/_summary.html", **_plan_context(plan))


@bp.get(PLAN + "/summary")
@member_role_required(*ANYONE, adviser=True)
def summary(enterprise_id: int, plan_id: int) -> ResponseReturnValue:
    """The agreement region (status, confirmations, changes); htmx refreshes it after edits."""
    plan = _plan_or_404(enterprise_id, plan_id)
    return _fragment("plans/plan.html", "plans/_summary.html", **_plan_context(plan))


# --- goals -----------------------------------------------------------------------------------


@bp.get(PLAN + "/goals")
@member_role_required(*ANYONE, adviser=True)
def goals(enterprise_id: int, plan_id: int) -> ResponseReturnValue:
    plan = _plan_or_404(enterprise_id, plan_id)
    return _fragment(
        "plans/plan.html", "plans/_goals.html", **_plan_context(plan, focus=_focus("goals"))
    )


def _goals_form(plan: ActionPlan) -> GoalsForm:
    form = GoalsForm(prefix="goals", formdata=None, obj=plan)
    form.revision.data = plan.goals_revision
    return form


@bp.get(PLAN + "/goals/edit")
@member_role_required(*EDITORS, adviser=True)
def edit_goals(enterprise_id: int, plan_id: int) -> ResponseReturnValue:
    plan = _plan_or_404(enterprise_id, plan_id)
    return _fragment(
        "plans/plan.html",
        "plans/_goals.html",
        **_plan_context(plan, goals_mode="edit", goals_form=_goals_form(plan)),
    )


@bp.post(PLAN + "/goals")
@member_role_required(*EDITORS, adviser=True)
def save_goals(enterprise_id: int, plan_id: int) -> ResponseReturnValue:
    plan = _plan_or_404(enterprise_id, plan_id, "change")
    form = GoalsForm(prefix="goals")
    if not form.validate():
        return _fragment(
            "plans/plan.html",
            "plans/_goals.html",
            422,
            **_plan_context(plan, goals_mode="edit", goals_form=form),
        )
    assert form.period_start.data and form.period_end.data and form.revision.data is not None
    values = services.Goals(
        form.period_start.data,
        form.period_end.data,
        form.sick_leave_baseline_pct.data,
        form.sick_leave_target_pct.data,
        form.goals.data or "",
    )
    try:
        changed = services.update_goals(
            db.session(), plan, current_user, form.revision.data, values
        )
    except PlanError as error:
        plan = _reload(plan)
        conflict = None
        if isinstance(error, StaleEdit | ConcurrentChange):
            # Keep the user's text; the next save knowingly replaces what is saved now.
            _take_revision(form, plan.goals_revision)
            conflict = {"message": error.message, "current": plan}
        else:
            _form_error(form, error)
        return _fragment(
            "plans/plan.html",
            "plans/_goals.html",
            error.status,
            **_plan_context(plan, goals_mode="edit", goals_form=form, conflict=conflict),
        )
    db.session.commit()
    if is_fragment_request():
        return _fragment(
            "plans/plan.html",
            "plans/_goals.html",
            changed=changed,
            **_plan_context(plan, focus="goals"),
        )
    return _done(
        plan, _("The goals are saved.") if changed else _("Nothing was changed."), "plan-goals"
    )


# --- themes ----------------------------------------------------------------------------------


@bp.post(PLAN + "/themes")
@member_role_required(*EDITORS, adviser=True)
def add_theme(enterprise_id: int, plan_id: int) -> ResponseReturnValue:
    plan = _plan_or_404(enterprise_id, plan_id, "change")
    form = NewThemeForm(prefix="new-theme")
    if form.validate():
        try:
            theme = services.add_theme(db.session(), plan, current_user, form.title.data or "")
        except PlanError as error:
            plan = _reload(plan)
            _form_error(form, error)
            return _fragment(
                "plans/plan.html",
                "plans/plan.html",
                error.status,
                **_plan_context(plan, new_theme_form=form),
            )
        db.session.commit()
        return _done(plan, _("The theme is added."), f"theme-{theme.id}")
    return _fragment(
        "plans/plan.html", "plans/plan.html", 422, **_plan_context(plan, new_theme_form=form)
    )


@bp.get(PLAN + "/themes/<int:theme_id>")
@member_role_required(*ANYONE, adviser=True)
def theme(enterprise_id: int, plan_id: int, theme_id: int) -> ResponseReturnValue:
    """A theme's header (cancelling a rename) or, with ``?part=add``, its "Add activity" region
    (cancelling a new activity); the page otherwise."""
    plan, found = _theme_or_404(enterprise_id, plan_id, theme_id)
    part = "plans/_activity_add.html" if request.args.get("part") == "add" else None
    return _fragment(
        "plans/plan.html",
        part or "plans/_theme_header.html",
        **_plan_context(plan, theme=found, focus=_focus("add" if part else "theme")),
    )


def _theme_form(found: PlanTheme) -> ThemeForm:
    form = ThemeForm(prefix=f"theme{found.id}", formdata=None, obj=found)
    form.revision.data = found.revision
    return form


@bp.get(PLAN + "/themes/<int:theme_id>/edit")
@member_role_required(*EDITORS, adviser=True)
def edit_theme(enterprise_id: int, plan_id: int, theme_id: int) -> ResponseReturnValue:
    plan, found = _theme_or_404(enterprise_id, plan_id, theme_id)
    return _fragment(
        "plans/plan.html",
        "plans/_theme_header.html",
        **_plan_context(plan, theme=found, edit_theme_id=found.id, theme_form=_theme_form(found)),
    )


@bp.post(PLAN + "/themes/<int:theme_id>")
@member_role_required(*EDITORS, adviser=True)
def save_theme(enterprise_id: int, plan_id: int, theme_id: int) -> ResponseReturnValue:
    plan, found = _theme_or_404(enterprise_id, plan_id, theme_id, "change")
    form = ThemeForm(prefix=f"theme{found.id}")
    editing = {"theme": found, "edit_theme_id": found.id, "theme_form": form}
    if not form.validate():
        return _fragment(
            "plans/plan.html", "plans/_theme_header.html", 422, **_plan_context(plan, **editing)
        )
    assert form.revision.data is not None
    try:
        changed = services.rename_theme(
            db.session(), found, current_user, form.revision.data, form.title.data or ""
        )
    except PlanError as error:
        plan = _reload(plan)
        found = db.session.get(PlanTheme, theme_id) or abort(404)
        conflict = None
        if isinstance(error, StaleEdit | ConcurrentChange):
            _take_revision(form, found.revision)
            conflict = {"message": error.message, "current": found}
        else:
            _form_error(form, error)
        return _fragment(
            "plans/plan.html",
            "plans/_theme_header.html",
            error.status,
            **_plan_context(
                plan, theme=found, edit_theme_id=found.id, theme_form=form, conflict=conflict
            ),
        )
    db.session.commit()
    if is_fragment_request():
        return _fragment(
            "plans/plan.html",
            "plans/_theme_header.html",
            changed=changed,
            **_plan_context(plan, theme=found, focus="theme"),
        )
    return _done(
        plan,
        _("The theme is saved.") if changed else _("Nothing was changed."),
        f"theme-{found.id}",
    )


@bp.post(PLAN + "/themes/<int:theme_id>/move")
@member_role_required(*EDITORS, adviser=True)
def move_theme(enterprise_id: int, plan_id: int, theme_id: int) -> ResponseReturnValue:
    plan, found = _theme_or_404(enterprise_id, plan_id, theme_id, "change")
    form = MoveForm()
    if not form.validate():
        abort(400)
    try:
        services.move_theme(db.session(), found, current_user, form.direction.data or "")
    except PlanError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(plan, f"theme-{theme_id}")
    db.session.commit()
    return _done(plan, _("The order is saved."), f"theme-{found.id}")


@bp.post(PLAN + "/themes/<int:theme_id>/delete")
@member_role_required(*EDITORS, adviser=True)
def delete_theme(enterprise_id: int, plan_id: int, theme_id: int) -> ResponseReturnValue:
    plan, found = _theme_or_404(enterprise_id, plan_id, theme_id, "change")
    try:
        services.delete_theme(db.session(), found, current_user)
    except PlanError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(plan, f"theme-{theme_id}")
    db.session.commit()
    return _done(plan, _("The theme is deleted."), "themes")


def _back(plan: ActionPlan, anchor: str) -> Response:
    return redirect(
        url_for("plans.show", enterprise_id=plan.enterprise_id, plan_id=plan.id, _anchor=anchor),
        code=303,
    )


# --- activities ------------------------------------------------------------------------------


def _new_activity_form(plan: ActionPlan, found: PlanTheme) -> ActivityForm:
    form = ActivityForm(prefix=f"theme{found.id}-new", formdata=None)
    form.start_date.data = max(plan.period_start, date.today())
    if form.start_date.data > plan.period_end:
        form.start_date.data = plan.period_start
    form.end_date.data = plan.period_end
    form.responsible.data = Responsible.MANAGER.value
    return form


@bp.get(PLAN + "/themes/<int:theme_id>/activities/new")
@member_role_required(*EDITORS, adviser=True)
def new_activity(enterprise_id: int, plan_id: int, theme_id: int) -> ResponseReturnValue:
    plan, found = _theme_or_404(enterprise_id, plan_id, theme_id)
    return _fragment(
        "plans/plan.html",
        "plans/_activity_add.html",
        **_plan_context(
            plan,
            theme=found,
            new_activity_theme_id=found.id,
            new_activity_form=_new_activity_form(plan, found),
        ),
    )


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
def create_activity(enterprise_id: int, plan_id: int, theme_id: int) -> ResponseReturnValue:
    plan, found = _theme_or_404(enterprise_id, plan_id, theme_id, "change")
    form = ActivityForm(prefix=f"theme{found.id}-new")
    adding = {"theme": found, "new_activity_theme_id": found.id, "new_activity_form": form}
    if not form.validate():
        return _fragment(
            "plans/plan.html", "plans/_activity_add.html", 422, **_plan_context(plan, **adding)
        )
    try:
        activity = services.add_activity(db.session(), found, current_user, _fields(form))
    except PlanError as error:
        plan = _reload(plan)
        found = db.session.get(PlanTheme, theme_id) or abort(404)
        _form_error(form, error)
        return _fragment(
            "plans/plan.html",
            "plans/_activity_add.html",
            error.status,
            **_plan_context(
                plan, theme=found, new_activity_theme_id=found.id, new_activity_form=form
            ),
        )
    db.session.commit()
    if is_fragment_request():
        return _fragment(
            "plans/plan.html",
            "plans/_activity_added.html",
            changed=True,
            **_plan_context(plan, theme=found, activity=activity, focus="add"),
        )
    return _done(plan, _("The activity is added."), f"activity-{activity.id}")


@bp.get(PLAN + "/activities/<int:activity_id>")
@member_role_required(*ANYONE, adviser=True)
def activity(enterprise_id: int, plan_id: int, activity_id: int) -> ResponseReturnValue:
    """One activity: its row for htmx (cancelling an edit), else a page with its timeline."""
    plan, found = _activity_or_404(enterprise_id, plan_id, activity_id)
    return _fragment(
        "plans/activity.html",
        "plans/_activity_row.html",
        **_activity_context(plan, found, focus=_focus("edit")),
    )


def _activity_context(plan: ActionPlan, found: PlanActivity, **extra: Any) -> dict[str, Any]:
    context = _plan_context(
        plan,
        activity=found,
        activity_events=services.events(db.session(), plan, activity_id=found.id),
        comment_form=_comment_form(plan, found),
    )
    context.update(extra)
    return context


def _activity_form(
    plan: ActionPlan, found: PlanActivity, formdata: bool = False
) -> ActivityEditForm:
    if formdata:
        form = ActivityEditForm(prefix=f"activity{found.id}")
    else:
        form = ActivityEditForm(prefix=f"activity{found.id}", formdata=None, obj=found)
        form.responsible.data = found.responsible.value
        form.status.data = found.status.value
        form.revision.data = found.revision
    form.theme_id.choices = [choice(t.id, t.title) for t in plan.themes]
    return form


def _editing(
    plan: ActionPlan, found: PlanActivity, form: ActivityEditForm, **extra: Any
) -> dict[str, Any]:
    return _plan_context(
        plan, activity=found, edit_activity_id=found.id, activity_form=form, **extra
    )


@bp.get(PLAN + "/activities/<int:activity_id>/edit")
@member_role_required(*EDITORS, adviser=True)
def edit_activity(enterprise_id: int, plan_id: int, activity_id: int) -> ResponseReturnValue:
    plan, found = _activity_or_404(enterprise_id, plan_id, activity_id)
    return _fragment(
        "plans/plan.html",
        "plans/_activity_row.html",
        **_editing(plan, found, _activity_form(plan, found)),
    )


@bp.post(PLAN + "/activities/<int:activity_id>")
@member_role_required(*EDITORS, adviser=True)
def save_activity(enterprise_id: int, plan_id: int, activity_id: int) -> ResponseReturnValue:
    plan, found = _activity_or_404(enterprise_id, plan_id, activity_id, "change")
    form = _activity_form(plan, found, formdata=True)
    if not form.validate():
        return _fragment(
            "plans/plan.html", "plans/_activity_row.html", 422, **_editing(plan, found, form)
        )
    assert form.revision.data is not None
    target = next((t for t in plan.themes if t.id == form.theme_id.data), None)
    try:
        changed = services.update_activity(
            db.session(),
            found,
            current_user,
            form.revision.data,
            _fields(form),
            status=ActivityStatus(form.status.data),
            theme=target,
        )
    except PlanError as error:
        plan = _reload(plan)
        current = db.session.get(PlanActivity, activity_id)
        if current is None:
            flash(_("Someone else deleted this activity while you were editing it."), "error")
            return _back(plan, "themes")
        conflict = None
        if isinstance(error, StaleEdit | ConcurrentChange):
            _take_revision(form, current.revision)
            conflict = {"message": error.message, "current": current}
        else:
            _form_error(form, error)
        return _fragment(
            "plans/plan.html",
            "plans/_activity_row.html",
            error.status,
            **_editing(plan, current, form, conflict=conflict),
        )
    db.session.commit()
    if is_fragment_request():
        return _fragment(
            "plans/plan.html",
            "plans/_activity_row.html",
            changed=changed,
            **_plan_context(plan, activity=found, focus="edit"),
        )
    return _done(
        plan,
        _("The activity is saved.") if changed else _("Nothing was changed."),
        f"activity-{found.id}",
    )


@bp.post(PLAN + "/activities/<int:activity_id>/status")
@member_role_required(*EDITORS, adviser=True)
def activity_status(enterprise_id: int, plan_id: int, activity_id: int) -> ResponseReturnValue:
    plan, found = _activity_or_404(enterprise_id, plan_id, activity_id, "change")
    form = StatusForm(prefix=f"status{found.id}")
    if not form.validate():
        return _fragment(
            "plans/plan.html",
            "plans/_activity_row.html",
            422,
            **_plan_context(plan, activity=found, row_messages={found.id: _("Choose a status.")}),
        )
    assert form.revision.data is not None
    try:
        changed = services.change_status(
            db.session(), found, current_user, form.revision.data, ActivityStatus(form.status.data)
        )
    except PlanError as error:
        plan = _reload(plan)
        current = db.session.get(PlanActivity, activity_id) or abort(404)
        message = error.message + " " + _("This is how the activity is now.")
        return _fragment(
            "plans/plan.html",
            "plans/_activity_row.html",
            error.status,
            **_plan_context(plan, activity=current, row_messages={current.id: message}),
        )
    db.session.commit()
    if is_fragment_request():
        return _fragment(
            "plans/plan.html",
            "plans/_activity_row.html",
            changed=changed,
            **_plan_context(plan, activity=found, focus="status"),
        )
    return _done(
        plan,
        _("The status is updated.") if changed else _("Nothing was changed."),
        f"activity-{found.id}",
    )


@bp.post(PLAN + "/activities/<int:activity_id>/move")
@member_role_required(*EDITORS, adviser=True)
def move_activity(enterprise_id: int, plan_id: int, activity_id: int) -> ResponseReturnValue:
    plan, found = _activity_or_404(enterprise_id, plan_id, activity_id, "change")
    form = MoveForm()
    if not form.validate():
        abort(400)
    try:
        services.move_activity(db.session(), found, current_user, form.direction.data or "")
    except PlanError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(plan, f"activity-{activity_id}")
    db.session.commit()
    return _done(plan, _("The order is saved."), f"activity-{found.id}")


@bp.post(PLAN + "/activities/<int:activity_id>/delete")
@member_role_required(*EDITORS, adviser=True)
def delete_activity(enterprise_id: int, plan_id: int, activity_id: int) -> ResponseReturnValue:
    plan, found = _activity_or_404(enterprise_id, plan_id, activity_id, "change")
    theme_id = found.theme_id
    try:
        services.delete_activity(db.session(), found, current_user)
    except PlanError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(plan, f"activity-{activity_id}")
    db.session.commit()
    return _done(plan, _("The activity is deleted."), f"theme-{theme_id}")


# --- sending, confirming, commenting ---------------------------------------------------------


@bp.post(PLAN + "/send")
@member_role_required(*EDITORS, adviser=True)
def send(enterprise_id: int, plan_id: int) -> ResponseReturnValue:
    plan = _plan_or_404(enterprise_id, plan_id, "change")
    form = SendForm()
    if not form.validate():
        return _summary_problem(plan, str(form.row_version.errors[0]), 422)
    assert form.row_version.data is not None
    try:
        services.send_for_confirmation(db.session(), plan, current_user, form.row_version.data)
    except PlanError as error:
        return _summary_problem(_reload(plan), error.message, error.status)
    db.session.commit()
    return _done(
        plan,
        _(
            "Version %(version)d is sent to the manager, the safety delegate and "
            "the union representative for confirmation.",
            version=plan.version,
        ),
        "plan-summary",
    )


def _summary_problem(plan: ActionPlan, message: str, status: int, **extra: Any) -> Response:
    return _fragment(
        "plans/plan.html",
        "plans/_summary.html",
        status,
        **_plan_context(plan, summary_message=message, **extra),
    )


@bp.post(PLAN + "/confirmations")
@member_role_required(*PLAN_PARTIES, adviser=False)
@kind_required(UserKind.EMPLOYER)
def decide(enterprise_id: int, plan_id: int) -> ResponseReturnValue:
    plan = _plan_or_404(enterprise_id, plan_id, "change")
    form = DecisionForm()
    if not form.validate():
        return _summary_problem(plan, _("Please correct the following"), 422, decision_form=form)
    assert form.version.data is not None
    decision = Decision(form.decision.data or "")
    try:
        services.decide(
            db.session(),
            plan,
            current_user,
            member_role(current_user, enterprise_id),
            form.version.data,
            decision,
            form.reason.data or "",
        )
    except PlanError as error:
        plan = _reload(plan)
        return _summary_problem(
            plan, error.message, error.status, decision_form=DecisionForm(formdata=None)
        )
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
    return _done(plan, message, "plan-summary")


@bp.post(PLAN + "/comments")
@member_role_required(*ANYONE, adviser=True)
def comment(enterprise_id: int, plan_id: int) -> ResponseReturnValue:
    plan = _plan_or_404(enterprise_id, plan_id, "change")
    form = CommentForm(prefix="comment")
    _comment_choices(form, plan)
    about = None
    if form.validate() and form.activity_id.data:
        about = services.find_activity(db.session(), plan, form.activity_id.data)
    if form.errors or (form.activity_id.data and about is None):
        return _comment_problem(plan, form, None)
    try:
        services.comment(db.session(), plan, current_user, form.text.data or "", about)
    except PlanError as error:
        plan = _reload(plan)
        return _comment_problem(plan, form, error)
    db.session.commit()
    flash(_("Your comment is added."), "success")
    if about is not None and form.back.data == "activity":
        return redirect(
            url_for(
                "plans.activity",
                enterprise_id=enterprise_id,
                plan_id=plan.id,
                activity_id=about.id,
                _anchor="timeline",
            ),
            code=303,
        )
    return _back(plan, "timeline")


def _comment_problem(plan: ActionPlan, form: CommentForm, error: PlanError | None) -> Response:
    if error is not None:
        _form_error(form, error)
    status = error.status if error else 422
    found = None
    if form.back.data == "activity" and form.activity_id.data:
        found = services.find_activity(db.session(), plan, form.activity_id.data)
    if found is not None:
        return _fragment(
            "plans/activity.html",
            "plans/activity.html",
            status,
            **_activity_context(plan, found, comment_form=form),
        )
    return _fragment(
        "plans/plan.html", "plans/plan.html", status, **_plan_context(plan, comment_form=form)
    )


@bp.get(PLAN + "/timeline")
@member_role_required(*ANYONE, adviser=True)
def timeline(enterprise_id: int, plan_id: int) -> ResponseReturnValue:
    """The whole timeline; htmx asks for the newest events (``?limit=``) after a change."""
    plan = _plan_or_404(enterprise_id, plan_id)
    limit = request.args.get("limit", type=int)
    if limit is not None:
        limit = min(max(limit, 1), 100)
    if not is_fragment_request():
        limit = None
    return _fragment(
        "plans/timeline.html",
        "plans/_timeline.html",
        **_plan_context(
            plan, events=services.events(db.session(), plan, limit=limit), limited=limit is not None
        ),
    )


# --- history and print -----------------------------------------------------------------------


@bp.get(PLAN + "/versions")
@member_role_required(*ANYONE, adviser=True)
def versions(enterprise_id: int, plan_id: int) -> ResponseReturnValue:
    plan = _plan_or_404(enterprise_id, plan_id)
    return _fragment("plans/versions.html", "plans/versions.html", **_plan_context(plan))


@bp.get(PLAN + "/versions/<int:number>")
@member_role_required(*ANYONE, adviser=True)
def version(enterprise_id: int, plan_id: int, number: int) -> ResponseReturnValue:
    plan = _plan_or_404(enterprise_id, plan_id)
    stored = services.find_version(db.session(), plan, number)
    if stored is None:
        abort(404)
    previous = services.find_version(db.session(), plan, number - 1)
    current_snapshot = services.snapshot(plan)
    return _fragment(
        "plans/version.html",
        "plans/version.html",
        **_plan_context(
            plan,
            stored=stored,
            content=stored.snapshot,
            from_previous=services.diff(previous.snapshot, stored.snapshot) if previous else None,
            to_current=services.diff(stored.snapshot, current_snapshot),
            version_decisions=plan.decisions(number),
        ),
    )


@bp.get(PLAN + "/print")
@member_role_required(*ANYONE, adviser=True)
def print_view(enterprise_id: int, plan_id: int) -> ResponseReturnValue:
    plan = _plan_or_404(enterprise_id, plan_id)
    return _fragment("plans/print.html", "plans/print.html", **_plan_context(plan))


# --- the contact person's overview -----------------------------------------------------------


@bp.get("/plans/overview")
@kind_required(UserKind.ADVISER, UserKind.ADMIN)
def overview() -> ResponseReturnValue:
    """Across the adviser's enterprises (or the whole centre's): what awaits whom."""
    show_all = request.args.get("show") == "all" or current_user.kind == UserKind.ADMIN
    enterprises_query = scoped(Enterprise).order_by(Enterprise.name)
    if not show_all:
        enterprises_query = enterprises_query.where(Enterprise.contact_person_id == current_user.id)
    enterprises = list(db.session.scalars(enterprises_query))
    ids = [e.id for e in enterprises]
    plans = (
        list(
            db.session.scalars(
                scoped(ActionPlan)
                .where(ActionPlan.enterprise_id.in_(ids))
                .order_by(ActionPlan.period_start)
            )
        )
        if ids
        else []
    )
    return render_page_or_fragment(
        "plans/overview.html",
        "plans/overview.html",
        data=services.overview(plans, enterprises, date.today()),
        show_all=show_all,
        today=date.today(),
    )


# --- template helpers, also for the enterprise home page's card -------------------------------


@bp.app_template_global()
def plan_url(endpoint: str, plan: ActionPlan, **values: Any) -> str:
    return url_for(f"plans.{endpoint}", enterprise_id=plan.enterprise_id, plan_id=plan.id, **values)


@bp.app_template_global()
def action_plan_card(enterprise_id: int) -> dict[str, Any]:
    """The current plan for the home page's card, and whether it awaits the user's answer."""
    plans = list(
        db.session.scalars(scoped(ActionPlan).where(ActionPlan.enterprise_id == enterprise_id))
    )
    plan = services.pick_current(plans, date.today())
    role = member_role(current_user, enterprise_id)
    awaits_you = bool(plan and role in services.awaiting_roles(plan))
    return {"plan": plan, "awaits_you": awaits_you}
