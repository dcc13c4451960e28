"""htmx helpers: one place decides between a whole page and the fragment htmx swaps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, flash, make_response, redirect, render_template, request
from werkzeug.wrappers import Response


def is_fragment_request() -> bool:
    """True for htmx requests that swap a fragment; boosted navigation gets whole pages."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        # Back/forward to a pushed URL (historyCacheSize 0) reloads the whole page through htmx.
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_fragment(
    page: str, fragment: str, status: int = 200, trigger: str | None = None, **context: Any
) -> Response:
    """Render ``page``, or ``fragment`` alone for htmx; send ``Vary: HX-Request`` either way."""
    template = fragment if is_fragment_request() else page
    response = make_response(render_template(template, **context), status)
    if trigger:
        response.headers["HX-Trigger"] = trigger
    return response


def finish(
    message: str,
    url: str,
    page: str | None = None,
    fragment: str | None = None,
    trigger: str | None = None,
    region: Callable[[], dict[str, Any]] | None = None,
    **context: Any,
) -> Response:
    """A successful change: htmx gets ``fragment`` (and ``trigger``), a plain form a flash
    message and a 303 to ``url`` (post/redirect/get). ``region`` gives more of the fragment's
    context, read only when the fragment is sent (a plain form's redirect needs none of it)."""
    if fragment is not None and is_fragment_request():
        if region is not None:
            context = {**context, **region()}
        return render_page_or_fragment(
            page or fragment, fragment, trigger=trigger, notice=message, **context
        )
    flash(message, "success")
    return redirect(url, code=303)


def init_app(app: Flask) -> None:
    @app.after_request
    def _vary(response: Response) -> Response:
        # Any URL may answer htmx with a fragment, so caches must key on the header everywhere.
        response.vary.add("HX-Request")
        return response
