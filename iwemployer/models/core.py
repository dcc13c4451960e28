"""Centres, enterprises, agreements, users, memberships, sessions and the audit log."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, owned_by, utcnow
from .mfa import SecondStep

AGREEMENT_WARNING_DAYS = 90


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Store the lower-case values, checked by a named CHECK constraint on every backend.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


class UserKind(enum.StrEnum):
    EMPLOYER = "employer"
    ADVISER = "adviser"
    ADMIN = "admin"


class MemberRole(enum.StrEnum):
    MANAGER = "manager"
    SAFETY_DELEGATE = "safety_delegate"
    UNION_REP = "union_rep"
    OCCUPATIONAL_HEALTH = "occupational_health"


class WrittenStandard(enum.StrEnum):
    """The two written standards of Norwegian; values are the site's language codes."""

    BOKMAL = "nb"
    NYNORSK = "nn"


class AgreementStatus(enum.StrEnum):
    UPCOMING = "upcoming"
    ACTIVE = "active"
    ENDED = "ended"
    TERMINATED = "terminated"


class Centre(Base):
    """An IW support centre; one per county."""

    __tablename__ = "centre"
    __owner__ = owned_by("centre", "id")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    county: Mapped[str] = mapped_column(String(100), unique=True)
    street_address: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(4))
    city: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="")


class User(UserMixin, Base):
    __tablename__ = "user_account"
    __owner__ = owned_by("user", "id")

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UserKind] = mapped_column(_enum(UserKind, "user_kind"))
    # None until the invited user has chosen a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    locale: Mapped[str | None] = mapped_column(String(5))
    # Advisers belong to one centre; administrators with no centre administer all centres.
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the person closed the first-visit introduction on their home page (None: show it).
    introduction_dismissed_at: Mapped[datetime | None]

    centre: Mapped[Centre | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("kind != 'adviser' OR centre_id IS NOT NULL", name="adviser_has_centre"),
        # People lists are by name, a page at a time: read in order, they stop at the page.
        Index("ix_user_account_name", "name", "id"),
    )

    @property
    def session_token(self) -> str | None:
        """This request's server-side session token; Flask-Login stores it as the user's id."""
        return self.__dict__.get("_session_token")

    @session_token.setter
    def session_token(self, token: str | None) -> None:
        self.__dict__["_session_token"] = token

    def get_id(self) -> str | None:
        return self.session_token

    @property
    def second_step(self) -> SecondStep | None:
        """What this request's session still lacks after the password (None: nothing)."""
        return self.__dict__.get("_second_step")

    @second_step.setter
    def second_step(self, step: SecondStep | None) -> None:
        self.__dict__["_second_step"] = step

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.kind == UserKind.ADMIN

    @property
    def is_adviser(self) -> bool:
        return self.kind == UserKind.ADVISER

    @property
    def is_employer(self) -> bool:
        return self.kind == UserKind.EMPLOYER


