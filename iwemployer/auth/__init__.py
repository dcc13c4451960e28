from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, current_app, flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import AnonymousUserMixin

from .. import kept_forms
from ..extensions import db, login_manager
from ..models import User
from ..translation import gettext as _
from ..translation import lazy_gettext as _l
from .services import HALF_SIGNED_IN, load_session_user
from .views import SECOND_STEP_ENDPOINTS, bp

__all__ = ["bp", "init_app"]


class Anonymous(AnonymousUserMixin):
    is_admin = False
    is_adviser = False
    is_employer = False
    locale = None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.anonymous_user = Anonymous

    @login_manager.unauthorized_handler
    def _unauthorized() -> ResponseReturnValue:
        back = request.full_path.rstrip("?") if request.method == "GET" else None
        expired_user_id = kept_forms.signed_in_before()
        fields = kept_forms.submitted_fields(request.form) if request.method == "POST" else []
        if fields and expired_user_id is not None:
            # The session ended while a form was open: keep what was typed, and come back to
            # the form after signing in.
            back = kept_forms.form_page()
            kept_forms.keep(expired_user_id, back, fields)
            message = _(
                "You were signed out because you had been away for a while. Sign in again: "
                "what you typed is kept."
            )
            flash(message, "info")
        target = url_for("auth.sign_in", next=back)
        half = g.get(HALF_SIGNED_IN)
        if half is not None:
            # The password is checked: what is missing is the second step, not the sign-in.
            target = url_for(SECOND_STEP_ENDPOINTS[half.second_step], next=back)
        if request.headers.get("HX-Request") == "true":
            # htmx would swap the sign-in page into a fragment; send the whole browser there.
            response = Response(status=401)
            response.headers["HX-Redirect"] = target
            return response
        if not fields or expired_user_id is None:
            flash(str(login_manager.login_message), "info")
        return redirect(target)

    @login_manager.user_loader
    def _load(token: str) -> User | None:
        idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
        session = db.session()
        lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
        user = load_session_user(session, token, idle, absolute_limit=lifetime)
        if session.dirty or session.deleted:
            # An expired session removed, or the last-seen time moved on: kept at once.
            session.commit()
        if user is not None and user.second_step is not None:
            # Password checked, second factor not yet: signed in to nothing but that step.
            g.setdefault(HALF_SIGNED_IN, user)
            return None
        return user
