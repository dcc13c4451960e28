"""Access control in one place.

Each model declares its owner once (``__owner__`` in ``models``: an enterprise, a centre, a
user, or a parent record that is owned in turn). ``scoped`` and ``get_or_404`` follow that
declaration for every model, and every lookup and every refusal (403 and 404) is audited
here. Roles are checked by ``kind_required`` and ``member_role_required``; a rule of an area
that refuses an action calls ``require``. Views never re-check access themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Literal, NoReturn, TypeVar, cast

from flask import Flask, Response, abort, g, has_request_context, request, session
from flask_login import current_user, login_required
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    event,
    false,
    or_,
    select,
    true,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, object_session
from werkzeug.routing import IntegerConverter, Map

from .extensions import db
from .models import (
    AuditEntry,
    Base,
    Centre,
    ContactDeputy,
    Enterprise,
    MemberRole,
    Membership,
    User,
    UserKind,
)
from .models.base import Owner

M = TypeVar("M")
F = TypeVar("F", bound=Callable[..., Any])
Action = Literal["read", "change"]
# Ids are 32-bit integers in the database; a larger one cannot name a record.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in every route: a number beyond an id column (``MAX_ID``) matches no route,
    so it is a 404 before any view, decorator or query sees it."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def visible_enterprise_ids(user: User) -> Select[int]:
    """Ids of the enterprises ``user`` may see: members their own, advisers their centre's."""
    if user.kind == UserKind.ADMIN:
        return select(Enterprise.id)
    if user.kind == UserKind.ADVISER:
        return select(Enterprise.id).where(Enterprise.centre_id == user.centre_id)
    return select(Membership.enterprise_id).where(Membership.user_id == user.id)


def visible_centre_ids(user: User) -> Select[int]:
    """Centres ``user`` works with: all (administrators), their own, or their enterprises'."""
    if user.kind == UserKind.ADMIN:
        return select(Centre.id)
    if user.kind == UserKind.ADVISER:
        return select(Centre.id).where(Centre.id == user.centre_id)
    return select(Enterprise.centre_id).where(Enterprise.id.in_(visible_enterprise_ids(user)))


# --- acting for the centre: the contact person and the deputies an administrator named ------


def acting_for(user: User) -> ColumnElement[bool]:
    """``user`` acts for the enterprise (a condition on its own row) as an adviser: the contact
    person or a deputy. Reading is centre-wide; changing a plan is theirs.

    Said on the row itself, a list joined to Enterprise keeps the order of its own index; as
    ``id IN (subquery)`` it became a semi-join that read every enterprise of the centre."""
    if user.kind != UserKind.ADVISER:
        return false()
    deputy_of = select(ContactDeputy.enterprise_id).where(ContactDeputy.adviser_id == user.id)
    return and_(
        Enterprise.centre_id == user.centre_id,
        or_(Enterprise.contact_person_id == user.id, Enterprise.id.in_(deputy_of)),
    )


def acting_enterprise_ids(user: User) -> Select[int]:
    """Ids of the enterprises ``user`` acts for (``acting_for``). A subquery, so a list
    filters by it without a statement of its own."""
    return select(Enterprise.id).where(acting_for(user))


def _deputy_of(user: User, session: Session) -> frozenset[int]:
    """The enterprises ``user`` is a deputy for: one statement, once a request."""
    cache: dict[int, frozenset[int]] | None = (
        g.setdefault("deputy_of", {}) if has_request_context() else None
    )
    if cache is not None and user.id in cache:
        return cache[user.id]
    found = frozenset(
        session.scalars(
            select(ContactDeputy.enterprise_id).where(ContactDeputy.adviser_id == user.id)
        )
    )
    if cache is not None:
        cache[user.id] = found
    return found


def acts_for_centre(user: User, enterprise: Enterprise) -> bool:
    """Is ``user`` the enterprise's contact person or a deputy an administrator named?

    The one rule for changes an adviser makes for the centre (a plan, above all); other
    advisers of the centre read. The contact person costs no statement."""
    if user.kind != UserKind.ADVISER or user.centre_id != enterprise.centre_id:
        return False
    if enterprise.contact_person_id == user.id:
        return True
    session = object_session(enterprise) or db.session()
    return enterprise.id in _deputy_of(user, session)


