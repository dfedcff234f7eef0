"""The courses API's bodies: a prescriber's order, proposed slots, and a course with its treatments.

A dose is a ``Decimal`` in the protocol's own unit (``dose_unit``: mg/kg, mg or mg/kg/h) and
travels as a string. Instants are timezone-aware and answered in UTC; weekdays are 0 (Monday) to 6.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

from ketacare.web.api.v1.schemas import DecimalText, _Input, _Output

Weekday = Annotated[int, Field(ge=0, le=6)]
# A course's dose is stored as NUMERIC(10, 3); answering with all three places means a reply to the
# order and every later read show the same text ("56.000").
StoredDose = Annotated[DecimalText, AfterValidator(lambda v: v.quantize(Decimal("0.001")))]


class CourseOrderIn(_Input):
    """What the prescriber orders; the protocol's current version is used."""

    patient_id: int
    protocol_code: str = Field(max_length=60, examples=["esketamine_nasal"])
    site_id: int = Field(description="Where the treatments are given.")
    start_on: date = Field(description="The course's first day, in the site's time zone.")
    dose: Decimal = Field(
        gt=0,
        max_digits=10,
        decimal_places=3,
        description="In the protocol's unit (mg/kg, mg or mg/kg/h).",
        examples=["56"],
    )
    treatments: int | None = Field(
        default=None, ge=1, description="How many to book, where the protocol leaves it open."
    )
    per_week: int | None = Field(default=None, ge=1)
    every_n_weeks: int | None = Field(default=None, ge=1)
    preferred_weekdays: list[Weekday] = Field(default_factory=list, max_length=7)
    preferred_time: time | None = Field(default=None, description="Site-local wall-clock time.")
    note: str = ""


class SlotIn(_Input):
    """A treatment on a chair, as proposed or as the prescriber changed it."""

    location_id: int
    starts_at: AwareDatetime
    ends_at: AwareDatetime


class CourseIn(_Input):
    """The order and the confirmed slots of its induction (usually a proposal, perhaps edited)."""

    order: CourseOrderIn
    slots: list[SlotIn] = Field(min_length=1)


class _Placed(_Output):
    starts_at: datetime
    ends_at: datetime
    location_name: str | None = Field(description="The chair's name.")


class SlotOut(_Placed):
    location_id: int


class ProposalOut(_Output):
    """Proposed treatments for the induction phase; nothing is stored until a course is posted."""

    patient_id: int
    site_id: int
    protocol_code: str
    protocol_version: int
    phase: str
    chair_min: int = Field(
        description="Minutes each treatment holds a chair (check-in to discharge)."
    )
    min_interval_min: int = Field(description="Least time between two treatments' starts.")
    warnings: list[str]
    slots: list[SlotOut]


class TreatmentOut(_Placed):
    """One treatment appointment of a course (cancelled ones are listed too); ``revision``
    counts its changes."""

    id: int
    location_id: int | None
    status: str
    phase: str | None
    revision: int


class CourseSummaryOut(_Output):
    """A course without its treatments: the order, its protocol version, status and phase."""

    id: int
    patient_id: int
    site_id: int
    protocol_code: str
    protocol_version: int
    protocol_name: str
    status: str
    phase: str
    dose: StoredDose
    dose_unit: str
    weight_basis: str | None
    per_week: int | None
    treatments_planned: int
    start_on: date
    preferred_weekdays: list[int]
    preferred_time: time | None
    note: str
    ordered_by_id: int
    ordered_at: datetime
    maintenance_decision: str | None
    ended_at: datetime | None


class CourseOut(CourseSummaryOut):
    treatments: list[TreatmentOut]
