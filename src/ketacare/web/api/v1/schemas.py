"""The API's request and response bodies: explicit fields, so no stored column leaks by accident.

Responses are built from ORM rows with ``from_attributes``; only the fields named here go out, so
secrets such as ``password_hash`` or ``totp_secret`` can never appear. Clinical quantities are
``Decimal`` and travel as JSON strings (``"72.5"``) so no precision is lost to floats. Instants are
timezone-aware UTC; dates are ISO 8601 (``YYYY-MM-DD``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, PlainSerializer

from ketacare.core.enums import AppointmentKind, AppointmentStatus, Role, SexAtBirth

# A Decimal that serializes as a string in every output mode, so OpenAPI shows it as one.
DecimalText = Annotated[Decimal, PlainSerializer(str, return_type=str, when_used="always")]

# Weight and height are stored as NUMERIC(5, 1): more digits are refused rather than rounded, and
# ``170`` becomes ``170.0`` so a reply and a later read show the same text.
OneDecimal = Annotated[
    Decimal,
    Field(max_digits=5, decimal_places=1),
    AfterValidator(lambda v: v.quantize(Decimal("0.1"))),
]


class _Input(BaseModel):
    """Inputs refuse unknown fields (a typo like ``dob`` is an error, not silently dropped)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class FieldProblem(BaseModel):
    """One failing input: its field path (``date_of_birth``) and what to fix."""

    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document, as every error response of the API is shaped."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None


class PatientIn(_Input):
    """A patient's demographics, for registering or for replacing them in full."""

    mrn: str = Field(max_length=32, examples=["MRN-0001"])
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    date_of_birth: date
    sex_at_birth: SexAtBirth
    site_id: int = Field(description="The patient's home site.")
    gender_identity: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=32)
    email: str = Field(default="", max_length=254)
    address: str = ""
    emergency_contact_name: str = Field(default="", max_length=200)
    emergency_contact_phone: str = Field(default="", max_length=32)
    emergency_contact_relation: str = Field(default="", max_length=50)
    allergies: str = ""


class PatientSummary(_Output):
    """One search hit: enough to tell patients apart and open the right record."""

    id: int
    mrn: str
    given_name: str
    family_name: str
    date_of_birth: date
    site_id: int


class PatientOut(PatientSummary):
    sex_at_birth: str
    gender_identity: str
    phone: str
    email: str
    address: str
    emergency_contact_name: str
    emergency_contact_phone: str
    emergency_contact_relation: str
    allergies: str
    created_at: datetime
    updated_at: datetime


class MeasurementIn(_Input):
    """A dated weight and/or height; numbers or decimal strings (``"72.5"``), one decimal place."""

    measured_on: date
    weight_kg: OneDecimal | None = Field(default=None, examples=["72.5"])
    height_cm: OneDecimal | None = Field(default=None, examples=["170.0"])


class MeasurementOut(_Output):
    id: int
    measured_on: date
    weight_kg: DecimalText | None
    height_cm: DecimalText | None
    bmi: DecimalText | None = Field(description="kg/m², when weight and height were both given.")
    recorded_at: datetime


class RoleAtSite(BaseModel):
    site_id: int
    role: Role


class StaffOut(_Output):
    """A staff account without its secrets (no password hash, no one-time-code secret)."""

    id: int
    email: str
    full_name: str
    active: bool
    mfa_enabled: bool
    roles: list[RoleAtSite]


class AppointmentIn(_Input):
    """A booking at the patient's home site; times must carry a UTC offset."""

    patient_id: int
    location_id: int | None = None
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    kind: AppointmentKind
    note: str = ""


class AppointmentStatusIn(_Input):
    status: AppointmentStatus


class AppointmentOut(_Output):
    id: int
    patient_id: int
    site_id: int
    location_id: int | None
    starts_at: datetime
    ends_at: datetime
    kind: str
    status: str
    note: str


class DayAppointmentOut(AppointmentOut):
    """A line of a site's day: the appointment, who it is for, and the chair or room."""

    patient: PatientSummary
    location_name: str | None
