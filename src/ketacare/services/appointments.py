"""Appointments: book, change status, and list a site's day chair by chair."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.appointments import validate_booking
from ketacare.core.enums import AppointmentStatus, AuditAction
from ketacare.core.errors import NotFound, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.db.models import Appointment, Location, Patient, Site
from ketacare.services import audit
from ketacare.services.context import Actor


@dataclass(frozen=True)
class Booking:
    patient_id: int
    location_id: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    kind: str
    status: str = AppointmentStatus.BOOKED.value
    note: str = ""


@dataclass(frozen=True)
class DayRow:
    """One line of the Today page: the appointment with its patient and chair or room."""

    appointment: Appointment
    patient: Patient
    location: Location | None


def book(db: Session, actor: Actor, booking: Booking) -> Appointment:
    """Book an appointment at the patient's home site, in a chair or room of that site."""
    validate_booking(booking.starts_at, booking.ends_at, booking.kind, booking.status)
    assert booking.starts_at is not None
    assert booking.ends_at is not None
    patient = db.get(Patient, booking.patient_id)
    sites = actor.visible_sites(Action.WRITE_APPOINTMENTS)
    if patient is None or (sites is not None and patient.site_id not in sites):
        raise NotFound("No such patient, or the patient is at a site you do not work at.")
    _check_location(db, booking.location_id, patient.site_id)
    row = Appointment(
        patient_id=patient.id,
        site_id=patient.site_id,
        location_id=booking.location_id,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        kind=booking.kind,
        status=booking.status,
        note=booking.note.strip(),
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor,
        AuditAction.CREATE,
        "appointment",
        row.id,
        patient_id=patient.id,
        site_id=patient.site_id,
    )
    return row


def _check_location(db: Session, location_id: int | None, site_id: int) -> None:
    if location_id is None:
        return
    location = db.get(Location, location_id)
    if location is None or location.site_id != site_id:
        raise ValidationFailed({"location_id": "Choose a chair or room at the patient's site."})


def set_status(db: Session, actor: Actor, appointment_id: int, status: str) -> Appointment:
    """Mark an appointment arrived, completed, cancelled or no-show."""
    row = db.get(Appointment, appointment_id)
    sites = actor.visible_sites(Action.WRITE_APPOINTMENTS)
    if row is None or (sites is not None and row.site_id not in sites):
        raise NotFound("No such appointment at your sites.")
    if status not in {s.value for s in AppointmentStatus}:
        raise ValidationFailed({"status": f"Choose one of: {', '.join(AppointmentStatus)}."})
    row.status = status
    audit.record(
        db,
        actor,
        AuditAction.UPDATE,
        "appointment",
        row.id,
        patient_id=row.patient_id,
        site_id=row.site_id,
        detail={"status": status},
    )
    return row


def site_today(site: Site, at: datetime) -> date:
    """The calendar day at the site at instant ``at`` (a clinic's "today" is its own)."""
    return at.astimezone(ZoneInfo(site.timezone)).date()


def day_bounds(site: Site, day: date) -> tuple[datetime, datetime]:
    """The UTC instants where ``day`` starts and ends in the site's own time zone."""
    zone = ZoneInfo(site.timezone)
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


def day_at_site(db: Session, actor: Actor, site_id: int, day: date) -> Sequence[DayRow]:
    """A site's appointments on ``day`` (site-local) by start time; patient reads are audited."""
    actor.require(Action.READ_APPOINTMENTS, site_id)
    site = db.get(Site, site_id)
    if site is None:
        raise NotFound("No such site.")
    start, end = day_bounds(site, day)
    rows = db.execute(
        select(Appointment, Patient, Location)
        .join(Patient, Patient.id == Appointment.patient_id)
        .outerjoin(Location, Location.id == Appointment.location_id)
        .where(
            Appointment.site_id == site_id,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()
    result = [DayRow(a, p, loc) for a, p, loc in rows]
    if result:
        audit.record(
            db,
            actor,
            AuditAction.VIEW,
            "appointment_day",
            site_id,
            site_id=site_id,
            detail={"on": day.isoformat(), "patient_ids": sorted({r.patient.id for r in result})},
        )
    return result


def of_patient(db: Session, patient_id: int) -> Sequence[Appointment]:
    return db.scalars(
        select(Appointment)
        .where(Appointment.patient_id == patient_id)
        .order_by(Appointment.starts_at.desc())
    ).all()
