"""The subsidy forms. Drafts accept anything incomplete; the services say what is missing."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FileField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional

from ..forms import (
    BoundedDateField,
    HealthDetailsConfirmation,
    MaxLength,
    WholeNumberField,
    choice,
)
from ..models import SubsidyDecision, SubsidyKind
from ..translation import lazy_gettext as _l
from . import labels

NO_HEALTH_DETAILS = _l(
    "Do not write names, national identity numbers or health details about named employees."
)


class NewApplicationForm(FlaskForm):
    # Made when the form is shown; a resend with the same token finds the draft already made.
    form_token = HiddenField()
    scheme_id = SelectField(
        _l("Scheme"),
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose one of the schemes."))],
    )
    title = StringField(
        _l("Title of the application"),
        validators=[DataRequired(message=_l("Fill in this field.")), MaxLength(200)],
    )
    plan_activity_id = SelectField(_l("The action plan's activity it funds"), validate_choice=False)


class DraftForm(HealthDetailsConfirmation, FlaskForm):
    title = StringField(_l("Title of the application"), validators=[MaxLength(200)])
    scheme_id = SelectField(_l("Scheme"), validate_choice=False)
    plan_activity_id = SelectField(_l("The action plan's activity it funds"), validate_choice=False)
    purpose = TextAreaField(_l("Purpose"), description=NO_HEALTH_DETAILS)
    expected_effect = TextAreaField(
        _l("Expected effect on sick leave or inclusion"), description=NO_HEALTH_DETAILS
    )
    activity_description = TextAreaField(_l("The activity the subsidy funds"))
    period_start = BoundedDateField(_l("Period from"), validators=[Optional()])
    period_end = BoundedDateField(_l("Period to"), validators=[Optional()])
    own_share = StringField(_l("The enterprise's own share (kr)"), description=_l("Whole kroner."))
    amount_applied = StringField(_l("Amount applied for (kr)"), description=_l("Whole kroner."))

    # Needed to submit, not to save a draft: marked as such, checked by the services.
    NEEDED = (
        "title",
        "scheme_id",
        "purpose",
        "expected_effect",
        "activity_description",
        "period_start",
        "period_end",
        "amount_applied",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.NEEDED:
            self[name].flags.required = True


class SubmitForm(FlaskForm):
    no_statement_reason = TextAreaField(
        _l("Why send it without a statement from both parties?"),
        description=_l(
            "Only needed when the safety delegate or union representative has not given a "
            "statement."
        ),
    )


class StatementForm(FlaskForm):
    body = TextAreaField(_l("Your statement"), description=NO_HEALTH_DETAILS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.body.flags.required = True


class MessageForm(FlaskForm):
    message = TextAreaField(_l("What is needed"), description=NO_HEALTH_DETAILS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.message.flags.required = True


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[choice(d.value, labels.DECISION_LABELS[d]) for d in SubsidyDecision],
        validators=[DataRequired(message=_l("Choose a decision."))],
    )
    amount = StringField(
        _l("Amount granted when partly approved (kr)"), description=_l("Whole kroner.")
    )
    reason = TextAreaField(_l("Reason"))
    conditions = TextAreaField(_l("Conditions"))
    report_due = BoundedDateField(_l("Deadline for the final report"), validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reason.flags.required = True


class ReportForm(FlaskForm):
    what_was_done = TextAreaField(_l("What was done"), description=NO_HEALTH_DETAILS)
    effect = TextAreaField(_l("Effect observed"), description=NO_HEALTH_DETAILS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Needed, checked by the services (so the user's text comes back with the message).
        for name in ("what_was_done", "effect"):
            self[name].flags.required = True


class AttachmentForm(FlaskForm):
    file = FileField(
        _l("Attachment"),
        description=_l("PDF, PNG or JPEG, at most 10 MB. Quotes, programmes or contracts."),
    )
    part = HiddenField(default="application")


class SchemeForm(FlaskForm):
    kind = SelectField(
        _l("Kind"), choices=[choice(k.value, labels.KIND_LABELS[k]) for k in SubsidyKind]
    )
    name = StringField(_l("Name"), validators=[InputRequired(message=_l("Fill in this field."))])
    rules = TextAreaField(_l("Rules"))
    max_amount = WholeNumberField(
        _l("Maximum amount (kr)"), validators=[DataRequired(message=_l("Fill in this field."))]
    )
    active = BooleanField(_l("Open for applications"), default=True)


class BudgetForm(FlaskForm):
    centre_id = SelectField(
        _l("Centre"),
        validate_choice=False,
        validators=[InputRequired(message=_l("Fill in this field."))],
    )
    year = WholeNumberField(
        _l("Year"), validators=[InputRequired(message=_l("Fill in this field."))]
    )
    amount = WholeNumberField(
        _l("Budget (kr)"), validators=[InputRequired(message=_l("Fill in this field."))]
    )
