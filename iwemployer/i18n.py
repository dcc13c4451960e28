"""Language: bokmål by default, nynorsk or English on request; the choice sticks (cookie and
profile)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

import flask_wtf.form
from flask import Blueprint, Flask, current_app, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, refresh
from flask_login import current_user

from . import translation
from .config import LANGUAGE_NAMES, LANGUAGES
from .extensions import babel, db
from .models import User
from .templating import template_globals

LANGUAGE_COOKIE = "iwemployer_lang"
DEFAULT_LANGUAGE = "nb"
# Browser language tags by their primary subtag. "no" (Norwegian, unspecified) means bokmål, the
# written standard most readers use; werkzeug's best_match would not relate "no" to "nb".
ACCEPTED_LANGUAGES = {"nb": "nb", "no": "nb", "nn": "nn", "en": "en"}
# The Babel locale of each language, for dates and numbers: British English (30 November 2026,
# 30/11/2026) for readers in Norway, not Babel's US default for "en".
BABEL_LOCALES = {"nb": "nb", "nn": "nn", "en": "en_GB"}
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    return babel_locale(select_language())


def babel_locale(language: str) -> str:
    """The locale Flask-Babel formats ``language`` in (``force_locale`` takes it too)."""
    return BABEL_LOCALES.get(language, language)


def select_language() -> str:
    if current_user.is_authenticated and current_user.locale in LANGUAGES:
        return str(current_user.locale)
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return str(chosen)
    if g.get("addressed_language") in LANGUAGES:
        return str(g.addressed_language)
    return language_from_header(request.accept_languages)


def address_in_language_of(user: User) -> None:
    """A page for someone not yet signed in (an invitation) speaks their language, unless the
    browser has chosen one with the language switch."""
    g.addressed_language = user.locale
    refresh()


def language_from_header(accepted: Iterable[tuple[str, float]]) -> str:
    """The first of the browser's languages (best quality first) that the site has."""
    for tag, quality in accepted:
        language = ACCEPTED_LANGUAGES.get(tag.replace("_", "-").split("-")[0].lower())
        if language and quality > 0:
            return language
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """The language code (nb, nn, en), whatever the locale its dates are formatted in."""
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


def init_app(app: Flask) -> None:
    root = Path(app.root_path)
    # Each blueprint may keep its own catalogue; Flask-Babel merges them.
    directories = sorted(str(p.relative_to(root)) for p in root.glob("**/translations"))
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", ";".join(directories))
    babel.init_app(app, locale_selector=select_locale)
    translation.init_app(app)
    # Flask-WTF gives every form this module-level object for WTForms' own messages; ours puts
    # them in the site's words and in nynorsk too (tests/forms checks it stays in place).
    from .forms import StockMessages  # the form kit imports this module (errors → i18n)

    flask_wtf.form.translations = StockMessages()
    template_globals(
        app,
        current_language=current_language,
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
    )


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths are followed after a form, never another host."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.post("/language")
def set_language() -> ResponseReturnValue:
    language = request.form.get("language", "")
    target = safe_next(request.form.get("next"), url_for("enterprise.index"))
    response = redirect(target, code=303)
    if language not in LANGUAGES:
        return response
    if current_user.is_authenticated:
        current_user.locale = language
        db.session.commit()
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
