"""Forms of the action plan. CSRF comes from the app-wide CSRFProtect (``csrf_field()`` in the
templates), so several forms with their own prefix can share a page and an htmx fragment."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    Field,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import HiddenInput, TextInput

from ..forms import BoundedDateField, HealthDetailsConfirmation, MaxLength, choice
from ..models import ActivityStatus, Decision, Responsible
from ..translation import format_decimal, gettext
from ..translation import lazy_gettext as _l
from .labels import ACTIVITY_STATUS_LABELS, RESPONSIBLE_LABELS
from .proposals import MAX_REASON
from .services import MAX_TEXT, MAX_TITLE

INCOMPLETE = _l("The form was incomplete. Reload the page and try again.")


class NoCsrfForm(FlaskForm):
    class Meta:
        csrf = False


# Digits with at most one decimal comma or point: "7,2", "7.2", "12". No signs, exponents or
# thousands separators, so nothing typed is read as another number than the one meant.
PERCENT_PATTERN = re.compile(r"\d{1,3}(?:[.,]\d+)?")


class PercentField(DecimalField):
    """A percentage typed the Norwegian way ("7,2") or the English way ("7.2"), "%" allowed.

    A text field, not ``type="number"``: browsers read a decimal comma in a number field
    differently (one kept "7,2" as 72), so the server alone reads the number."""

    widget = TextInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = str(valuelist[0]).strip().removesuffix("%").strip()
        if not text:
            self.data = None
            return
        if not PERCENT_PATTERN.fullmatch(text):
            self.data = None
            raise ValueError(gettext("Enter a number between 0 and 100, such as 7,2."))
        self.data = Decimal(text.replace(",", "."))

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        return str(format_decimal(self.data, "0.0"))


class PlanDateField(BoundedDateField):
    """An ``<input type="date">``; an empty value is left to ``InputRequired`` alone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_value_message = _l("Enter a date such as 31.12.2027.")


class HiddenIntegerField(IntegerField):
    """A counter the page sends back (a revision, a version); never typed by the user."""

    widget = HiddenInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(INCOMPLETE)) from None


def _revision() -> IntegerField:
    return HiddenIntegerField(validators=[InputRequired(message=INCOMPLETE)])


def _date(label: Any) -> DateField:
    return PlanDateField(
        label,
        validators=[InputRequired(message=_l("Enter a date."))],
    )


def _title() -> StringField:
    return StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Enter a title.")),
            MaxLength(MAX_TITLE),
        ],
    )


class PeriodForm(NoCsrfForm):
    period_start = _date(_l("The plan starts"))
    period_end = _date(_l("The plan ends"))

    def validate_period_end(self, field: Field) -> None:
        if self.period_start.data and field.data and field.data <= self.period_start.data:
            raise ValidationError(_l("The period must end after it starts."))


class GoalsForm(PeriodForm):
    sick_leave_baseline_pct = PercentField(
        _l("Sick leave at the start (percent)"),
        places=1,
        validators=[
            Optional(),
            NumberRange(0, 100, message=_l("Enter a percentage between 0 and 100.")),
        ],
        description=_l("The enterprise's sick-leave rate when the plan starts, such as 7,2."),
    )
    sick_leave_target_pct = PercentField(
        _l("Sick-leave target (percent)"),
        places=1,
        validators=[
            Optional(),
            NumberRange(0, 100, message=_l("Enter a percentage between 0 and 100.")),
        ],
        description=_l("The rate the parties aim for by the end of the period, such as 5,5."),
    )
    goals = TextAreaField(
        _l("Other goals"),
        validators=[Optional(), MaxLength(MAX_TEXT)],
        description=_l("What else the parties want to achieve, in their own words."),
    )
    revision = _revision()


class ThemeForm(NoCsrfForm):
    title = _title()
    revision = _revision()


class NewThemeForm(NoCsrfForm):
    title = StringField(
        _l("Name of a new theme"),
        validators=[
            DataRequired(message=_l("Enter a title.")),
            MaxLength(MAX_TITLE),
        ],
    )


RESPONSIBLE_CHOICES = [choice(r.value, RESPONSIBLE_LABELS[r]) for r in Responsible]
STATUS_CHOICES = [choice(s.value, ACTIVITY_STATUS_LABELS[s]) for s in ActivityStatus]
NOT_A_CHOICE = _l("Choose one of the options.")


