"""The signed-in user's own notifications; nothing here is about anyone else."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..access import get_or_404
from ..extensions import db
from ..htmx import finish, is_fragment_request
from ..models import Notification
from ..translation import gettext as _
from . import services

bp = Blueprint("notifications", __name__)
# Reported whenever the signed-in user's read state changes; the header's badge listens for it.
CHANGED = "notifications-changed"


@bp.get("/notifications")
@login_required
def index() -> ResponseReturnValue:
    page = services.recent(db.session(), current_user, request.args.get("page", 1, type=int))
    return render_template(
        "notifications/index.html",
        notes=page.items,
        groups=services.grouped(page.items),
        page=page,
        text=services.render_text,
    )


@bp.get("/notifications/<int:note_id>/open")
@login_required
def open_note(note_id: int) -> ResponseReturnValue:
    """Follow a notice's link and mark it read: only the user's own notices are found."""
    note = get_or_404(Notification, note_id, "change", user_id=current_user.id)
    services.mark_read(db.session(), current_user.id, note.id)
    db.session.commit()
    # The links are the site's own paths; anything else goes to the list.
    target = note.url if note.url.startswith("/") and not note.url.startswith("//") else ""
    return redirect(target or url_for("notifications.index"), code=303)


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
    newest = services.recent(db.session(), current_user).items
    return finish(
        _("All notifications are marked as read."),
        url_for("notifications.index"),
        page="notifications/index.html",
        fragment="notifications/_list.html",
        trigger=CHANGED,
        notes=newest,
        groups=services.grouped(newest),
        text=services.render_text,
    )
