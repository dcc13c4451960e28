"""Fixtures of the action-plan tests: a fresh enterprise with the three parties, its contact
person and an occupational health adviser, inside a request context (services translate their
messages and look up the signed-in user's language)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from iwemployer.extensions import db
from iwemployer.models import ActionPlan, Decision, Enterprise, MemberRole, User, UserKind
from iwemployer.plans import services
from tests.conftest import build_centre, build_enterprise, build_membership, build_user


@dataclass
class Parties:
    session: Session
    enterprise: Enterprise
    manager: User
    safety: User
    union: User
    health: User
    adviser: User

    @property
    def roles(self) -> dict[MemberRole, User]:
        return {
            MemberRole.MANAGER: self.manager,
            MemberRole.SAFETY_DELEGATE: self.safety,
            MemberRole.UNION_REP: self.union,
        }

    def new_plan(self, start: date | None = None) -> ActionPlan:
        start = start or date.today().replace(day=1)
        plan = services.create_plan(
            self.session, self.enterprise, self.adviser, start, start + timedelta(days=364)
        )
        self.session.commit()
        return plan

    def send(self, plan: ActionPlan) -> None:
        services.send_for_confirmation(self.session, plan, self.manager, plan.row_version)
        self.session.commit()

    def agree(self, plan: ActionPlan) -> None:
        for role, user in self.roles.items():
            services.decide(self.session, plan, user, role, plan.version, Decision.CONFIRMED)
        self.session.commit()


@pytest.fixture
def parties(app: Flask) -> Iterator[Parties]:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        session = db.session()
        centre = build_centre(session)
        adviser = build_user(session, UserKind.ADVISER, centre=centre, name="Rådgiver Rask")
        enterprise = build_enterprise(session, centre, name="Planbedrift AS", contact=adviser)
        people = {}
        for role, name in (
            (MemberRole.MANAGER, "Leder Lie"),
            (MemberRole.SAFETY_DELEGATE, "Verneombud Vik"),
            (MemberRole.UNION_REP, "Tillitsvalgt Tveit"),
            (MemberRole.OCCUPATIONAL_HEALTH, "Helse Haug"),
        ):
            user = build_user(session, name=name)
            build_membership(session, user, enterprise, role)
            people[role] = user
        session.commit()
        yield Parties(
            session,
            enterprise,
            people[MemberRole.MANAGER],
            people[MemberRole.SAFETY_DELEGATE],
            people[MemberRole.UNION_REP],
            people[MemberRole.OCCUPATIONAL_HEALTH],
            adviser,
        )
