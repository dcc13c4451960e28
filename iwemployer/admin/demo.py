"""Demo deputy: Jonas Berg (radgiver2.oslo) stands in for Ingrid Haugen, the contact person of
Grünerløkka Barnehager AS, so a second Oslo adviser can show what a deputy may do."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ContactDeputy, Enterprise, User

DEPUTIES = (("Grünerløkka Barnehager AS", "radgiver2.oslo@nav.example"),)


def seed_deputies(session: Session) -> None:
    """Name the demo deputies that are missing (found by enterprise and adviser)."""
    for name, email in DEPUTIES:
        enterprise = session.scalar(select(Enterprise).where(Enterprise.name == name))
        adviser = session.scalar(select(User).where(User.email == email))
        if enterprise is None or adviser is None:
            continue
        exists = session.scalar(
            select(ContactDeputy.id).where(
                ContactDeputy.enterprise_id == enterprise.id,
                ContactDeputy.adviser_id == adviser.id,
            )
        )
        if exists is None:
            session.add(ContactDeputy(enterprise_id=enterprise.id, adviser_id=adviser.id))
    session.flush()