def _select(label: Any, **options: Any) -> SelectField:
    """A select whose wrong values are refused in the user's language, not WTForms' English."""
    options.setdefault("invalid_choice_message", NOT_A_CHOICE)
    if options.get("coerce") is int:
        options.setdefault("invalid_value_message", NOT_A_CHOICE)
    return SelectField(label, **options)


class ActivityForm(NoCsrfForm):
    title = _title()
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), MaxLength(MAX_TEXT)],
    )
    responsible = _select(
        _l("Responsible"),
        choices=RESPONSIBLE_CHOICES,
        validators=[InputRequired(message=_l("Choose who is responsible."))],
    )
    start_date = _date(_l("Start"))
    end_date = _date(_l("End"))

    def validate_end_date(self, field: Field) -> None:
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


class ActivityEditForm(ActivityForm):
    theme_id = _select(_l("Theme"), coerce=int, validators=[InputRequired(NOT_A_CHOICE)])
    status = _select(_l("Status"), choices=STATUS_CHOICES, validators=[InputRequired(NOT_A_CHOICE)])
    revision = _revision()


class StatusForm(NoCsrfForm):
    status = _select(_l("Status"), choices=STATUS_CHOICES, validators=[InputRequired(NOT_A_CHOICE)])
    revision = _revision()


class MoveForm(NoCsrfForm):
    direction = HiddenField(validators=[AnyOf(["up", "down"], message=INCOMPLETE)])


class SendForm(NoCsrfForm):
    row_version = _revision()
    # "1" from the manager's "Confirm and send" button.
    confirm = HiddenField(default="")


class RequiredToDecline:
    """A decline needs its reason (labelled as required); a confirmation sends none."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Field) -> None:
        if form.decision.data == Decision.DECLINED.value and not (field.data or "").strip():
            raise StopValidation(_l("Say why you decline, so the others can change the plan."))
        if not (field.data or "").strip():
            raise StopValidation()


class DecisionForm(NoCsrfForm):
    version = _revision()
    decision = HiddenField(
        validators=[AnyOf([d.value for d in Decision], message=INCOMPLETE)],
        default=Decision.CONFIRMED.value,
    )
    reason = TextAreaField(
        _l("Why do you decline?"),
        validators=[RequiredToDecline(), MaxLength(MAX_TEXT)],
        description=_l("The others see your reason and can change the plan."),
    )


class CommentForm(HealthDetailsConfirmation, NoCsrfForm):
    text = TextAreaField(
        _l("Comment"),
        validators=[
            DataRequired(message=_l("Write a comment.")),
            MaxLength(MAX_TEXT),
        ],
    )
    activity_id = _select(
        _l("About"),
        coerce=int,
        default=0,
    )
    back = HiddenField(default="plan")


# --- proposals from the parties --------------------------------------------------------------


def _why() -> TextAreaField:
    return TextAreaField(
        _l("Why"),
        validators=[DataRequired(message=_l("Say briefly why.")), MaxLength(MAX_REASON)],
        description=_l("A few words for the manager and the contact person, who answer."),
    )


class ActivityProposalForm(HealthDetailsConfirmation, NoCsrfForm):
    title = _title()
    description = TextAreaField(_l("Description"), validators=[Optional(), MaxLength(MAX_TEXT)])
    responsible = _select(
        _l("Responsible"),
        choices=RESPONSIBLE_CHOICES,
        validators=[InputRequired(message=_l("Choose who is responsible."))],
    )
    due_date = _date(_l("Done by"))
    reason = _why()


class StatusProposalForm(HealthDetailsConfirmation, NoCsrfForm):
    to_status = _select(
        _l("Proposed status"), choices=STATUS_CHOICES, validators=[InputRequired(NOT_A_CHOICE)]
    )
    reason = _why()


class ProposalAnswerForm(NoCsrfForm):
    answer = TextAreaField(
        _l("Why do you decline?"),
        validators=[
            DataRequired(message=_l("Say why you decline, so the proposer knows.")),
            MaxLength(MAX_REASON),
        ],
        description=_l("The proposer is told your reason."),
    )
