"""iwemployer.translation: Flask-Babel's answers, with the catalogue and dates looked up once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import flask_babel
import pytest
from flask import Flask
from flask_babel import force_locale, refresh
from jinja2 import Environment
from jinja2.ext import _make_new_gettext, _make_new_ngettext

from iwemployer import translation
from iwemployer.i18n import address_in_language_of
from iwemployer.models import User


def test_the_catalogue_follows_force_locale_and_refresh(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "nb"}):
        assert translation.gettext("Action plans") == "Handlingsplaner"
        with force_locale("en_GB"):
            assert translation.gettext("Action plans") == "Action plans"
            with force_locale("nn"):
                assert translation.gettext("Action plans") == flask_babel.gettext("Action plans")
        assert translation.gettext("Action plans") == "Handlingsplaner"
        # An invitation's page speaks the invited user's language (a refresh mid-request).
        address_in_language_of(User(locale="en"))
        assert translation.gettext("Action plans") == "Action plans"
        refresh()
        assert translation.gettext("Action plans") == "Action plans"


def test_gettext_outside_a_request_is_the_source_text(app: Flask) -> None:
    assert translation.gettext("Action plans") == "Action plans"
    assert translation.ngettext("%(num)d day", "%(num)d days", 2) == "2 days"


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_python_gettext_answers_as_flask_babel(app: Flask, language: str) -> None:
    with app.test_request_context(headers={"Accept-Language": language}):
        for n in (0, 1, 2, 21):
            ours = translation.ngettext("%(num)d day ago", "%(num)d days ago", n)
            assert ours == flask_babel.ngettext("%(num)d day ago", "%(num)d days ago", n)
        ours = translation.gettext("version %(version)d", version=3)
        assert ours == flask_babel.gettext("version %(version)d", version=3)
        assert str(translation.lazy_gettext("Action plans")) == flask_babel.gettext("Action plans")


SOURCES = [
    "Action plans",
    "100%% <b>sure</b>",
    "%(name)s wrote",
    "plain % sign%%",
]


@pytest.mark.parametrize("autoescape", [True, False])
def test_template_gettext_renders_as_jinja_new_style(app: Flask, autoescape: bool) -> None:
    """The same text as Jinja's own new-style gettext over the same catalogue: escaped in
    HTML, always a format string, variables escaped; in and out of loops and macros."""
    source = (
        "{% macro m(s) %}[{{ _(s, name='<i>') }}]{% endmacro %}"
        "{% for s in sources %}{{ _(s, name='<i>') }}|{{ gettext(s, name='x') }}|{{ m(s) }}|"
        "{{ ngettext('%(num)d day', '%(num)d days <b>', n) }}|"
        "{{ ngettext('%(num)s of one', '%(num)s of many', n, num='<i>') }}|"
        "{{ gettext('%(string)s', string='s') }}{% endfor %}"
    )
    with app.test_request_context(headers={"Accept-Language": "nb"}):
        # Both ways: Flask escapes its .html templates, Jinja leaves any other as it is.
        jinja = Environment(autoescape=autoescape, extensions=["jinja2.ext.i18n"])  # noqa: S701
        catalogue = translation.catalogue()
        jinja.globals.update(
            gettext=_make_new_gettext(catalogue.ugettext),
            ngettext=_make_new_ngettext(catalogue.ungettext),
        )
        ours = Environment(autoescape=autoescape, extensions=["jinja2.ext.i18n"])  # noqa: S701
        ours.globals.update(app.jinja_env.globals)
        for n in (1, 2):
            expected = jinja.from_string(source).render(sources=SOURCES, n=n)
            assert ours.from_string(source).render(sources=SOURCES, n=n) == expected


DAYS = [date(2026, 1, 1), date(2026, 5, 17), date(2026, 11, 30), date(2027, 2, 28)]
TIMES = [datetime(2026, 11, 30, 23, 30, tzinfo=UTC), datetime(2026, 6, 30, 22, 15, tzinfo=UTC)]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_format_date_answers_as_flask_babel(app: Flask, language: str) -> None:
    # The times are the next day in Oslo: a time is formatted as the user's local day.
    with app.test_request_context(headers={"Accept-Language": language}):
        for value in [*DAYS, *TIMES]:
            for format in (None, "short", "medium", "long", "full", "d. MMM"):
                for _twice in range(2):
                    expected = flask_babel.format_date(value, format)
                    assert translation.format_date(value, format) == expected
        with force_locale("en_GB"):
            assert translation.format_date(DAYS[2], "long") == "30 November 2026"
        assert translation.format_date(TIMES[0], "short") == flask_babel.format_date(
            date(2026, 12, 1), "short"
        )


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_format_decimal_answers_as_flask_babel(app: Flask, language: str) -> None:
    numbers = [Decimal("1234.56"), Decimal("-3.25"), 0, Decimal("0.05"), 1234567, 2.5]
    formats = (None, "#,##0.0", "+#,##0.0;−#,##0.0", "#,##0", "#,##0.#", "0.0")
    with app.test_request_context(headers={"Accept-Language": language}):
        for number in numbers:
            for format in formats:
                expected = flask_babel.format_decimal(number, format)
                assert translation.format_decimal(number, format) == expected
        with force_locale("en_GB"):
            assert translation.format_decimal(Decimal("1234.5"), "#,##0.0") == "1,234.5"
        if language != "en":
            assert (
                translation.format_decimal(Decimal("1234.5"), "#,##0.0") == "1\xa0234,5"
            )  # a no-break space
