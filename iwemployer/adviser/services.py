"""The contact person's list of enterprises: theirs first, then the rest of their centre."""

from __future__ import annotations

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..access import scoped
from ..models import Enterprise, User
from ..orgnr import normalise
from ..pagination import Page


def _search(stmt: Select[Enterprise], query: str) -> Select[Enterprise]:
    query = query.strip()
    if not query:
        return stmt
    digits = normalise(query)
    # LIKE wildcards typed by the user are matched literally.
    escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    conditions = [func.lower(Enterprise.name).like(f"%{escaped}%", escape="\\")]
    if digits.isdigit():
        conditions.append(Enterprise.org_number.like(f"{digits}%"))
    return stmt.where(or_(*conditions))


def adviser_enterprises(
    session: Session, adviser: User, query: str, page: int, page_size: int
) -> Page[Enterprise]:
    stmt = _search(scoped(Enterprise, adviser), query)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    mine_first = case((Enterprise.contact_person_id == adviser.id, 0), else_=1)
    items = list(
        session.scalars(
            stmt.options(
                selectinload(Enterprise.agreements), selectinload(Enterprise.contact_person)
            )
            .order_by(mine_first, Enterprise.name, Enterprise.id)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    )
    return Page(items, page, pages, total)
