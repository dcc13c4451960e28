"""Forms of the statistics area: a quarter typed by hand, a file to import, its confirmation.

Numbers are text fields so a decimal comma works; the service checks them (the same checks
as an imported row) and puts each error at its field.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import InputRequired

from ..forms import Required, choice
from ..models import ImportKind
from ..translation import lazy_gettext as _l

KIND_LABELS = {
    ImportKind.ENTERPRISE: _l("Enterprises' figures (by organisation number)"),
    ImportKind.REFERENCE: _l("Industry and country figures (by industry code)"),
}


def _number(label: str, description: str = "") -> StringField:
    return StringField(label, validators=[InputRequired()], description=description)


class QuarterForm(FlaskForm):
    year = _number(_l("Year"))
    quarter = SelectField(
        _l("Quarter"), choices=[choice(n, str(n)) for n in range(1, 5)], validators=[Required()]
    )
    possible_days = _number(
        _l("Possible working days"), _l("Working days the employees could have worked.")
    )
    lost_days = _number(_l("Lost working days"), _l("Working days lost to sick leave."))
    graded_days = _number(
        _l("Graded working days"),
        _l("Of the lost days: those lost to graded (partial) sick leave."),
    )
    short_term_days = _number(
        _l("Short-term working days"), _l("Of the lost days: those in absences of 16 days or less.")
    )
    employees = _number(_l("Employees"), _l("The number of employees the figures are based on."))


class UploadForm(FlaskForm):
    kind = SelectField(
        _l("What the file holds"),
        choices=[choice(k.value, label) for k, label in KIND_LABELS.items()],
    )
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a file."))])


class ConfirmForm(FlaskForm):
    """The checked file, carried back in the confirmation form: nothing is stored until then."""

    kind = HiddenField()
    file_name = HiddenField()
    content = HiddenField()
