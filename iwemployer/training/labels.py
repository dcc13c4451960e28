"""Translated labels for the training area's enumerations, for forms, templates and the CSV."""

from __future__ import annotations

from ..config import LANGUAGE_NAMES
from ..models import BookingStatus, CourseTopic, ParticipantRole
from ..translation import lazy_gettext as _l

MENU_LABEL = _l("Training")
CENTRE_MENU_LABEL = _l("Courses")

TOPIC_LABELS = {
    CourseTopic.SICK_LEAVE: _l("Sick-leave follow-up"),
    CourseTopic.WORKING_ENVIRONMENT: _l("Working environment"),
    CourseTopic.COOPERATION: _l("Cooperation between the parties"),
    CourseTopic.INCLUSION: _l("Inclusion and recruitment"),
    CourseTopic.OTHER: _l("Other"),
}

ROLE_LABELS = {
    ParticipantRole.MANAGER: _l("Manager"),
    ParticipantRole.SAFETY_DELEGATE: _l("Safety delegate"),
    ParticipantRole.UNION_REP: _l("Union representative"),
    ParticipantRole.OCCUPATIONAL_HEALTH: _l("Occupational health service"),
    ParticipantRole.EMPLOYEE: _l("Other employee"),
}

BOOKING_STATUS_LABELS = {
    BookingStatus.CONFIRMED: _l("Seat confirmed"),
    BookingStatus.WAITING: _l("On the waiting list"),
    BookingStatus.CANCELLED: _l("Cancelled"),
}

BOOKING_STATUS_VARIANTS = {
    BookingStatus.CONFIRMED: "success",
    BookingStatus.WAITING: "warning",
    BookingStatus.CANCELLED: "neutral",
}


def topic_label(topic: CourseTopic | str) -> str:
    return str(TOPIC_LABELS[CourseTopic(topic)])


def role_label(role: ParticipantRole | str) -> str:
    return str(ROLE_LABELS[ParticipantRole(role)])


def booking_status_label(status: BookingStatus) -> str:
    return str(BOOKING_STATUS_LABELS[status])


def booking_status_variant(status: BookingStatus) -> str:
    return BOOKING_STATUS_VARIANTS[status]


def language_label(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def csv_labels() -> dict[str, str]:
    """Column heads and values of the participant list, in the user's language."""
    return {
        "name": str(_l("Name")),
        "email": str(_l("E-mail")),
        "enterprise": str(_l("Enterprise")),
        "role": str(_l("Role")),
        "status": str(_l("Status")),
        **{r.value: role_label(r) for r in ParticipantRole},
        **{s.value: booking_status_label(s) for s in BookingStatus},
    }
