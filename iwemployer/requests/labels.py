"""Translated labels for the requests' enumerations, for forms and templates."""

from __future__ import annotations

from ..models import (
    CaseHelpKind,
    EmployerRequest,
    QuestionKind,
    RequestKind,
    RequestStatus,
    Urgency,
)
from ..translation import lazy_gettext as _l

REQUEST_KIND_LABELS = {
    RequestKind.RECRUITMENT: _l("Recruitment help"),
    RequestKind.CASE_HELP: _l("Help with an individual or complex case"),
    RequestKind.QUESTION: _l("Question or meeting"),
}

REQUEST_STATUS_LABELS = {
    RequestStatus.SUBMITTED: _l("Submitted"),
    RequestStatus.IN_PROGRESS: _l("In progress"),
    RequestStatus.ANSWERED: _l("Answered"),
    RequestStatus.CLOSED: _l("Closed"),
    RequestStatus.WITHDRAWN: _l("Withdrawn"),
}

REQUEST_STATUS_VARIANTS = {
    RequestStatus.SUBMITTED: "info",
    RequestStatus.IN_PROGRESS: "warning",
    RequestStatus.ANSWERED: "success",
    RequestStatus.CLOSED: "neutral",
    RequestStatus.WITHDRAWN: "neutral",
}

CASE_HELP_KIND_LABELS = {
    CaseHelpKind.SICK_LEAVE: _l("Long or repeated sick leave"),
    CaseHelpKind.ADAPTATION: _l("Adaptation at work"),
    CaseHelpKind.FOLLOW_UP_MEETING: _l("A follow-up meeting"),
    CaseHelpKind.RETURN_TO_WORK: _l("Return to work after an absence"),
    CaseHelpKind.OTHER: _l("Something else"),
}

URGENCY_LABELS = {
    Urgency.NORMAL: _l("Within a few weeks"),
    Urgency.SOON: _l("Within a week"),
    Urgency.URGENT: _l("Urgent: as soon as possible"),
}

URGENCY_VARIANTS = {
    Urgency.NORMAL: "neutral",
    Urgency.SOON: "warning",
    Urgency.URGENT: "error",
}

# The inbox's orders (``services.SORTS``).
SORT_LABELS = {
    "mine": _l("Mine first, then longest waiting"),
    "urgency": _l("Most urgent first"),
    "waiting": _l("Longest waiting first"),
}

# What was sent (a meeting request is an old row: meetings have their own flow now).
QUESTION_KIND_NAMES = {
    QuestionKind.QUESTION: _l("Question"),
    QuestionKind.MEETING: _l("Meeting request"),
}

SCORE_LABELS = {
    1: _l("1 – Not helpful"),
    2: _l("2 – Of little help"),
    3: _l("3 – Somewhat helpful"),
    4: _l("4 – Helpful"),
    5: _l("5 – Very helpful"),
}


# --- for templates (registered by the blueprint) --------------------------------------------------


def request_kind_label(kind: RequestKind | str) -> str:
    return str(REQUEST_KIND_LABELS[RequestKind(kind)])


def request_status_label(status: RequestStatus | str) -> str:
    return str(REQUEST_STATUS_LABELS[RequestStatus(status)])


def request_status_variant(status: RequestStatus | str) -> str:
    return REQUEST_STATUS_VARIANTS[RequestStatus(status)]


def urgency_label(urgency: Urgency | str) -> str:
    return str(URGENCY_LABELS[Urgency(urgency)])


def urgency_variant(urgency: Urgency | str) -> str:
    return URGENCY_VARIANTS[Urgency(urgency)]


def question_kind_label(kind: QuestionKind | str) -> str:
    return str(QUESTION_KIND_NAMES[QuestionKind(kind)])


def request_title(record: EmployerRequest) -> str:
    """A short title in the reader's language; never the free-text description."""
    if record.kind == RequestKind.CASE_HELP and record.case_help_kind is not None:
        return str(CASE_HELP_KIND_LABELS[CaseHelpKind(record.case_help_kind)])
    if record.kind == RequestKind.RECRUITMENT and record.recruitment is not None:
        return record.recruitment.job_title
    return record.subject
