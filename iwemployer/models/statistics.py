"""Sick-leave figures per quarter: an enterprise's, its industry's and the country's.

Figures are counts of working days (dagsverk) and of employees for a whole quarter, as NAV
publishes them: never anything about an individual. ``StatisticsImport`` records each file
import (who, when, which file, how many rows); ``ImportedQuarter`` keeps, per quarter the import
wrote, the values it replaced (none when it created the quarter), so the import can be undone
as a whole: created quarters are deleted, updated ones get their previous values back.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, child_of, owned_by, utcnow
from .core import Enterprise, User, _enum

# Working days with one decimal (NAV publishes dagsverk with decimals).
DAYS = Numeric(12, 1)


class ReferenceLevel(enum.StrEnum):
    """What a reference figure describes: one industry (a NACE division) or the whole country."""

    INDUSTRY = "industry"
    COUNTRY = "country"


class ImportKind(enum.StrEnum):
    ENTERPRISE = "enterprise"
    REFERENCE = "reference"


class _Figures:
    """The numbers every quarter has, whoever it describes."""

    year: Mapped[int]
    quarter: Mapped[int]
    lost_days: Mapped[Decimal] = mapped_column(DAYS)
    possible_days: Mapped[Decimal] = mapped_column(DAYS)
    graded_days: Mapped[Decimal] = mapped_column(DAYS)
    short_term_days: Mapped[Decimal] = mapped_column(DAYS)
    employees: Mapped[int]


def _figure_checks() -> tuple[CheckConstraint, ...]:
    return (
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_valid"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_valid"),
        CheckConstraint("possible_days > 0", name="possible_positive"),
        CheckConstraint("lost_days >= 0 AND lost_days <= possible_days", name="lost_in_range"),
        CheckConstraint("graded_days >= 0 AND graded_days <= lost_days", name="graded_in_range"),
        CheckConstraint(
            "short_term_days >= 0 AND short_term_days <= lost_days", name="short_in_range"
        ),
        CheckConstraint("employees >= 0", name="employees_not_negative"),
    )


class StatisticsImport(Base):
    """One imported file: who imported it, when, which file and how many rows."""

    __tablename__ = "statistics_import"
    # The importer's own record (administrators see every import): who may undo it.
    __owner__ = owned_by("user", "imported_by_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ImportKind] = mapped_column(_enum(ImportKind, "statistics_import_kind"))
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(255))
    rows: Mapped[int]
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]

    imported_by: Mapped[User | None] = relationship()
    quarters: Mapped[list[ImportedQuarter]] = relationship(
        back_populates="statistics_import", cascade="all, delete-orphan", passive_deletes=True
    )


class EnterpriseQuarter(_Figures, Base):
    """An enterprise's sick-leave figures for one quarter; a re-import updates the row."""

    __tablename__ = "enterprise_quarter"
    __owner__ = owned_by("enterprise", "enterprise_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"))
    # The import that last wrote it; None when entered by hand (an undo leaves it alone).
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("statistics_import.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    enterprise: Mapped[Enterprise] = relationship()

    __table_args__ = (
        UniqueConstraint("enterprise_id", "year", "quarter"),
        *_figure_checks(),
    )


class ReferenceQuarter(_Figures, Base):
    """An industry's (NACE division, two digits) or the country's figures for one quarter."""

    __tablename__ = "reference_quarter"
    # Published statistics: every signed-in user may read them.
    __owner__ = owned_by("public")

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[ReferenceLevel] = mapped_column(_enum(ReferenceLevel, "reference_level"))
    # The NACE division ("87") for an industry; empty for the country.
    code: Mapped[str] = mapped_column(String(10), default="")
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("statistics_import.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("level", "code", "year", "quarter"),
        CheckConstraint("level = 'industry' OR code = ''", name="country_has_no_code"),
        *_figure_checks(),
    )


class ImportedQuarter(Base):
    """A quarter an import wrote, with the values it replaced (None: the import created it)."""

    __tablename__ = "imported_quarter"
    __owner__ = child_of("StatisticsImport", "import_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        ForeignKey("statistics_import.id", ondelete="CASCADE"), index=True
    )
    # One of the two is set, by the import's kind.
    enterprise_quarter_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise_quarter.id", ondelete="CASCADE")
    )
    reference_quarter_id: Mapped[int | None] = mapped_column(
        ForeignKey("reference_quarter.id", ondelete="CASCADE")
    )
    previous_lost_days: Mapped[Decimal | None] = mapped_column(DAYS)
    previous_possible_days: Mapped[Decimal | None] = mapped_column(DAYS)
    previous_graded_days: Mapped[Decimal | None] = mapped_column(DAYS)
    previous_short_term_days: Mapped[Decimal | None] = mapped_column(DAYS)
    previous_employees: Mapped[int | None]
    # The import (or None: entered by hand) that had written the replaced values.
    previous_import_id: Mapped[int | None]

    statistics_import: Mapped[StatisticsImport] = relationship(back_populates="quarters")

    __table_args__ = (
        CheckConstraint(
            "(enterprise_quarter_id IS NULL) != (reference_quarter_id IS NULL)",
            name="one_target",
        ),
    )
