from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired

from ..forms import MaxLength
from ..translation import lazy_gettext as _l


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Enter your e-mail address.")),
            MaxLength(254),
        ],
        render_kw={"autocomplete": "username"},
    )


class MailSettingsForm(FlaskForm):
    """The checkboxes are named ``by_mail`` with the kind as value; the view reads the list."""
