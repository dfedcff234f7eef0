"""Today's treatments for the demo: course treatments in every state across the chairs.

At each site, chair 1 had a treatment that is already discharged and now holds a patient just
checked in (or, at every other site, just cleared); chair 2's patient is signed off and ready for
discharge, chair 3's is in observation and chair 4's is being dosed, each started long enough ago
to be there now. Every step goes through the treatment services as the demo's nurse and
prescriber would take it, at its own minute: vitals typed before, during and after dosing (blood
pressure rising towards 40 minutes, as in clinical-reference §4.1 [YALE-BP]), the prescriber's
order, the pre-checks, the lot, pump or device events, one intervention and one adverse event in
the whole clinic, the discharge assessment and the discharge. Synthetic data only.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import (
    AppointmentKind,
    AppointmentStatus,
    AuditAction,
    CourseStatus,
    LocationKind,
    Role,
    TreatmentState,
)
from ketacare.core.errors import KetacareError
from ketacare.core.protocols.model import Protocol
from ketacare.core.protocols.timing import chair_minutes
from ketacare.db.models import (
    Appointment,
    Course,
    Location,
    RemsEnrolment,
    RoleGrant,
    Site,
    StaffUser,
    Treatment,
)
from ketacare.services import appointments, staff, treatments
from ketacare.services.context import Actor
from ketacare.services.synth_treatment_steps import Steps
from ketacare.services.treatment_facts import REMS_PRE_CHECK

SEED = 20261124
S = TreatmentState
CHECK_IN_MIN = 15  # the chair time a check-in takes, as the scheduler counts it (issue 5)
# (chair, state, minutes since check-in); chair 1's late patient alternates between sites.
LANES = ((0, S.DISCHARGED, 230), (1, S.READY_FOR_DISCHARGE, 170), (2, S.OBSERVATION, 80),
         (3, S.DOSING, 25))  # fmt: skip
LATE = ((S.CHECKED_IN, 3), (S.CLEARED, 12))
HOLDS_CHAIR = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)


@dataclass(frozen=True)
class Staff:
    """The demo's nurse and prescriber at one site, as actors at any minute."""

    nurse: StaffUser
    prescriber: StaffUser
    db: Session

    def nurse_at(self, at: datetime) -> Actor:
        return Actor(staff.principal_for(self.db, self.nurse), at)

    def prescriber_at(self, at: datetime) -> Actor:
        return Actor(staff.principal_for(self.db, self.prescriber), at)


def seed_demo_treatments(db: Session, actor: Actor, organization_id: int) -> int:
    """Today's treatments at every site of the organization; returns how many were started."""
    rng = random.Random(SEED)  # noqa: S311  (repeatable fake data, not secrets)
    sites = db.scalars(
        select(Site).where(Site.organization_id == organization_id).order_by(Site.id)
    ).all()
    made = 0
    extras = {"intervention": True, "adverse_event": True}  # once in the whole clinic
    for number, site in enumerate(sites):
        people = _staff(db, site.id)
        if people is None:
            continue
        lanes = (*LANES, (0, *LATE[number % len(LATE)]))
        made += _site(db, actor, rng, site, people, lanes, extras)
    return made


def _staff(db: Session, site_id: int) -> Staff | None:
    def first(role: Role) -> StaffUser | None:
        return db.scalar(
            select(StaffUser)
            .join(RoleGrant, RoleGrant.staff_user_id == StaffUser.id)
            .where(RoleGrant.site_id == site_id, RoleGrant.role == role, StaffUser.active)
            .order_by(StaffUser.id)
            .limit(1)
        )

    nurse, prescriber = first(Role.NURSE), first(Role.PRESCRIBER)
    return None if nurse is None or prescriber is None else Staff(nurse, prescriber, db)


def _site(
    db: Session,
    actor: Actor,
    rng: random.Random,
    site: Site,
    people: Staff,
    lanes: Sequence[tuple[int, TreatmentState, int]],
    extras: dict[str, bool],
) -> int:
    chairs = db.scalars(
        select(Location)
        .where(Location.site_id == site.id, Location.kind == LocationKind.CHAIR, Location.active)
        .order_by(Location.name)
    ).all()
    candidates = _courses(db, site.id)
    made = 0
    for chair_index, state, minutes_ago in lanes:
        if chair_index >= len(chairs):
            continue
        start = (actor.at - timedelta(minutes=minutes_ago)).replace(second=0, microsecond=0)
        for course in candidates:
            if _try(db, actor, rng, course, chairs[chair_index], start, state, people, extras):
                candidates.remove(course)
                made += 1
                break
    return made


def _courses(db: Session, site_id: int) -> list[Course]:
    """Active courses at the site whose patient has no treatment yet."""
    started = select(Treatment.patient_id)
    return list(
        db.scalars(
            select(Course)
            .where(
                Course.site_id == site_id,
                Course.status == CourseStatus.ACTIVE,
                Course.patient_id.not_in(started),
            )
            .order_by(Course.id)
        )
    )


