"""The form kit's length check, the kept answers and their labels, and the locales dates are
formatted in."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask_babel import format_date, get_locale
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import Optional

from iwemployer.forms import MaxLength, Required
from iwemployer.i18n import babel_locale, current_language
from iwemployer.kept_forms import labelled, submitted_fields


class _NoteForm(FlaskForm):
    class Meta:
        csrf = False

    note = TextAreaField("Note", validators=[MaxLength(4000)])
    title = StringField("Title", validators=[MaxLength(20)])


def _errors(app: Flask, language: str, data: dict[str, str]) -> dict[str, list[str]]:
    with app.test_request_context(method="POST", data=data, headers={"Accept-Language": language}):
        form = _NoteForm()
        form.validate()
        return {name: list(errors) for name, errors in form.errors.items()}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nb", "«Note» er lengre enn 4\u00a0000 tegn (nå 5\u00a0000)."),
        ("nn", "«Note» er lengre enn 4\u00a0000 teikn (no 5\u00a0000)."),
        ("en", "“Note” is longer than 4,000 characters (now 5,000)."),
    ],
)
def test_a_too_long_text_names_the_field_and_the_limit(
    app: Flask, language: str, message: str
) -> None:
    assert _errors(app, language, {"note": "x" * 5000}) == {"note": [message]}


class _MeetingForm(FlaskForm):
    class Meta:
        csrf = False

    purpose = TextAreaField("Purpose of the meeting", validators=[Required()])
    week = IntegerField("Week", validators=[Optional()])


@pytest.mark.parametrize(
    ("language", "required", "not_a_number"),
    [
        ("nb", "Fyll ut «Purpose of the meeting».", "Skriv et helt tall."),
        ("nn", "Fyll ut «Purpose of the meeting».", "Skriv eit heilt tal."),
        ("en", "Fill in “Purpose of the meeting”.", "Enter a whole number."),
    ],
)
def test_required_fields_and_wtforms_own_messages_are_in_the_sites_words(
    app: Flask, language: str, required: str, not_a_number: str
) -> None:
    # Not WTForms' bundled "Dette feltet er påkrevd." / "Ikke en gyldig heltallsverdi" (and
    # English in nynorsk, which it has no catalogue for).
    with app.test_request_context(
        method="POST", data={"purpose": " ", "week": "uke 3"}, headers={"Accept-Language": language}
    ):
        form = _MeetingForm()
        form.validate()
        assert form.errors == {"purpose": [required], "week": [not_a_number]}


def test_the_limit_itself_is_allowed_and_a_line_break_counts_once(app: Flask) -> None:
    assert _errors(app, "nb", {"note": "x" * 4000}) == {}
    # Browsers send a line break as CR LF; the counter counts it as one, and so does the check.
    assert _errors(app, "nb", {"note": "x\r\n" * 2000}) == {}
    assert "note" in _errors(app, "nb", {"note": "x\r\n" * 2001})


def test_kept_answers_leave_out_passwords_tokens_and_oversized_values() -> None:
    form = MultiDict(
        [
            ("csrf_token", "t"),
            ("password", "secret"),
            ("new_password", "secret2"),
            ("job_title", "Renholder"),
            ("open_to_trial", "y"),
            ("requirements", "x" * 10_001),
        ]
    )
    assert submitted_fields(form) == [("job_title", "Renholder"), ("open_to_trial", "y")]


def test_kept_answers_are_shown_by_their_labels_without_hidden_fields(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "nb"}):
        shown = labelled(
            [
                ("form_token", "abc123"),
                ("job_title", "Renholder"),
                ("positions", "2"),
                ("not_a_field", "x"),
            ]
        )
    labels = dict(shown)
    assert labels.get("Stillingstittel") == "Renholder"
    assert labels.get("Antall stillinger") == "2"
    assert "abc123" not in labels.values() and "x" not in labels.values()
    assert not any(label in {"job_title", "form_token", "not_a_field"} for label in labels)


def test_english_formats_dates_as_in_britain_and_keeps_its_language_code(app: Flask) -> None:
    assert babel_locale("en") == "en_GB" and babel_locale("nb") == "nb"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(get_locale()) == "en_GB"
        assert current_language() == "en"
        assert format_date(date(2026, 11, 30), "long") == "30 November 2026"
        assert format_date(date(2026, 11, 30), "short") == "30/11/2026"
    with app.test_request_context(headers={"Accept-Language": "nn"}):
        assert current_language() == "nn"
        assert format_date(date(2026, 11, 30), "long") == "30. november 2026"
