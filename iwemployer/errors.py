"""The domain's one error type, and friendly error pages in the user's language (never a
traceback outside debug mode)."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    SecurityError,
    ServiceUnavailable,
    UnprocessableEntity,
)

from . import kept_forms
from .config import LANGUAGES
from .extensions import db
from .htmx import is_fragment_request
from .i18n import LANGUAGE_COOKIE, babel_locale, language_from_header

log = logging.getLogger("iwemployer.errors")


class DomainError(ValueError):
    """A rule refused a change: what to tell the user, at which field, with which HTTP status.

    Services raise it (or a subclass that views tell apart, such as a stale edit); views hand
    it to ``show_error`` in ``iwemployer/forms.py``, which puts it at the field, on the form or
    in a flash message.
    """

    def __init__(self, message: str, field: str | None = None, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status

    def __str__(self) -> str:
        return str(self.message)


TEMPLATES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/400.html",
    413: "errors/413.html",
    422: "errors/422.html",
    429: "errors/429.html",
    500: "errors/500.html",
}
# The database is down, hung or refusing connections: a passing condition, not a bug.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)


def is_same_origin() -> bool:
    """Did this request come from the site's own pages? Browsers say so in Sec-Fetch-Site, or
    else in Origin; a client that sends neither (not a browser) cannot be driven cross-site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin == request.host_url.rstrip("/")


def _page(template: str, status: int, **context: object) -> Response:
    response = make_response(render_template(template, **context), status)
    if is_fragment_request():
        # Show the message in place of the page rather than silently leaving the old content.
        response.headers["HX-Retarget"] = "body"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


def _without_database(status: int) -> Response:
    """An error page that needs no database: no signed-in user, no menu; the language from the
    cookie or the browser (the profile's choice would need the database)."""
    language = request.cookies.get(LANGUAGE_COOKIE) or language_from_header(
        request.accept_languages
    )
    if language not in LANGUAGES:
        language = language_from_header(request.accept_languages)
    # Nobody is signed in as far as the rest of this request goes (the after-request hooks ask).
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
    # Straight from the Jinja environment: render_template would run the context processors,
    # and Flask-Login's loads the signed-in user from the database.
    template = current_app.jinja_env.get_template("errors/standalone.html")
    with force_locale(babel_locale(language)):
        body = template.render(status=status, language=language)
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    if status == ServiceUnavailable.code:
        response.headers["Retry-After"] = "30"
    return response


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:
        db.session.remove()


def _refuse_nul_characters() -> None:
    """One input filter for every form and query parameter: a NUL character is never typed by a
    person, SQLite would store it and PostgreSQL refuses it (a 500). A page rather than a field
    error, so no form needs to know; the browser's back button still holds what was typed."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                log.warning("NUL character refused path=%s field=%.50s", request.path, key)
                raise UnprocessableEntity()


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul_characters)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> Response:
        log.warning("csrf failure path=%s reason=%s", request.path, error.description)
        if not is_same_origin():
            # A forged cross-site POST: no refilled form to resubmit in one click, and the
            # visitor's session cookie is left exactly as it was.
            g.keep_session_cookie = True
            return _page(TEMPLATES[400], 400)
        kept = kept_forms.submitted_fields(request.form)
        return _page(
            "errors/csrf.html",
            400,
            kept=kept,
            answers=kept_forms.labelled(kept),
            action=request.path,
        )

    @app.errorhandler(SecurityError)
    def _untrusted_host(error: SecurityError) -> Response:
        # Not the usual page: its links would read the untrusted Host again and fail.
        log.warning("untrusted host refused")
        return make_response(render_template("errors/untrusted_host.html"), 400)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        if status in (301, 302, 303, 307, 308):
            return error.get_response()
        template = TEMPLATES.get(status, "errors/400.html")
        return _page(template, status, error=error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if app.debug:
            raise error
        _rollback_quietly()
        if isinstance(error, DATABASE_UNAVAILABLE):
            # One line, no traceback: an outage would otherwise fill the log with them.
            log.error(
                "database unavailable on %s %s: %s",
                request.method,
                request.path,
                type(getattr(error, "orig", None) or error).__name__,
            )
            return _without_database(ServiceUnavailable.code)
        log.exception("unhandled error on %s %s", request.method, request.path)
        try:
            return _page(TEMPLATES[500], InternalServerError.code)
        except Exception:
            _rollback_quietly()
            return _without_database(InternalServerError.code)
