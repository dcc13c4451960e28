"""Translated labels of the cooperation area's enumerations."""

from __future__ import annotations

from flask_babel import LazyString

from ..models import MeetingMode, MeetingStatus, MeetingStep
from ..plans.labels import RESPONSIBLE_LABELS
from ..translation import lazy_gettext as _l

__all__ = ["MEETING_STATUS_LABELS", "MODE_LABELS", "RESPONSIBLE_LABELS", "STEP_LABELS"]

MODE_LABELS: dict[MeetingMode, LazyString] = {
    MeetingMode.AT_CENTRE: _l("At the centre"),
    MeetingMode.AT_ENTERPRISE: _l("At the enterprise"),
    MeetingMode.ONLINE: _l("Online"),
}

MEETING_STATUS_LABELS: dict[MeetingStatus, LazyString] = {
    MeetingStatus.REQUESTED: _l("Asked for"),
    MeetingStatus.PROPOSED: _l("New times proposed"),
    MeetingStatus.CONFIRMED: _l("Agreed"),
    MeetingStatus.CANCELLED: _l("Cancelled"),
}
MEETING_STATUS_VARIANTS = {
    MeetingStatus.REQUESTED: "warning",
    MeetingStatus.PROPOSED: "info",
    MeetingStatus.CONFIRMED: "success",
    MeetingStatus.CANCELLED: "neutral",
}

STEP_LABELS: dict[MeetingStep, LazyString] = {
    MeetingStep.REQUESTED: _l("asked for the meeting"),
    MeetingStep.PROPOSED: _l("proposed other times"),
    MeetingStep.CONFIRMED: _l("accepted a time"),
    MeetingStep.MOVED: _l("moved the meeting"),
    MeetingStep.CANCELLED: _l("cancelled the meeting"),
    MeetingStep.MINUTES: _l("wrote the minutes"),
    MeetingStep.COMMENT: _l("commented"),
}
