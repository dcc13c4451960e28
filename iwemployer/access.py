"""Access control in one place.

Every lookup of an enterprise's data goes through ``visible_enterprise_ids`` (what the
signed-in user may see) and ``get_or_404`` (this record, if the user may see it, else 404).
Roles are checked by ``kind_required`` and ``member_role_required``. Views never re-check
access themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Literal, NoReturn, TypeVar

from flask import Flask, Response, abort, g, has_request_context, request, session
from flask_login import current_user, login_required
from sqlalchemy import Select, event, select
from sqlalchemy.orm import InstrumentedAttribute, Session, SessionTransaction

from .extensions import db
from .models import AuditEntry, Enterprise, MemberRole, Membership, User, UserKind

M = TypeVar("M")
F = TypeVar("F", bound=Callable[..., Any])
Action = Literal["read", "change"]


def visible_enterprise_ids(user: User) -> Select[int]:
    """Ids of the enterprises ``user`` may see: members their own, advisers their centre's."""
    if user.kind == UserKind.ADMIN:
        return select(Enterprise.id)
    if user.kind == UserKind.ADVISER:
        return select(Enterprise.id).where(Enterprise.centre_id == user.centre_id)
    return select(Membership.enterprise_id).where(Membership.user_id == user.id)


def scoped(model: type[M], user: User | None = None) -> Select[M]:
    """``select(model)`` limited to rows of enterprises the user may see."""
    user = user or current_user._get_current_object()
    column = _enterprise_column(model)
    return select(model).where(column.in_(visible_enterprise_ids(user)))


def _enterprise_column(model: type[Any]) -> InstrumentedAttribute[int]:
    column: InstrumentedAttribute[int] = model.id if model is Enterprise else model.enterprise_id
    return column


def get_or_404(model: type[M], record_id: int, action: Action = "read") -> M:
    """The record if the signed-in user may see it; otherwise 404, as if it did not exist."""
    stmt = scoped(model).where(model.id == record_id)  # type: ignore[attr-defined]
    record: M | None = db.session.scalar(stmt)
    if record is None:
        deny(record_id if model is Enterprise else None, action, 404)
    permit(getattr(record, "id" if model is Enterprise else "enterprise_id"), action)
    return record


def deny(enterprise_id: int | None, action: Action, status: int) -> NoReturn:
    """Log a refused lookup or action, then answer ``status`` (404 hides the record)."""
    audit(enterprise_id, action, permitted=False)
    db.session.commit()
    abort(status)


def permit(enterprise_id: int, action: Action) -> None:
    """Log a permitted lookup; a read commits now, a change's row commits with the change."""
    audit(enterprise_id, action, permitted=True)
    if action == "read":
        db.session.commit()


AUDIT_PENDING = "audit_pending"


def audit(enterprise_id: int | None, action: Action, permitted: bool) -> None:
    """Add an audit row; a change's row commits with the change itself.

    Rows not committed by the end of the request (an invalid or refused change) are kept
    anyway, on their own, by ``_keep_audit_rows``.
    """
    user = current_user
    fields = {
        "user_id": user.id if user.is_authenticated else None,
        "enterprise_id": enterprise_id,
        "endpoint": request.endpoint or request.path,
        "method": request.method,
        "action": action,
        "permitted": permitted,
    }
    db.session.add(AuditEntry(**fields))
    g.setdefault(AUDIT_PENDING, []).append(fields)


def member_role(user: User, enterprise_id: int) -> MemberRole | None:
    if not user.is_authenticated or user.kind != UserKind.EMPLOYER:
        return None
    return db.session.scalar(
        select(Membership.role).where(
            Membership.user_id == user.id, Membership.enterprise_id == enterprise_id
        )
    )


def kind_required(*kinds: UserKind) -> Callable[[F], F]:
    """Signed in, and of one of ``kinds``; otherwise 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.kind not in kinds:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def can_act(user: User, enterprise_id: int, roles: tuple[MemberRole, ...], adviser: bool) -> bool:
    """May ``user`` act on this (visible) enterprise in one of ``roles`` (or as its adviser)?"""
    if user.kind == UserKind.ADMIN:
        return True
    if user.kind == UserKind.ADVISER:
        return adviser
    return member_role(user, enterprise_id) in roles


def member_role_required(*roles: MemberRole, adviser: bool = True) -> Callable[[F], F]:
    """For views taking ``enterprise_id``: the user sees it (else 404) and has a role (else 403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            enterprise_id = int(kwargs["enterprise_id"])
            visible = db.session.scalar(scoped(Enterprise).where(Enterprise.id == enterprise_id))
            if visible is None:
                deny(enterprise_id, "read", 404)
            if not can_act(current_user, enterprise_id, roles, adviser):
                deny(enterprise_id, "change", 403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def _audit_committed(_session: Session) -> None:
    if has_request_context():
        g.pop(AUDIT_PENDING, None)


def _audit_survives_rollback(session: Session, previous: SessionTransaction) -> None:
    # A rollback undoes a refused or invalid change, not the record that it was attempted.
    if previous.parent is None and session.is_active and has_request_context():
        session.add_all(AuditEntry(**fields) for fields in g.get(AUDIT_PENDING, []))


def init_app(app: Flask) -> None:
    session_class = db.session.session_factory.class_
    for name, listener in (
        ("after_commit", _audit_committed),
        ("after_soft_rollback", _audit_survives_rollback),
    ):
        if not event.contains(session_class, name, listener):
            event.listen(session_class, name, listener)

    @app.after_request
    def _keep_audit_rows(response: Response) -> Response:
        # Whatever the request did not commit did not happen, except that it was attempted:
        # the rollback keeps the audit rows, which are then written on their own.
        if g.get(AUDIT_PENDING):
            db.session.rollback()
            db.session.commit()
        return response


CURRENT_ENTERPRISE_KEY = "enterprise_id"


def member_enterprises(user: User) -> list[Enterprise]:
    # Asked by the menu, the switcher and the view within one request: look it up once.
    cache: dict[int, list[Enterprise]] = g.setdefault("member_enterprises", {})
    if user.id not in cache:
        cache[user.id] = list(
            db.session.scalars(scoped(Enterprise, user).order_by(Enterprise.name))
        )
    return cache[user.id]


def current_enterprise_id(user: User) -> int | None:
    """The enterprise an employer-side user works in now: the switcher's choice, else the first."""
    enterprises = member_enterprises(user)
    chosen = session.get(CURRENT_ENTERPRISE_KEY)
    for enterprise in enterprises:
        if enterprise.id == chosen:
            return enterprise.id
    return enterprises[0].id if enterprises else None
