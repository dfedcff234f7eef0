"""Changing a course after booking: moving or cancelling one treatment, and the end-of-induction
review that either ends the course or books maintenance.

A move re-plans the treatments after it so none comes closer than the protocol's minimum interval;
if the rest cannot be re-planned the move is refused and nothing changes. A cancel keeps the
course's count by booking a make-up treatment after the last one when a slot exists, and says so
plainly when none does (the cancel itself always goes through: a patient can always cancel).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from ketacare.core.enums import (
    AppointmentStatus,
    AuditAction,
    CoursePhase,
    CourseStatus,
    MaintenanceDecision,
)
from ketacare.core.errors import Conflict, NotFound, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.scheduling.model import SchedulingError, Slot
from ketacare.core.scheduling.series import book_series, interval_violations, replan, with_booked
from ketacare.core.scheduling.slots import check_slot
from ketacare.db.models import Appointment, Course
from ketacare.services import appointments, audit, reminders
from ketacare.services.context import Actor
from ketacare.services.course_planning import CourseOrder, Proposal, calendar_for, propose
from ketacare.services.courses import (
    HOLDS_CHAIR,
    book_treatments,
    check_slots,
    course_plan,
    lock_site,
    treatments_of,
    weekdays_of,
)
from ketacare.services.scheduling_setup import scheduling_settings


@dataclass(frozen=True)
class Moved:
    """The treatment moved and the later ones that had to move with it."""

    moved: Appointment
    shifted: tuple[Appointment, ...]


@dataclass(frozen=True)
class Cancelled:
    """The cancelled treatment, and the make-up booked for it or why none could be."""

    cancelled: Appointment
    make_up: Appointment | None
    make_up_refused: str


def _course_treatment(db: Session, actor: Actor, appointment_id: int) -> tuple[Appointment, Course]:
    row = db.get(Appointment, appointment_id)
    sites = actor.visible_sites(Action.WRITE_APPOINTMENTS)
    if row is None or row.course_id is None or (sites is not None and row.site_id not in sites):
        raise NotFound("No such course treatment at your sites.")
    if row.status != AppointmentStatus.BOOKED:
        raise Conflict(f"Only a booked treatment can be changed; this one is {row.status}.")
    course = db.get(Course, row.course_id)
    assert course is not None
    if course.status != CourseStatus.ACTIVE:
        raise Conflict(f"The course is {course.status}; its treatments can no longer be changed.")
    return row, course


def _live(db: Session, course_id: int) -> list[Appointment]:
    return [a for a in treatments_of(db, course_id) if a.status in HOLDS_CHAIR]


def move_treatment(
    db: Session, actor: Actor, appointment_id: int, starts_at: datetime, location_id: int
) -> Moved:
    """Move one treatment to ``starts_at`` in chair ``location_id``; later treatments follow
    when they must. Refused with the reason when the move or the rest cannot be planned."""
    row, course = _course_treatment(db, actor, appointment_id)
    if starts_at <= actor.at:
        raise Conflict("A treatment cannot be moved into the past.", "starts_at")
    plan = course_plan(db, course)
    lock_site(db, course.site_id)
    live = _live(db, course.id)
    at = live.index(row)
    before = live[at - 1].starts_at if at > 0 else None
    later = [a for a in live[at + 1 :] if a.status == AppointmentStatus.BOOKED]
    new = Slot(location_id, starts_at, starts_at + timedelta(minutes=plan.needs.chair_min))
    broken = interval_violations([*([before] if before else []), starts_at], plan.min_interval)
    if broken:
        raise Conflict(f"Cannot move the treatment: {broken[0]}", "starts_at")
    ignore = frozenset({row.id, *(a.id for a in later)})
    last_day = max([starts_at, *(a.starts_at for a in later)]).date()
    calendar = calendar_for(db, plan, starts_at.date() - timedelta(days=1), last_day, ignore)
    try:
        check_slot(calendar, plan.needs, new)
        slots = replan(
            with_booked(calendar, [new]),
            plan.needs,
            [_slot(a) for a in later],
            plan.min_interval,
            after=starts_at,
            max_shift_days=plan.max_shift_days,
        )
    except SchedulingError as refused:
        raise Conflict(f"Cannot move the treatment: {refused}", "starts_at") from refused
    _reschedule(db, actor, row, new)
    shifted = tuple(a for a, s in zip(later, slots, strict=True) if _reschedule(db, actor, a, s))
    return Moved(row, shifted)


def _slot(row: Appointment) -> Slot:
    assert row.location_id is not None
    return Slot(row.location_id, row.starts_at, row.ends_at)


def _reschedule(db: Session, actor: Actor, row: Appointment, slot: Slot) -> bool:
    """Put ``row`` on ``slot``; False (and nothing written) when it is already there."""
    if _slot(row) == slot:
        return False
    old = {"starts_at": row.starts_at.isoformat(), "location_id": row.location_id}
    row.starts_at, row.ends_at, row.location_id = slot.starts_at, slot.ends_at, slot.location_id
    row.revision += 1
    new = {"starts_at": slot.starts_at.isoformat(), "location_id": slot.location_id}
    appointments.audited(db, actor, AuditAction.UPDATE, row, {"moved": [old, new]})
    hours = scheduling_settings(db, _org_of(db, row)).reminder_hours_before
    reminders.appointment_moved(db, row, reminder_hours_before=hours, now=actor.at)
    return True


def _org_of(db: Session, row: Appointment) -> int:
    course = db.get(Course, row.course_id)
    assert course is not None
    return course.organization_id


def cancel_treatment(
    db: Session, actor: Actor, appointment_id: int, reason: str, *, make_up: bool = True
) -> Cancelled:
    """Cancel one treatment and, when ``make_up``, book a replacement after the course's last."""
    if not reason.strip():
        raise ValidationFailed({"reason": "Say why the treatment is cancelled."})
    row, course = _course_treatment(db, actor, appointment_id)
    lock_site(db, course.site_id)
    row.status = AppointmentStatus.CANCELLED
    row.revision += 1
    row.note = (row.note + "\n" if row.note else "") + f"Cancelled: {reason.strip()}"
    detail = {"status": row.status, "course_id": course.id}
    appointments.audited(db, actor, AuditAction.UPDATE, row, detail)
    reminders.appointment_cancelled(db, row, now=actor.at)
    if not make_up:
        return Cancelled(row, None, "")
    try:
        return Cancelled(row, _book_make_up(db, actor, course, row), "")
    except SchedulingError as refused:
        return Cancelled(row, None, f"No make-up treatment could be booked: {refused}")