class Enterprise(Base):
    __tablename__ = "enterprise"
    __owner__ = owned_by("enterprise", "id")

    id: Mapped[int] = mapped_column(primary_key=True)
    org_number: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    nace_code: Mapped[str] = mapped_column(String(10))
    employees: Mapped[int]
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    contact_person_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The enterprise's preferred written standard: the language its invited users start in.
    written_standard: Mapped[WrittenStandard] = mapped_column(
        _enum(WrittenStandard, "written_standard"),
        default=WrittenStandard.BOKMAL,
        server_default=WrittenStandard.BOKMAL.value,
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    centre: Mapped[Centre] = relationship()
    contact_person: Mapped[User | None] = relationship()
    agreements: Mapped[list[CooperationAgreement]] = relationship(
        back_populates="enterprise",
        order_by="CooperationAgreement.start_date.desc()",
        cascade="all, delete-orphan",
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="enterprise", cascade="all, delete-orphan"
    )
    # Advisers an administrator named to act for the centre besides the contact person.
    deputies: Mapped[list[ContactDeputy]] = relationship(
        back_populates="enterprise", cascade="all, delete-orphan", order_by="ContactDeputy.id"
    )

    __table_args__ = (
        CheckConstraint("employees >= 0", name="employees_not_negative"),
        # Enterprise lists are by name, a page at a time (see ix_user_account_name).
        Index("ix_enterprise_name", "name", "id"),
    )

    @property
    def county(self) -> str:
        return self.centre.county

    def current_agreement(self, today: date) -> CooperationAgreement | None:
        """The agreement in force today, else the next one to start."""
        live = [a for a in self.agreements if a.status(today) == AgreementStatus.ACTIVE]
        if live:
            return live[0]
        upcoming = [a for a in self.agreements if a.status(today) == AgreementStatus.UPCOMING]
        return upcoming[-1] if upcoming else None


class CooperationAgreement(Base):
    """One four-year period of an enterprise's cooperation agreement; a renewal is a new row."""

    __tablename__ = "cooperation_agreement"
    __owner__ = owned_by("enterprise", "enterprise_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    start_date: Mapped[date]
    end_date: Mapped[date]
    terminated_on: Mapped[date | None]
    # Why it was ended early, as the administrator wrote it when ending it.
    termination_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    enterprise: Mapped[Enterprise] = relationship(back_populates="agreements")

    __table_args__ = (CheckConstraint("end_date > start_date", name="period_ordered"),)

    def status(self, today: date) -> AgreementStatus:
        if self.terminated_on is not None and self.terminated_on <= today:
            return AgreementStatus.TERMINATED
        if today < self.start_date:
            return AgreementStatus.UPCOMING
        if today > self.end_date:
            return AgreementStatus.ENDED
        return AgreementStatus.ACTIVE

    def ends_soon(self, today: date) -> bool:
        return self.status(today) == AgreementStatus.ACTIVE and self.end_date - today <= timedelta(
            days=AGREEMENT_WARNING_DAYS
        )

    def days_left(self, today: date) -> int:
        return (self.end_date - today).days


class Membership(Base):
    __tablename__ = "membership"
    __owner__ = owned_by("enterprise", "enterprise_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole, "member_role"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    enterprise: Mapped[Enterprise] = relationship(back_populates="memberships")

    __table_args__ = (UniqueConstraint("user_id", "enterprise_id"),)


class ContactDeputy(Base):
    """An adviser of the enterprise's centre who stands in for its contact person: changes its
    plan and sees it among their own enterprises, as the contact person does."""

    __tablename__ = "contact_deputy"
    __owner__ = owned_by("enterprise", "enterprise_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (enterprise, adviser) constraint is the enterprise's index.
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"))
    adviser_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    enterprise: Mapped[Enterprise] = relationship(back_populates="deputies")
    adviser: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("enterprise_id", "adviser_id"),)


class UserSession(Base):
    """Server-side session: sign-out or deactivation deletes it, so a replayed cookie fails."""

    __tablename__ = "user_session"
    __owner__ = owned_by("user", "user_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the random token in the cookie; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set while the password is checked but the second factor (or its enrolment) is not:
    # such a session signs nobody in.
    second_step: Mapped[SecondStep | None] = mapped_column(_enum(SecondStep, "second_step"))

    user: Mapped[User] = relationship()


class Invitation(Base):
    """A one-time link by which an invited user sets their password."""

    __tablename__ = "invitation"
    __owner__ = owned_by("user", "user_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class AuditEntry(Base):
    """One row per read or change of an enterprise's data, permitted or denied."""

    __tablename__ = "audit_entry"
    __owner__ = owned_by("administration")

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # No foreign key: a denied lookup of an unknown id is logged too.
    enterprise_id: Mapped[int | None]
    endpoint: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(10))
    action: Mapped[str] = mapped_column(String(10))  # read | change
    permitted: Mapped[bool]
    # The user acted on (an administrator's change of an account, a password change), if any.
    subject_user_id: Mapped[int | None]
    # The client's address as the app sees it (behind IWEMPLOYER_PROXY_HOPS proxies: the real one).
    address: Mapped[str] = mapped_column(String(45), default="", server_default="")

    __table_args__ = (Index("ix_audit_entry_enterprise_at", "enterprise_id", "at"),)


class Notification(Base):
    """An in-app notification of an event; e-mail delivery builds on the same rows later."""

    __tablename__ = "notification"
    __owner__ = owned_by("user", "user_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE")
    )
    # A registered event kind ("plan.sent", ...); its text is translated when shown.
    kind: Mapped[str] = mapped_column(String(50))
    params: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(500), default="")
    # What it is about ("plan:7", "request:12"): the list groups by it, and a notice is
    # withdrawn by it when what it announced is no longer so.
    subject: Mapped[str | None] = mapped_column(String(60), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at"),
        # The newest first, a page at a time, without sorting all of a user's notifications.
        Index("ix_notification_user_created", "user_id", "created_at", "id"),
    )
