from __future__ import annotations

import secrets

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iwemployer import create_app
from iwemployer.auth.services import authenticate
from iwemployer.models import (
    ActionPlan,
    EmployerRequest,
    Enterprise,
    Notification,
    PlanActivity,
    RequestMessage,
    User,
)
from iwemployer.orgnr import is_valid
from iwemployer.scale import grow_demo
from iwemployer.seed import DEMO_PASSWORD, ENTERPRISES, seed_demo
from tests.test_migrations import recomputed_answer_days
from tests.test_seed import CONTRACT

MODELS = (Enterprise, User, ActionPlan, PlanActivity, EmployerRequest, RequestMessage, Notification)


def _counts(session: Session) -> dict[str, int]:
    return {m.__name__: session.scalar(select(func.count()).select_from(m)) or 0 for m in MODELS}


def test_grows_n_fold_idempotently_and_keeps_the_demo_sign_ins(session: Session) -> None:
    seed_demo(session)
    demo = _counts(session)
    assert grow_demo(session, 3) == 2
    grown = _counts(session)
    assert grown["Enterprise"] == demo["Enterprise"] + 2 * len(ENTERPRISES)
    assert grown["PlanActivity"] > 2 * 300 and grown["RequestMessage"] > 2 * 1400
    assert grow_demo(session, 3) == 0
    assert _counts(session) == grown
    # A larger N adds only the missing batches.
    assert grow_demo(session, 4) == 1
    assert _counts(session)["Enterprise"] == demo["Enterprise"] + 3 * len(ENTERPRISES)
    assert all(is_valid(e.org_number) for e in session.scalars(select(Enterprise)))
    for email in CONTRACT:
        assert authenticate(session, email, DEMO_PASSWORD) is not None, email
    # The working days to the first answer, kept as the requests service would keep them.
    kept = dict(
        session.execute(select(EmployerRequest.id, EmployerRequest.answer_working_days)).all()
    )
    assert sum(days is not None for days in kept.values()) > 3 * 100
    assert recomputed_answer_days(session) == kept


def test_the_cli_grows_the_data_and_refuses_production(app: Flask, database_url: str) -> None:
    result = app.test_cli_runner().invoke(args=["seed", "--scale", "2"])
    assert result.exit_code == 0, result.output
    assert "1 batches added" in result.output
    production = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": database_url,
            "MAIL_SERVER": "smtp.example",
            "PUBLIC_BASE_URL": "https://iw.example",
        }
    )
    refused = production.test_cli_runner().invoke(args=["seed", "--force", "--scale", "2"])
    assert refused.exit_code != 0 and "production" in refused.output