def acts_for_centre_at(user: User, enterprise_id: int) -> bool:
    """``acts_for_centre`` by id, for rules that know only the id: the enterprise comes from the
    session (loaded by the view's access check, so no statement) or is read once."""
    if user.kind != UserKind.ADVISER:
        return False
    enterprise = (object_session(user) or db.session()).get(Enterprise, enterprise_id)
    return enterprise is not None and acts_for_centre(user, enterprise)


# --- the declared owner, followed ----------------------------------------------------------


@dataclass(frozen=True)
class OwnerPath:
    """From a model up to the column that names its owner."""

    models: tuple[type[Any], ...]  # the model, its parent, the parent's parent ...
    joins: tuple[tuple[type[Any], ColumnElement[bool]], ...]
    owner: Owner  # the declaration that names the owner (never "parent")
    column: InstrumentedAttribute[Any] | None  # None for administration records

    @property
    def enterprise_column(self) -> InstrumentedAttribute[Any] | None:
        return self.column if self.owner.kind == "enterprise" else None


def _model_named(name: str) -> type[Any]:
    for mapper in Base.registry.mappers:
        if mapper.class_.__name__ == name:
            return mapper.class_
    raise LookupError(f"no model named {name}")


_PATHS: dict[type[Any], OwnerPath] = {}


def owner_path(model: type[Any]) -> OwnerPath:
    """The way from ``model`` to its owner (worked out once per model)."""
    if model not in _PATHS:
        _PATHS[model] = _follow(model)
    return _PATHS[model]


def _follow(model: type[Any]) -> OwnerPath:
    models: list[type[Any]] = [model]
    joins: list[tuple[type[Any], ColumnElement[bool]]] = []
    declared = model.__dict__.get("__owner__")
    if declared is None:
        raise LookupError(f"{model.__name__} declares no __owner__")
    while declared.kind == "parent":
        parent = _model_named(declared.parent)
        joins.append((parent, getattr(models[-1], declared.column) == parent.id))
        models.append(parent)
        declared = parent.__dict__["__owner__"]
    column = getattr(models[-1], declared.column) if declared.column else None
    return OwnerPath(tuple(models), tuple(joins), declared, column)


def _visible(path: OwnerPath, user: User) -> ColumnElement[bool]:
    kind, column = path.owner.kind, path.column
    if kind == "public":
        return true()
    if kind == "administration" or column is None:
        return true() if user.kind == UserKind.ADMIN else false()
    if kind == "enterprise":
        return enterprise_visible(column, user)
    if kind == "centre":
        return column.in_(visible_centre_ids(user))
    # Users' own records (sessions, notifications); administrators manage users.
    return true() if user.kind == UserKind.ADMIN else column == user.id


def enterprise_visible(column: Any, user: User) -> ColumnElement[bool]:
    """``column`` (an enterprise id) is one of the enterprises ``user`` may see.

    As ``column IN visible_enterprise_ids(user)``, said without the subquery where it can be: an
    administrator sees every enterprise (an id not null: the foreign key does the rest), and an
    adviser the enterprise table's own rows of their centre. Each subquery was a semi-join over
    every enterprise of the country in each statement of a list (the plans overview's five)."""
    if user.kind == UserKind.ADMIN:
        return cast(ColumnElement[bool], column.is_not(None))
    if user.kind == UserKind.ADVISER and column is Enterprise.id:
        return Enterprise.centre_id == user.centre_id
    return cast(ColumnElement[bool], column.in_(visible_enterprise_ids(user)))


def _joined(stmt: Select[Any], path: OwnerPath) -> Select[Any]:
    for parent, onclause in path.joins:
        stmt = stmt.join(parent, onclause)
    return stmt


def scoped(model: type[M], user: User | None = None) -> Select[M]:
    """``select(model)`` limited to the rows the user may see, by the model's declared owner."""
    user = user or current_user._get_current_object()
    path = owner_path(model)
    return _joined(select(model), path).where(_visible(path, user))


