from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..access import kind_required
from ..extensions import db
from ..home.tasks import adviser_tasks
from ..htmx import is_fragment_request, render_page_or_fragment
from ..models import UserKind
from .services import adviser_enterprises

bp = Blueprint("adviser", __name__)


def _page_number() -> int:
    try:
        return int(request.args.get("page", "1"))
    except ValueError:
        return 1


@bp.get("/enterprises")
@kind_required(UserKind.ADVISER)
def enterprises() -> ResponseReturnValue:
    query = request.args.get("q", "")[:100]
    result = adviser_enterprises(
        db.session(), current_user, query, _page_number(), current_app.config["PAGE_SIZE"]
    )
    today = date.today()
    # The search's fragment shows only the results: the tasks are computed for the page alone.
    tasks = None if is_fragment_request() else adviser_tasks(db.session(), current_user, today)
    return render_page_or_fragment(
        "adviser/enterprises.html",
        "adviser/_enterprise_results.html",
        result=result,
        query=query,
        today=today,
        tasks=tasks,
    )
