"""Demo data: the tour of the site. Idempotent: records are found by natural key before creating.

The sign-ins listed in the README are a contract; keep them working as the site grows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth.services import hash_password
from .mfa.demo import enrol_demo_staff
from .models import (
    Centre,
    CooperationAgreement,
    Enterprise,
    MemberRole,
    Membership,
    User,
    UserKind,
    WrittenStandard,
)

DEMO_PASSWORD = "Demo-passord-2026"  # noqa: S105 - published demo sign-in, never in production


class SeedRefused(Exception):
    def __str__(self) -> str:
        return "refusing to seed demo data into a production configuration (use --force)"


@dataclass(frozen=True)
class DemoEnterprise:
    org_number: str
    name: str
    nace: str
    employees: int
    county: str
    # Offset of the agreement's end from today in days: some end within 90 days.
    ends_in_days: int
    members: tuple[tuple[str, str, MemberRole], ...] = ()
    contact: str | None = None
    written_standard: WrittenStandard = WrittenStandard.BOKMAL


CENTRES = (
    ("NAV Arbeidslivssenter Oslo", "Oslo", "Sannergata 2", "0557", "Oslo", "55 55 33 33"),
    (
        "NAV Arbeidslivssenter Vestland",
        "Vestland",
        "Solheimsgaten 15",
        "5058",
        "Bergen",
        "55 55 33 36",
    ),
)

ADVISERS = (
    ("radgiver.oslo@nav.example", "Ingrid Haugen", "Seniorrådgiver", "Oslo", "+47 400 00 001"),
    ("radgiver2.oslo@nav.example", "Jonas Berg", "Rådgiver", "Oslo", "+47 400 00 002"),
    (
        "radgiver.vestland@nav.example",
        "Kari Nordvik",
        "Seniorrådgiver",
        "Vestland",
        "+47 400 00 003",
    ),
)

M, S, U = MemberRole.MANAGER, MemberRole.SAFETY_DELEGATE, MemberRole.UNION_REP
ENTERPRISES = (
    DemoEnterprise(
        "987654325",
        "Nordlys Omsorg AS",
        "87.301",
        120,
        "Oslo",
        1100,
        (
            ("leder@nordlys.example", "Marte Lie", M),
            ("verneombud@nordlys.example", "Ola Nilsen", S),
            ("tillitsvalgt@nordlys.example", "Aisha Rahman", U),
            ("bht@helsepartner.example", "Eva Strand", MemberRole.OCCUPATIONAL_HEALTH),
        ),
        "radgiver.oslo@nav.example",
    ),
    DemoEnterprise(
        "923456783",
        "Fjellbygg AS",
        "41.200",
        60,
        "Vestland",
        60,
        (
            ("leder@fjellbygg.example", "Per Solheim", M),
            ("verneombud@fjellbygg.example", "Lars Tveit", S),
            ("tillitsvalgt@fjellbygg.example", "Siri Vik", U),
        ),
        "radgiver.vestland@nav.example",
        # A nynorsk enterprise: people the centre or its manager invite start in nynorsk. Its demo
        # sign-ins are seeded without a language, like everyone's, so they follow the browser.
        written_standard=WrittenStandard.NYNORSK,
    ),
    # The occupational health adviser serves two enterprises: the switcher's demo.
    DemoEnterprise(
        "934567897",
        "Grünerløkka Barnehager AS",
        "88.911",
        45,
        "Oslo",
        700,
        (("bht@helsepartner.example", "Eva Strand", MemberRole.OCCUPATIONAL_HEALTH),),
        "radgiver.oslo@nav.example",
    ),
    DemoEnterprise(
        "945678909",
        "Oslo Renhold AS",
        "81.210",
        210,
        "Oslo",
        30,
        contact="radgiver2.oslo@nav.example",
    ),
    DemoEnterprise(
        "978901239",
        "Bjørvika Logistikk AS",
        "52.100",
        85,
        "Oslo",
        400,
        contact="radgiver2.oslo@nav.example",
    ),
    DemoEnterprise("812345672", "Torshov Verksted AS", "33.120", 24, "Oslo", 900),
    DemoEnterprise(
        "823456794",
        "Bergen Havneservice AS",
        "52.220",
        140,
        "Vestland",
        1200,
        contact="radgiver.vestland@nav.example",
    ),
    DemoEnterprise("834567806", "Voss Hotell og Kro AS", "55.101", 38, "Vestland", 80),
    DemoEnterprise(
        "856789020",
        "Sunnfjord Sjømat AS",
        "10.200",
        170,
        "Vestland",
        500,
        contact="radgiver.vestland@nav.example",
    ),
    DemoEnterprise("867890130", "Askøy Sykehjem KF", "87.102", 95, "Vestland", 1300),
)


@cache
def _demo_hash() -> str:
    # Hashing is deliberately slow; one hash serves every demo account of the published password.
    return hash_password(DEMO_PASSWORD)


def _user(session: Session, email: str, **fields: object) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, password_hash=_demo_hash(), **fields)
        session.add(user)
        session.flush()
    return user


def seed_demo(session: Session, today: date | None = None) -> bool:
    """Create what is missing of the demo data; True when anything was created."""
    today = today or date.today()
    before = session.scalar(select(User.id).where(User.email == "admin@nav.example"))
    centres: dict[str, Centre] = {}
    for name, county, street, postal, city, phone in CENTRES:
        centre = session.scalar(select(Centre).where(Centre.county == county))
        if centre is None:
            centre = Centre(
                name=name,
                county=county,
                street_address=street,
                postal_code=postal,
                city=city,
                phone=phone,
                email=f"arbeidslivssenter.{county.lower()}@nav.example",
            )
            session.add(centre)
            session.flush()
        centres[county] = centre

    _user(session, "admin@nav.example", name="Sentraladministrator", kind=UserKind.ADMIN)
    advisers = {
        email: _user(
            session,
            email,
            name=name,
            kind=UserKind.ADVISER,
            title=title,
            phone=phone,
            centre_id=centres[county].id,
        )
        for email, name, title, county, phone in ADVISERS
    }
    enrol_demo_staff(session, ["admin@nav.example", *advisers])

    for demo in ENTERPRISES:
        enterprise = session.scalar(
            select(Enterprise).where(Enterprise.org_number == demo.org_number)
        )
        if enterprise is None:
            enterprise = Enterprise(
                org_number=demo.org_number,
                name=demo.name,
                nace_code=demo.nace,
                employees=demo.employees,
                centre_id=centres[demo.county].id,
                contact_person_id=advisers[demo.contact].id if demo.contact else None,
                written_standard=demo.written_standard,
            )
            session.add(enterprise)
            session.flush()
            end = today + timedelta(days=demo.ends_in_days)
            start = end - timedelta(days=4 * 365)
            enterprise.agreements.append(CooperationAgreement(start_date=start, end_date=end))
            # An earlier four-year period, so history shows.
            enterprise.agreements.append(
                CooperationAgreement(
                    start_date=start - timedelta(days=4 * 365), end_date=start - timedelta(days=1)
                )
            )
        for email, name, role in demo.members:
            user = _user(session, email, name=name, kind=UserKind.EMPLOYER)
            exists = session.scalar(
                select(Membership).where(
                    Membership.user_id == user.id, Membership.enterprise_id == enterprise.id
                )
            )
            if exists is None:
                session.add(Membership(user_id=user.id, enterprise_id=enterprise.id, role=role))
    from .admin.demo import seed_deputies

    seed_deputies(session)
    # Plans first: the demo recruitment request links to a recruitment activity of the plan.
    from .cooperation.demo import seed_cooperation
    from .plans.demo import seed_plans, seed_proposals
    from .requests.demo import seed_requests
    from .statistics.demo import seed_statistics
    from .subsidies.demo import seed_subsidies
    from .training.demo import seed_training

    seed_plans(session, today)
    seed_requests(session, today)
    seed_training(session, today)
    seed_statistics(session, today)
    seed_subsidies(session, today)
    # After the plans: minutes' follow-ups and an order link to plan activities.
    seed_cooperation(session, today)
    seed_proposals(session, today)
    session.commit()
    return before is None
