"""On PostgreSQL the database itself refuses overlapping periods, whoever writes them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from iwemployer.models import ActionPlan, CooperationAgreement
from tests.conftest import BACKEND, World

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="exclusion constraints are PostgreSQL's"
)


def test_an_overlapping_plan_is_refused_by_the_database(world: World) -> None:
    session = world.session
    existing = session.query(ActionPlan).filter_by(enterprise_id=world.nordlys.id).first()
    assert existing is not None
    session.add(
        ActionPlan(
            enterprise_id=world.nordlys.id,
            period_start=existing.period_end,
            period_end=date(existing.period_end.year + 1, 1, 1),
        )
    )
    with pytest.raises(IntegrityError, match="ex_action_plan_overlap"):
        session.commit()
    session.rollback()


def test_an_overlapping_agreement_is_refused_but_a_terminated_one_frees_its_days(
    world: World,
) -> None:
    session = world.session
    current = (
        session.query(CooperationAgreement)
        .filter_by(enterprise_id=world.nordlys.id, terminated_on=None)
        .order_by(CooperationAgreement.start_date.desc())
        .first()
    )
    assert current is not None
    session.add(
        CooperationAgreement(
            enterprise_id=world.nordlys.id,
            start_date=current.end_date,
            end_date=date(current.end_date.year + 4, 1, 1),
        )
    )
    with pytest.raises(IntegrityError, match="ex_cooperation_agreement_overlap"):
        session.commit()
    session.rollback()
    # Terminated from its last day on: that day is free for a new period.
    current.terminated_on = current.end_date
    session.add(
        CooperationAgreement(
            enterprise_id=world.nordlys.id,
            start_date=current.end_date,
            end_date=date(current.end_date.year + 4, 1, 1),
        )
    )
    session.commit()
