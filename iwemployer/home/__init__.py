"""The home pages' own parts: the "Your tasks" block per role and the industry's name."""

from __future__ import annotations

from flask import Blueprint

from ..templating import template_globals
from .industries import industry_name
from .tasks import TaskKind

# No routes: the block is part of the enterprise home and the adviser's home.
bp = Blueprint("home", __name__)
template_globals(bp, TaskKind=TaskKind, industry_name=industry_name)
