"""gettext with the request's catalogue looked up once; dates formatted once per locale.

Flask-Babel finds the catalogue anew for every string: the context, the domain and the locale,
each through the `g` proxy, then its cache by the locale's name. That is 12 µs a string from
Python and 18 µs from a template, and a plan page translates some 400 strings. Here the catalogue
is kept on `g` next to the locale it was found for, so a `force_locale` (mail in the recipient's
language) or a `refresh` (a language chosen during the request) gets its own. Flask-Babel stays
the source of the locale, the catalogues and the formats; the app imports gettext from here.

Formatting a date through Babel takes 13 µs, and a list formats one or two a row. The days in
use are few (a few thousand across plans, requests and courses), so each day's text in a locale
and format is kept once made. A number's format pattern is parsed once (Babel parses it for every
number: 25 µs), and the number formatted with the request's locale.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern
from babel.support import NullTranslations
from flask import Flask, g, has_app_context
from flask_babel import LazyString, get_locale, get_translations, to_user_timezone
from flask_babel import format_date as babel_format_date
from jinja2.nodes import EvalContext
from jinja2.utils import pass_eval_context
from markupsafe import Markup

_KEPT = "_iw_catalogue"


def catalogue() -> NullTranslations:
    """The translations of the current locale (none outside an application context)."""
    if not has_app_context():
        return get_translations()
    namespace = vars(g._get_current_object())
    locale = _kept_locale(namespace)
    kept = namespace.get(_KEPT)
    if locale is not None and kept is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()  # sets the locale it looked up
    namespace[_KEPT] = (_kept_locale(namespace), translations)
    return translations


def locale() -> Locale | None:
    """Flask-Babel's `get_locale`, read straight from where it keeps it once looked up."""
    found = _kept_locale(vars(g._get_current_object())) if has_app_context() else None
    return found or get_locale()


def _kept_locale(namespace: dict[str, Any]) -> Locale | None:
    return getattr(namespace.get("_flask_babel"), "babel_locale", None)


def gettext(string: str, **variables: Any) -> str:
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return catalogue().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """Translated when used as text, in the language of that moment (labels, form fields)."""
    return LazyString(gettext, string, **variables)


def format_date(value: date | None = None, format: str | None = None) -> str:
    """Flask-Babel's `format_date` (a time is the user's local day), each text made once."""
    if value is None:
        return str(babel_format_date(value, format))
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    return _formatted_date(value, format, locale())


@lru_cache(maxsize=8192)
def _formatted_date(value: date, format: str | None, locale: Locale | None) -> str:
    # The locale is the request's (looked up above): in the key, it is not looked up again.
    return str(babel_format_date(value, format))


def format_decimal(number: Any, format: str | None = None) -> str:
    """Flask-Babel's `format_decimal`: the number in the locale's format, or in ``format``."""
    found = locale() or Locale.parse("nb")
    pattern = found.decimal_formats[None] if format is None else _pattern(format)
    return pattern.apply(number, found)


@lru_cache(maxsize=64)
def _pattern(format: str) -> NumberPattern:
    return parse_pattern(format)


@pass_eval_context
def _template_gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
    return _formatted(eval_ctx, catalogue().ugettext(string), variables)


@pass_eval_context
def _template_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any
) -> str:
    # A template may give num= too, for the text (the count of something else).
    variables.setdefault("num", num)
    return _formatted(eval_ctx, catalogue().ungettext(singular, plural, num), variables)


def _formatted(eval_ctx: EvalContext, text: str, variables: dict[str, Any]) -> str:
    # Jinja's new-style gettext: escaped in HTML, always a format string ("%%" is "%").
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704  the catalogues are ours, trusted as templates are
    return text % variables if variables or "%" in text else text


def init_app(app: Flask) -> None:
    """The templates' `_`, `gettext` and `ngettext`, as Jinja's new-style gettext that
    Flask-Babel installs. Jinja passes a function that takes the template's context a copy of
    it for every call in a loop (each row's labels): these take only the evaluation context."""
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext
    )
