"""Translated labels of the plan's enumerations and the plans menu entries."""

from __future__ import annotations

from flask_babel import LazyString

from ..models import ActivityStatus, Decision, PlanStatus, Responsible
from ..translation import lazy_gettext as _l

PLAN_STATUS_LABELS: dict[PlanStatus, LazyString] = {
    PlanStatus.DRAFT: _l("Draft"),
    PlanStatus.SENT: _l("Awaiting confirmation"),
    PlanStatus.DECLINED: _l("Declined"),
    PlanStatus.AGREED: _l("Agreed"),
}
PLAN_STATUS_VARIANTS = {
    PlanStatus.DRAFT: "neutral",
    PlanStatus.SENT: "info",
    PlanStatus.DECLINED: "error",
    PlanStatus.AGREED: "success",
}

ACTIVITY_STATUS_LABELS: dict[ActivityStatus, LazyString] = {
    ActivityStatus.PLANNED: _l("Planned"),
    ActivityStatus.IN_PROGRESS: _l("In progress"),
    ActivityStatus.DONE: _l("Done"),
    ActivityStatus.CANCELLED: _l("Cancelled"),
}
ACTIVITY_STATUS_VARIANTS = {
    ActivityStatus.PLANNED: "neutral",
    ActivityStatus.IN_PROGRESS: "info",
    ActivityStatus.DONE: "success",
    ActivityStatus.CANCELLED: "neutral",
}

RESPONSIBLE_LABELS: dict[Responsible, LazyString] = {
    Responsible.MANAGER: _l("Manager"),
    Responsible.SAFETY_DELEGATE: _l("Safety delegate"),
    Responsible.UNION_REP: _l("Union representative"),
    Responsible.OCCUPATIONAL_HEALTH: _l("Occupational health service"),
    Responsible.CENTRE: _l("Contact person at the centre"),
    Responsible.LABOUR_INSPECTORATE: _l("Labour Inspection Authority"),
}

DECISION_LABELS: dict[Decision, LazyString] = {
    Decision.CONFIRMED: _l("Confirmed"),
    Decision.DECLINED: _l("Declined"),
}
DECISION_VARIANTS = {Decision.CONFIRMED: "success", Decision.DECLINED: "error"}

# Field names of the snapshot, as shown in a diff.
FIELD_LABELS: dict[str, LazyString] = {
    "period_start": _l("Start of the period"),
    "period_end": _l("End of the period"),
    "sick_leave_baseline_pct": _l("Sick leave at the start"),
    "sick_leave_target_pct": _l("Sick-leave target"),
    "goals": _l("Other goals"),
    "title": _l("Title"),
    "description": _l("Description"),
    "responsible": _l("Responsible"),
    "start_date": _l("Start"),
    "end_date": _l("End"),
    "theme": _l("Theme"),
    "training_session_id": _l("Training session"),
    "subsidy_application_id": _l("Subsidy application"),
}

# The main menu's entries (the labels live here so that this area's catalogue translates them).
MENU_OVERVIEW_LABEL = _l("Action plans")
MENU_PLAN_LABEL = _l("Action plan")
