"""Templates' globals are one plain dict (templating.FlatGlobalsEnvironment): every template
loaded while pages are served must still see every global the app registered, with macros
imported into per-row includes seeing them too."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from iwemployer.models import ActionPlan
from iwemployer.templating import FlatGlobalsEnvironment
from tests.conftest import WebClient, World


def test_every_loaded_template_has_every_global(
    app: Flask, world: World, client: WebClient
) -> None:
    assert isinstance(app.jinja_env, FlatGlobalsEnvironment)
    client.login_as(world.user("leder@nordlys.example"))
    plan = world.session.scalars(
        select(ActionPlan).where(ActionPlan.enterprise_id == world.nordlys.id)
    ).first()
    assert plan is not None
    page = client.get(f"/enterprises/{world.nordlys.id}/plans/{plan.id}")
    assert page.status_code == 200
    # The activity rows import macros that call globals (csrf_field → csrf_token, plan_url).
    assert 'name="csrf_token"' in page.text and "activity__title" in page.text
    assert app.jinja_env.cache is not None
    loaded = list(app.jinja_env.cache.values())
    assert loaded, "no template was loaded"
    registered = app.jinja_env.globals
    for template in loaded:
        assert isinstance(template.globals, dict)
        missing = [k for k, v in registered.items() if template.globals.get(k) is not v]
        assert not missing, f"{template.name} lacks {missing}"
