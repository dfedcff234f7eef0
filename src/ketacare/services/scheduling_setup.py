"""What the scheduler books into: the organization's scheduling settings, and ``site_calendar``,
which loads one site's opening hours and closed days (``services/site_hours.py``), chairs and the
chairs already taken, and the staff on duty (``services/rota.py``) as the core ``SiteCalendar``.

A settings change needs MANAGE_SCHEDULING and is audited with the values it replaced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import AppointmentStatus, AuditAction, LocationKind
from ketacare.core.errors import NotFound
from ketacare.core.permissions import Action
from ketacare.core.scheduling.defaults import DEFAULT_SETTINGS, SchedulingSettings, settings_from
from ketacare.core.scheduling.model import ChairBooking, SiteCalendar
from ketacare.db.models import Appointment, Location, Site
from ketacare.db.models import SchedulingSettings as SettingsRow
from ketacare.services import appointments, audit, rota
from ketacare.services.context import Actor
from ketacare.services.site_hours import closures, opening_hours

NOT_HOLDING_A_CHAIR = (AppointmentStatus.CANCELLED.value, AppointmentStatus.NO_SHOW.value)


def scheduling_settings(db: Session, organization_id: int) -> SchedulingSettings:
    """The settings in force: the organization's own, or the defaults until an admin saves."""
    row = db.get(SettingsRow, organization_id)
    if row is None:
        return DEFAULT_SETTINGS
    return SchedulingSettings(
        row.chairs_per_nurse,
        row.check_in_min,
        row.slot_step_min,
        row.max_shift_days,
        row.reminder_hours_before,
    )


def update_settings(
    db: Session, actor: Actor, organization_id: int, values: Mapping[str, int | None]
) -> SchedulingSettings:
    """Store the organization's settings (the first save stores the row); audited before/after."""
    actor.require(Action.MANAGE_SCHEDULING)
    if actor.principal is not None and actor.principal.organization_id != organization_id:
        raise NotFound("No such organization.")
    before = scheduling_settings(db, organization_id)
    after = settings_from(values)
    row = db.get(SettingsRow, organization_id)
    if row is None:
        row = SettingsRow(organization_id=organization_id)
        db.add(row)
    for name, value in asdict(after).items():
        setattr(row, name, value)
    row.updated_by_id, row.updated_at = actor.staff_user_id, actor.at
    db.flush()
    detail = {"before": asdict(before), "after": asdict(after)}
    audit.record(
        db, actor, AuditAction.UPDATE, "scheduling_settings", organization_id, detail=detail
    )
    return after


def site_calendar(
    db: Session,
    site_id: int,
    first_day: date,
    last_day: date,
    *,
    ignore_appointment_ids: frozenset[int] = frozenset(),
) -> SiteCalendar:
    """Everything the scheduler needs about one site from ``first_day`` to ``last_day`` (site
    days, inclusive). ``ignore_appointment_ids``: bookings to leave out, such as the course's
    own treatments being planned again. A handful of queries, whatever the number of bookings."""
    site = db.get(Site, site_id)
    if site is None:
        raise NotFound("No such site.")
    zone = ZoneInfo(site.timezone)
    settings = scheduling_settings(db, site.organization_id)
    chairs = _chair_ids(db, site.id)
    return SiteCalendar(
        zone=zone,
        opening=opening_hours(db, site.id),
        closed_on={c.closed_on: c.reason for c in closures(db, site.id, first_day, last_day)},
        chair_ids=chairs,
        bookings=_bookings(db, site, chairs, first_day, last_day, ignore_appointment_ids),
        on_duty=rota.on_duty(db, site.id, first_day, last_day, zone),
        chairs_per_nurse=settings.chairs_per_nurse,
        slot_step_min=settings.slot_step_min,
    )


def _chair_ids(db: Session, site_id: int) -> tuple[int, ...]:
    return tuple(
        db.scalars(
            select(Location.id)
            .where(
                Location.site_id == site_id,
                Location.kind == LocationKind.CHAIR.value,
                Location.active.is_(True),
            )
            .order_by(Location.name, Location.id)
        )
    )


def _bookings(
    db: Session,
    site: Site,
    chairs: tuple[int, ...],
    first_day: date,
    last_day: date,
    ignore: frozenset[int],
) -> tuple[ChairBooking, ...]:
    """Chairs taken at any moment of the site days (23 or 25 hours on a clock change) by
    appointments that still hold their chair."""
    if not chairs:
        return ()
    span_start, _ = appointments.day_bounds(site, first_day)
    _, span_end = appointments.day_bounds(site, last_day)
    rows = db.execute(
        select(Appointment.id, Appointment.location_id, Appointment.starts_at, Appointment.ends_at)
        .where(
            Appointment.site_id == site.id,
            Appointment.location_id.in_(chairs),
            Appointment.status.not_in(NOT_HOLDING_A_CHAIR),
            Appointment.starts_at < span_end,
            Appointment.ends_at > span_start,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return tuple(
        ChairBooking(location_id, starts_at, ends_at, appointment_id)
        for appointment_id, location_id, starts_at, ends_at in rows
        if appointment_id not in ignore and location_id is not None
    )
