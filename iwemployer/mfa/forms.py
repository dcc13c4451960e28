from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..translation import lazy_gettext as _l


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(message=_l("Enter the code.")), Length(max=40)],
        description=_l("The six digits the app shows now, or one of your recovery codes."),
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false"},
    )


class EnrolForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(message=_l("Enter the code the app shows.")), Length(max=20)],
        description=_l("Six digits. A new code comes every 30 seconds."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
