"""The contact person's list of enterprises: theirs first, then the rest of their centre."""

from __future__ import annotations

from sqlalchemy import Select, case, func, or_
from sqlalchemy.orm import Session, selectinload

from ..access import acting_enterprise_ids, scoped
from ..models import Enterprise, User
from ..orgnr import normalise
from ..pagination import Page, paginate


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
    """Page ``page`` of the centre's enterprises; a page past the end shows the last page."""
    mine_first = case((Enterprise.id.in_(acting_enterprise_ids(adviser)), 0), else_=1)
    stmt = (
        _search(scoped(Enterprise, adviser), query)
        .options(selectinload(Enterprise.agreements), selectinload(Enterprise.contact_person))
        .order_by(mine_first, Enterprise.name, Enterprise.id)
    )
    return paginate(session, stmt, page, page_size)
