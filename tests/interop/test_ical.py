"""Calendar invitations parse back (with the icalendar reader) to what was asked for, in UTC,
with the iTIP fields calendars need to add, update and remove an appointment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar, Event

from ketacare.interop.ical import Method, invitation

LONDON = ZoneInfo("Europe/London")
STAMP = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def make(**overrides: object) -> bytes:
    values: dict[str, object] = {
        "uid": "appointment-42@clinic.test",
        "starts_at": datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 1, 11, 0, tzinfo=UTC),
        "summary": "Treatment appointment at North",
        "location": "North, Chair 1",
        "description": "Someone must drive you home; bring a list, please.",
        "sequence": 0,
        "method": "REQUEST",
        "stamp_at": STAMP,
        "organizer_email": "clinic@clinic.test",
        "attendee_email": "ada@example.org",
    }
    values.update(overrides)
    return invitation(**values)  # type: ignore[arg-type]


def parsed(ics: bytes) -> tuple[Calendar, Event]:
    calendar = Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    assert isinstance(event, Event)
    return calendar, event


@pytest.mark.parametrize(("method", "status"), [("REQUEST", "CONFIRMED"), ("CANCEL", "CANCELLED")])
def test_the_method_sets_the_events_status(method: Method, status: str):
    calendar, event = parsed(make(method=method))
    assert (calendar["METHOD"], event["STATUS"]) == (method, status)


def test_every_field_reads_back_as_given():
    calendar, event = parsed(make(sequence=3))
    assert calendar["PRODID"] == "-//ketacare//appointments//EN"
    assert calendar["VERSION"] == "2.0"
    assert event["UID"] == "appointment-42@clinic.test"
    assert event.sequence == 3
    assert event.DTSTAMP == STAMP
    assert (event["SUMMARY"], event["LOCATION"]) == (
        "Treatment appointment at North",
        "North, Chair 1",
    )
    assert event["DESCRIPTION"] == "Someone must drive you home; bring a list, please."
    assert event["ORGANIZER"] == "mailto:clinic@clinic.test"
    assert event["ATTENDEE"] == "mailto:ada@example.org"
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"
    assert not event.walk("VALARM")


def test_times_in_another_zone_are_written_in_utc():
    starts = datetime(2026, 7, 1, 9, 0, tzinfo=LONDON)  # 08:00 UTC in summer time
    ics = make(starts_at=starts, ends_at=starts + timedelta(hours=2))
    _, event = parsed(ics)
    assert b"DTSTART:20260701T080000Z" in ics
    assert event.start == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert event.end == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"starts_at": datetime(2026, 12, 1, 9, 0)}, "starts_at must be timezone-aware"),  # noqa: DTZ001
        ({"stamp_at": datetime(2026, 12, 1, 9, 0)}, "stamp_at must be timezone-aware"),  # noqa: DTZ001
        ({"ends_at": datetime(2026, 12, 1, 9, 0, tzinfo=UTC)}, "ends_at must be after"),
        ({"sequence": -1}, "sequence must not be negative"),
    ],
)
def test_times_that_calendars_would_misread_are_refused(overrides: dict[str, object], message: str):
    with pytest.raises(ValueError, match=message):
        make(**overrides)


@given(
    starts_at=st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001
        max_value=datetime(2100, 1, 1),  # noqa: DTZ001
        timezones=st.sampled_from([UTC, LONDON, ZoneInfo("America/Denver")]),
    ).map(lambda at: at.replace(microsecond=0)),
    minutes=st.integers(min_value=1, max_value=12 * 60),
    sequence=st.integers(min_value=0, max_value=10_000),
    text=st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=200),
)
def test_any_appointment_survives_the_round_trip(
    starts_at: datetime, minutes: int, sequence: int, text: str
):
    zone = starts_at.tzinfo
    ends_at = (starts_at.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(zone)
    ics = make(
        starts_at=starts_at, ends_at=ends_at, sequence=sequence, summary=text, description=text
    )
    _, event = parsed(ics)
    # Compared in UTC: Python never calls a time in a repeated hour equal across zones.
    assert (event.start, event.end) == (starts_at.astimezone(UTC), ends_at.astimezone(UTC))
    assert (event.sequence, event["SUMMARY"], event["DESCRIPTION"]) == (sequence, text, text)
