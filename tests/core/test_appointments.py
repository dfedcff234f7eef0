"""Booking rules: a start and an end, the end after the start, at most twelve hours,
and a known kind and status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ketacare.core.appointments import LONGEST_APPOINTMENT, validate_booking
from ketacare.core.enums import AppointmentKind, AppointmentStatus
from ketacare.core.errors import ValidationFailed

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def booking_errors(
    starts_at: datetime | None,
    ends_at: datetime | None,
    kind: str = "treatment",
    status: str = "booked",
) -> dict[str, str]:
    try:
        validate_booking(starts_at, ends_at, kind, status)
    except ValidationFailed as failed:
        return failed.by_field()
    return {}


@pytest.mark.parametrize(
    ("length", "ok"),
    [
        (timedelta(minutes=1), True),
        (timedelta(hours=2), True),
        (LONGEST_APPOINTMENT, True),
        (LONGEST_APPOINTMENT + timedelta(minutes=1), False),
        (timedelta(0), False),
        (timedelta(minutes=-30), False),
    ],
)
def test_appointment_length(length: timedelta, ok: bool):
    assert ("ends_at" not in booking_errors(START, START + length)) is ok


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "fields"),
    [
        (None, START, {"starts_at"}),
        (START, None, {"ends_at"}),
        (None, None, {"starts_at", "ends_at"}),
    ],
)
def test_missing_times_are_named(
    starts_at: datetime | None, ends_at: datetime | None, fields: set[str]
):
    assert set(booking_errors(starts_at, ends_at)) == fields


def test_an_end_before_the_start_says_so():
    assert booking_errors(START, START - timedelta(hours=1)) == {
        "ends_at": "The end must be after the start."
    }


@pytest.mark.parametrize("kind", list(AppointmentKind))
def test_every_appointment_kind_is_accepted(kind: AppointmentKind):
    assert booking_errors(START, START + timedelta(hours=1), kind=kind.value) == {}


@pytest.mark.parametrize("status", list(AppointmentStatus))
def test_every_appointment_status_is_accepted(status: AppointmentStatus):
    assert booking_errors(START, START + timedelta(hours=1), status=status.value) == {}


def test_an_unknown_kind_and_status_are_both_refused():
    errors = booking_errors(START, START + timedelta(hours=1), kind="surgery", status="maybe")
    assert set(errors) == {"kind", "status"}
    assert "treatment" in errors["kind"]
    assert "no_show" in errors["status"]
