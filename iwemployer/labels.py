"""Translated labels for the domain's enumerations, shared by forms and templates."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_datetime

from . import orgnr
from .config import LANGUAGE_NAMES
from .models import AgreementStatus, MemberRole, UserKind, WrittenStandard
from .templating import template_globals
from .translation import format_date, format_decimal
from .translation import lazy_gettext as _l

MEMBER_ROLE_LABELS = {
    MemberRole.MANAGER: _l("Manager"),
    MemberRole.SAFETY_DELEGATE: _l("Safety delegate"),
    MemberRole.UNION_REP: _l("Union representative"),
    MemberRole.OCCUPATIONAL_HEALTH: _l("Occupational health service"),
}

USER_KIND_LABELS = {
    UserKind.EMPLOYER: _l("Employer side"),
    UserKind.ADVISER: _l("Contact person (adviser)"),
    UserKind.ADMIN: _l("Centre administrator"),
}

# Named in themselves, as in the language switch: the names are the same in all three languages.
WRITTEN_STANDARD_LABELS = {s: LANGUAGE_NAMES[s.value] for s in WrittenStandard}

AGREEMENT_STATUS_LABELS = {
    AgreementStatus.UPCOMING: _l("Not started"),
    AgreementStatus.ACTIVE: _l("In force"),
    AgreementStatus.ENDED: _l("Ended"),
    AgreementStatus.TERMINATED: _l("Terminated"),
}

AGREEMENT_STATUS_VARIANTS = {
    AgreementStatus.UPCOMING: "info",
    AgreementStatus.ACTIVE: "success",
    AgreementStatus.ENDED: "neutral",
    AgreementStatus.TERMINATED: "warning",
}


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        format_date=format_date,
        format_datetime=format_datetime,
        format_decimal=format_decimal,
        orgnr=orgnr.display,
    )
    template_globals(
        app,
        member_role_label=lambda role: str(MEMBER_ROLE_LABELS[MemberRole(role)]),
        user_kind_label=lambda kind: str(USER_KIND_LABELS[UserKind(kind)]),
        agreement_status_label=lambda s: str(AGREEMENT_STATUS_LABELS[s]),
        written_standard_label=lambda s: WRITTEN_STANDARD_LABELS[WrittenStandard(s)],
        agreement_status_variant=lambda s: AGREEMENT_STATUS_VARIANTS[s],
        # Templates compare with the enums, never with their values as strings.
        AgreementStatus=AgreementStatus,
        MemberRole=MemberRole,
        UserKind=UserKind,
    )
