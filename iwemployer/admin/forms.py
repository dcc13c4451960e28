"""Forms of the centre administration. Types, required fields and lengths are checked here;
the rules themselves live in ``services`` (the org number and NACE checks are shared so that
every mistake in a form shows at once)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    HiddenField,
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
    StopValidation,
    ValidationError,
)

from ..errors import DomainError
from ..forms import BoundedDateField, EnumSelectField, IdSelectField, MaxLength, WholeNumberField
from ..labels import MEMBER_ROLE_LABELS, USER_KIND_LABELS, WRITTEN_STANDARD_LABELS
from ..models import MemberRole, UserKind, WrittenStandard
from ..translation import lazy_gettext as _l
from . import services


def stop_if_unreadable(form: Any, field: Field) -> None:
    """Show only the "not a number/date" message, not a range message as well."""
    if field.process_errors:
        raise StopValidation()


def rule(check: Callable[[str], object]) -> Callable[[Any, Field], None]:
    """A service rule as a form validator, so a form shows all its mistakes in one go."""

    def validator(form: Any, field: Field) -> None:
        try:
            check(field.data or "")
        except DomainError as error:
            raise ValidationError(str(error)) from None

    return validator


def set_choices(field: SelectField, options: Iterable[Any]) -> None:
    field.choices = list(options)


class EnterpriseForm(FlaskForm):
    org_number = StringField(
        _l("Organisation number"),
        validators=[
            DataRequired(message=_l("Enter the organisation number.")),
            rule(services.clean_org_number),
        ],
        description=_l("Nine digits, for example 987 654 325."),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"},
    )
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Enter the enterprise's name.")),
            MaxLength(200),
        ],
        render_kw={"autocomplete": "organization"},
    )
    nace_code = StringField(
        _l("Industry code (NACE)"),
        validators=[
            DataRequired(message=_l("Enter the industry code.")),
            rule(services.clean_nace_code),
        ],
        description=_l("As in the Central Coordinating Register, for example 86.101."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    employees = WholeNumberField(
        _l("Number of employees"),
        validators=[
            InputRequired(message=_l("Enter the number of employees.")),
            stop_if_unreadable,
            NumberRange(
                min=0,
                max=services.MAX_EMPLOYEES,
                message=_l("Enter a whole number from 0 to 1,000,000."),
            ),
        ],
        message=_l("Enter a whole number from 0 to 1,000,000."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    centre_id = IdSelectField(
        _l("Centre"),
        validators=[DataRequired(message=_l("Choose a centre."))],
        message=_l("Choose a centre."),
        description=_l("The IW support centre of the county the enterprise is in."),
    )
    written_standard = EnumSelectField(
        _l("Written standard"),
        WrittenStandard,
        WRITTEN_STANDARD_LABELS,
        validators=[DataRequired(message=_l("Choose bokmål or nynorsk."))],
        message=_l("Choose bokmål or nynorsk."),
        default=WrittenStandard.BOKMAL,
        description=_l(
            "New users invited to the enterprise start in this language and get their "
            "invitation in it."
        ),
    )


class AgreementForm(FlaskForm):
    start_date = BoundedDateField(
        _l("Start date"),
        validators=[InputRequired(message=_l("Enter the start date.")), stop_if_unreadable],
    )
    end_date = BoundedDateField(
        _l("End date"),
        validators=[Optional(strip_whitespace=True)],
        description=_l(
            "Leave blank for a four-year period (to the day before the fourth anniversary)."
        ),
    )


class TerminateForm(FlaskForm):
    terminated_on = BoundedDateField(
        _l("Ends from"),
        validators=[InputRequired(message=_l("Enter the date.")), stop_if_unreadable],
        description=_l("The first day the agreement is no longer in force."),
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Say why the agreement ends.")),
            MaxLength(services.MAX_REASON),
        ],
        description=_l("Kept with the agreement, for the centre."),
    )


class ContactPersonForm(FlaskForm):
    contact_person_id = IdSelectField(
        _l("Contact person"),
        message=_l("Choose one of the advisers at the enterprise's centre."),
        # The service decides who may be chosen, with a message naming the centre.
        validate_choice=False,
    )


class InviteForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(message=_l("Enter the user's name.")),
            MaxLength(200),
        ],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Enter the user's e-mail address.")),
            MaxLength(254),
            Email(message=_l("Enter an e-mail address like name@example.no.")),
        ],
        description=_l("The invitation is sent here. It is also the user's sign-in name."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    kind = EnumSelectField(
        _l("Kind of user"),
        UserKind,
        USER_KIND_LABELS,
        validators=[DataRequired(message=_l("Choose what kind of user this is."))],
        message=_l("Choose what kind of user this is."),
        blank=_l("Choose …"),
    )
    centre_id = IdSelectField(
        _l("Centre"),
        message=_l("Choose a centre."),
        description=_l("Advisers only: the centre they work at."),
    )
    title = StringField(
        _l("Job title"),
        validators=[MaxLength(200)],
        description=_l("Advisers only, shown to the enterprises, for example Senior adviser."),
    )
    phone = StringField(
        _l("Phone"),
        validators=[MaxLength(30)],
        description=_l("Advisers only, shown to the enterprises."),
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )
    # A search field with suggestions: thousands of enterprises never go into the page.
    enterprise = StringField(
        _l("Enterprise"),
        validators=[MaxLength(200)],
        description=_l(
            "Employer side only: the enterprise the user works for. Type part of the name or "
            "organisation number and choose."
        ),
    )
    role = EnumSelectField(
        _l("Role in the enterprise"),
        MemberRole,
        MEMBER_ROLE_LABELS,
        message=_l("Choose a role."),
        blank=_l("No role yet"),
    )


def _member_role(**options: Any) -> EnumSelectField:
    return EnumSelectField(
        _l("Role"),
        MemberRole,
        MEMBER_ROLE_LABELS,
        validators=[DataRequired(message=_l("Choose a role."))],
        message=_l("Choose a role."),
        **options,
    )


class MembershipForm(FlaskForm):
    """Adds a member; sent from an enterprise's page (user chosen) or a user's (enterprise).

    The page fixes one side by id (a hidden input); the other is typed into a search field
    with suggestions (htmx fills a datalist), which without JavaScript takes the whole e-mail
    address or organisation number: thousands of choices never go into the page."""

    # The service checks that each exists (and that the user is employer-side).
    user_id = IdSelectField(_l("User"), message=_l("Choose a user."), validate_choice=False)
    enterprise_id = IdSelectField(
        _l("Enterprise"), message=_l("Choose an enterprise."), validate_choice=False
    )
    user = StringField(
        _l("User"),
        validators=[MaxLength(254)],
        description=_l("Type part of a name or e-mail address and choose, or the whole address."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    enterprise = StringField(
        _l("Enterprise"),
        validators=[MaxLength(200)],
        description=_l(
            "Type part of the name or organisation number and choose, or the whole number."
        ),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    role = _member_role(blank=_l("Choose …"))
    # Which page to return to: "enterprise" or "user".
    back = HiddenField()


class RoleForm(FlaskForm):
    role = _member_role()
    back = HiddenField()


class DeputyForm(FlaskForm):
    """Names a deputy of the contact person: an adviser typed into a search field with
    suggestions (htmx fills a datalist); without JavaScript the whole e-mail address."""

    adviser = StringField(
        _l("Adviser"),
        validators=[
            DataRequired(message=_l("Type the adviser's e-mail address or choose one.")),
            MaxLength(254),
        ],
        description=_l("Type part of a name or e-mail address and choose, or the whole address."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
