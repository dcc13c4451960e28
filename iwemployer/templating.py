"""The one way an area offers functions and values (labels, enums) to every template."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask
from flask.templating import Environment


class FlatGlobalsEnvironment(Environment):
    """Flask's template environment, with each template's globals one plain dict (the
    environment's, then the template's own) instead of Jinja's ChainMap over both.

    Jinja rebuilds a render context from those globals for every template, include and macro
    import, and a ChainMap answers each of its ~120 keys in Python: on the plan page (an include
    and three macro imports per activity) that was a fifth of the rendering time. Jinja asks
    that globals not change once a template is loaded; ours are all set in ``create_app``
    (tests/test_templating.py checks that every loaded template has them all)."""

    def make_globals(self, d: Any = None) -> dict[str, Any]:
        return {**self.globals, **(d or {})}


def template_globals(owner: Flask | Blueprint, **helpers: Any) -> None:
    """Make ``helpers`` global in all templates: from the app (core) or an area's blueprint."""
    for name, helper in helpers.items():
        if isinstance(owner, Flask):
            owner.add_template_global(helper, name)
        else:
            owner.add_app_template_global(helper, name)
