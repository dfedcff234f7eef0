"""Shared helpers for the treatment-day tests: an assessed patient with a course whose first
treatment is today, and the steps of a treatment from check-in to discharge, each at its time.

The IV protocol leaves its observation time to the clinic (clinical-reference §13), so the test
clinic saves its own (60 minutes) as a new version, as a real clinic must; alert limits are the
test clinic's own choice too (§4.2 gives none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import Appointment, RemsEnrolment, Treatment
from ketacare.services import (
    alert_settings,
    consent,
    courses,
    eligibility,
    intake,
    patients,
    treatment_administration,
    treatment_checks,
    treatment_discharge,
    treatment_dosing,
    treatment_records,
    treatments,
)
from ketacare.services import protocols as protocol_store
from ketacare.services.context import Actor
from ketacare.services.course_planning import CourseOrder, propose
from ketacare.services.treatment_administration import AdministrationRequest
from ketacare.services.treatment_discharge import CRITERIA, DischargeRequest
from ketacare.services.treatment_dosing import DoseRequest
from ketacare.services.treatment_facts import protocol_of
from tests.factories import Clinic, add_patient
from tests.services.assessment import CLEAN, actor_for

ORDERED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
FIRST_DAY = date(2026, 3, 9)
IV = "iv_ketamine_depression"
ESKETAMINE = "esketamine_nasal"
OBSERVATION_MIN = "60"  # the test clinic's own IV observation time (the protocol leaves it open)
CLINIC_NOTE = "Test clinic's own setting."
NORMAL = {
    "sbp_mmhg": "122",
    "dbp_mmhg": "78",
    "hr_bpm": "70",
    "spo2_percent": "98",
    "rr_per_min": "14",
}
LOT = "KT2291"


@dataclass(frozen=True)
class Booked:
    """A patient with a course and the id and start of its first treatment appointment."""

    patient_id: int
    course_id: int
    appointment_id: int
    starts_at: datetime


def at(sessions: sessionmaker[Session], email: str, when: datetime) -> tuple[Session, Actor]:
    db = sessions()
    return db, actor_for(db, email, when)


def assessed_patient(
    sessions: sessionmaker[Session],
    clinic: Clinic,
    protocol: str = IV,
    mrn: str = "MRN-T1",
    when: datetime = ORDERED_AT,
) -> int:
    """A patient with a weight, a complete intake, a signed eligible decision and consent."""
    patient = add_patient(sessions, clinic.north_site_id, mrn=mrn)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], when)
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], when)
        patients.record_measurement(db, nurse, patient.id, when.date(), Decimal(70), Decimal(170))
        intake.complete(db, nurse, patient.id, CLEAN, replace=True)
        eligibility.sign_decision(db, prescriber, patient.id, protocol, "eligible", "Reviewed.")
        consent.ensure_default_documents(db, Actor(None, when), clinic.organization_id)
        document = consent.latest_document(db, clinic.organization_id, protocol)
        assert document is not None
        risks = [key for key, _ in consent.key_risks_of(document)]
        consent.sign(db, nurse, patient.id, document.id, "Ada Lovelace", when.date(), risks)
    return patient.id


def clinic_protocol(
    sessions: sessionmaker[Session],
    clinic: Clinic,
    protocol: str = IV,
    when: datetime = ORDERED_AT,
    observation_min: str = OBSERVATION_MIN,
) -> None:
    """The test clinic sets the IV observation time (the shipped protocol leaves it open); once."""
    if protocol != IV:
        return
    with sessions() as db, db.begin():
        current = protocol_store.current_version(db, clinic.organization_id, IV)
        if protocol_store.load(current).min_observation_min.value is not None:
            return
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], when)
        protocol_store.save_version(
            db,
            prescriber,
            clinic.organization_id,
            IV,
            {"min_observation_min": observation_min},
            CLINIC_NOTE,
        )


def book_course(
    sessions: sessionmaker[Session],
    clinic: Clinic,
    protocol: str = IV,
    mrn: str = "MRN-T1",
    when: datetime = ORDERED_AT,
) -> Booked:
    """An assessed patient's course, ordered at ``when`` to start a week later; its first
    treatment's appointment."""
    clinic_protocol(sessions, clinic, protocol, when)
    patient_id = assessed_patient(sessions, clinic, protocol, mrn, when)
    dose = Decimal("0.5") if protocol == IV else Decimal(56)
    start_on = FIRST_DAY if when == ORDERED_AT else when.date() + timedelta(days=7)
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], when)
        order = CourseOrder(patient_id, protocol, clinic.north_site_id, start_on, dose)
        course = courses.create_course(db, prescriber, order, propose(db, prescriber, order).slots)
        first = min(courses.treatments_of(db, course.id), key=lambda a: a.starts_at)
        return Booked(patient_id, course.id, first.id, first.starts_at)


