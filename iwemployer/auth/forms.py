from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..translation import lazy_gettext as _l
from .services import MAX_PASSWORD_LENGTH, password_problems


class SignInForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(message=_l("Enter your e-mail address.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter your password.")),
            Length(max=MAX_PASSWORD_LENGTH),
        ],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Enter a new password."))],
        description=_l("At least 12 characters. A phrase of several words is easy to remember."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(message=_l("Repeat the new password.")),
            EqualTo("new_password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args: Any, user_inputs: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The user's own name and address make a guessable password.
        self._user_inputs = user_inputs or []

    def validate_new_password(self, field: Field) -> None:
        problems = password_problems(field.data or "", self._user_inputs)
        if problems:
            raise ValidationError(problems[0])


class AcceptInvitationForm(ChangePasswordForm):
    # WTForms drops a field that a subclass sets to None.
    current_password = None  # type: ignore[assignment]
