"""Calendar invitations (iCalendar, RFC 5545) for the e-mails patients get about appointments.

One VEVENT per message, sent as an iTIP message (RFC 5546): ``REQUEST`` adds or updates the event
in the patient's calendar, ``CANCEL`` removes it. Calendars match the messages by ``UID`` and take
the one with the highest ``SEQUENCE``, so the UID must stay the same for the life of an
appointment and the sequence must go up with every change. Times are written in UTC (the ``Z``
form), which every calendar shows in its user's own time zone. No alarm is added: the clinic sends
its own reminder by e-mail.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from icalendar import Calendar, Event, vCalAddress

PRODID = "-//ketacare//appointments//EN"
Method = Literal["REQUEST", "CANCEL"]
STATUS_OF: dict[Method, str] = {"REQUEST": "CONFIRMED", "CANCEL": "CANCELLED"}


def invitation(
    *,
    uid: str,
    starts_at: datetime,
    ends_at: datetime,
    summary: str,
    location: str,
    description: str,
    sequence: int,
    method: Method,
    stamp_at: datetime,
    organizer_email: str,
    attendee_email: str,
) -> bytes:
    """The ``.ics`` bytes of one event. RFC 5546 §3.2.2 and §3.2.5 require an ORGANIZER and at
    least one ATTENDEE in a REQUEST or CANCEL; the patient is the attendee, with no reply asked
    for (the clinic changes appointments by phone or at the desk, not by calendar replies)."""
    _check(starts_at, ends_at, stamp_at, sequence)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp_at.astimezone(UTC))
    event.add("dtstart", starts_at.astimezone(UTC))
    event.add("dtend", ends_at.astimezone(UTC))
    event.add("sequence", sequence)
    event.add("status", STATUS_OF[method])
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    event.add("organizer", vCalAddress(f"mailto:{organizer_email}"))
    event.add("attendee", _attendee(attendee_email))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics


def _attendee(email: str) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{email}")
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["RSVP"] = "FALSE"
    return attendee


def _check(starts_at: datetime, ends_at: datetime, stamp_at: datetime, sequence: int) -> None:
    """A naive time would be written as "floating" local time, read differently by every
    calendar; refuse it rather than send a patient the wrong hour."""
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at), ("stamp_at", stamp_at)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware")
    if ends_at <= starts_at:
        raise ValueError("ends_at must be after starts_at")
    if sequence < 0:
        raise ValueError("sequence must not be negative")