def booked_now(
    sessions: sessionmaker[Session], clinic: Clinic, protocol: str = IV, mrn: str = "MRN-T1"
) -> Booked:
    """A course ordered a day ago whose first treatment is moved to start now (the pages and the
    browser run on the real clock, and check-in happens on the appointment's own day)."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    booked = book_course(sessions, clinic, protocol, mrn, now - timedelta(days=1))
    with sessions() as db, db.begin():
        row = db.get(Appointment, booked.appointment_id)
        assert row is not None
        row.ends_at, row.starts_at = now + (row.ends_at - row.starts_at), now
    return Booked(booked.patient_id, booked.course_id, booked.appointment_id, now)


def set_limits(
    sessions: sessionmaker[Session], clinic: Clinic, protocol: str, **limits: str
) -> None:
    """The test clinic's own alert limits: ``spo2_percent__act__low="92"`` and so on."""
    values = {name.replace("__", "."): Decimal(v) for name, v in limits.items()}
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], ORDERED_AT)
        alert_settings.set_thresholds(db, prescriber, clinic.organization_id, protocol, values)


def enrol_in_rems(sessions: sessionmaker[Session], booked: Booked) -> None:
    """The patient's SPRAVATO REMS enrolment, as the REMS pages record it (§3.9)."""
    with sessions() as db, db.begin():
        enrolled = RemsEnrolment(
            patient_id=booked.patient_id,
            enrolled_on=booked.starts_at.date() - timedelta(days=8),
            recorded_at=booked.starts_at - timedelta(days=8),
        )
        db.add(enrolled)


def check_in(sessions: sessionmaker[Session], clinic: Clinic, booked: Booked) -> int:
    with sessions() as db, db.begin():
        desk = actor_for(db, clinic.users[Role.FRONT_DESK], booked.starts_at)
        return treatments.check_in(db, desk, booked.appointment_id).id


def minutes(booked: Booked, n: int) -> datetime:
    return booked.starts_at + timedelta(minutes=n)


def readings(
    sessions: sessionmaker[Session],
    clinic: Clinic,
    treatment_id: int,
    when: datetime,
    **values: str,
) -> treatment_records.Recorded:
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], when)
        given = {code: Decimal(v) for code, v in (values or NORMAL).items()}
        return treatment_records.record_readings(db, nurse, treatment_id, given)


def ready_to_clear(
    sessions: sessionmaker[Session], clinic: Clinic, booked: Booked, treatment_id: int
) -> None:
    """Baseline vitals, the order, the pre-checks and the pre-dose instruments waived."""
    readings(sessions, clinic, treatment_id, minutes(booked, 2))
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], minutes(booked, 4))
        treatment_dosing.order_dose(db, prescriber, treatment_id, _dose_request(db, treatment_id))
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 5))
        for code, status, note, value in _pre_checks(db, treatment_id):
            treatment_checks.record_check(
                db, nurse, treatment_id, code, status, value=value, note=note
            )


def _dose_request(db: Session, treatment_id: int) -> DoseRequest:
    treatment = db.get(Treatment, treatment_id)
    assert treatment is not None
    if protocol_of(db, treatment).route == "intravenous":
        return DoseRequest(stock_mg_per_ml=Decimal("100"), bag_ml=Decimal("100"))
    return DoseRequest()


def _pre_checks(db: Session, treatment_id: int) -> list[tuple[str, str, str, str]]:
    """Each of the protocol's pre-checks confirmed, the escort named, the instruments waived."""
    treatment = db.get(Treatment, treatment_id)
    assert treatment is not None
    skip = ("eligibility_signed", "escort_home")
    codes = [p.code for p in protocol_of(db, treatment).pre_checks if p.code not in skip]
    return [
        *((code, "confirmed", "", "") for code in codes),
        ("escort_home", "confirmed", "", "Grace Hopper"),
        ("instruments", "waived", "Completed on paper; to be entered.", ""),
    ]


def run_to(
    sessions: sessionmaker[Session], clinic: Clinic, booked: Booked, treatment_id: int, stage: str
) -> None:
    """Take a checked-in treatment as far as ``stage`` (cleared, dosing, observation, ready,
    discharged), each step at a plausible minute after the appointment's start."""
    ready_to_clear(sessions, clinic, booked, treatment_id)
    nurse_email = clinic.users[Role.NURSE]
    steps = [
        ("cleared", 10, lambda db, a: treatments.advance(db, a, treatment_id, "cleared")),
        (
            "dosing",
            15,
            lambda db, a: treatment_administration.start(db, a, treatment_id, _given(a)),
        ),
        (
            "observation",
            55,
            lambda db, a: treatment_administration.record_event(db, a, treatment_id, "stop"),
        ),
        ("ready", 120, lambda db, a: _sign_off(db, a, treatment_id)),
        ("discharged", 125, lambda db, a: treatment_discharge.discharge(db, a, treatment_id)),
    ]
    for name, minute, step in steps:
        with sessions() as db, db.begin():
            step(db, actor_for(db, nurse_email, minutes(booked, minute)))
        if name == stage:
            return


def _given(actor: Actor) -> AdministrationRequest:
    return AdministrationRequest("Ketamine hydrochloride injection", LOT, date(2027, 1, 31))


def _sign_off(db: Session, actor: Actor, treatment_id: int) -> None:
    request = DischargeRequest(dict.fromkeys(CRITERIA, True))
    treatment_discharge.assess(db, actor, treatment_id, request)
    treatment_discharge.sign_off(db, actor, treatment_id)


def appointment(sessions: sessionmaker[Session], appointment_id: int) -> Appointment:
    with sessions() as db:
        row = db.get(Appointment, appointment_id)
        assert row is not None
        return row
