"""The one way an area offers functions and values (labels, enums) to every template."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask


def template_globals(owner: Flask | Blueprint, **helpers: Any) -> None:
    """Make ``helpers`` global in all templates: from the app (core) or an area's blueprint."""
    for name, helper in helpers.items():
        if isinstance(owner, Flask):
            owner.add_template_global(helper, name)
        else:
            owner.add_app_template_global(helper, name)
