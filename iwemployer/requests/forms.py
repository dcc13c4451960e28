"""The request forms. Field-level errors in the user's language; nothing typed is lost."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from ..forms import (
    BoundedDateField,
    HealthDetailsConfirmation,
    MaxLength,
    WholeNumberField,
    choice,
)
from ..identity import contains_identity_number
from ..models import CaseHelpKind, Urgency
from ..translation import lazy_gettext as _l
from . import labels
from .services import IDENTITY_NUMBER_MESSAGE, MAX_TEXT


def no_identity_number(_form: FlaskForm, field: Field) -> None:
    if contains_identity_number(field.data):
        raise ValidationError(str(IDENTITY_NUMBER_MESSAGE))


def _optional_int(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


NO_PERSONAL_DETAILS = _l(
    "Do not write names, national identity numbers or health details. Describe the situation "
    "in general terms; your contact person will follow up with you."
)


class NewRequestForm(FlaskForm):
    # Made when the form is shown; a resend with the same token finds the request already made.
    form_token = HiddenField()


class RecruitmentForm(NewRequestForm):
    job_title = StringField(
        _l("Job title"),
        validators=[
            DataRequired(message=_l("Enter the job title.")),
            MaxLength(200),
            no_identity_number,
        ],
    )
    positions = WholeNumberField(
        _l("Number of positions"),
        validators=[
            InputRequired(message=_l("Enter how many people you want to hire.")),
            NumberRange(min=1, max=999, message=_l("Enter a number from 1 to 999.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    position_percent = WholeNumberField(
        _l("Position size (percent)"),
        description=_l("100 is a full-time position."),
        validators=[
            InputRequired(message=_l("Enter the size of the position in percent.")),
            NumberRange(min=1, max=100, message=_l("Enter a percentage from 1 to 100.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    location = StringField(
        _l("Workplace location"),
        description=_l("Address or place where the work is done."),
        validators=[
            DataRequired(message=_l("Enter where the workplace is.")),
            MaxLength(200),
            no_identity_number,
        ],
    )
    start_date = BoundedDateField(
        _l("Desired start date"),
        validators=[Optional()],
    )
    requirements = TextAreaField(
        _l("Requirements"),
        description=_l("Qualifications, experience, languages, driving licence, working hours."),
        validators=[
            DataRequired(message=_l("Describe what the job requires.")),
            MaxLength(MAX_TEXT),
            no_identity_number,
        ],
    )
    open_to_adaptation = BooleanField(_l("We are open to candidates who need adaptations at work"))
    open_to_trial = BooleanField(_l("We are open to work trials or a trial period"))
    open_to_wage_subsidy = BooleanField(_l("We are open to candidates with a wage subsidy"))
    plan_activity_id = SelectField(
        _l("Activity in the action plan"),
        description=_l("Link the request to an activity about recruitment or inclusion."),
        coerce=_optional_int,
        validators=[Optional()],
        validate_choice=True,
    )
    contact_name = StringField(
        _l("Contact person at the enterprise"),
        validators=[
            DataRequired(message=_l("Enter who the centre should contact.")),
            MaxLength(200),
            no_identity_number,
        ],
        render_kw={"autocomplete": "name"},
    )
    contact_phone = StringField(
        _l("Phone"),
        validators=[Optional(), MaxLength(30), no_identity_number],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    contact_email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(message=_l("Enter an e-mail address.")),
            Email(message=_l("Enter a valid e-mail address, like name@example.com.")),
            MaxLength(254),
        ],
        render_kw={"autocomplete": "email"},
    )

    def validate_start_date(self, field: Field) -> None:
        if field.data is not None and field.data < date.today():
            raise ValidationError(_l("The start date cannot be in the past."))


class CaseHelpForm(HealthDetailsConfirmation, NewRequestForm):
    help_kind = RadioField(
        _l("What do you need help with?"),
        choices=[choice(k.value, labels.CASE_HELP_KIND_LABELS[k]) for k in CaseHelpKind],
        validators=[InputRequired(message=_l("Choose what you need help with."))],
    )
    urgency = RadioField(
        _l("How urgent is it?"),
        choices=[choice(u.value, labels.URGENCY_LABELS[u]) for u in Urgency],
        default=Urgency.NORMAL.value,
        validators=[InputRequired(message=_l("Choose how urgent it is."))],
    )
    description = TextAreaField(
        _l("Describe the situation"),
        description=NO_PERSONAL_DETAILS,
        validators=[
            DataRequired(message=_l("Describe what you need help with.")),
            MaxLength(MAX_TEXT),
            no_identity_number,
        ],
    )


class QuestionForm(HealthDetailsConfirmation, NewRequestForm):
    # A meeting is asked for in its own flow (the cooperation area), so only questions here.
    subject = StringField(
        _l("Subject"),
        validators=[
            DataRequired(message=_l("Enter a subject.")),
            MaxLength(200),
            no_identity_number,
        ],
    )
    description = TextAreaField(
        _l("Your question"),
        description=_l("Do not write names, national identity numbers or health details."),
        validators=[
            DataRequired(message=_l("Write your question.")),
            MaxLength(MAX_TEXT),
            no_identity_number,
        ],
    )


class ReplyForm(HealthDetailsConfirmation, FlaskForm):
    body = TextAreaField(
        _l("Your message"),
        description=_l("Do not write names, national identity numbers or health details."),
        validators=[
            DataRequired(message=_l("Write a reply before sending.")),
            MaxLength(MAX_TEXT),
            no_identity_number,
        ],
    )


class HandOverForm(FlaskForm):
    adviser_id = SelectField(
        _l("Colleague"),
        coerce=_optional_int,
        validators=[InputRequired(message=_l("Choose a colleague."))],
        validate_choice=False,
    )
    note = TextAreaField(
        _l("Note to your colleague"),
        description=_l(
            "What has been done and what is next. Only the centre sees it. Do not write names, "
            "national identity numbers or health details."
        ),
        validators=[Optional(), MaxLength(MAX_TEXT), no_identity_number],
    )


class InboxEnterpriseForm(FlaskForm):
    """The inbox's enterprise filter, sent with the other filters (GET): a search field with
    suggestions, as a centre has hundreds of enterprises."""

    class Meta:
        csrf = False

    enterprise = StringField(
        _l("Enterprise"),
        validators=[MaxLength(200)],
        description=_l("All when empty. Type part of the name or the organisation number."),
    )


class RatingForm(FlaskForm):
    score = RadioField(
        _l("How helpful was the centre?"),
        choices=[choice(n, labels.SCORE_LABELS[n]) for n in range(1, 6)],
        validators=[InputRequired(message=_l("Choose a rating from 1 to 5."))],
    )
    comment = TextAreaField(
        _l("Comment"),
        description=_l("Do not write names, national identity numbers or health details."),
        validators=[Optional(), MaxLength(2000), no_identity_number],
    )