def _book_make_up(db: Session, actor: Actor, course: Course, cancelled: Appointment) -> Appointment:
    plan = course_plan(db, course)
    live = _live(db, course.id)
    last = live[-1].starts_at if live else cancelled.starts_at
    first_day = max(last + plan.min_interval, actor.at).date()
    calendar = calendar_for(db, plan, first_day, first_day)
    slots = book_series(
        calendar,
        plan.needs,
        [first_day],
        plan.min_interval,
        after=last if live else None,
        max_shift_days=plan.max_shift_days,
        not_before=actor.at,
    )
    phase = CoursePhase(cancelled.course_phase or course.phase)
    return book_treatments(db, actor, course, slots, phase)[0]


def maintenance_due(course: Course, treatments: list[Appointment], now: datetime) -> bool:
    """True once the last induction treatment has started and no decision is recorded: the
    label asks for evidence of benefit to be evaluated at the end of induction (§3.2)."""
    if course.status != CourseStatus.ACTIVE or course.maintenance_decision is not None:
        return False
    induction = [a for a in treatments if a.course_phase == CoursePhase.INDUCTION]
    live = [a for a in induction if a.status in HOLDS_CHAIR]
    return bool(live) and max(a.starts_at for a in live) <= now


def decide_maintenance(
    db: Session, actor: Actor, course_id: int, decision: str, outcome: str, note: str
) -> Course:
    """Record the end-of-induction review; ``stop`` ends the course as completed."""
    course = db.get(Course, course_id)
    if course is None:
        raise NotFound("No such course.")
    actor.require(Action.ORDER_COURSE, course.site_id)
    if decision not in {d.value for d in MaintenanceDecision}:
        raise ValidationFailed({"decision": "Choose to continue into maintenance or to stop."})
    if not maintenance_due(course, treatments_of(db, course.id), actor.at):
        raise Conflict("The maintenance decision is taken after the last induction treatment.")
    course.maintenance_decision = decision
    course.maintenance_outcome = outcome[:40]
    course.maintenance_note = note.strip()
    course.maintenance_decided_by_id = actor.staff_user_id
    course.maintenance_decided_at = actor.at
    if decision == MaintenanceDecision.STOP:
        course.status, course.ended_at = CourseStatus.COMPLETED, actor.at
        course.end_reason = "Ended at the end-of-induction review."
    audit.record(
        db,
        actor,
        AuditAction.UPDATE,
        "course",
        course.id,
        patient_id=course.patient_id,
        site_id=course.site_id,
        detail={"maintenance": decision, "outcome": outcome},
    )
    return course


def maintenance_order(
    course: Course,
    code: str,
    start_on: date,
    treatments: int | None,
    per_week: int | None,
    every_n_weeks: int | None,
) -> CourseOrder:
    """The order for a course's maintenance treatments: its own dose, site and preferences."""
    return CourseOrder(
        course.patient_id,
        code,
        course.site_id,
        start_on,
        course.dose,
        treatments,
        per_week,
        every_n_weeks,
        weekdays_of(course),
        course.preferred_time,
    )


def _may_book_more(actor: Actor, course: Course) -> None:
    actor.require(Action.ORDER_COURSE, course.site_id)
    if course.maintenance_decision != MaintenanceDecision.CONTINUE:
        raise Conflict("Maintenance is booked after the prescriber decides to continue.")
    if course.status != CourseStatus.ACTIVE:
        raise Conflict(f"The course is {course.status}; no more treatments can be booked.")


def _last_start(db: Session, course: Course) -> datetime | None:
    live = _live(db, course.id)
    return live[-1].starts_at if live else None


def propose_maintenance(db: Session, actor: Actor, course: Course, order: CourseOrder) -> Proposal:
    """Maintenance treatments proposed like induction, after the course's last treatment (again
    whenever more are needed: esketamine's maintenance runs on from week 9, §3.2)."""
    _may_book_more(actor, course)
    after = _last_start(db, course)
    found = propose(
        db,
        actor,
        order,
        CoursePhase.MAINTENANCE,
        after=after,
        version_id=course.protocol_version_id,
    )
    return replace(found, order_course_id=course.id)


def book_maintenance(
    db: Session, actor: Actor, course: Course, order: CourseOrder, slots: list[Slot]
) -> list[Appointment]:
    """Book the confirmed maintenance slots; the course moves into its maintenance phase."""
    _may_book_more(actor, course)
    plan = course_plan(db, course)
    lock_site(db, course.site_id)
    check_slots(db, plan, slots, CoursePhase.MAINTENANCE, after=_last_start(db, course))
    course.phase = CoursePhase.MAINTENANCE
    course.treatments_planned += len(slots)
    return book_treatments(db, actor, course, slots, CoursePhase.MAINTENANCE)
