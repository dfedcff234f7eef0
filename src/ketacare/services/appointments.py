"""Appointments: book, change status, and list a site's day or week chair by chair."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.appointments import validate_booking
from ketacare.core.enums import AppointmentStatus, AuditAction, LocationKind
from ketacare.core.errors import NotFound, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.db.models import (
    Appointment,
    Location,
    Patient,
    Site,
    SiteClosure,
    SiteOpeningHours,
)
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


@dataclass(frozen=True)
class SiteWeek:
    """A site's week for the calendar, Monday to Sunday in the site's time zone.

    ``chairs`` are the active chairs in name order (the calendar's columns). ``cells`` holds each
    day's appointments by ``(day, chair id)``; rooms, inactive chairs and appointments without a
    location are under ``(day, None)``. ``closed`` maps each day the site does not open to why.
    """

    site: Site
    days: tuple[date, ...]
    chairs: tuple[Location, ...]
    cells: Mapping[tuple[date, int | None], tuple[DayRow, ...]]
    closed: Mapping[date, str]

    @property
    def count(self) -> int:
        return sum(len(rows) for rows in self.cells.values())

    @property
    def has_other(self) -> bool:
        """Whether any appointment is outside the chair columns (a room, or no location)."""
        return any(column is None for _, column in self.cells)


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
    audited(db, actor, AuditAction.CREATE, row)
    return row


def audited(
    db: Session,
    actor: Actor,
    action: AuditAction,
    row: Appointment,
    detail: dict[str, object] | None = None,
) -> None:
    """Record a change to an appointment on the audit trail (its patient and site named)."""
    audit.record(
        db,
        actor,
        action,
        "appointment",
        row.id,
        patient_id=row.patient_id,
        site_id=row.site_id,
        detail=detail,
    )


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
    audited(db, actor, AuditAction.UPDATE, row, {"status": status})
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
    rows = _rows_at_site(db, _readable_site(db, actor, site_id), day, day)
    _audit_read(db, actor, "appointment_day", site_id, rows, {"on": day.isoformat()})
    return rows


def week_days(day: date) -> tuple[date, ...]:
    """Monday to Sunday of the week holding ``day`` (ISO 8601 weeks start on Monday)."""
    monday = day - timedelta(days=day.weekday())
    return tuple(monday + timedelta(days=n) for n in range(7))


def week_at_site(db: Session, actor: Actor, site_id: int, day: date | None = None) -> SiteWeek:
    """The site-local week holding ``day`` (None: the site's current week at ``actor.at``): every
    appointment, the active chairs as columns, and the days the site does not open; one audited
    read listing the patients shown."""
    site = _readable_site(db, actor, site_id)
    days = week_days(day or site_today(site, actor.at))
    rows = _rows_at_site(db, site, days[0], days[-1])
    detail = {"from": days[0].isoformat(), "to": days[-1].isoformat()}
    _audit_read(db, actor, "appointment_week", site_id, rows, detail)
    chairs = _active_chairs(db, site_id)
    return SiteWeek(site, days, chairs, _cells(site, chairs, rows), _closed_days(db, site, days))


def _active_chairs(db: Session, site_id: int) -> tuple[Location, ...]:
    """The site's chairs in use, in name order (rooms are not treatment chairs)."""
    query = (
        select(Location)
        .where(
            Location.site_id == site_id,
            Location.kind == LocationKind.CHAIR,
            Location.active.is_(True),
        )
        .order_by(Location.name)
    )
    return tuple(db.scalars(query))


def _readable_site(db: Session, actor: Actor, site_id: int) -> Site:
    actor.require(Action.READ_APPOINTMENTS, site_id)
    site = db.get(Site, site_id)
    if site is None:
        raise NotFound("No such site.")
    return site


def _rows_at_site(db: Session, site: Site, first: date, last: date) -> list[DayRow]:
    """A site's appointments starting from ``first`` to ``last`` inclusive (site-local days)."""
    start, _ = day_bounds(site, first)
    _, end = day_bounds(site, last)
    rows = db.execute(
        select(Appointment, Patient, Location)
        .join(Patient, Patient.id == Appointment.patient_id)
        .outerjoin(Location, Location.id == Appointment.location_id)
        .where(
            Appointment.site_id == site.id,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    ).all()
    return [DayRow(a, p, loc) for a, p, loc in rows]


def _audit_read(
    db: Session,
    actor: Actor,
    entity: str,
    site_id: int,
    rows: Sequence[DayRow],
    detail: dict[str, str],
) -> None:
    """One VIEW event naming every patient shown; nothing is recorded when nobody was shown."""
    if not rows:
        return
    patient_ids = sorted({r.patient.id for r in rows})
    audit.record(
        db,
        actor,
        AuditAction.VIEW,
        entity,
        site_id,
        site_id=site_id,
        detail={**detail, "patient_ids": patient_ids},
    )


def _cells(
    site: Site, chairs: Sequence[Location], rows: Sequence[DayRow]
) -> dict[tuple[date, int | None], tuple[DayRow, ...]]:
    """Rows by (site-local day, chair id); rooms, inactive chairs and no location go under None."""
    zone = ZoneInfo(site.timezone)
    chair_ids = {c.id for c in chairs}
    cells: dict[tuple[date, int | None], list[DayRow]] = {}
    for row in rows:
        on = row.appointment.starts_at.astimezone(zone).date()
        column = row.location.id if row.location and row.location.id in chair_ids else None
        cells.setdefault((on, column), []).append(row)
    return {key: tuple(value) for key, value in cells.items()}


def _closed_days(db: Session, site: Site, days: Sequence[date]) -> dict[date, str]:
    """Days of ``days`` the site is closed, with the reason: a closure, or a weekday without
    opening hours. A site with no opening hours at all has not set them, so none is closed."""
    open_weekdays = set(
        db.scalars(select(SiteOpeningHours.weekday).where(SiteOpeningHours.site_id == site.id))
    )
    closures = db.execute(
        select(SiteClosure.closed_on, SiteClosure.reason).where(
            SiteClosure.site_id == site.id,
            SiteClosure.closed_on >= days[0],
            SiteClosure.closed_on <= days[-1],
        )
    ).all()
    closed = {on: "Closed" for on in days if open_weekdays and on.weekday() not in open_weekdays}
    closed.update({on: reason.strip() or "Closed" for on, reason in closures})
    return closed


def of_patient(db: Session, patient_id: int) -> Sequence[Appointment]:
    return db.scalars(
        select(Appointment)
        .where(Appointment.patient_id == patient_id)
        .order_by(Appointment.starts_at.desc())
    ).all()
