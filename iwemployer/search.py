"""Choosing one of many records: a search field with suggestions, never a ``<select>`` of them all.

The field is a text input. As the person types, htmx asks an endpoint of the area for a few
matches and puts them in the field's ``<datalist>`` (``SearchField.attributes``). Without
JavaScript the text is sent as typed and the server resolves it (``find_enterprise``): an
organisation number, a suggestion as written, a whole name, or a part of a name that only one
enterprise has; otherwise the error at the field names the candidates, which the page offers
again in the datalist. Every search runs within a scope the caller gives (``scoped(Enterprise)``):
an adviser finds their centre's enterprises only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import ColumnElement, Select, case, func, or_
from sqlalchemy.orm import Session

from . import orgnr
from .errors import DomainError
from .models import Enterprise, User
from .translation import lazy_gettext as _l

SUGGESTIONS = 10
MAX_SEARCH_LENGTH = 100
# Candidates an ambiguous answer names in its message (the datalist offers all it found).
NAMED = 3
# "Nordlys Omsorg AS (987 654 325)": how a suggestion writes an enterprise.
_NUMBER_IN_PARENTHESES = re.compile(r"\(([\d ]+)\)\s*$")


@dataclass(frozen=True)
class SearchField:
    """A text field with suggestions: its ``name`` and the endpoint that suggests."""

    name: str
    suggest: str

    @property
    def list_id(self) -> str:
        return f"{self.name}-suggestions"

    def attributes(self) -> dict[str, str]:
        """The input's attributes: htmx asks for suggestions as the person types."""
        return {
            "list": self.list_id,
            "hx-get": url_for(self.suggest),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{self.list_id}",
            "hx-swap": "innerHTML",
            "autocomplete": "off",
            "spellcheck": "false",
        }


class Ambiguous(DomainError):
    """Several records match the text: the page offers them (``candidates``) to choose from."""

    def __init__(self, message: Any, field: str | None, candidates: list[tuple[str, str]]) -> None:
        super().__init__(message, field)
        self.candidates = candidates


def enterprise_label(enterprise: Enterprise) -> str:
    """An enterprise as a suggestion writes it, and as ``find_enterprise`` reads it back."""
    return f"{enterprise.name} ({orgnr.display(enterprise.org_number)})"


def enterprise_options(enterprises: list[Enterprise]) -> list[tuple[str, str]]:
    """Datalist options: the value sent is the label itself."""
    return [(enterprise_label(e), enterprise_label(e)) for e in enterprises]


def contains(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with LIKE's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def enterprise_matches(q: str) -> ColumnElement[bool]:
    """The name, or (for digits) the organisation number, contains ``q`` (already trimmed)."""
    conditions: list[ColumnElement[bool]] = [Enterprise.name.ilike(contains(q), escape="\\")]
    digits = orgnr.normalise(q)
    if digits.isascii() and digits.isdigit():
        conditions.append(Enterprise.org_number.contains(digits, autoescape=True))
    return or_(*conditions)


def user_matches(q: str) -> ColumnElement[bool]:
    """The person's name or e-mail address contains ``q`` (already trimmed)."""
    pattern = contains(q)
    return or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\"))


def user_options(users: list[User]) -> list[tuple[str, str]]:
    """Datalist options: the address is sent, the name shown with it."""
    return [(u.email, f"{u.name} ({u.email})") for u in users]


def suggest_enterprises(session: Session, scope: Select[Enterprise], q: str) -> list[Enterprise]:
    """A few enterprises of ``scope`` whose name or organisation number contains ``q``."""
    q = q.strip()[:MAX_SEARCH_LENGTH]
    if not q:
        return []
    return list(
        session.scalars(
            scope.where(enterprise_matches(q))
            .order_by(Enterprise.name, Enterprise.id)
            .limit(SUGGESTIONS)
        )
    )


def find_enterprise(
    session: Session, scope: Select[Enterprise], text: str, field: str
) -> Enterprise:
    """The one enterprise of ``scope`` that ``text`` names; else a ``DomainError`` at ``field``
    (``Ambiguous``, with the candidates, when several match)."""
    q = text.strip()[:MAX_SEARCH_LENGTH]
    if not q:
        raise DomainError(_l("Type the enterprise's name or organisation number."), field)
    written = _NUMBER_IN_PARENTHESES.search(q)
    digits = orgnr.normalise(written.group(1) if written else q)
    if len(digits) == 9 and digits.isascii() and digits.isdigit():
        found = session.scalar(scope.where(Enterprise.org_number == digits))
        if found is None:
            raise DomainError(
                _l(
                    "No enterprise you can choose has the organisation number %(number)s.",
                    number=orgnr.display(digits),
                ),
                field,
            )
        return found
    # A whole name first (one name may be part of another), then by name.
    whole_name = func.lower(Enterprise.name) == q.lower()
    matches = list(
        session.scalars(
            scope.where(Enterprise.name.ilike(contains(q), escape="\\"))
            .order_by(case((whole_name, 0), else_=1), Enterprise.name, Enterprise.id)
            .limit(SUGGESTIONS)
        )
    )
    if not matches:
        raise DomainError(
            _l("No enterprise matches “%(text)s”. Type part of the name or the number.", text=q),
            field,
        )
    named = [m for m in matches if m.name.lower() == q.lower()]
    if len(matches) == 1 or len(named) == 1:
        return named[0] if named else matches[0]
    raise Ambiguous(
        _l(
            "Several enterprises match “%(text)s”, among them %(names)s. Choose one of the "
            "suggestions, or type more of the name or the organisation number.",
            text=q,
            names=", ".join(enterprise_label(m) for m in matches[:NAMED]),
        ),
        field,
        enterprise_options(matches),
    )
