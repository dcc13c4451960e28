from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email

from ..forms import MaxLength
from ..translation import lazy_gettext as _l


class InviteOccupationalHealthForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Enter the name.")), MaxLength(200)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Enter the e-mail address.")),
            Email(
                message=_l("Enter an e-mail address like name@example.no."),
                check_deliverability=False,
            ),
            MaxLength(254),
        ],
        description=_l("Their work address at the occupational health service."),
    )
