"""Esketamine treatments written straight to the database for the REMS form tests: a course booked
through the course service, then the treatment, its administration and devices, readings and
adverse events as rows, the way the treatment workflow records them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role, TreatmentState
from ketacare.db.models import (
    Administration,
    AdministrationEvent,
    AdverseEvent,
    Appointment,
    Course,
    Reading,
    Treatment,
)
from ketacare.services import courses, staff
from tests.factories import Clinic
from tests.services.test_courses import order_course

STAFF_ANSWERS = {  # what the record cannot know: staff type these on the form
    "benzodiazepines": "no",
    "non_benzodiazepine_sedative_hypnotics": "no",
    "psychostimulants": "no",
    "maois": "no",
    "provider_phone": "+1 555 0111",
    "setting_address_1": "1 Harbour Road",
    "setting_city": "Portland",
    "setting_state": "ME",
    "setting_zip": "04101",
    "ready_after_min": "95",
    "vitals_ok_before": "yes",
    "vitals_ok_at_end": "yes",
}
# (minutes after the first device, systolic, diastolic): before the dose, ~40 min, near the end
USUAL_PRESSURES = ((-6, 128, 82), (41, 146, 91), (115, 124, 80))


@dataclass(frozen=True)
class Given:
    """What the treatment had: devices 5 minutes apart (§3.3), monitoring until ``ready_min``
    after the first device, blood pressures, and adverse events (category, outcome)."""

    devices: int = 2
    ready_min: int | None = 125
    pressures: Sequence[tuple[int, int, int]] = USUAL_PRESSURES
    events: Sequence[tuple[str, str]] = ()
    lot_number: str = "LOT-4471"
    invalid_sbp_at_min: Sequence[int] = field(default=())


def course_treatment_day(
    sessions: sessionmaker[Session], clinic: Clinic, patient_id: int, start_on: date | None = None
) -> int:
    """Book an esketamine course (from ``start_on``, by default the course tests' Monday); the id
    of its first treatment appointment."""
    starting = {"start_on": start_on} if start_on is not None else {}
    course_id = order_course(sessions, clinic, patient_id, **starting)
    with sessions() as db:
        return courses.treatments_of(db, course_id)[0].id


def esketamine_treatment(
    sessions: sessionmaker[Session],
    clinic: Clinic,
    patient_id: int,
    given: Given | None = None,
    appointment_id: int | None = None,
) -> int:
    """A treatment of the patient's esketamine course on its first booked day, with ``given``."""
    given = given or Given()
    appointment_id = appointment_id or course_treatment_day(sessions, clinic, patient_id)
    with sessions() as db, db.begin():
        nurse_id = staff.by_email(db, clinic.users[Role.NURSE]).id
        treatment = _treatment(db, appointment_id, given)
        first_at = treatment.dosing_started_at
        assert first_at is not None
        _administration(db, treatment, first_at, given, nurse_id)
        db.add_all(_readings(treatment, first_at, given))
        db.add_all(_events(treatment, first_at, given, nurse_id))
        return treatment.id


def first_device_at(sessions: sessionmaker[Session], treatment_id: int) -> datetime:
    with sessions() as db:
        treatment = db.get(Treatment, treatment_id)
        assert treatment is not None
        assert treatment.dosing_started_at is not None
        return treatment.dosing_started_at


def _treatment(db: Session, appointment_id: int, given: Given) -> Treatment:
    course, appointment = _course_of(db, appointment_id)
    first_at = appointment.starts_at + timedelta(minutes=15)  # after check-in and pre-checks
    ready_at = first_at + timedelta(minutes=given.ready_min) if given.ready_min else None
    treatment = Treatment(
        organization_id=course.organization_id,
        site_id=appointment.site_id,
        patient_id=appointment.patient_id,
        course_id=course.id,
        appointment_id=appointment.id,
        protocol_version_id=course.protocol_version_id,
        location_id=appointment.location_id,
        state=TreatmentState.READY_FOR_DISCHARGE if ready_at else TreatmentState.OBSERVATION,
        created_at=appointment.starts_at,
        checked_in_at=appointment.starts_at,
        cleared_at=first_at,
        dosing_started_at=first_at,
        ready_at=ready_at,
        updated_at=ready_at or first_at,
    )
    db.add(treatment)
    db.flush()
    return treatment


def _course_of(db: Session, appointment_id: int) -> tuple[Course, Appointment]:
    appointment = db.get(Appointment, appointment_id)
    assert appointment is not None
    course = db.get(Course, appointment.course_id)
    assert course is not None
    return course, appointment


def _administration(
    db: Session, treatment: Treatment, first_at: datetime, given: Given, nurse_id: int
) -> None:
    row = Administration(
        treatment_id=treatment.id,
        product="Esketamine nasal spray (SPRAVATO) 28 mg device",
        lot_number=given.lot_number,
        lot_expiry=date(2027, 1, 31),
        route="intranasal",
        dose_mg=Decimal(28 * given.devices),
        started_at=first_at,
        administered_by_id=nurse_id,
        recorded_at=first_at,
    )
    db.add(row)
    db.flush()
    db.add_all(
        AdministrationEvent(
            administration_id=row.id,
            kind="device",
            at=first_at + timedelta(minutes=5 * n),
            device_number=n + 1,
            by_id=nurse_id,
        )
        for n in range(given.devices)
    )


def _readings(treatment: Treatment, first_at: datetime, given: Given) -> list[Reading]:
    rows = []
    for minutes, sbp, dbp in given.pressures:
        at = first_at + timedelta(minutes=minutes)
        rows += [_reading(treatment, "sbp_mmhg", sbp, at), _reading(treatment, "dbp_mmhg", dbp, at)]
    for minutes in given.invalid_sbp_at_min:  # a monitor's failed measurement (-999)
        at = first_at + timedelta(minutes=minutes)
        rows += [
            _reading(treatment, "sbp_mmhg", -999, at, valid=False),
            _reading(treatment, "dbp_mmhg", -999, at, valid=False),
        ]
    return rows


def _reading(
    treatment: Treatment, vital: str, value: int, at: datetime, valid: bool = True
) -> Reading:
    return Reading(
        treatment_id=treatment.id,
        site_id=treatment.site_id,
        location_id=treatment.location_id,
        vital=vital,
        value=Decimal(value),
        valid=valid,
        unit_received="mm[Hg]",
        source="manual",
        observed_at=at,
        received_at=at,
    )


def _events(
    treatment: Treatment, first_at: datetime, given: Given, nurse_id: int
) -> list[AdverseEvent]:
    return [
        AdverseEvent(
            treatment_id=treatment.id,
            patient_id=treatment.patient_id,
            category=category,
            severity_grade=1,
            outcome=outcome,
            onset_at=first_at + timedelta(minutes=20),
            resolved_at=first_at + timedelta(minutes=70) if outcome == "resolved" else None,
            recorded_by_id=nurse_id,
            recorded_at=first_at + timedelta(minutes=75),
        )
        for category, outcome in given.events
    ]
