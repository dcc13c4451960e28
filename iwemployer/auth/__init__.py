from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin

from ..extensions import db, login_manager
from ..models import User
from .services import load_session_user
from .views import bp

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

    @login_manager.user_loader
    def _load(token: str) -> User | None:
        idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
        return load_session_user(db.session(), token, idle)
