"""Closing and reopening the first-visit introduction; the blocks themselves are part of each
role's home page."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..extensions import db
from ..htmx import finish
from ..models import utcnow
from ..templating import template_globals
from ..translation import gettext as _
from .industries import industry_name
from .introduction import (
    Introduction,
    dismiss_introduction,
    introduction_for,
    show_introduction_again,
)
from .tasks import TaskKind

bp = Blueprint("home", __name__)
template_globals(
    bp,
    TaskKind=TaskKind,
    industry_name=industry_name,
    Introduction=Introduction,
    introduction_for=introduction_for,
)


@bp.post("/introduction/dismiss")
@login_required
def dismiss() -> ResponseReturnValue:
    dismiss_introduction(current_user, utcnow())
    db.session().commit()
    # htmx swaps the panel for this short note in place; a plain form gets it as a message.
    return finish(
        _(
            "The introduction is closed. “Show the introduction” at the bottom of the page"
            " brings it back."
        ),
        url_for("enterprise.index"),
        fragment="home/_introduction_closed.html",
    )


@bp.post("/introduction/show")
@login_required
def show() -> ResponseReturnValue:
    show_introduction_again(current_user)
    db.session().commit()
    return redirect(url_for("enterprise.index"), code=303)
