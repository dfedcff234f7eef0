"""The treatment day's spine: check-in from a course appointment, finding a treatment the actor may
see, and moving it through the state machine of ``core/treatments.py``.

A state changes only through ``move``: the core's ``transition`` decides with the facts read from
the record (``treatment_facts.facts_for``), the state's timestamp is set, a ``TreatmentEvent`` row
keeps who and when, and the change is audited with the patient and site, all in the caller's
transaction. The appointment follows: arrived at check-in, completed at discharge.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ketacare.core.enums import (
    AppointmentKind,
    AppointmentStatus,
    AuditAction,
    CourseStatus,
    TreatmentState,
)
from ketacare.core.errors import Conflict, NotFound, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.treatments import transition
from ketacare.db.models import Appointment, Course, Site, Treatment, TreatmentEvent
from ketacare.services import appointments, audit
from ketacare.services.context import Actor
from ketacare.services.treatment_facts import facts_for

ENTITY = "treatment"
# A treatment is in progress from check-in until it is discharged or aborted.
IN_PROGRESS = (
    TreatmentState.CHECKED_IN,
    TreatmentState.CLEARED,
    TreatmentState.DOSING,
    TreatmentState.OBSERVATION,
    TreatmentState.READY_FOR_DISCHARGE,
)
CHECKS_IN = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
# The column each state's arrival time is kept in (observation also ends dosing).
STAMPS: Mapping[TreatmentState, tuple[str, ...]] = {
    TreatmentState.CHECKED_IN: ("checked_in_at",),
    TreatmentState.CLEARED: ("cleared_at",),
    TreatmentState.DOSING: ("dosing_started_at",),
    TreatmentState.OBSERVATION: ("dosing_ended_at", "observation_started_at"),
    TreatmentState.READY_FOR_DISCHARGE: ("ready_at",),
    TreatmentState.DISCHARGED: ("discharged_at",),
    TreatmentState.ABORTED: ("aborted_at",),
}


def check_in(db: Session, actor: Actor, appointment_id: int) -> Treatment:
    """Start the treatment of a course appointment booked for today at its site: the course's
    protocol version, the appointment's chair, state checked in; the appointment is arrived."""
    booked = db.get(Appointment, appointment_id)
    sites = actor.visible_sites(Action.READ_APPOINTMENTS)
    if booked is None or (sites is not None and booked.site_id not in sites):
        raise NotFound("No such appointment at your sites.")
    actor.require(Action.CHECK_IN, booked.site_id)
    course = _checkable_course(db, actor, booked)
    treatment = Treatment(
        organization_id=course.organization_id,
        site_id=booked.site_id,
        patient_id=booked.patient_id,
        course_id=course.id,
        appointment_id=booked.id,
        protocol_version_id=course.protocol_version_id,
        location_id=booked.location_id,
        state=TreatmentState.SCHEDULED,
        created_at=actor.at,
        updated_at=actor.at,
    )
    try:
        with db.begin_nested():
            db.add(treatment)
            db.flush()
    except IntegrityError:
        raise Conflict("This appointment is already checked in.", "appointment") from None
    record(db, actor, AuditAction.CREATE, ENTITY, treatment.id, treatment, course_id=course.id)
    move(db, actor, treatment, TreatmentState.CHECKED_IN)
    if booked.status != AppointmentStatus.ARRIVED:
        booked.status = AppointmentStatus.ARRIVED
        appointments.audited(db, actor, AuditAction.UPDATE, booked, {"status": booked.status})
    return treatment


def _checkable_course(db: Session, actor: Actor, booked: Appointment) -> Course:
    """The active course a treatment appointment for today belongs to, or why it cannot start."""
    course = db.get(Course, booked.course_id) if booked.course_id is not None else None
    if booked.kind != AppointmentKind.TREATMENT or course is None:
        raise ValidationFailed({"appointment": "Only a course's treatment appointment checks in."})
    if course.status != CourseStatus.ACTIVE:
        raise Conflict(f"The course is {course.status}; no treatment can start.", "appointment")
    if booked.status not in CHECKS_IN:
        raise Conflict(f"The appointment is {booked.status}; it cannot check in.", "appointment")
    site = db.get(Site, booked.site_id)
    assert site is not None
    zone = ZoneInfo(site.timezone)
    booked_on = booked.starts_at.astimezone(zone).date()
    if booked_on != actor.at.astimezone(zone).date():
        raise Conflict(
            f"This treatment is booked for {booked_on.isoformat()}; check in on that day.",
            "appointment",
        )
    return course


