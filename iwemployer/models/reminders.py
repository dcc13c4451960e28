"""Reminders sent of something coming due: an agreement's end, a subsidy's final report, an
inspection order's deadline.

One row per subject and threshold (days before the date). The unique key is what makes
``send-reminders`` idempotent: a run claims a reminder by inserting its row (``ON CONFLICT DO
NOTHING``) and notifies only when the insert happened, so two runs at once send it once.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, owned_by, utcnow
from .core import _enum


class ReminderSubject(enum.StrEnum):
    AGREEMENT_END = "agreement_end"  # a cooperation agreement's end date
    SUBSIDY_REPORT = "subsidy_report"  # a granted subsidy's final report deadline
    INSPECTION_ORDER = "inspection_order"  # an open inspection order's deadline


class SentReminder(Base):
    __tablename__ = "sent_reminder"
    __owner__ = owned_by("enterprise", "enterprise_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    # The subject's enterprise: deleting the enterprise deletes its reminders.
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[ReminderSubject] = mapped_column(_enum(ReminderSubject, "reminder_subject"))
    # The agreement's, application's or order's id (one column for three tables, so no key).
    subject_id: Mapped[int]
    days_before: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("subject", "subject_id", "days_before"),)