def _try(
    db: Session,
    actor: Actor,
    rng: random.Random,
    course: Course,
    chair: Location,
    start: datetime,
    state: TreatmentState,
    people: Staff,
    extras: dict[str, bool],
) -> bool:
    """Run one treatment up to ``state``; False (and nothing kept) when the course cannot."""
    try:
        with db.begin_nested():
            steps = Steps(db, rng, people.nurse_at, people.prescriber_at, start, actor.at)
            protocol = steps.protocol_of(course)
            booked = _appointment(db, actor, course, chair, start, protocol)
            _enrol_if_needed(db, steps, course, protocol, start)
            treatment = treatments.check_in(db, people.nurse_at(start), booked.id)
            for step in _path(steps, treatment, protocol, state, extras):
                step()
    except KetacareError:
        return False
    return True


def _path(
    steps: Steps,
    treatment: Treatment,
    protocol: Protocol,
    state: TreatmentState,
    extras: dict[str, bool],
) -> Iterator[Callable[[], None]]:
    """The steps from check-in to ``state``, in order."""
    yield lambda: steps.baseline(treatment)
    if state == S.CHECKED_IN:
        return
    yield lambda: steps.order_and_checks(treatment, protocol)
    yield lambda: steps.clear(treatment)
    if state == S.CLEARED:
        return
    yield lambda: steps.start_dosing(treatment, protocol)
    if state == S.DOSING:
        return
    yield lambda: steps.end_dosing(treatment, protocol)
    yield lambda: steps.observe(treatment, protocol, _take(extras, "intervention"))
    if state == S.OBSERVATION:
        return
    yield lambda: steps.sign_off(treatment, protocol, _take(extras, "adverse_event"))
    if state == S.READY_FOR_DISCHARGE:
        return
    yield lambda: steps.discharge(treatment)


def _take(extras: dict[str, bool], name: str) -> bool:
    """True the first time ``name`` is asked for (one of each in the whole clinic)."""
    wanted = extras.get(name, False)
    extras[name] = False
    return wanted


def _appointment(
    db: Session,
    actor: Actor,
    course: Course,
    chair: Location,
    start: datetime,
    protocol: Protocol,
) -> Appointment:
    """Today's course treatment in ``chair`` from ``start``; the chair is freed of what was
    booked over it (the demo's week was filled before these treatments were placed)."""
    dose_mg = course.dose if course.dose_unit == "mg" else None
    length = timedelta(minutes=chair_minutes(protocol, dose_mg, CHECK_IN_MIN))
    _free_chair(db, actor, chair, start, start + length)
    row = Appointment(
        patient_id=course.patient_id,
        site_id=course.site_id,
        location_id=chair.id,
        starts_at=start,
        ends_at=start + length,
        kind=AppointmentKind.TREATMENT,
        status=AppointmentStatus.BOOKED,
        course_id=course.id,
        course_phase=course.phase,
        revision=0,
    )
    db.add(row)
    db.flush()
    appointments.audited(db, actor, AuditAction.CREATE, row, {"course_id": course.id})
    return row


def _free_chair(db: Session, actor: Actor, chair: Location, start: datetime, end: datetime) -> None:
    """Cancel what the synthetic week booked over ``start``..``end`` in ``chair``."""
    started = select(Treatment.appointment_id).where(Treatment.appointment_id.isnot(None))
    for other in db.scalars(
        select(Appointment).where(
            Appointment.location_id == chair.id,
            Appointment.status.in_(HOLDS_CHAIR),
            Appointment.starts_at < end,
            Appointment.ends_at > start,
            Appointment.id.not_in(started),
        )
    ):
        other.status = AppointmentStatus.CANCELLED
        other.note = "Chair taken by a treatment in progress (demo)."
        appointments.audited(db, actor, AuditAction.UPDATE, other, {"status": other.status})


def _enrol_if_needed(
    db: Session, steps: Steps, course: Course, protocol: Protocol, start: datetime
) -> None:
    """Esketamine patients are enrolled in the SPRAVATO REMS (clinical-reference §3.9)."""
    needs = any(p.code == REMS_PRE_CHECK for p in protocol.pre_checks)
    known = db.scalar(select(RemsEnrolment.id).where(RemsEnrolment.patient_id == course.patient_id))
    if not needs or known is not None:
        return
    prescriber = steps.prescriber(start)
    db.add(
        RemsEnrolment(
            patient_id=course.patient_id,
            enrolled_on=(start - timedelta(days=14)).date(),
            rems_patient_id=f"DEMO-{course.patient_id:05d}",
            recorded_by_id=prescriber.staff_user_id,
            recorded_at=start - timedelta(days=14),
        )
    )
    db.flush()
