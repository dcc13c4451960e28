"""Every model declares its owner once, and the access layer can follow each declaration."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from iwemployer.access import enterprise_visible, owner_path, scoped, visible_enterprise_ids
from iwemployer.extensions import db
from iwemployer.models import (
    ActionPlan,
    Base,
    Enterprise,
    PlanActivity,
    PlanTheme,
    User,
    UserKind,
)
from tests.conftest import World

MODELS = sorted((m.class_ for m in Base.registry.mappers), key=lambda c: c.__name__)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_model_declares_its_owner(model: type) -> None:
    assert "__owner__" in model.__dict__, f"{model.__name__} declares no __owner__"
    path = owner_path(model)
    assert path.owner.kind in ("enterprise", "centre", "user", "administration", "public")
    assert path.models[0] is model
    if path.owner.kind not in ("administration", "public"):
        assert path.column is not None


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("kind", list(UserKind))
def test_scoped_query_runs_for_every_model_and_kind(
    app: Flask, model: type, kind: UserKind
) -> None:
    """The scoped query of each model is valid SQL on this database, for every kind of user."""
    user = User(id=1, email="x@example.com", name="X", kind=kind, centre_id=1)
    with db.new_session(app) as s:
        s.execute(scoped(model, user).limit(1)).all()
        s.execute(select(model).limit(0)).all()


def test_nested_records_follow_their_parents_to_the_enterprise() -> None:
    path = owner_path(PlanActivity)
    assert path.models == (PlanActivity, PlanTheme, ActionPlan)
    assert path.owner.kind == "enterprise"
    assert path.column is ActionPlan.enterprise_id


DEMO_USERS = [
    "leder@nordlys.example",
    "bht@helsepartner.example",
    "radgiver.oslo@nav.example",
    "radgiver.vestland@nav.example",
    "admin@nav.example",
]


@pytest.mark.parametrize("email", DEMO_USERS)
def test_enterprise_visible_is_the_scope_of_visible_enterprise_ids(
    world: World, email: str
) -> None:
    """The plain condition finds the same enterprises, and the same enterprises' plans, as the
    subquery it stands for."""
    user = world.user(email)
    for column, table in ((Enterprise.id, Enterprise), (ActionPlan.enterprise_id, ActionPlan)):
        found = set(world.session.scalars(select(column).where(enterprise_visible(column, user))))
        expected = set(
            world.session.scalars(
                select(column).where(column.in_(visible_enterprise_ids(user))).select_from(table)
            )
        )
        assert found == expected and found, (email, table.__name__)
