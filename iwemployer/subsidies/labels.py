"""Translated labels for the subsidies' enumerations, and amounts in kroner."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

from ..i18n import current_language
from ..models import ApplicationEventKind, ApplicationStatus, SubsidyDecision, SubsidyKind
from ..translation import lazy_gettext as _l

# Whole kroner: "12 500 kr" in Norwegian, "NOK 12,500" in English (Babel's grouping).
AMOUNT_PATTERNS = {"en": "¤¤\u00a0#,##0"}
NORWEGIAN_PATTERN = "#,##0\u00a0¤"


def kroner(amount: int | None, language: str | None = None) -> str:
    pattern, locale = _amount_format(language or current_language())
    return pattern.apply(amount or 0, locale, currency="NOK", currency_digits=False)


@lru_cache(maxsize=8)
def _amount_format(language: str) -> tuple[NumberPattern, Locale]:
    # Babel's format_currency parses the pattern and the locale on every call (31 µs; 11 µs
    # with both kept): a report page shows a column of amounts.
    return parse_pattern(AMOUNT_PATTERNS.get(language, NORWEGIAN_PATTERN)), Locale.parse(language)


KIND_LABELS = {
    SubsidyKind.PREVENTION: _l("Prevention subsidy"),
    SubsidyKind.FACILITATION: _l("Facilitation subsidy"),
}
STATUS_LABELS = {
    ApplicationStatus.DRAFT: _l("Draft"),
    ApplicationStatus.SUBMITTED: _l("Submitted"),
    ApplicationStatus.UNDER_REVIEW: _l("Under review"),
    ApplicationStatus.RETURNED: _l("More information needed"),
    ApplicationStatus.GRANTED: _l("Granted"),
    ApplicationStatus.REJECTED: _l("Rejected"),
    ApplicationStatus.REPORTED: _l("Final report sent"),
    ApplicationStatus.CLOSED: _l("Closed"),
}
STATUS_VARIANTS = {
    ApplicationStatus.DRAFT: "neutral",
    ApplicationStatus.SUBMITTED: "info",
    ApplicationStatus.UNDER_REVIEW: "warning",
    ApplicationStatus.RETURNED: "warning",
    ApplicationStatus.GRANTED: "success",
    ApplicationStatus.REJECTED: "error",
    ApplicationStatus.REPORTED: "info",
    ApplicationStatus.CLOSED: "neutral",
}
DECISION_LABELS = {
    SubsidyDecision.APPROVED: _l("Approved"),
    SubsidyDecision.PARTLY_APPROVED: _l("Partly approved"),
    SubsidyDecision.REJECTED: _l("Rejected"),
}
EVENT_LABELS = {
    ApplicationEventKind.CREATED: _l("Draft started"),
    ApplicationEventKind.SUBMITTED: _l("Submitted"),
    ApplicationEventKind.TAKEN: _l("Taken under review"),
    ApplicationEventKind.RETURNED: _l("Sent back for more information"),
    ApplicationEventKind.DECIDED: _l("Decided"),
    ApplicationEventKind.REPORTED: _l("Final report sent"),
    ApplicationEventKind.REPORT_RETURNED: _l("More asked in the final report"),
    ApplicationEventKind.CLOSED: _l("Final report accepted; closed"),
}


def kind_label(kind: SubsidyKind) -> str:
    return str(KIND_LABELS[kind])


def status_label(status: ApplicationStatus) -> str:
    return str(STATUS_LABELS[status])


def status_variant(status: ApplicationStatus) -> str:
    return STATUS_VARIANTS[status]


def decision_label(decision: SubsidyDecision) -> str:
    return str(DECISION_LABELS[decision])


def event_label(kind: ApplicationEventKind) -> str:
    return str(EVENT_LABELS[kind])
