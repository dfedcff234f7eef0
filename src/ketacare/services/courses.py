"""Courses: booking a confirmed proposal, and reading a course with its treatments.

Booking runs under a lock on the site row (PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already makes
writers take turns), and every slot is checked again against the calendar as it is now, so two
prescribers confirming at once can never put two patients in one chair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import (
    AppointmentKind,
    AppointmentStatus,
    AuditAction,
    CoursePhase,
    CourseStatus,
)
from ketacare.core.errors import Conflict, NotFound, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.protocols.model import Protocol, value_of
from ketacare.core.scheduling.model import (
    SchedulingError,
    Slot,
    TreatmentNeeds,
)
from ketacare.core.scheduling.series import interval_violations, with_booked
from ketacare.core.scheduling.slots import check_slot
from ketacare.db.models import Appointment, Course, Patient, ProtocolVersion, Site
from ketacare.services import appointments, audit, reminders
from ketacare.services import protocols as protocol_store
from ketacare.services.context import Actor
from ketacare.services.course_planning import (
    CourseOrder,
    Plan,
    calendar_for,
    plan_of,
    prepare,
    slot_days,
)
from ketacare.services.responses import patient_for
from ketacare.services.scheduling_setup import scheduling_settings

# A chair is held by every booking that is not cancelled or a no-show.
HOLDS_CHAIR = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)


@dataclass(frozen=True)
class CourseView:
    """A course as its page shows it: the order, the protocol version and every treatment."""

    course: Course
    patient: Patient
    site: Site
    version: ProtocolVersion
    protocol: Protocol
    treatments: tuple[Appointment, ...]


def weekdays_text(weekdays: Sequence[int]) -> str:
    """Preferred weekdays as stored on a course ("0,3": Monday and Thursday)."""
    return ",".join(str(d) for d in sorted(set(weekdays)))


def weekdays_of(course: Course) -> tuple[int, ...]:
    return tuple(int(d) for d in course.preferred_weekdays.split(",") if d)


def create_course(db: Session, actor: Actor, order: CourseOrder, slots: Sequence[Slot]) -> Course:
    """Store the course and book its induction treatments on the confirmed ``slots``."""
    plan = prepare(db, actor, order)
    lock_site(db, plan.site.id)
    check_slots(db, plan, slots, CoursePhase.INDUCTION)
    course = Course(
        organization_id=plan.patient.organization_id,
        patient_id=plan.patient.id,
        site_id=plan.site.id,
        protocol_version_id=plan.version.id,
        status=CourseStatus.ACTIVE,
        phase=CoursePhase.INDUCTION,
        dose=order.dose,
        dose_unit=plan.protocol.dose_rule.unit,
        weight_basis=value_of(plan.protocol.dose_rule.weight_basis),
        per_week=order.per_week,
        treatments_planned=len(slots),
        start_on=order.start_on,
        preferred_weekdays=weekdays_text(order.preferred_weekdays),
        preferred_time=order.preferred_time,
        note=order.note.strip(),
        ordered_by_id=actor.staff_user_id,
        ordered_at=actor.at,
    )
    db.add(course)
    db.flush()
    _audit_course(
        db,
        actor,
        AuditAction.CREATE,
        course,
        {"protocol": plan.version.code, "version": plan.version.version, "treatments": len(slots)},
    )
    book_treatments(db, actor, course, slots, CoursePhase.INDUCTION)
    return course


def lock_site(db: Session, site_id: int) -> None:
    """Take the site's booking lock until the transaction ends (a no-op wait on SQLite)."""
    db.execute(select(Site.id).where(Site.id == site_id).with_for_update())


def check_slots(
    db: Session,
    plan: Plan,
    slots: Sequence[Slot],
    phase: CoursePhase,
    *,
    after: datetime | None = None,
    ignore: frozenset[int] = frozenset(),
) -> None:
    """Refuse slots that break the phase's count, the minimum interval (from each other and from
    ``after``), or the calendar as it stands (chair, hours, staff), saying which and why."""
    if not slots:
        raise ValidationFailed({"treatments": "Book at least one treatment."})
    most = value_of(plan.protocol.phase(phase).max_treatments)
    if most is not None and len(slots) > most:
        raise ValidationFailed(
            {"treatments": f"The {phase} phase allows {most} treatments; {len(slots)} given."}
        )
    starts = ([after] if after is not None else []) + [s.starts_at for s in slots]
    broken = interval_violations(starts, plan.min_interval)
    if broken:
        raise ValidationFailed({"treatments": "; ".join(str(v) for v in broken)})
    first, last = slot_days(slots, plan)
    calendar = calendar_for(db, plan, first, last, ignore)
    for number, slot in enumerate(slots, start=1):
        try:
            check_slot(calendar, plan.needs, slot)
        except SchedulingError as refused:
            raise Conflict(f"Treatment {number}: {refused}", "treatments") from refused
        calendar = with_booked(calendar, [slot])


