"""Per-patient instrument schedules, and which questionnaires are due or overdue at a site today.

The rules are in ``core.schedules``; this module turns stored instants into site-local days.
Adding or ending a schedule is clinical work (``RECORD_INSTRUMENTS``). The due list is for the
staff who send questionnaires (``SEND_PORTAL_LINK``, front desk included): it shows instrument
names, never scores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ketacare.core.enums import AppointmentKind, AppointmentStatus, AuditAction
from ketacare.core.errors import NotFound, ValidationFailed
from ketacare.core.instruments import INSTRUMENTS
from ketacare.core.permissions import Action
from ketacare.core.schedules import (
    DEFAULT_GRACE_DAYS,
    ScheduleSpec,
    Status,
    status_on,
    validate_schedule,
)
from ketacare.db.models import Appointment, InstrumentResponse, InstrumentSchedule, Patient, Site
from ketacare.services import audit
from ketacare.services.appointments import day_bounds
from ketacare.services.context import Actor
from ketacare.services.responses import patient_for

_NOT_HAPPENING = (AppointmentStatus.CANCELLED.value, AppointmentStatus.NO_SHOW.value)
_LOOK_BACK = timedelta(days=366)  # the previous treatment is looked for this far back


@dataclass(frozen=True)
class DueRow:
    """One questionnaire a patient should complete today."""

    patient: Patient
    code: str
    status: Status
    schedule: InstrumentSchedule


def add_schedule(
    db: Session,
    actor: Actor,
    patient_id: int,
    code: str,
    rule: str,
    starts_on: date,
    interval_days: int | None = None,
    ends_on: date | None = None,
) -> InstrumentSchedule:
    """Start asking ``code`` of the patient by ``rule``; raises ``ValidationFailed``."""
    patient = patient_for(db, actor, patient_id, Action.RECORD_INSTRUMENTS)
    if code not in INSTRUMENTS:
        raise ValidationFailed({"instrument_code": "Choose an instrument from the list."})
    validate_schedule(ScheduleSpec(rule, interval_days, starts_on, ends_on))
    row = InstrumentSchedule(
        patient_id=patient.id,
        site_id=patient.site_id,
        instrument_code=code,
        rule=rule,
        interval_days=interval_days,
        starts_on=starts_on,
        ends_on=ends_on,
        active=True,
        created_by_id=actor.staff_user_id,
        created_at=actor.at,
    )
    db.add(row)
    db.flush()
    detail = {"instrument": code, "rule": rule, "interval_days": interval_days}
    _audit(db, actor, AuditAction.CREATE, row, detail)
    return row


def end_schedule(db: Session, actor: Actor, schedule_id: int, on: date) -> InstrumentSchedule:
    """Stop a schedule: nothing is due from the day after ``on``."""
    row = db.get(InstrumentSchedule, schedule_id)
    if row is None:
        raise NotFound("No such schedule.")
    patient_for(db, actor, row.patient_id, Action.RECORD_INSTRUMENTS)
    if on < row.starts_on:
        raise ValidationFailed({"ends_on": "The end cannot be before the start."})
    row.ends_on, row.active = on, False
    _audit(db, actor, AuditAction.UPDATE, row, {"ends_on": on.isoformat()})
    return row


def schedules_of(db: Session, actor: Actor, patient_id: int) -> Sequence[InstrumentSchedule]:
    """A patient's schedules, running ones first; the read is audited."""
    patient = patient_for(db, actor, patient_id, Action.READ_OUTCOMES)
    rows = db.scalars(
        select(InstrumentSchedule)
        .where(InstrumentSchedule.patient_id == patient.id)
        .order_by(InstrumentSchedule.active.desc(), InstrumentSchedule.starts_on)
    ).all()
    audit.record(
        db,
        actor,
        AuditAction.VIEW,
        "instrument_schedule",
        patient_id=patient.id,
        site_id=patient.site_id,
        detail={"schedule_ids": [r.id for r in rows]},
    )
    return rows


