"""Subsidy fixtures: a private attachment folder per test, and applications built through the
services, in any state of the status machine."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from iwemployer.models import (
    ApplicationStatus,
    Enterprise,
    MemberRole,
    SubsidyApplication,
    SubsidyDecision,
    SubsidyKind,
    SubsidyScheme,
)
from iwemployer.subsidies import services
from tests.conftest import World

MANAGER = "leder@nordlys.example"
DELEGATE = "verneombud@nordlys.example"
UNION_REP = "tillitsvalgt@nordlys.example"
ADVISER = "radgiver.oslo@nav.example"
S = ApplicationStatus


@pytest.fixture(autouse=True)
def attachment_dir(app: Flask, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "attachments"
    saved = app.config["ATTACHMENT_DIR"]
    app.config["ATTACHMENT_DIR"] = str(folder)
    yield folder
    app.config["ATTACHMENT_DIR"] = saved


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """A request context: services format amounts and place files through the app."""
    with app.test_request_context():
        yield


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def scheme(session: Session, kind: SubsidyKind = SubsidyKind.FACILITATION) -> SubsidyScheme:
    found = session.scalar(select(SubsidyScheme).where(SubsidyScheme.kind == kind))
    assert found is not None
    return found


def complete_draft(session: Session, enterprise: Enterprise, **changes: Any) -> services.Draft:
    values: dict[str, Any] = {
        "title": "Kurs i arbeidsmiljø",
        "purpose": "Bedre arbeidsmiljø.",
        "expected_effect": "Lavere sykefravær.",
        "activity_description": "Et kurs for alle ansatte.",
        "period_start": date.today() + timedelta(days=10),
        "period_end": date.today() + timedelta(days=40),
        "own_share": 5_000,
        "amount_applied": 20_000,
        "scheme_id": scheme(session).id,
    }
    values.update(changes)
    return services.Draft(**values)


def build_application(
    world: World,
    status: ApplicationStatus = S.DRAFT,
    enterprise: Enterprise | None = None,
    amount: int = 20_000,
    statements: bool = True,
    token: str | None = None,
) -> SubsidyApplication:
    """An application of ``enterprise`` (Nordlys) taken through the services to ``status``."""
    session = world.session
    enterprise = enterprise or world.nordlys
    is_nordlys = enterprise.id == world.nordlys.id
    manager = world.user(MANAGER if is_nordlys else "leder@fjellbygg.example")
    adviser = world.user(ADVISER if is_nordlys else "radgiver.oslo@nav.example")
    if not is_nordlys:
        adviser = world.user("radgiver.vestland@nav.example")
    app = services.create(
        session,
        enterprise,
        manager,
        MemberRole.MANAGER,
        token or secrets.token_hex(8),
        services.Draft(title="Kurs i arbeidsmiljø", scheme_id=scheme(session).id),
    )
    if status == S.DRAFT:
        session.commit()
        return app
    services.save_draft(
        session,
        app,
        manager,
        MemberRole.MANAGER,
        complete_draft(session, enterprise, amount_applied=amount),
        [("Kursholder", amount), ("Lokale", 5_000)],
    )
    if statements:
        for email, role in (
            (DELEGATE, MemberRole.SAFETY_DELEGATE),
            (UNION_REP, MemberRole.UNION_REP),
        ):
            if is_nordlys:
                services.give_statement(session, app, world.user(email), role, "Vi støtter dette.")
    reason = "" if statements and is_nordlys else "Partene er ikke valgt ennå."
    services.submit(session, app, manager, MemberRole.MANAGER, reason)
    if status == S.SUBMITTED:
        session.commit()
        return app
    services.take(session, app, adviser)
    if status == S.UNDER_REVIEW:
        session.commit()
        return app
    if status == S.RETURNED:
        services.ask_for_more(session, app, adviser, "Send et tilbud fra kursholder.")
        session.commit()
        return app
    decision = SubsidyDecision.REJECTED if status == S.REJECTED else SubsidyDecision.APPROVED
    services.decide(
        session,
        app,
        adviser,
        services.DecisionInput(
            decision, "Godt begrunnet.", report_due=date.today() + timedelta(days=60)
        ),
    )
    if status in (S.GRANTED, S.REJECTED):
        session.commit()
        return app
    services.submit_report(
        session,
        app,
        manager,
        MemberRole.MANAGER,
        "Kurset ble holdt.",
        "Færre skader.",
        {line.id: line.amount for line in app.lines},
    )
    if status == S.CLOSED:
        services.accept_report(session, app, adviser)
    session.commit()
    return app