def book_treatments(
    db: Session, actor: Actor, course: Course, slots: Sequence[Slot], phase: CoursePhase
) -> list[Appointment]:
    """One treatment appointment per slot, audited, with the patient's invitations queued."""
    hours = scheduling_settings(db, course.organization_id).reminder_hours_before
    booked = []
    for slot in slots:
        row = Appointment(
            patient_id=course.patient_id,
            site_id=course.site_id,
            location_id=slot.location_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            kind=AppointmentKind.TREATMENT,
            status=AppointmentStatus.BOOKED,
            course_id=course.id,
            course_phase=phase,
            revision=0,
        )
        db.add(row)
        db.flush()
        appointments.audited(
            db, actor, AuditAction.CREATE, row, {"course_id": course.id, "phase": phase}
        )
        reminders.appointment_booked(db, row, reminder_hours_before=hours, now=actor.at)
        booked.append(row)
    return booked


def _audit_course(
    db: Session, actor: Actor, action: AuditAction, course: Course, detail: dict[str, object]
) -> None:
    audit.record(
        db,
        actor,
        action,
        "course",
        course.id,
        patient_id=course.patient_id,
        site_id=course.site_id,
        detail=detail,
    )


def course_plan(db: Session, course: Course) -> Plan:
    """The plan a course's own bookings follow: its protocol version, dose and preferences."""
    patient = db.get(Patient, course.patient_id)
    site = db.get(Site, course.site_id)
    version = db.get(ProtocolVersion, course.protocol_version_id)
    assert patient is not None
    assert site is not None
    assert version is not None
    preferences = TreatmentNeeds(0, False, frozenset(weekdays_of(course)), course.preferred_time)
    return plan_of(db, patient, site, version, course.dose, preferences)


def treatments_of(db: Session, course_id: int) -> list[Appointment]:
    """Every appointment of the course, in time order (cancelled ones included)."""
    return list(
        db.scalars(
            select(Appointment)
            .where(Appointment.course_id == course_id)
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def view(db: Session, actor: Actor, course_id: int) -> CourseView:
    """The course page's content; the read is audited."""
    course = db.get(Course, course_id)
    if course is None:
        raise NotFound("No such course.")
    patient = patient_for(db, actor, course.patient_id, Action.READ_PATIENT)
    site = db.get(Site, course.site_id)
    version = db.get(ProtocolVersion, course.protocol_version_id)
    assert site is not None
    assert version is not None
    _audit_course(db, actor, AuditAction.VIEW, course, {})
    return CourseView(
        course,
        patient,
        site,
        version,
        protocol_store.load(version),
        tuple(treatments_of(db, course.id)),
    )


def courses_of(db: Session, actor: Actor, patient_id: int) -> list[tuple[Course, ProtocolVersion]]:
    """A patient's courses with their protocol versions, newest first; the read is audited."""
    patient = patient_for(db, actor, patient_id, Action.READ_PATIENT)
    audit.record(
        db,
        actor,
        AuditAction.VIEW,
        "course_list",
        patient.id,
        patient_id=patient.id,
        site_id=patient.site_id,
    )
    return chart_courses(db, patient.id)


def chart_courses(db: Session, patient_id: int) -> list[tuple[Course, ProtocolVersion]]:
    """The courses listed on a chart whose opening (``patients.view``) is the audited read."""
    rows = db.execute(
        select(Course, ProtocolVersion)
        .join(ProtocolVersion, ProtocolVersion.id == Course.protocol_version_id)
        .where(Course.patient_id == patient_id)
        .order_by(Course.start_on.desc(), Course.id.desc())
    ).all()
    return [(course, version) for course, version in rows]
