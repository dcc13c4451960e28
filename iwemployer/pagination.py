"""One way to page through a query, shared by every list with pages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import Flask, request, url_for
from sqlalchemy import ColumnElement, CompoundSelect, Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import ExecutableOption

from .templating import template_globals

T = TypeVar("T")


def count_rows(
    session: Session, query: Select[Any] | CompoundSelect, up_to: int | None = None
) -> int:
    """How many rows ``query`` selects; with ``up_to``, counted only that far (a count shown on
    every page stops there rather than read a county's backlog to the end)."""
    query = query.order_by(None)
    if up_to is not None:
        query = query.limit(up_to)
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def page_count(total: int, size: int) -> int:
    """How many pages ``total`` items fill, ``size`` a page; one when there are none."""
    return max(1, math.ceil(total / size))


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)

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
    total = count_rows(session, query)
    size = max(1, size)
    number = min(max(1, number), page_count(total, size))
    items = session.scalars(query.limit(size).offset((number - 1) * size)).unique().all()
    return Page(items, number, size, total)


def paginate_counted(
    session: Session, query: Select[*tuple[Any, ...]], number: int, size: int
) -> Page[Any]:
    """As ``paginate``, in one statement: each row brings the total (a window count).

    Items are the query's first entity, or tuples when it selects several.
    """
    query = query.execution_options(populate_existing=True)
    counted = query.add_columns(func.count().over())
    size = max(1, size)
    number = max(1, number)
    rows = session.execute(counted.limit(size).offset((number - 1) * size)).all()
    if not rows and number > 1:
        # Past the end (an old link): the last page, as ``paginate`` shows it.
        number = page_count(count_rows(session, query), size)
        rows = session.execute(counted.limit(size).offset((number - 1) * size)).all()
    total = rows[0][-1] if rows else 0
    width = len(rows[0]) - 1 if rows else 1
    items = [row[0] if width == 1 else tuple(row[:width]) for row in rows]
    return Page(items, number, size, total)


def paginate_loaded(
    session: Session,
    entity: Any,
    chosen: Select[Any],
    order: Sequence[ColumnElement[Any]],
    options: Sequence[ExecutableOption],
    number: int,
    size: int,
) -> Page[Any]:
    """As ``paginate_counted``, for rows that bring others along (``options``: joined loads):
    the page's ids and the total are chosen from ``chosen`` (``entity``'s ids, unordered) alone,
    and only the page's rows are joined, in the same statement. Joined before the limit, every
    matching row would be joined (and read) to keep twenty."""
    size = max(1, size)
    number = max(1, number)

    def load(number: int) -> list[Any]:
        page = (
            chosen.add_columns(func.count().over().label("total"))
            .order_by(*order)
            .limit(size)
            .offset((number - 1) * size)
            .subquery()
        )
        return list(
            session.execute(
                select(entity, page.c.total)
                .join(page, page.c.id == entity.id)
                .options(*options)
                .order_by(*order)
                .execution_options(populate_existing=True)
            )
            .unique()
            .all()
        )

    rows = load(number)
    if not rows and number > 1:
        # Past the end (an old link): the last page, as ``paginate`` shows it.
        number = page_count(count_rows(session, chosen), size)
        rows = load(number)
    return Page([row[0] for row in rows], number, size, rows[0][1] if rows else 0)


@dataclass(frozen=True)
class Peek(Generic[T]):
    """A page of a list too long to count on every view: it only knows whether more follow."""

    items: Sequence[T]
    number: int
    size: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def peek(session: Session, query: Select[*tuple[Any, ...]], number: int, size: int) -> Peek[Any]:
    """Page ``number`` of ``query`` without counting it: one more row tells whether more follow,
    so an index on the order stops the scan after the page (newest notifications, the most
    overdue activities). Items are tuples when the query selects several entities or columns;
    rows that bring a collection along (a joined load) are listed once each."""
    query = query.execution_options(populate_existing=True)
    size = max(1, size)
    number = max(1, number)
    rows = session.execute(query.limit(size + 1).offset((number - 1) * size)).unique().all()
    items = [row[0] if len(row) == 1 else tuple(row) for row in rows[:size]]
    return Peek(items, number, size, len(rows) > size)


def page_url(param: str, number: int) -> str:
    """This page's address with ``param`` set to ``number`` (other arguments kept)."""
    args: dict[str, Any] = {**(request.view_args or {}), **request.args.to_dict()}
    args[param] = number
    return url_for(request.endpoint or "", **args)


def init_app(app: Flask) -> None:
    template_globals(app, page_url=page_url)