def due_today(
    db: Session,
    actor: Actor,
    site_ids: Iterable[int] | None,
    on: date,
    grace_days: int = DEFAULT_GRACE_DAYS,
) -> list[DueRow]:
    """Questionnaires due or overdue on ``on`` (each site's own calendar day), overdue first."""
    visible = actor.visible_sites(Action.SEND_PORTAL_LINK)
    wanted = None if site_ids is None else frozenset(site_ids)
    sites = db.scalars(select(Site).order_by(Site.id)).all()
    rows: list[DueRow] = []
    for site in sites:
        if (wanted is None or site.id in wanted) and (visible is None or site.id in visible):
            rows.extend(_due_at_site(db, actor, site, on, grace_days))
    return sorted(rows, key=lambda r: (r.status != "overdue", r.patient.family_name, r.code))


def _due_at_site(db: Session, actor: Actor, site: Site, on: date, grace: int) -> list[DueRow]:
    schedules = db.execute(
        select(InstrumentSchedule, Patient)
        .join(Patient, Patient.id == InstrumentSchedule.patient_id)
        .where(
            InstrumentSchedule.site_id == site.id,
            InstrumentSchedule.active.is_(True),
            InstrumentSchedule.starts_on <= on,
        )
    ).all()
    if not schedules:
        return []
    zone = ZoneInfo(site.timezone)
    patient_ids = {p.id for _, p in schedules}
    _, end = day_bounds(site, on)
    last = _last_completed(db, patient_ids, end, zone)
    treatments = _treatment_days(db, patient_ids, end, zone)
    rows = []
    for schedule, patient in schedules:
        status = status_on(
            _spec(schedule),
            on,
            last.get((patient.id, schedule.instrument_code)),
            treatments.get(patient.id, ()),
            grace,
        )
        if status is not None:
            rows.append(DueRow(patient, schedule.instrument_code, status, schedule))
    if rows:
        detail = {"on": on.isoformat(), "patient_ids": sorted({r.patient.id for r in rows})}
        audit.record(
            db, actor, AuditAction.VIEW, "instruments_due", site.id, site_id=site.id, detail=detail
        )
    return rows


def _spec(row: InstrumentSchedule) -> ScheduleSpec:
    return ScheduleSpec(row.rule, row.interval_days, row.starts_on, row.ends_on, row.active)


def _last_completed(
    db: Session, patient_ids: set[int], before: datetime, zone: ZoneInfo
) -> dict[tuple[int, str], date]:
    """The site-local day of each patient's latest response per instrument."""
    found = db.execute(
        select(
            InstrumentResponse.patient_id,
            InstrumentResponse.instrument_code,
            func.max(InstrumentResponse.completed_at),
        )
        .where(
            InstrumentResponse.patient_id.in_(patient_ids),
            InstrumentResponse.completed_at < before,
        )
        .group_by(InstrumentResponse.patient_id, InstrumentResponse.instrument_code)
    ).all()
    return {(pid, code): _local_day(at, zone) for pid, code, at in found}


def _treatment_days(
    db: Session, patient_ids: set[int], before: datetime, zone: ZoneInfo
) -> dict[int, tuple[date, ...]]:
    """Each patient's treatment appointment days up to ``before`` (not cancelled or no-show)."""
    found = db.execute(
        select(Appointment.patient_id, Appointment.starts_at).where(
            Appointment.patient_id.in_(patient_ids),
            Appointment.kind == AppointmentKind.TREATMENT,
            Appointment.status.not_in(_NOT_HAPPENING),
            Appointment.starts_at < before,
            Appointment.starts_at >= before - _LOOK_BACK,
        )
    ).all()
    days: defaultdict[int, set[date]] = defaultdict(set)
    for pid, starts_at in found:
        days[pid].add(_local_day(starts_at, zone))
    return {pid: tuple(sorted(d)) for pid, d in days.items()}


def _local_day(at: datetime, zone: ZoneInfo) -> date:
    """An instant's calendar day at the site."""
    return at.astimezone(zone).date()


def _audit(
    db: Session,
    actor: Actor,
    action: AuditAction,
    row: InstrumentSchedule,
    detail: Mapping[str, object],
) -> None:
    audit.record(
        db,
        actor,
        action,
        "instrument_schedule",
        row.id,
        patient_id=row.patient_id,
        site_id=row.site_id,
        detail=detail,
    )
