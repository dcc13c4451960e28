"""The form kit every area shares: choices, select fields of ids and enums, and one way to
show a domain error to the user."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from flask import flash
from flask_babel import get_translations
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, Field, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError
from wtforms.widgets import TextInput

from .access import MAX_ID
from .errors import DomainError
from .health_words import HealthDetailsWarning
from .search import Ambiguous
from .translation import format_decimal, gettext
from .translation import lazy_gettext as _l

E = TypeVar("E", bound=StrEnum)

# One range for every date a person types: nothing in an IW cooperation lies outside it, and
# years such as 0001 or 9999 break the date arithmetic of the pages that show them.
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def choice(value: object, label: Any) -> Any:
    """One option of a select or radio field (WTForms 3.3 deprecates plain tuples)."""
    return SelectChoice(value="" if value is None else str(value), label=label)


def blank_choice(label: Any) -> Any:
    """The "Choose …" or "None" option that stands for no value."""
    return choice(None, label)


def show_error(error: DomainError, form: FlaskForm | None = None) -> None:
    """At the field it names, else at the top of ``form``, else as a flash message."""
    if form is None:
        flash(str(error), "error")
        return
    if isinstance(error, HealthDetailsWarning):
        # macros/forms.html's health_confirmation shows the box that sends the text anyway.
        form.health_warning = True
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
        if isinstance(error, Ambiguous):
            # A search field offers the candidates in its datalist (macros/search.html).
            field.suggestions = error.candidates
    else:
        form.form_errors.append(str(error))


class HealthDetailsConfirmation:
    """Mixed into a form of free text checked by ``check_health_details``: the box a user ticks
    to send text the word list took for health details."""

    no_health_details = BooleanField(_l("The text holds no health details about named employees"))


def optional_id(value: object) -> int | None:
    """The id a <select> sent: None for the blank choice; ValueError for anything not an id
    (ids beyond a 32-bit integer column are typing mistakes or tampering)."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 10:
            raise ValueError(value)
        number = int(text)
    if not 0 < number <= MAX_ID:
        raise ValueError(value)
    return number


def enum_or_none(enum: type[E]) -> Callable[[object], E | None]:
    def coerce(value: object) -> E | None:
        if value is None or value == "":
            return None
        return enum(str(value))  # ValueError for an unknown value

    return coerce


class IdSelectField(SelectField):
    """A <select> of records by id; an invalid or unknown value gets ``message``, not a crash."""

    def __init__(
        self, label: Any, validators: list[Any] | None = None, *, message: Any, **kwargs: Any
    ) -> None:
        super().__init__(label, validators, coerce=optional_id, **kwargs)
        self.invalid_value_message = message
        self.invalid_choice_message = message
        self.type = "SelectField"  # styled as a select by macros/forms.html


class EnumSelectField(SelectField):
    """A <select> of an enum's members with their labels, optionally after a blank choice."""

    def __init__(
        self,
        label: Any,
        enum: type[StrEnum],
        labels: dict[Any, Any],
        validators: list[Any] | None = None,
        *,
        message: Any,
        blank: Any = None,
        **kwargs: Any,
    ) -> None:
        options = [blank_choice(blank)] if blank is not None else []
        options += [choice(member.value, labels[member]) for member in enum]
        super().__init__(label, validators, coerce=enum_or_none(enum), **kwargs)
        self.choices = options
        self.invalid_value_message = message
        self.invalid_choice_message = message
        self.type = "SelectField"  # styled as a select by macros/forms.html


class BoundedDateField(DateField):
    """Every date input: ISO (the date picker) or dd.mm.yyyy (typed), surrounding spaces ignored,
    within ``EARLIEST_DATE``..``LATEST_DATE``. Only spaces counts as no date: a required field
    says "Enter a date.", an ``Optional()`` one is left empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", ["%Y-%m-%d", "%d.%m.%Y"])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = str(valuelist[0]).strip()
        if not text:
            self.data = None
            if valuelist[0]:
                raise ValueError(gettext("Enter a date."))
            return
        super().process_formdata([text])
        if self.data is not None and not EARLIEST_DATE <= self.data <= LATEST_DATE:
            self.data = None
            raise ValueError(gettext("Enter a date between 1990 and 2199."))


class WholeNumberField(IntegerField):
    """A whole number typed in a text box (not ``type="number"``, which browsers let a wheel
    or an arrow key change); spaces between thousands ("1 200") are fine. ``message`` replaces
    the shared "Enter a whole number." where the field has a range to name."""

    widget = TextInput()

    def __init__(
        self, label: Any, validators: list[Any] | None = None, *, message: Any = None, **kwargs: Any
    ) -> None:
        # The digits keyboard on a phone, as a number input would give.
        kwargs["render_kw"] = {"inputmode": "numeric", **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, **kwargs)
        self.invalid_value_message = message

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            valuelist = ["".join(str(valuelist[0]).split())]
        super().process_formdata(valuelist)


class MaxLength(Length):
    """At most ``max`` characters, said at the field with its label and the numbers in the
    user's language (WTForms' own message reads "lenger enn 4000 tegn" in bokmål and is English
    in nynorsk). Inputs get ``data-maxlength`` and a counter from ``macros/forms.html`` instead
    of a hard ``maxlength``, which would cut pasted text without a word."""

    def __init__(self, max: int) -> None:
        super().__init__(max=max)

    def __call__(self, form: Any, field: Field) -> None:
        # A line break counts as one, as the counter shows it (browsers send CR LF).
        length = len((field.data or "").replace("\r\n", "\n"))
        if length > self.max:
            raise ValidationError(
                gettext(
                    "“%(field)s” is longer than %(max)s characters (now %(length)s).",
                    field=field.label.text,
                    max=format_decimal(self.max),
                    length=format_decimal(length),
                )
            )


class Required(DataRequired):
    """A field that must be filled in; its message names the field ("Fill in “Purpose of the
    meeting”."), as the error summary lists it away from the field. A ``message`` given still
    wins."""

    def __call__(self, form: Any, field: Field) -> None:
        try:
            super().__call__(form, field)
        except StopValidation:
            if self.message is not None:
                raise
            raise StopValidation(gettext("Fill in “%(field)s”.", field=field.label.text)) from None


# WTForms' own messages (a value that is not a date or a number, a required field) in the site's
# words: its bundled catalogues have no nynorsk, and its bokmål reads as a library's.
STOCK_MESSAGES = {
    "This field is required.": _l("This field must be filled in."),
    "Not a valid date value.": _l("Enter a date like 30.11.2026."),
    "Not a valid datetime value.": _l("Enter a date and a time like 30.11.2026 09:00."),
    "Not a valid time value.": _l("Enter a time like 09:00."),
    "Not a valid integer value.": _l("Enter a whole number."),
    "Not a valid decimal value.": _l("Enter a number."),
    "Not a valid float value.": _l("Enter a number."),
    "Not a valid choice.": _l("Choose one of the options."),
    "Invalid email address.": _l("Enter an e-mail address like name@example.no."),
}


class StockMessages:
    """The translations object Flask-WTF hands to WTForms (``i18n.init_app`` installs it)."""

    def gettext(self, string: str) -> str:
        mine = STOCK_MESSAGES.get(string)
        return str(mine) if mine is not None else gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Unformatted: WTForms fills in its own placeholders.
        return str(get_translations().ungettext(singular, plural, n))