def get_or_404(model: type[M], record_id: int, action: Action = "read", **within: int) -> M:
    """The record if the signed-in user may see it; otherwise 404, as if it did not exist.

    ``within`` names the URL's other ids by their columns on the way to the owner (for
    example ``plan_id=``, ``enterprise_id=``): a record reached through another parent is
    not found either. The parents on the way are loaded by the same statement.
    """
    path = owner_path(model)
    enterprise_column = path.enterprise_column
    stated_enterprise = within.get("enterprise_id", record_id if model is Enterprise else None)
    if not 0 < record_id <= MAX_ID or any(not 0 < v <= MAX_ID for v in within.values()):
        deny(_bounded(stated_enterprise), action, 404)
    columns: list[Any] = list(path.models)
    if enterprise_column is not None:
        columns.append(enterprise_column)
    stmt = _joined(select(*columns), path).where(
        model.id == record_id,  # type: ignore[attr-defined]
        _visible(path, current_user._get_current_object()),
        *(_column_on_path(path, name) == value for name, value in within.items()),
    )
    row = db.session.execute(stmt).first()
    if row is None:
        deny(_bounded(stated_enterprise), action, 404)
    permit(row[-1] if enterprise_column is not None else None, action)
    # The session holds unchanged records weakly: keep the parents for the request, so that
    # ``record.parent`` finds them instead of loading them again.
    g.setdefault("loaded_parents", []).extend(row[1 : len(path.models)])
    record: M = row[0]
    return record


def found(record: M | None, enterprise_id: int | None, action: Action = "read") -> M:
    """A record found by something other than its id (a plan's version by its number), within
    a record that ``get_or_404`` let through: the record, or an audited 404."""
    if record is None:
        deny(_bounded(enterprise_id), action, 404)
    return record


def _bounded(enterprise_id: int | None) -> int | None:
    return enterprise_id if enterprise_id is not None and 0 < enterprise_id <= MAX_ID else None


def _column_on_path(path: OwnerPath, name: str) -> InstrumentedAttribute[Any]:
    for model in path.models:
        column = getattr(model, name, None)
        if isinstance(column, InstrumentedAttribute):
            return column
    raise LookupError(f"{name} is not on the way from {path.models[0].__name__} to its owner")


def require(allowed: bool, enterprise_id: int | None, action: Action = "change") -> None:
    """An area's rule refused the signed-in user (a visible record, the wrong person): 403."""
    if not allowed:
        deny(enterprise_id, action, 403)


def deny(enterprise_id: int | None, action: Action, status: int) -> NoReturn:
    """Log a refused lookup or action, then answer ``status`` (404 hides the record)."""
    audit(enterprise_id, action, permitted=False)
    abort(status)


def permit(enterprise_id: int | None, action: Action) -> None:
    """Log a permitted lookup (its row is written with the request's transaction)."""
    audit(enterprise_id, action, permitted=True)


AUDIT_PENDING = "audit_pending"


def audit(
    enterprise_id: int | None,
    action: Action,
    permitted: bool,
    subject_user_id: int | None = None,
) -> None:
    """Note an audit row; it is written by the request's next commit (a change's row with the
    change itself), or at the end of the request (``_write_audit_rows``).

    The row names the account acted on: ``subject_user_id``, else the route's ``user_id``.
    """
    user = current_user
    fields = {
        "user_id": user.id if user.is_authenticated else None,
        "enterprise_id": enterprise_id,
        "endpoint": request.endpoint or request.path,
        "method": request.method,
        "action": action,
        "permitted": permitted,
        "subject_user_id": subject_user_id or (request.view_args or {}).get("user_id"),
        "address": (request.remote_addr or "")[:45],
    }
    g.setdefault(AUDIT_PENDING, []).append(fields)


def member_role(user: User, enterprise_id: int) -> MemberRole | None:
    """The user's role at the enterprise; asked by decorators, views and menus: once a request."""
    if not user.is_authenticated or user.kind != UserKind.EMPLOYER:
        return None
    return _memberships(user)[1].get(enterprise_id)


