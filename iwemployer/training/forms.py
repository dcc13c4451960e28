"""The training forms: a course (with up to four sessions), a booking, a plan link."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    FieldList,
    Form,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, InputRequired, NumberRange, Optional

from ..config import LANGUAGES
from ..forms import BoundedDateField, MaxLength, WholeNumberField, choice
from ..models import CourseTopic, ParticipantRole
from ..translation import lazy_gettext as _l
from . import labels
from .services import MAX_SESSIONS


class SessionForm(Form):
    """One date of the course; a row left empty is not a session."""

    day = BoundedDateField(_l("Date"), validators=[Optional()])
    starts = TimeField(_l("Starts"), validators=[Optional()])
    ends = TimeField(_l("Ends"), validators=[Optional()])


class CourseForm(FlaskForm):
    centre_id = SelectField(_l("Centre"), coerce=int, validate_choice=True)
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Give the course a title.")), MaxLength(200)],
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), MaxLength(4000)])
    topic = SelectField(_l("Topic"), validators=[InputRequired()])
    audience = SelectMultipleField(_l("Audience"))
    language = SelectField(_l("Language"), validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[Optional(), MaxLength(200)])
    online_url = StringField(_l("Online link"), validators=[Optional(), MaxLength(500)])
    capacity = WholeNumberField(
        _l("Capacity (seats)"),
        validators=[
            InputRequired(message=_l("Give the number of seats.")),
            NumberRange(min=1, max=1000, message=_l("Capacity must be between 1 and 1000.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    booking_deadline = BoundedDateField(
        _l("Booking deadline"),
        description=_l("Booking and cancelling are open to the end of this day."),
        validators=[InputRequired(message=_l("Give the booking deadline."))],
    )
    sessions = FieldList(FormField(SessionForm), min_entries=MAX_SESSIONS, max_entries=MAX_SESSIONS)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.topic.choices = [choice(t.value, labels.topic_label(t)) for t in CourseTopic]
        self.audience.choices = [choice(r.value, labels.role_label(r)) for r in ParticipantRole]
        self.language.choices = [choice(code, labels.language_label(code)) for code in LANGUAGES]


class BookingForm(FlaskForm):
    name = StringField(
        _l("Participant's name"),
        validators=[DataRequired(message=_l("Give the participant's name.")), MaxLength(200)],
    )
    email = EmailField(
        _l("Participant's e-mail address"),
        validators=[
            DataRequired(message=_l("Give the participant's e-mail address.")),
            Email(message=_l("Give the participant's e-mail address.")),
            MaxLength(254),
        ],
    )
    role = SelectField(_l("Participant's role"), validators=[InputRequired()])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [choice(r.value, labels.role_label(r)) for r in ParticipantRole]


class PlanLinkForm(FlaskForm):
    activity_id = SelectField(_l("Plan activity"), coerce=int)
