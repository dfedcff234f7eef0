"""Rules for booking an appointment: a real time span, a known kind and status."""

from __future__ import annotations

from datetime import datetime, timedelta

from ketacare.core.enums import AppointmentKind, AppointmentStatus
from ketacare.core.errors import FieldError, ValidationFailed

LONGEST_APPOINTMENT = timedelta(hours=12)  # a sanity limit on typing mistakes, not a clinical rule


def validate_booking(
    starts_at: datetime | None, ends_at: datetime | None, kind: str, status: str
) -> None:
    """Raise ``ValidationFailed`` for a missing or reversed time span, or an unknown kind/status."""
    errors: list[FieldError] = []
    if starts_at is None:
        errors.append(FieldError("starts_at", "Enter the start time."))
    if ends_at is None:
        errors.append(FieldError("ends_at", "Enter the end time."))
    if starts_at and ends_at and ends_at <= starts_at:
        errors.append(FieldError("ends_at", "The end must be after the start."))
    if starts_at and ends_at and ends_at - starts_at > LONGEST_APPOINTMENT:
        errors.append(FieldError("ends_at", "An appointment cannot be longer than 12 hours."))
    if kind not in {k.value for k in AppointmentKind}:
        errors.append(FieldError("kind", f"Choose one of: {', '.join(AppointmentKind)}."))
    if status not in {s.value for s in AppointmentStatus}:
        errors.append(FieldError("status", f"Choose one of: {', '.join(AppointmentStatus)}."))
    if errors:
        raise ValidationFailed(errors)
