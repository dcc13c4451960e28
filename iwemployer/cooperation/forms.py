from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    FieldList,
    FileField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from ..forms import (
    EnumSelectField,
    HealthDetailsConfirmation,
    IdSelectField,
    MaxLength,
    Required,
    blank_choice,
    choice,
)
from ..models import MeetingMode, PlanTheme, Responsible
from ..translation import lazy_gettext as _l
from .labels import MODE_LABELS, RESPONSIBLE_LABELS
from .services import LOCAL_TIME, AgendaPick, Slot

DURATIONS = (30, 60, 90, 120)
CHOOSE_DURATION = _l("Choose a length.")
NOT_A_TIME = _l("Give a date and time, such as 2026-12-03 10:00.")


def _duration_field() -> SelectField:
    return SelectField(
        _l("Length"),
        choices=[choice(m, _l("%(n)d minutes", n=m)) for m in DURATIONS],
        coerce=int,
        default=60,
        validate_choice=True,
    )


def _slot(start: datetime | None, minutes: int) -> Slot | None:
    """A local (Europe/Oslo) start and a length, as aware UTC times."""
    if start is None:
        return None
    begins = start.replace(tzinfo=LOCAL_TIME)
    return Slot(begins, begins + timedelta(minutes=minutes))


class SlotForm(Form):
    starts_at = DateTimeLocalField(
        _l("Start"), validators=[Optional()], format="%Y-%m-%dT%H:%M", render_kw={"step": 900}
    )
    length = _duration_field()

    def slot(self) -> Slot | None:
        return _slot(self.starts_at.data, self.length.data or 60)


class MeetingRequestForm(FlaskForm):
    purpose = TextAreaField(_l("Purpose of the meeting"), validators=[Required(), MaxLength(4000)])
    wished_participants = TextAreaField(
        _l("Who from the enterprise would like to take part"), validators=[MaxLength(4000)]
    )
    mode = EnumSelectField(
        _l("Where"), MeetingMode, MODE_LABELS, [InputRequired()], message=_l("Choose where.")
    )
    slots = FieldList(FormField(SlotForm), min_entries=3, max_entries=3)
    wished_week = IntegerField(
        _l("Or any time in week"),
        validators=[Optional(), NumberRange(1, 53, _l("Choose a week from 1 to 53."))],
    )

    # "theme:<id>" and "activity:<id>" of the current plan; the view sets the choices.
    agenda = SelectMultipleField(_l("On the agenda from the action plan"), choices=[])

    def chosen_slots(self) -> list[Slot]:
        return [s for s in (entry.form.slot() for entry in self.slots) if s is not None]

    def set_agenda(self, themes: Sequence[PlanTheme]) -> None:
        self.agenda.choices = [
            (value, title)
            for theme in themes
            for value, title in [
                (f"theme:{theme.id}", theme.title),
                *((f"activity:{a.id}", a.title) for a in theme.activities),
            ]
        ]

    def agenda_picks(self) -> list[AgendaPick]:
        picks = []
        for value in self.agenda.data or []:
            kind, _, number = value.partition(":")
            picks.append(AgendaPick(kind == "theme", int(number)))
        return picks


class ProposeForm(FlaskForm):
    slots = FieldList(FormField(SlotForm), min_entries=3, max_entries=3)
    message = TextAreaField(_l("Message"), validators=[MaxLength(4000)])

    def chosen_slots(self) -> list[Slot]:
        return [s for s in (entry.form.slot() for entry in self.slots) if s is not None]


class AcceptForm(FlaskForm):
    slot = IdSelectField(_l("Time"), [InputRequired()], message=_l("Choose one of the times."))


class MoveForm(FlaskForm):
    starts_at = DateTimeLocalField(
        _l("New start"),
        validators=[InputRequired(NOT_A_TIME)],
        format="%Y-%m-%dT%H:%M",
        render_kw={"step": 900},
    )
    length = _duration_field()
    message = TextAreaField(_l("Message"), validators=[Required(), MaxLength(4000)])

    def slot(self) -> Slot | None:
        return _slot(self.starts_at.data, self.length.data or 60)


class CancelForm(FlaskForm):
    message = TextAreaField(_l("Why is it cancelled?"), validators=[Required(), MaxLength(4000)])


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[Required(), MaxLength(4000)])


class FollowUpForm(Form):
    title = StringField(_l("Follow-up"), validators=[Optional(), MaxLength(200)])
    theme = IdSelectField(_l("Theme in the plan"), [Optional()], message=_l("Choose a theme."))
    responsible = EnumSelectField(
        _l("Responsible"),
        Responsible,
        RESPONSIBLE_LABELS,
        [Optional()],
        message=_l("Choose who is responsible."),
    )
    end_date = DateField(_l("Done by"), validators=[Optional()])


class MinutesForm(FlaskForm):
    discussed = TextAreaField(_l("What was discussed"), validators=[Required(), MaxLength(4000)])
    decisions = TextAreaField(_l("Decisions"), validators=[MaxLength(4000)])
    follow_ups = FieldList(FormField(FollowUpForm), min_entries=2, max_entries=2)

    def set_themes(self, themes: list[tuple[int, str]]) -> None:
        for entry in self.follow_ups:
            entry.form.theme.choices = [blank_choice(_l("Choose a theme"))] + [
                choice(theme_id, title) for theme_id, title in themes
            ]


class ReportForm(HealthDetailsConfirmation, FlaskForm):
    title = StringField(_l("Title"), validators=[Required(), MaxLength(200)])
    report_date = DateField(_l("Date"), validators=[InputRequired(_l("Give a date."))])
    summary = TextAreaField(
        _l("Short summary"),
        validators=[Required(), MaxLength(4000)],
        description=_l("No health information about named employees."),
    )
    activity = IdSelectField(
        _l("Plan activity that follows up the report"),
        [Optional()],
        message=_l("Choose one of the plan's activities."),
    )
    file = FileField(
        _l("File"),
        description=_l(
            "The report itself, if you have it as a file: PDF, PNG or JPEG, at most 10 MB."
        ),
    )


class OrderForm(Form):
    text = TextAreaField(_l("Order"), validators=[Optional(), MaxLength(4000)])
    deadline = DateField(_l("Deadline"), validators=[Optional()])


class InspectionForm(FlaskForm):
    inspected_on = DateField(
        _l("Date of the inspection"), validators=[InputRequired(_l("Give a date."))]
    )
    topic = StringField(_l("Topic"), validators=[Required(), MaxLength(200)])
    letter_url = StringField(_l("Link to the authority's letter"), validators=[MaxLength(500)])
    orders = FieldList(FormField(OrderForm), min_entries=3, max_entries=3)


class LinkOrderForm(FlaskForm):
    activity = IdSelectField(
        _l("Plan activity that answers the order"),
        [Optional()],
        message=_l("Choose one of the plan's activities."),
    )


class AnswerOrderForm(FlaskForm):
    answer = TextAreaField(
        _l("How was the order answered?"), validators=[Required(), MaxLength(4000)]
    )