def _memberships(user: User) -> tuple[list[Enterprise], dict[int, MemberRole]]:
    """An employer's enterprises (by name) and roles, in one statement once a request."""
    cache: dict[int, tuple[list[Enterprise], dict[int, MemberRole]]] = g.setdefault(
        "memberships", {}
    )
    if user.id not in cache:
        rows = db.session.execute(
            select(Enterprise, Membership.role)
            .join(Membership, Membership.enterprise_id == Enterprise.id)
            .where(Membership.user_id == user.id)
            .order_by(Enterprise.name)
        ).all()
        cache[user.id] = ([e for e, _ in rows], {e.id: role for e, role in rows})
    return cache[user.id]


def kind_required(*kinds: UserKind) -> Callable[[F], F]:
    """Signed in, and of one of ``kinds``; otherwise 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.kind not in kinds:
                deny(None, "read", 403)
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


def _request_session(session: Session) -> bool:
    """Is ``session`` the request's own (not a side session opened with ``new_session``)?"""
    return has_request_context() and db.session.registry.has() and db.session() is session


def _audit_rows_join_commit(session: Session) -> None:
    # The rows go in with the request's outermost commit (a savepoint's is no commit).
    if _request_session(session) and not session.in_nested_transaction():
        session.add_all(AuditEntry(**fields) for fields in g.get(AUDIT_PENDING, []))


def _audit_committed(session: Session) -> None:
    # A savepoint's release is reported as a commit too: the rows wait for the real one.
    if _request_session(session) and not session.in_nested_transaction():
        g.pop(AUDIT_PENDING, None)


WROTE = "iwemployer.wrote"


def _transaction_begins(conn: Connection) -> None:
    conn.info.pop(WROTE, None)


def _note_write(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    # Anything but a plain SELECT counts as a change (savepoints and locks too: when in doubt,
    # the audit rows are written on their own, never with something the view did not commit).
    if statement.lstrip()[:6].upper() != "SELECT":
        conn.info[WROTE] = True


def _uncommitted_changes(session: Session) -> bool:
    """Did the request's open transaction change anything, or fail?"""
    if session.new or session.dirty or session.deleted:
        return True  # added or changed but not yet flushed: never commit it by the way
    transaction = session.get_transaction()
    if transaction is None:
        return False
    if not transaction.is_active:
        return True
    return bool(session.connection().info.get(WROTE))


def _write_audit_rows() -> None:
    """The request's audit rows not yet committed: a read page's commit its one transaction;
    whatever else the request did not commit did not happen, except that it was attempted:
    rolled back, and the rows written on their own."""
    if not g.get(AUDIT_PENDING):
        return
    session = db.session()
    if _uncommitted_changes(session):
        session.rollback()
    session.commit()


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    session_class = db.session.session_factory.class_
    for name, listener in (
        ("before_commit", _audit_rows_join_commit),
        ("after_commit", _audit_committed),
    ):
        if not event.contains(session_class, name, listener):
            event.listen(session_class, name, listener)
    engine = db.engine_for(app)
    event.listen(engine, "begin", _transaction_begins)
    event.listen(engine, "before_cursor_execute", _note_write)

    @app.after_request
    def _audit_rows_at_the_end(response: Response) -> Response:
        # Also after an unexpected error: its handler rolled back, and answers with a page.
        _write_audit_rows()
        return response


CURRENT_ENTERPRISE_KEY = "enterprise_id"


def member_enterprises(user: User) -> list[Enterprise]:
    """The enterprises the menu and the switcher offer: an employer's own, or those the user
    may see (asked several times a request: looked up once)."""
    if user.kind == UserKind.EMPLOYER:
        return _memberships(user)[0]
    cache: dict[int, list[Enterprise]] = g.setdefault("member_enterprises", {})
    if user.id not in cache:
        cache[user.id] = list(
            db.session.scalars(scoped(Enterprise, user).order_by(Enterprise.name))
        )
    return cache[user.id]


def current_enterprise_id(user: User) -> int | None:
    """The enterprise an employer-side user works in now: the one of the page they are on (a
    link from a mail or a notification may lead to another of theirs), else the switcher's
    choice, else the first."""
    enterprises = member_enterprises(user)
    on_page = (request.view_args or {}).get("enterprise_id") if has_request_context() else None
    ids = {e.id for e in enterprises}
    for wanted in (on_page, session.get(CURRENT_ENTERPRISE_KEY)):
        if wanted in ids:
            return int(wanted)
    return enterprises[0].id if enterprises else None
