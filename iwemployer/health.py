from __future__ import annotations

from flask import Blueprint, Response, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import HEALTH_ENGINE_KEY

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """200 ``ok`` when the database answers, else 503; for load balancers, so no page chrome."""
    try:
        with current_app.extensions[HEALTH_ENGINE_KEY].connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return Response("database unavailable", status=503, mimetype="text/plain")
    return Response("ok", mimetype="text/plain")
