"""Template helpers of the plans area (app-wide, since the enterprise home page shows a card)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, url_for
from flask_login import current_user

from ..access import member_role, scoped
from ..extensions import db
from ..models import (
    ActionPlan,
    ActivityStatus,
    Decision,
    PlanEventKind,
    PlanStatus,
    ProposalKind,
    Responsible,
)
from ..templating import template_globals
from ..translation import format_date, format_decimal
from ..translation import gettext as _
from .labels import (
    ACTIVITY_STATUS_LABELS,
    ACTIVITY_STATUS_VARIANTS,
    DECISION_LABELS,
    DECISION_VARIANTS,
    FIELD_LABELS,
    PLAN_STATUS_LABELS,
    PLAN_STATUS_VARIANTS,
    RESPONSIBLE_LABELS,
)
from .services import awaiting_roles, opens_new_version, pick_current


def percent(value: Decimal | str | None) -> str:
    """ "5,5 %" in bokmål, "5.5 %" in English; a dash when not set."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{format_decimal(number, '0.0')} %"


def field_value(name: str, value: Any) -> str:
    """A snapshot value (JSON: ISO dates, enum values, strings) as the user reads it."""
    if value is None or value == "":
        return "–"
    if name in ("period_start", "period_end", "start_date", "end_date"):
        try:
            return str(format_date(date.fromisoformat(str(value)), "long"))
        except ValueError:
            return str(value)
    if name in ("sick_leave_baseline_pct", "sick_leave_target_pct"):
        return percent(value)
    if name == "responsible":
        try:
            return str(RESPONSIBLE_LABELS[Responsible(value)])
        except ValueError:
            return str(value)
    if name in ("training_session_id", "subsidy_application_id"):
        return _("No. %(number)s", number=value)
    return str(value)


def plan_url(endpoint: str, plan: ActionPlan, **values: Any) -> str:
    return url_for(f"plans.{endpoint}", enterprise_id=plan.enterprise_id, plan_id=plan.id, **values)


def action_plan_card(enterprise_id: int) -> dict[str, Any]:
    """The current plan for the home page's card, and whether it awaits the user's answer."""
    plans = list(
        db.session.scalars(scoped(ActionPlan).where(ActionPlan.enterprise_id == enterprise_id))
    )
    plan = pick_current(plans, date.today())
    role = member_role(current_user, enterprise_id)
    awaits_you = bool(plan and role in awaiting_roles(plan))
    # A declined plan says by whom, so nobody is left waiting for answers that will not come.
    declined = plan.declines(plan.version) if plan and plan.status == PlanStatus.DECLINED else []
    return {"plan": plan, "awaits_you": awaits_you, "declined": declined}


def register_helpers(bp: Blueprint) -> None:
    template_globals(
        bp,
        plan_url=plan_url,
        action_plan_card=action_plan_card,
        plan_status_label=lambda s: str(PLAN_STATUS_LABELS[PlanStatus(s)]),
        plan_status_variant=lambda s: PLAN_STATUS_VARIANTS[PlanStatus(s)],
        activity_status_label=lambda s: str(ACTIVITY_STATUS_LABELS[ActivityStatus(s)]),
        activity_status_variant=lambda s: ACTIVITY_STATUS_VARIANTS[ActivityStatus(s)],
        responsible_label=lambda r: str(RESPONSIBLE_LABELS[Responsible(r)]),
        decision_label=lambda d: str(DECISION_LABELS[Decision(d)]),
        decision_variant=lambda d: DECISION_VARIANTS[Decision(d)],
        plan_field_label=lambda name: str(FIELD_LABELS.get(name, name)),
        plan_field_value=field_value,
        plan_percent=percent,
        opens_new_version=opens_new_version,
        ACTIVITY_STATUSES=list(ActivityStatus),
        # Templates compare enums, never their values as strings.
        PlanStatus=PlanStatus,
        ActivityStatus=ActivityStatus,
        Decision=Decision,
        PlanEventKind=PlanEventKind,
        ProposalKind=ProposalKind,
    )
