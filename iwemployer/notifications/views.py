"""The signed-in user's own notifications; nothing here is about anyone else."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..extensions import db
from ..htmx import is_fragment_request
from . import services

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index() -> ResponseReturnValue:
    notes = services.recent(db.session(), current_user.id)
    return render_template("notifications/index.html", notes=notes, text=services.render_text)


@bp.get("/notifications/badge")
@login_required
def badge() -> ResponseReturnValue:
    if not is_fragment_request():
        return redirect(url_for("notifications.index"), code=303)
    return render_template("notifications/_badge.html")


@bp.post("/notifications/read")
@login_required
def mark_read() -> ResponseReturnValue:
    services.mark_all_read(db.session(), current_user.id)
    db.session.commit()
    return redirect(url_for("notifications.index"), code=303)
