"""The access matrix: every route × every persona × own / foreign enterprise × plain / htmx.

Each area lists its routes as ``RouteCase``s in ``tests/<area>/access_cases.py`` (variable
``CASES``); ``tests/test_access_matrix.py`` runs them all and fails for any route of the app
that is neither public nor listed.

Personas come from the demo data: the Nordlys people and the Oslo adviser are "own" for
Nordlys Omsorg AS; Fjellbygg AS (Vestland) is the foreign enterprise for all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS: dict[str, str | None] = {
    "signed_out": None,
    "manager": "leder@nordlys.example",
    "safety_delegate": "verneombud@nordlys.example",
    "union_rep": "tillitsvalgt@nordlys.example",
    "occupational_health": "bht@helsepartner.example",
    "adviser": "radgiver.oslo@nav.example",
    "admin": "admin@nav.example",
}
EMPLOYER_SIDE = frozenset({"manager", "safety_delegate", "union_rep", "occupational_health"})
EVERYONE = EMPLOYER_SIDE | {"adviser", "admin"}
ADMIN = frozenset({"admin"})
ADVISER = frozenset({"adviser"})

# A target builder gets the World fixture and returns (url, form data).
Target = Callable[[Any], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class RouteCase:
    endpoint: str
    method: str
    own: Target
    allowed: frozenset[str]
    # The same route aimed at Fjellbygg AS; None for routes not about one enterprise.
    foreign: Target | None = None
    # What a permitted persona may get back (a successful page, redirect or validation error).
    ok_statuses: frozenset[int] = field(default_factory=lambda: frozenset({200, 303, 422}))
    # Personas that are not allowed and cannot see the record get 404 instead of 403.
    hidden_from: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}"
