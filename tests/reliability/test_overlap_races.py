"""Point 2 of the reliability issue: overlapping agreement periods and action plans of one
enterprise, added at the same instant, give one period or plan (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iwemployer.admin import services as admin_services
from iwemployer.models import ActionPlan, CooperationAgreement, Enterprise, MemberRole, User
from iwemployer.plans import services as plan_services
from tests.conftest import build_centre, build_enterprise, build_membership, build_user

from .race import race, refusals

CLIENTS = 6


def _enterprise_and_manager(session: Session) -> tuple[int, int]:
    centre = build_centre(session)
    enterprise = build_enterprise(session, centre)
    manager = build_user(session)
    build_membership(session, manager, enterprise, MemberRole.MANAGER)
    session.commit()
    return enterprise.id, manager.id


def _count(session: Session, model: Any, enterprise_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(model).where(model.enterprise_id == enterprise_id)
        )
        or 0
    )


def test_overlapping_agreement_periods_at_once_give_one(app: Flask, session: Session) -> None:
    enterprise_id, _ = _enterprise_and_manager(session)

    def adding(offset: int) -> Callable[[Session], Callable[[], Any]]:
        def prepare(s: Session) -> Callable[[], Any]:
            enterprise = s.get_one(Enterprise, enterprise_id)
            start = date(2027, 1, 1 + offset)
            return lambda: admin_services.add_agreement(s, enterprise, start, None)

        return prepare

    results = race(app, [adding(i) for i in range(CLIENTS)])
    assert len(refusals(results)) == CLIENTS - 1
    assert _count(session, CooperationAgreement, enterprise_id) == 1


def test_overlapping_plans_at_once_give_one(app: Flask, session: Session) -> None:
    enterprise_id, manager_id = _enterprise_and_manager(session)

    def creating(offset: int) -> Callable[[Session], Callable[[], Any]]:
        def prepare(s: Session) -> Callable[[], Any]:
            enterprise = s.get_one(Enterprise, enterprise_id)
            manager = s.get_one(User, manager_id)
            start = date(2027, 1, 1 + offset)
            return lambda: plan_services.create_plan(
                s, enterprise, manager, start, date(2027, 12, 31)
            )

        return prepare

    results = race(app, [creating(i) for i in range(CLIENTS)])
    assert len(refusals(results)) == CLIENTS - 1
    assert _count(session, ActionPlan, enterprise_id) == 1
