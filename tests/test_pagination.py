"""Paging that chooses and counts the page before joining what its rows show
(``paginate_counted_then_load``): the same pages as ``paginate_counted``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from iwemployer.models import EmployerRequest, Enterprise
from iwemployer.pagination import paginate_counted, paginate_counted_then_load
from tests.conftest import World


def test_pages_match_paging_with_the_joins_inside(world: World) -> None:
    query = (
        select(EmployerRequest)
        .join(Enterprise)
        .where(Enterprise.centre_id == world.nordlys.centre_id)
    )
    order = (EmployerRequest.waiting_since, EmployerRequest.created_at, EmployerRequest.id)
    options = (joinedload(EmployerRequest.enterprise), joinedload(EmployerRequest.created_by))
    everything = paginate_counted(world.session, query.order_by(*order), 1, 1000)
    assert everything.total >= 3
    seen = []
    for number in range(1, everything.total // 2 + 2):
        page = paginate_counted_then_load(world.session, query, order, options, number, 2)
        assert page.total == everything.total and page.number == number
        seen += page.items
        assert all(r.enterprise.centre_id == world.nordlys.centre_id for r in page.items)
    assert [r.id for r in seen] == [r.id for r in everything.items]
    # An old link past the end shows the last page.
    last = paginate_counted_then_load(world.session, query, order, options, 999, 2)
    assert last.number == -(-everything.total // 2)
    assert [r.id for r in last.items] == [r.id for r in everything.items][(last.number - 1) * 2 :]
    nothing = query.where(EmployerRequest.id < 0)
    empty = paginate_counted_then_load(world.session, nothing, order, options, 3, 2)
    assert (empty.items, empty.total, empty.number) == ([], 0, 1)
