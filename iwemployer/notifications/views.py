"""The signed-in user's own notifications; nothing here is about anyone else."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..htmx import finish, is_fragment_request
from . import services

bp = Blueprint("notifications", __name__)
# Reported whenever the signed-in user's read state changes; the header's badge listens for it.
CHANGED = "notifications-changed"


@bp.get("/notifications")
@login_required
def index() -> ResponseReturnValue:
    page = services.recent(db.session(), current_user, request.args.get("page", 1, type=int))
    return render_template(
        "notifications/index.html", notes=page.items, page=page, text=services.render_text
    )


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
    return finish(
        _("All notifications are marked as read."),
        url_for("notifications.index"),
        page="notifications/index.html",
        fragment="notifications/_list.html",
        trigger=CHANGED,
        notes=services.recent(db.session(), current_user).items,
        text=services.render_text,
    )
