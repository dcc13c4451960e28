"""Demo figures: twelve quarters for every demo enterprise, its industry and the country.

Nordlys Omsorg is above its industry but falling since its agreement started, with a rising
share of graded sick leave; Sagene Urmakeri, four employees, shows how small figures are
masked. Idempotent: a quarter already stored is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    Centre,
    CooperationAgreement,
    Enterprise,
    EnterpriseQuarter,
    ImportedQuarter,
    ImportKind,
    ReferenceLevel,
    ReferenceQuarter,
    StatisticsImport,
    User,
)
from .figures import Quarter
from .services import industry_code

QUARTERS = 12
# Working days in a quarter per full-time employee, roughly.
DAYS_PER_EMPLOYEE = Decimal(61)
# Sick leave is higher in winter: a factor per quarter.
SEASON = {1: Decimal("1.15"), 2: Decimal("0.95"), 3: Decimal("0.85"), 4: Decimal("1.05")}
COUNTRY_RATE = Decimal("6.3")
INDUSTRY_RATES = {
    "87": Decimal("8.4"),
    "41": Decimal("6.6"),
    "88": Decimal("8.9"),
    "81": Decimal("8.1"),
    "52": Decimal("6.2"),
    "33": Decimal("5.9"),
    "55": Decimal("6.8"),
    "10": Decimal("7.4"),
}
NORDLYS = "987654325"
SMALL = ("879000009", "Sagene Urmakeri AS", "95.250", 4)
ONE = Decimal("0.1")


def _quarters(today: date) -> list[Quarter]:
    """The last twelve whole quarters before today's."""
    last = Quarter.of(today).next(-1)
    return [last.next(-step) for step in range(QUARTERS - 1, -1, -1)]


def _counts(rate: Decimal, graded_share: Decimal, employees: int) -> dict[str, Decimal | int]:
    possible = (DAYS_PER_EMPLOYEE * employees * Decimal("0.9")).quantize(ONE)
    lost = (possible * rate / 100).quantize(ONE)
    return {
        "possible_days": possible,
        "lost_days": lost,
        "graded_days": (lost * graded_share / 100).quantize(ONE),
        "short_term_days": (lost * Decimal("0.32")).quantize(ONE),
        "employees": employees,
    }


def _small_enterprise(session: Session, today: date) -> None:
    org, name, nace, employees = SMALL
    if session.scalar(select(Enterprise.id).where(Enterprise.org_number == org)):
        return
    centre = session.scalars(select(Centre).where(Centre.county == "Oslo")).one()
    enterprise = Enterprise(
        org_number=org, name=name, nace_code=nace, employees=employees, centre_id=centre.id
    )
    session.add(enterprise)
    session.flush()
    start = today - timedelta(days=500)
    enterprise.agreements.append(
        CooperationAgreement(start_date=start, end_date=start + timedelta(days=4 * 365))
    )


DEMO_IMPORT = "nordlys-siste-kvartal.csv"


def _demo_import(session: Session) -> None:
    """The Oslo adviser's import of Nordlys's latest quarter: the imports list, and its undo."""
    if session.scalar(select(StatisticsImport.id).where(StatisticsImport.file_name == DEMO_IMPORT)):
        return
    adviser = session.scalars(select(User).where(User.email == "radgiver.oslo@nav.example")).one()
    latest = session.scalars(
        select(EnterpriseQuarter)
        .join(Enterprise, Enterprise.id == EnterpriseQuarter.enterprise_id)
        .where(Enterprise.org_number == NORDLYS)
        .order_by(EnterpriseQuarter.year.desc(), EnterpriseQuarter.quarter.desc())
        .limit(1)
    ).one()
    record = StatisticsImport(
        kind=ImportKind.ENTERPRISE,
        imported_by_id=adviser.id,
        file_name=DEMO_IMPORT,
        rows=1,
        created=1,
    )
    record.quarters.append(ImportedQuarter(enterprise_quarter_id=latest.id))
    session.add(record)
    session.flush()
    latest.import_id = record.id


def _enterprise_rate(org: str, industry: Decimal, index: int, start_index: int) -> Decimal:
    if org == NORDLYS:
        # Well above the industry before the agreement, falling a little each quarter since.
        since = max(0, index - start_index)
        return industry * Decimal("1.4") - Decimal("0.6") * since
    # Others wander around their industry's rate, each by its own small offset.
    offset = Decimal(int(org[-3:]) % 7 - 3) / 10
    return industry + offset


def _graded(org: str, index: int, start_index: int) -> Decimal:
    if org == NORDLYS:
        return Decimal(18) + Decimal("2.5") * max(0, index - start_index)
    return Decimal(20) + Decimal(int(org[-2:]) % 5)


def seed_statistics(session: Session, today: date) -> None:
    _small_enterprise(session, today)
    quarters = _quarters(today)
    stored_refs = {
        (level, code, year, number)
        for level, code, year, number in session.execute(
            select(
                ReferenceQuarter.level,
                ReferenceQuarter.code,
                ReferenceQuarter.year,
                ReferenceQuarter.quarter,
            )
        )
    }
    references = [(ReferenceLevel.COUNTRY, "", COUNTRY_RATE, Decimal(21))] + [
        (ReferenceLevel.INDUSTRY, code, rate, Decimal(24)) for code, rate in INDUSTRY_RATES.items()
    ]
    for level, code, rate, graded in references:
        for q in quarters:
            if (level, code, q.year, q.number) in stored_refs:
                continue
            session.add(
                ReferenceQuarter(
                    level=level,
                    code=code,
                    year=q.year,
                    quarter=q.number,
                    **_counts(rate * SEASON[q.number], graded, 2000),
                )
            )
    stored = {
        (eid, year, number)
        for eid, year, number in session.execute(
            select(
                EnterpriseQuarter.enterprise_id, EnterpriseQuarter.year, EnterpriseQuarter.quarter
            )
        )
    }
    enterprises = session.scalars(select(Enterprise).order_by(Enterprise.id)).all()
    for enterprise in enterprises:
        industry = INDUSTRY_RATES.get(industry_code(enterprise.nace_code), COUNTRY_RATE)
        agreement = enterprise.current_agreement(today)
        start = Quarter.of(agreement.start_date) if agreement else quarters[0]
        for q in quarters:
            if (enterprise.id, q.year, q.number) in stored:
                continue
            rate = _enterprise_rate(enterprise.org_number, industry, q.index, start.index)
            session.add(
                EnterpriseQuarter(
                    enterprise_id=enterprise.id,
                    year=q.year,
                    quarter=q.number,
                    **_counts(
                        max(Decimal(1), rate) * SEASON[q.number],
                        _graded(enterprise.org_number, q.index, start.index),
                        enterprise.employees,
                    ),
                )
            )
    session.flush()
    _demo_import(session)
