from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from iwemployer.auth.services import authenticate
from iwemployer.models import Centre, Enterprise, User, WrittenStandard
from iwemployer.orgnr import is_valid
from iwemployer.seed import DEMO_PASSWORD, seed_demo

CONTRACT = [
    "leder@nordlys.example",
    "verneombud@nordlys.example",
    "tillitsvalgt@nordlys.example",
    "radgiver.oslo@nav.example",
    "leder@fjellbygg.example",
    "verneombud@fjellbygg.example",
    "tillitsvalgt@fjellbygg.example",
    "radgiver.vestland@nav.example",
    "admin@nav.example",
]


def _counts(session: Session) -> tuple[int, int, int]:
    return tuple(
        session.scalar(select(func.count()).select_from(m)) or 0  # type: ignore[return-value]
        for m in (Centre, Enterprise, User)
    )


def test_seed_is_idempotent_and_keeps_the_demo_sign_ins(session: Session) -> None:
    assert seed_demo(session) is True
    first = _counts(session)
    assert seed_demo(session) is False
    assert _counts(session) == first
    for email in CONTRACT:
        assert authenticate(session, email, DEMO_PASSWORD) is not None, email
    per_centre = session.execute(
        select(Enterprise.centre_id, func.count()).group_by(Enterprise.centre_id)
    ).all()
    assert all(count >= 4 for _, count in per_centre)
    assert all(is_valid(e.org_number) for e in session.scalars(select(Enterprise)))


def test_fjellbygg_writes_nynorsk_but_its_demo_users_keep_no_language(session: Session) -> None:
    seed_demo(session)
    standards = dict(session.execute(select(Enterprise.name, Enterprise.written_standard)).all())
    assert standards["Fjellbygg AS"] == WrittenStandard.NYNORSK
    assert standards["Nordlys Omsorg AS"] == WrittenStandard.BOKMAL
    manager = session.scalar(select(User).where(User.email == "leder@fjellbygg.example"))
    assert manager is not None and manager.locale is None


def test_seed_refuses_production(database_url: str) -> None:
    from iwemployer import create_app

    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": database_url,
            "MAIL_SERVER": "smtp.example",
            "PUBLIC_BASE_URL": "https://iw.example",
        }
    )
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code != 0 and "production" in result.output
