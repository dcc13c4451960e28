"""One way to page through a query, shared by every list with pages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(session: Session, query: Select[Any], number: int, size: int) -> Page[Any]:
    """Page ``number`` of ``query``; a page past the end (an old link) shows the last page."""
    # Fresh rows and collections even when this session loaded them before (CLI, tests).
    query = query.execution_options(populate_existing=True)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    size = max(1, size)
    number = min(max(1, number), max(1, math.ceil(total / size)))
    items = session.scalars(query.limit(size).offset((number - 1) * size)).unique().all()
    return Page(items, number, size, total)