def by_appointment(db: Session, appointment_ids: Iterable[int]) -> dict[int, Treatment]:
    """The treatment started from each of these appointments, if any (for lists that already
    audited the appointments they show)."""
    ids = list(appointment_ids)
    if not ids:
        return {}
    rows = db.scalars(select(Treatment).where(Treatment.appointment_id.in_(ids)))
    return {row.appointment_id: row for row in rows if row.appointment_id is not None}


def treatment_for(db: Session, actor: Actor, treatment_id: int, action: Action) -> Treatment:
    """The treatment when the actor may do ``action`` at its site: NotFound when it is not
    visible at all, PermissionDenied when visible but the role does not allow ``action``."""
    row = db.get(Treatment, treatment_id)
    sites = actor.visible_sites(Action.READ_TREATMENTS)
    if row is None or (sites is not None and row.site_id not in sites):
        raise NotFound("No such treatment, or it is at a site you do not work at.")
    actor.require(action, row.site_id)
    return row


def require_state(treatment: Treatment, *states: TreatmentState, doing: str) -> None:
    """Refuse ``doing`` unless the treatment is in one of ``states``, saying where it stands."""
    if treatment.state not in states:
        shown = treatment.state.replace("_", " ")
        raise Conflict(f"The treatment is {shown}: {doing} is not possible now.", "state")


def advance(db: Session, actor: Actor, treatment_id: int, to: str) -> Treatment:
    """Move the treatment to ``to`` when the record allows it (TreatmentError lists what is
    missing otherwise); aborting has its own function, since it needs a reason."""
    treatment = treatment_for(db, actor, treatment_id, Action.RUN_TREATMENT)
    try:
        target = TreatmentState(to)
    except ValueError:
        raise ValidationFailed({"to": f"There is no treatment state {to!r}."}) from None
    if target == TreatmentState.ABORTED:
        raise ValidationFailed({"reason": "Give the reason the treatment is aborted."})
    move(db, actor, treatment, target)
    return treatment


def abort(db: Session, actor: Actor, treatment_id: int, reason: str) -> Treatment:
    """End the treatment before discharge, with the reason kept on the treatment and its event."""
    treatment = treatment_for(db, actor, treatment_id, Action.RUN_TREATMENT)
    if not reason.strip():
        raise ValidationFailed({"reason": "Give the reason the treatment is aborted."})
    treatment.abort_reason = reason.strip()
    move(db, actor, treatment, TreatmentState.ABORTED, reason=reason.strip())
    return treatment


def move(
    db: Session,
    actor: Actor,
    treatment: Treatment,
    to: TreatmentState,
    *,
    at: datetime | None = None,
    **detail: Any,
) -> None:
    """Apply one transition the core allows with the facts as they are now; ``at`` is when it
    happened (a dose started a few minutes before it was typed in), by default now."""
    facts = facts_for(db, treatment, actor.at, actor=actor)
    transition(TreatmentState(treatment.state), to, facts)
    _stamp(db, actor, treatment, to, at or actor.at, detail)
    if to == TreatmentState.DISCHARGED and treatment.appointment_id is not None:
        booked = db.get(Appointment, treatment.appointment_id)
        if booked is not None and booked.status != AppointmentStatus.COMPLETED:
            booked.status = AppointmentStatus.COMPLETED
            appointments.audited(db, actor, AuditAction.UPDATE, booked, {"status": booked.status})


def _stamp(
    db: Session,
    actor: Actor,
    treatment: Treatment,
    to: TreatmentState,
    at: datetime,
    detail: Mapping[str, Any],
) -> None:
    """Set the state and its time, keep the event, audit the change."""
    before = treatment.state
    treatment.state = to
    for column in STAMPS.get(to, ()):
        setattr(treatment, column, at)
    treatment.updated_at = actor.at
    event = TreatmentEvent(
        treatment_id=treatment.id,
        from_state=before,
        to_state=to,
        at=at,
        by_id=actor.staff_user_id,
        detail=json.dumps(dict(detail), sort_keys=True, default=str),
    )
    db.add(event)
    db.flush()
    record(db, actor, AuditAction.UPDATE, ENTITY, treatment.id, treatment, state=[before, to])


def record(
    db: Session,
    actor: Actor,
    action: AuditAction,
    entity: str,
    entity_id: object,
    treatment: Treatment,
    **detail: Any,
) -> None:
    """Audit a read or change of something recorded on the treatment (patient and site named)."""
    audit.record(
        db,
        actor,
        action,
        entity,
        entity_id,
        patient_id=treatment.patient_id,
        site_id=treatment.site_id,
        detail={"treatment_id": treatment.id, **detail},
    )


def events_of(db: Session, treatment_id: int) -> list[TreatmentEvent]:
    return list(
        db.scalars(
            select(TreatmentEvent)
            .where(TreatmentEvent.treatment_id == treatment_id)
            .order_by(TreatmentEvent.id)  # the order they were recorded in
        )
    )
