"""A meeting as an iCalendar (RFC 5545) file: one stable UID per meeting, a SEQUENCE raised on
every move, and METHOD:CANCEL once cancelled, so calendar programs update the same event."""

from __future__ import annotations

from icalendar import Calendar, Event

from ..models import Meeting, MeetingStatus, utcnow
from .services import LOCAL_TIME


def meeting_uid(meeting: Meeting, host: str) -> str:
    return f"meeting-{meeting.id}@{host}"


def meeting_ics(meeting: Meeting, host: str, summary: str, location: str) -> bytes:
    """The meeting's calendar file; times in Europe/Oslo (with the zone's definition)."""
    assert meeting.starts_at is not None and meeting.ends_at is not None
    cancelled = meeting.status == MeetingStatus.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//NAV Arbeidslivssenter//iwemployer//NO")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", meeting_uid(meeting, host))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", meeting.starts_at.astimezone(LOCAL_TIME))
    event.add("dtend", meeting.ends_at.astimezone(LOCAL_TIME))
    event.add("summary", summary)
    event.add("description", meeting.purpose)
    if location:
        event.add("location", location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
