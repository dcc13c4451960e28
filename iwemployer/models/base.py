from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar, Literal

from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

# Named constraints let Alembic alter and drop them on every backend (SQLite batch mode included).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware UTC datetimes; SQLite would otherwise hand back naive ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


OwnerKind = Literal["enterprise", "centre", "user", "administration", "public"]


@dataclass(frozen=True)
class Owner:
    """Who owns a record, declared once on its model; ``access.py`` follows it for every lookup.

    A record names its owner in ``column`` (an enterprise, a centre or a user), or belongs to
    a ``parent`` record (by the model's class name) through ``column`` and is owned as it is.
    ``administration`` records (the audit log) are for administrators only; ``public`` records
    (reference data: subsidy schemes, industry and national sick-leave figures) are read by every
    signed-in user.
    """

    kind: OwnerKind | Literal["parent"]
    column: str = ""
    parent: str = ""


def owned_by(kind: OwnerKind, column: str = "") -> Owner:
    return Owner(kind, column)


def child_of(parent: str, column: str) -> Owner:
    return Owner("parent", column, parent)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}
    # Every model declares it (``tests/test_ownership.py`` walks them all).
    __owner__: ClassVar[Owner]
