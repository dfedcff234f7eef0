"""The demo's courses on the course model: the synthetic histories become ordered courses, and the
coming weeks are booked through the scheduler, exactly as a prescriber would book them.

- Each history patient's course is stored with its protocol version, dose and first day; its past
  treatments are linked to it, the first six as induction.
- A patient whose history has maintenance treatments had the end-of-induction review (continue,
  with the outcome class of that day); two more maintenance treatments are booked ahead.
- A patient whose induction has just ended waits for the review, so the course page shows it.
- Two new patients per site are assessed and start an induction next Monday.

The demo clinic sets its own IV observation time (the shipped protocol leaves it to the clinic,
clinical-reference §13): a synthetic clinic's choice, saved as protocol version 2 with that note.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import (
    AppointmentKind,
    CoursePhase,
    CourseStatus,
    MaintenanceDecision,
)
from ketacare.core.errors import Conflict
from ketacare.core.protocols.model import value_of
from ketacare.db.models import Appointment, Course, Patient, ProtocolVersion, Site
from ketacare.services import course_changes, course_review, courses, synth_assessments
from ketacare.services import protocols as protocol_store
from ketacare.services.context import Actor
from ketacare.services.course_planning import CourseOrder, propose

IV_CODE = "iv_ketamine_depression"
DEMO_IV_SETTINGS = {"min_observation_min": "60"}
DEMO_IV_NOTE = "Demo clinic's own setting (synthetic data): a real clinic sets its own."
INDUCTION_TREATMENTS = 6  # the synthetic histories: twice weekly for three weeks
DOSES = {"esketamine_nasal": (Decimal("56"), Decimal("84")), IV_CODE: (Decimal("0.5"),)}
NEW_COURSES_PER_SITE = 2


def build_course_orders(
    db: Session, prescriber: Actor, seed: int, sites: Sequence[Site], per_site: int
) -> int:
    """Courses for the history patients and new ones; returns how many courses were stored."""
    rng = random.Random(seed + 5)  # noqa: S311  (repeatable fake data, not secrets)
    organization_id = sites[0].organization_id
    protocol_store.save_version(
        db, prescriber, organization_id, IV_CODE, DEMO_IV_SETTINGS, DEMO_IV_NOTE
    )
    made = 0
    for site in sites:
        patients = _site_patients(db, site.id, per_site + 2 + NEW_COURSES_PER_SITE)
        for patient in patients[:per_site]:
            made += _from_history(db, prescriber, rng, patient)
        for patient in patients[per_site + 2 :]:
            made += _new_course(db, prescriber, rng, patient, site)
    return made


def _site_patients(db: Session, site_id: int, count: int) -> list[Patient]:
    return list(
        db.scalars(
            select(Patient).where(Patient.site_id == site_id).order_by(Patient.id).limit(count)
        )
    )


def _history(db: Session, patient_id: int) -> list[Appointment]:
    return list(
        db.scalars(
            select(Appointment)
            .where(
                Appointment.patient_id == patient_id,
                Appointment.kind == AppointmentKind.TREATMENT,
                Appointment.course_id.is_(None),
            )
            .order_by(Appointment.starts_at)
        )
    )


def _from_history(db: Session, prescriber: Actor, rng: random.Random, patient: Patient) -> int:
    past = _history(db, patient.id)
    if not past:
        return 0
    code = synth_assessments.protocol_for(patient)
    version = protocol_store.current_version(db, patient.organization_id, code)
    protocol = protocol_store.load(version)
    zone = ZoneInfo(_site(db, patient.site_id).timezone)
    first = past[0].starts_at.astimezone(zone)
    course = Course(
        organization_id=patient.organization_id,
        patient_id=patient.id,
        site_id=patient.site_id,
        protocol_version_id=version.id,
        status=CourseStatus.ACTIVE,
        phase=CoursePhase.INDUCTION,
        dose=rng.choice(DOSES[code]),
        dose_unit=protocol.dose_rule.unit,
        weight_basis=value_of(protocol.dose_rule.weight_basis),
        per_week=2,
        treatments_planned=len(past),
        start_on=first.date(),
        preferred_weekdays=courses.weekdays_text(sorted({a.starts_at.weekday() for a in past})),
        preferred_time=first.time().replace(tzinfo=None),
        note="",
        ordered_by_id=prescriber.staff_user_id,
        ordered_at=first - timedelta(days=7),
    )
    db.add(course)
    db.flush()
    for number, row in enumerate(past):
        row.course_id = course.id
        row.course_phase = (
            CoursePhase.INDUCTION if number < INDUCTION_TREATMENTS else CoursePhase.MAINTENANCE
        )
    if len(past) > INDUCTION_TREATMENTS:
        _continued(db, prescriber, course, version, past)
    return 1


def _site(db: Session, site_id: int) -> Site:
    site = db.get(Site, site_id)
    assert site is not None
    return site


def _continued(
    db: Session,
    prescriber: Actor,
    course: Course,
    version: ProtocolVersion,
    past: list[Appointment],
) -> None:
    """The review after induction said continue; two more maintenance treatments are booked."""
    code = version.code
    review = course_review.review_lines(db, prescriber, course, protocol_store.load(version))
    course.maintenance_decision = MaintenanceDecision.CONTINUE
    course.maintenance_outcome = course_review.headline(review)
    course.maintenance_note = "Benefit at the end of induction; maintenance every two weeks."
    course.maintenance_decided_by_id = prescriber.staff_user_id
    course.maintenance_decided_at = past[INDUCTION_TREATMENTS - 1].ends_at + timedelta(hours=2)
    course.phase = CoursePhase.MAINTENANCE
    start = max(prescriber.at.date(), past[-1].starts_at.date() + timedelta(days=7))
    order = course_changes.maintenance_order(course, code, start, 2, 1, 2)
    try:
        proposal = course_changes.propose_maintenance(db, prescriber, course, order)
        course_changes.book_maintenance(db, prescriber, course, order, list(proposal.slots))
    except Conflict:
        pass  # a full demo calendar leaves this course to be booked by hand


def _new_course(
    db: Session, prescriber: Actor, rng: random.Random, patient: Patient, site: Site
) -> int:
    """An assessed patient whose induction starts next Monday, booked by the scheduler."""
    today = prescriber.at.astimezone(ZoneInfo(site.timezone)).date()
    monday = today + timedelta(days=7 - today.weekday())
    synth_assessments.assess(db, prescriber, rng, patient, monday)
    code = synth_assessments.protocol_for(patient)
    order = CourseOrder(patient.id, code, site.id, monday, DOSES[code][0])
    try:
        proposal = propose(db, prescriber, order)
        courses.create_course(db, prescriber, order, list(proposal.slots))
    except Conflict:
        return 0
    return 1
