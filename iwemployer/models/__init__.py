"""All models, imported here so Alembic and the app see one metadata."""

from .base import Base, utcnow
from .core import (
    AGREEMENT_WARNING_DAYS,
    AgreementStatus,
    AuditEntry,
    Centre,
    CooperationAgreement,
    Enterprise,
    Invitation,
    MemberRole,
    Membership,
    Notification,
    User,
    UserKind,
    UserSession,
)

__all__ = [
    "AGREEMENT_WARNING_DAYS",
    "AgreementStatus",
    "AuditEntry",
    "Base",
    "Centre",
    "CooperationAgreement",
    "Enterprise",
    "Invitation",
    "MemberRole",
    "Membership",
    "Notification",
    "User",
    "UserKind",
    "UserSession",
    "utcnow",
]
