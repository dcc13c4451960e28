"""The form kit every area shares: choices, and one way to show a domain error to the user."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from .errors import DomainError


def choice(value: object, label: Any) -> Any:
    """One option of a select or radio field (WTForms 3.3 deprecates plain tuples)."""
    return SelectChoice(value="" if value is None else str(value), label=label)


def show_error(error: DomainError, form: FlaskForm | None = None) -> None:
    """At the field it names, else at the top of ``form``, else as a flash message."""
    if form is None:
        flash(str(error), "error")
        return
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))
