"""The centre report's figures, kept per enterprise so that a page of the report reads one page.

``ReportFigures`` holds one enterprise's row of the report (and the sort keys of its columns),
with the day it expires (overdue activities and the agreement in force depend on the day);
``ReportAnswerDays`` the histogram behind its median answer time. ``ReportStale`` lists enterprises
whose figures a write has made stale: database triggers (migration 0026) add to it on every
insert, update or delete of a row the figures are made from, so no write path (the services,
bulk statements, retention, the scale seed) can forget it; the report brings the stale ones up
to date before it reads (``iwemployer.statistics.report.refresh``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Numeric
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, owned_by
from .core import _enum
from .plans import PlanStatus
from .statistics import DAYS


class ReportFigures(Base):
    """One enterprise's row of the centre report, as of its last refresh."""

    __tablename__ = "report_figures"
    __owner__ = owned_by("enterprise", "enterprise_id")

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), primary_key=True
    )
    # The latest quarter's figures (masked or not) and the shown quarter the change since the
    # agreement started runs from; None without quarters, or without a change.
    latest_year: Mapped[int | None]
    latest_quarter: Mapped[int | None]
    latest_lost: Mapped[Decimal | None] = mapped_column(DAYS)
    latest_possible: Mapped[Decimal | None] = mapped_column(DAYS)
    latest_graded: Mapped[Decimal | None] = mapped_column(DAYS)
    latest_short: Mapped[Decimal | None] = mapped_column(DAYS)
    latest_employees: Mapped[int | None]
    start_lost: Mapped[Decimal | None] = mapped_column(DAYS)
    start_possible: Mapped[Decimal | None] = mapped_column(DAYS)
    change_points: Mapped[Decimal | None] = mapped_column(Numeric)
    # The first day the figures change without a write: an agreement signed ahead starts (the
    # change then runs from it) or an open activity becomes overdue.
    expires_on: Mapped[date | None] = mapped_column(index=True)
    # The newest plan: its status and activities (overdue: as of the refresh, until expires_on).
    plan_status: Mapped[PlanStatus | None] = mapped_column(_enum(PlanStatus, "plan_status"))
    plan_done: Mapped[int] = mapped_column(default=0)
    plan_overdue: Mapped[int] = mapped_column(default=0)
    plan_total: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    # Ratings by score.
    score_1: Mapped[int] = mapped_column(default=0)
    score_2: Mapped[int] = mapped_column(default=0)
    score_3: Mapped[int] = mapped_column(default=0)
    score_4: Mapped[int] = mapped_column(default=0)
    score_5: Mapped[int] = mapped_column(default=0)
    attended: Mapped[int] = mapped_column(default=0)
    granted: Mapped[int] = mapped_column(BigInteger, default=0)
    # Sort keys of the columns computed in Python (None: no value, or masked).
    rate_key: Mapped[float | None] = mapped_column(Float)
    graded_key: Mapped[float | None] = mapped_column(Float)
    answer_days_key: Mapped[float | None] = mapped_column(Float)
    rating_key: Mapped[float | None] = mapped_column(Float)


class ReportAnswerDays(Base):
    """How many of an enterprise's requests were first answered after so many working days."""

    __tablename__ = "report_answer_days"
    __owner__ = owned_by("enterprise", "enterprise_id")

    # Part of the enterprise's figures: replaced with them.
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("report_figures.enterprise_id", ondelete="CASCADE"), primary_key=True
    )
    days: Mapped[int] = mapped_column(primary_key=True)
    requests: Mapped[int]


class ReportStale(Base):
    """An enterprise whose figures a write has made stale (written by triggers only)."""

    __tablename__ = "report_stale"
    __owner__ = owned_by("enterprise", "enterprise_id")

    # Appended to, never updated: concurrent writers never wait for each other here.
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"))

    __table_args__ = (Index("ix_report_stale_enterprise", "enterprise_id"),)
