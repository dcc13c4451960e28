"""Response headers for every response (OWASP ASVS 5.0 V3)."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


# Public pages that must not be cached either: the invitation page's address is a credential.
NO_STORE_ENDPOINTS = {"auth.accept_invitation"}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a response may leave the cookie untouched
    (``g.keep_session_cookie``): a refused cross-site request must not replace it."""

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if g.get("keep_session_cookie"):
            return False
        return super().should_set_cookie(app, session)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.after_request(_set_headers)


def _set_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    # Only a user this request already loaded: loading one here would need the database, which
    # may be what failed (the error page must still get its headers).
    user = g.get("_login_user")
    if request.endpoint in NO_STORE_ENDPOINTS or (
        user is not None and user.is_authenticated and not request.path.startswith("/static/")
    ):
        # Pages with an enterprise's data must not linger in shared caches or the back button.
        headers["Cache-Control"] = "no-store"
    return response
