from __future__ import annotations

from flask import Blueprint, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """200 ``ok`` when the database answers, else 503; for load balancers, so no page chrome."""
    try:
        with db.new_session() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return Response("database unavailable", status=503, mimetype="text/plain")
    return Response("ok", mimetype="text/plain")
