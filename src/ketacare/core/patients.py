"""Rules for a patient's demographic record and body measurements.

The ranges here are plausibility limits for catching typing mistakes, not clinical thresholds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ketacare.core.enums import SexAtBirth
from ketacare.core.errors import FieldError, ValidationFailed

WEIGHT_KG_RANGE = (Decimal("1"), Decimal("400"))  # plausibility: 1 to 400 kg
HEIGHT_CM_RANGE = (Decimal("30"), Decimal("260"))  # plausibility only; no clinical source needed
OLDEST_AGE_YEARS = 130
MRN_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/.]{0,31}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-.]{6,24}$")


@dataclass(frozen=True)
class PatientDetails:
    """Demographics as entered, already stripped of surrounding white space."""

    mrn: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    sex_at_birth: str
    site_id: int | None
    gender_identity: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    emergency_contact_relation: str = ""
    allergies: str = ""


def validate_patient(details: PatientDetails, today: date) -> None:
    """Raise ``ValidationFailed`` naming every field that breaks a rule."""
    errors = [
        *_required(details),
        *_formats(details),
        *_date_of_birth(details.date_of_birth, today),
    ]
    if errors:
        raise ValidationFailed(errors)


def _required(d: PatientDetails) -> list[FieldError]:
    errors = []
    for name in ("mrn", "given_name", "family_name"):
        if not getattr(d, name):
            errors.append(FieldError(name, "This field is required."))
    if d.site_id is None:
        errors.append(FieldError("site_id", "Choose the patient's home site."))
    if d.sex_at_birth not in {s.value for s in SexAtBirth}:
        allowed = ", ".join(s.value for s in SexAtBirth)
        errors.append(FieldError("sex_at_birth", f"Choose one of: {allowed}."))
    return errors


def _formats(d: PatientDetails) -> list[FieldError]:
    errors = []
    if d.mrn and not MRN_PATTERN.match(d.mrn):
        errors.append(FieldError("mrn", "Use up to 32 letters, digits, '-', '/' or '.'."))
    if d.email and not EMAIL_PATTERN.match(d.email):
        errors.append(FieldError("email", "Enter an email address like name@example.org."))
    for name in ("phone", "emergency_contact_phone"):
        value = getattr(d, name)
        if value and not PHONE_PATTERN.match(value):
            errors.append(FieldError(name, "Enter a phone number: digits, spaces, +, -, ( )."))
    for name in ("given_name", "family_name"):
        if len(getattr(d, name)) > 100:
            errors.append(FieldError(name, "Keep names to 100 characters."))
    return errors


def _date_of_birth(dob: date | None, today: date) -> list[FieldError]:
    if dob is None:
        return [FieldError("date_of_birth", "Enter the date of birth as YYYY-MM-DD.")]
    if dob > today:
        return [FieldError("date_of_birth", "The date of birth cannot be in the future.")]
    if today.year - dob.year > OLDEST_AGE_YEARS:
        return [FieldError("date_of_birth", f"Check the year: over {OLDEST_AGE_YEARS} years ago.")]
    return []


def parse_decimal(raw: str | Decimal | float | int | None, field: str) -> Decimal | None:
    """Read a number typed into a form; blank is None, anything else unreadable is an error."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationFailed([FieldError(field, "Enter a number, e.g. 72.5.")]) from None
    if not value.is_finite():
        raise ValidationFailed([FieldError(field, "Enter a number, e.g. 72.5.")])
    return value


def validate_measurement(
    weight_kg: Decimal | None,
    height_cm: Decimal | None,
    measured_on: date | None,
    today: date,
) -> None:
    """A weight/height entry needs a date, at least one value, and plausible values."""
    errors: list[FieldError] = []
    if weight_kg is None and height_cm is None:
        errors.append(FieldError("weight_kg", "Enter a weight, a height or both."))
    if weight_kg is not None and not WEIGHT_KG_RANGE[0] <= weight_kg <= WEIGHT_KG_RANGE[1]:
        errors.append(FieldError("weight_kg", "Weight must be between 1 and 400 kg."))
    if height_cm is not None and not HEIGHT_CM_RANGE[0] <= height_cm <= HEIGHT_CM_RANGE[1]:
        errors.append(FieldError("height_cm", "Height must be between 30 and 260 cm."))
    if measured_on is None:
        errors.append(FieldError("measured_on", "Enter the date measured as YYYY-MM-DD."))
    elif measured_on > today:
        errors.append(FieldError("measured_on", "The measurement date cannot be in the future."))
    if errors:
        raise ValidationFailed(errors)


def bmi(weight_kg: Decimal, height_cm: Decimal) -> Decimal:
    """Body-mass index, kg/m², rounded half-up to one decimal."""
    metres = height_cm / Decimal(100)
    return (weight_kg / (metres * metres)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
