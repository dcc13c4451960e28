"""Every route of the plans blueprint, for every persona (see tests/access_matrix.py).

Own targets are Nordlys Omsorg AS's agreed plan; foreign targets are Fjellbygg AS's plan (sent,
awaiting the union representative), so an id from another enterprise answers 404.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from iwemployer.models import (
    ActionPlan,
    Enterprise,
    PlanProposal,
    ProposalKind,
    Responsible,
)
from tests.access_matrix import ADMIN, ADVISER, EMPLOYER_SIDE, EVERYONE, RouteCase

EDITORS = frozenset({"manager", "adviser", "admin"})
PARTIES = frozenset({"manager", "safety_delegate", "union_rep"})
# Those who propose changes to the plan rather than make them.
PROPOSERS = frozenset({"safety_delegate", "union_rep", "occupational_health"})
PAGE = frozenset({200})
DONE = frozenset({200, 303})


def _plan(w: Any, enterprise: Enterprise) -> ActionPlan:
    plan = w.session.scalar(select(ActionPlan).where(ActionPlan.enterprise_id == enterprise.id))
    assert plan is not None, enterprise.name
    return plan


def _base(w: Any, which: str) -> tuple[Enterprise, ActionPlan, str]:
    enterprise = w.nordlys if which == "own" else w.fjellbygg
    plan = _plan(w, enterprise)
    return enterprise, plan, f"/enterprises/{enterprise.id}/plans/{plan.id}"


def _case(
    endpoint: str, method: str, build: Any, allowed: frozenset[str], ok: frozenset[int] = DONE
) -> RouteCase:
    return RouteCase(
        endpoint,
        method,
        lambda w: build(w, "own"),
        allowed,
        foreign=lambda w: build(w, "foreign"),
        ok_statuses=ok,
    )


def _at(suffix: str, data: Any = None) -> Any:
    def build(w: Any, which: str) -> tuple[str, dict[str, Any]]:
        _enterprise, plan, base = _base(w, which)
        theme = plan.themes[0]
        activity = theme.activities[0]
        path = suffix.format(theme=theme.id, activity=activity.id)
        return base + path, data(plan, theme, activity) if data else {}

    return build


def _enterprise_at(suffix: str, data: Any = None) -> Any:
    def build(w: Any, which: str) -> tuple[str, dict[str, Any]]:
        enterprise, plan, _base_path = _base(w, which)
        return f"/enterprises/{enterprise.id}{suffix}", data(plan) if data else {}

    return build


def _next_period(plan: ActionPlan) -> dict[str, str]:
    start = plan.period_end + timedelta(days=1)
    return {
        "plan-period_start": start.isoformat(),
        "plan-period_end": (start + timedelta(days=364)).isoformat(),
    }


def _goals(plan: ActionPlan, *_: Any) -> dict[str, Any]:
    return {
        "goals-period_start": plan.period_start.isoformat(),
        "goals-period_end": plan.period_end.isoformat(),
        "goals-sick_leave_baseline_pct": "8,4",
        "goals-sick_leave_target_pct": "6,1",
        "goals-goals": "Nye mål",
        "goals-revision": plan.goals_revision,
    }


def _activity(
    prefix: str, plan: ActionPlan, theme_id: int | None = None, revision: int | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-title": "Nytt tiltak",
        f"{prefix}-description": "Beskrivelse",
        f"{prefix}-responsible": "manager",
        f"{prefix}-start_date": plan.period_start.isoformat(),
        f"{prefix}-end_date": plan.period_end.isoformat(),
    }
    if theme_id is not None:
        data |= {
            f"{prefix}-theme_id": theme_id,
            f"{prefix}-status": "in_progress",
            f"{prefix}-revision": revision,
        }
    return data


def _safety_activity_status(w: Any, which: str) -> tuple[str, dict[str, Any]]:
    _enterprise, plan, base = _base(w, which)
    # Fjellbygg (foreign) has no such activity: any of its activities answers 404 there.
    mine = [a for a in plan.activities if a.responsible == Responsible.SAFETY_DELEGATE]
    activity = (mine or plan.activities)[0]
    prefix = f"status{activity.id}"
    data = {f"{prefix}-status": "done", f"{prefix}-revision": activity.revision}
    return f"{base}/activities/{activity.id}/status", data


def _proposal(w: Any, which: str) -> tuple[str, PlanProposal]:
    """Nordlys's demo proposal (from its occupational health service); on Fjellbygg's plan one
    made here, so the administrator (who sees both) acts on a real record."""
    _enterprise, plan, base = _base(w, which)
    found = w.session.scalar(select(PlanProposal).where(PlanProposal.plan_id == plan.id))
    if found is None:
        found = PlanProposal(
            plan_id=plan.id,
            kind=ProposalKind.ACTIVITY,
            theme_id=plan.themes[0].id,
            title="Nytt tiltak",
            responsible=Responsible.MANAGER,
            due_date=plan.period_end,
            reason="Fordi",
            proposed_by_name="Noen",
        )
        w.session.add(found)
        w.session.commit()
    return base, found


def _answer(action: str, data: Any = None) -> Any:
    def build(w: Any, which: str) -> tuple[str, dict[str, Any]]:
        base, proposal = _proposal(w, which)
        return f"{base}/proposals/{proposal.id}/{action}", data(proposal) if data else {}

    return build


def _managers_activity(suffix: str, data: Any = None) -> Any:
    """An activity the manager answers for: the parties propose its status."""

    def build(w: Any, which: str) -> tuple[str, dict[str, Any]]:
        _enterprise, plan, base = _base(w, which)
        activity = next(a for a in plan.activities if a.responsible == Responsible.MANAGER)
        return f"{base}/activities/{activity.id}{suffix}", data or {}

    return build


def _proposed_activity(plan: ActionPlan, *_: Any) -> dict[str, Any]:
    return {
        "proposal-title": "Nytt tiltak",
        "proposal-responsible": "manager",
        "proposal-due_date": plan.period_end.isoformat(),
        "proposal-reason": "Fordi",
    }


CASES = [
    _case("plans.current", "GET", _enterprise_at("/plan"), EVERYONE, frozenset({303})),
    _case("plans.new", "GET", _enterprise_at("/plans/new"), EDITORS, PAGE),
    _case(
        "plans.create", "POST", _enterprise_at("/plans", _next_period), EDITORS, frozenset({303})
    ),
    _case("plans.show", "GET", _at(""), EVERYONE, PAGE),
    _case("plans.summary", "GET", _at("/summary"), EVERYONE, PAGE),
    _case("plans.goals", "GET", _at("/goals"), EVERYONE, PAGE),
    _case("plans.edit_goals", "GET", _at("/goals/edit"), EDITORS, PAGE),
    _case("plans.save_goals", "POST", _at("/goals", _goals), EDITORS),
    _case(
        "plans.add_theme",
        "POST",
        _at("/themes", lambda *_: {"new-theme-title": "Nytt tema"}),
        EDITORS,
        frozenset({303}),
    ),
    _case("plans.theme", "GET", _at("/themes/{theme}"), EVERYONE, PAGE),
    _case("plans.edit_theme", "GET", _at("/themes/{theme}/edit"), EDITORS, PAGE),
    _case(
        "plans.save_theme",
        "POST",
        _at(
            "/themes/{theme}",
            lambda p, t, a: {
                f"theme{t.id}-title": "Samarbeid",
                f"theme{t.id}-revision": t.revision,
            },
        ),
        EDITORS,
    ),
    _case(
        "plans.move_theme",
        "POST",
        _at("/themes/{theme}/move", lambda *_: {"direction": "down"}),
        EDITORS,
        frozenset({303}),
    ),
    # The theme has activities, so deleting it is refused with a message (and a redirect).
    _case("plans.delete_theme", "POST", _at("/themes/{theme}/delete"), EDITORS, frozenset({303})),
    _case("plans.new_activity", "GET", _at("/themes/{theme}/activities/new"), EDITORS, PAGE),
    _case(
        "plans.create_activity",
        "POST",
        _at("/themes/{theme}/activities", lambda p, t, a: _activity(f"theme{t.id}-new", p)),
        EDITORS,
    ),
    _case("plans.activity", "GET", _at("/activities/{activity}"), EVERYONE, PAGE),
    _case("plans.edit_activity", "GET", _at("/activities/{activity}/edit"), EDITORS, PAGE),
    _case(
        "plans.save_activity",
        "POST",
        _at(
            "/activities/{activity}",
            lambda p, t, a: _activity(f"activity{a.id}", p, t.id, a.revision),
        ),
        EDITORS,
    ),
    _case(
        "plans.activity_status",
        "POST",
        _at(
            "/activities/{activity}/status",
            lambda p, t, a: {f"status{a.id}-status": "done", f"status{a.id}-revision": a.revision},
        ),
        EDITORS,
    ),
    # The safety delegate changes the status of an activity the safety delegate answers for.
    _case(
        "plans.activity_status",
        "POST",
        _safety_activity_status,
        EDITORS | {"safety_delegate"},
    ),
    _case(
        "plans.move_activity",
        "POST",
        _at("/activities/{activity}/move", lambda *_: {"direction": "down"}),
        EDITORS,
        frozenset({303}),
    ),
    _case(
        "plans.confirm_delete_activity", "GET", _at("/activities/{activity}/delete"), EDITORS, PAGE
    ),
    _case(
        "plans.delete_activity",
        "POST",
        _at("/activities/{activity}/delete"),
        EDITORS,
        frozenset({303}),
    ),
    # Both plans are already sent: sending again is refused as a conflict.
    _case(
        "plans.send",
        "POST",
        _at("/send", lambda p, *_: {"row_version": p.row_version}),
        EDITORS,
        frozenset({409}),
    ),
    # Both plans are sent or agreed, not declined: nothing to reopen.
    _case(
        "plans.reopen",
        "POST",
        _at("/reopen", lambda p, *_: {"row_version": p.row_version}),
        EDITORS,
        frozenset({409}),
    ),
    # Nordlys's parties have all confirmed the current version: a second answer is refused.
    _case(
        "plans.decide",
        "POST",
        _at("/confirmations", lambda p, *_: {"version": p.version, "decision": "confirmed"}),
        PARTIES,
        frozenset({303, 409}),
    ),
    _case(
        "plans.comment",
        "POST",
        _at("/comments", lambda *_: {"comment-text": "En kommentar", "comment-activity_id": 0}),
        EVERYONE,
        frozenset({303}),
    ),
    _case("plans.timeline", "GET", _at("/timeline"), EVERYONE, PAGE),
    _case("plans.versions", "GET", _at("/versions"), EVERYONE, PAGE),
    _case("plans.version", "GET", _at("/versions/1"), EVERYONE, PAGE),
    _case("plans.print_view", "GET", _at("/print"), EVERYONE, PAGE),
    _case(
        "plans.new_activity_proposal", "GET", _at("/themes/{theme}/proposals/new"), PROPOSERS, PAGE
    ),
    _case(
        "plans.create_activity_proposal",
        "POST",
        _at("/themes/{theme}/proposals", _proposed_activity),
        PROPOSERS,
        DONE,
    ),
    _case(
        "plans.new_status_proposal",
        "GET",
        _managers_activity("/proposals/new"),
        PROPOSERS,
        PAGE,
    ),
    _case(
        "plans.create_status_proposal",
        "POST",
        _managers_activity(
            "/proposals", {"proposal-to_status": "cancelled", "proposal-reason": "Fordi"}
        ),
        PROPOSERS,
        DONE,
    ),
    _case("plans.accept_proposal", "POST", _answer("accept"), EDITORS, frozenset({303})),
    _case(
        "plans.decline_proposal",
        "POST",
        _answer("decline", lambda p: {f"proposal{p.id}-answer": "Ikke nå"}),
        EDITORS,
    ),
    # Only the proposer withdraws: the demo proposal is the occupational health service's.
    _case(
        "plans.withdraw_proposal",
        "POST",
        _answer("withdraw"),
        frozenset({"occupational_health"}),
    ),
    RouteCase(
        "plans.overview",
        "GET",
        lambda w: ("/plans/overview", {}),
        ADVISER | ADMIN,
        ok_statuses=PAGE,
    ),
]

assert EMPLOYER_SIDE >= PARTIES
