"""The Today page: each of the viewer's sites, its day's appointments chair by chair, and the
buttons the desk and nurses press as patients arrive, finish or do not come."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from ketacare.core.enums import AppointmentKind, AppointmentStatus
from ketacare.core.instruments import INSTRUMENTS
from ketacare.core.permissions import Action, allowed
from ketacare.db.models import Appointment, Location, Site, Treatment
from ketacare.services import appointments, clinic, schedules, treatments
from ketacare.services.appointments import DayRow
from ketacare.services.schedules import DueRow
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.pages.safety_alerts import alerts_context
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

# What each status button leads to; a finished appointment has no buttons left.
NEXT_STATUSES: dict[str, tuple[AppointmentStatus, ...]] = {
    AppointmentStatus.BOOKED: (AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW),
    AppointmentStatus.ARRIVED: (AppointmentStatus.COMPLETED,),
}
# A course treatment is checked in (which marks it arrived) and completed by its discharge.
CHECKS_IN = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)


@dataclass(frozen=True)
class ChairDay:
    """One chair or room and its appointments; ``location`` None collects the unassigned ones."""

    location: Location | None
    rows: Sequence[DayRow]


@dataclass(frozen=True)
class SiteDay:
    """One site's day; ``treatments`` maps an appointment to the treatment checked in from it,
    and ``can_check_in`` is set on the site's own today for those who check patients in."""

    site: Site
    on: date
    zone: ZoneInfo
    chairs: Sequence[ChairDay]
    count: int
    can_write: bool
    treatments: Mapping[int, Treatment] = field(default_factory=dict)
    can_check_in: bool = False

    def checks_in(self, appointment: Appointment) -> bool:
        """A course treatment booked today that has not started: the desk checks it in."""
        return (
            self.can_check_in
            and _course_treatment(appointment)
            and appointment.status in CHECKS_IN
            and appointment.id not in self.treatments
        )

    def statuses(self, appointment: Appointment) -> tuple[AppointmentStatus, ...]:
        """The status buttons. A course treatment offers only no-show before it is checked in:
        check-in marks it arrived and the treatment's discharge completes it."""
        offered = NEXT_STATUSES.get(appointment.status, ()) if self.can_write else ()
        if not _course_treatment(appointment):
            return offered
        if appointment.id in self.treatments:
            return ()
        return tuple(s for s in offered if s == AppointmentStatus.NO_SHOW)


def _course_treatment(appointment: Appointment) -> bool:
    return appointment.course_id is not None and appointment.kind == AppointmentKind.TREATMENT


def _parse_day(on: str | None) -> date | None:
    try:
        return date.fromisoformat(on) if on else None
    except ValueError:
        return None


def _chairs(locations: Sequence[Location], rows: Sequence[DayRow]) -> list[ChairDay]:
    """Every active chair and room, in order, then anything booked without one."""
    chairs = [
        ChairDay(loc, [r for r in rows if r.location and r.location.id == loc.id])
        for loc in locations
    ]
    known = {loc.id for loc in locations}
    loose = [r for r in rows if r.location is None or r.location.id not in known]
    return chairs + ([ChairDay(None, loose)] if loose else [])


def _site_day(db: Session, viewer: Viewer, site: Site, on: date | None) -> SiteDay:
    today = appointments.site_today(site, viewer.actor.at)
    day = on or today
    rows = appointments.day_at_site(db, viewer.actor, site.id, day)
    can_write = allowed(viewer.principal, Action.WRITE_APPOINTMENTS, site.id)
    chairs = _chairs(clinic.locations_of(db, site.id), rows)
    started = treatments.by_appointment(db, [r.appointment.id for r in rows])
    can_check_in = day == today and allowed(viewer.principal, Action.CHECK_IN, site.id)
    zone = ZoneInfo(site.timezone)
    return SiteDay(site, day, zone, chairs, len(rows), can_write, started, can_check_in)


@router.get("/", response_class=HTMLResponse)
def today(
    request: Request,
    on: str | None = None,
    viewer: Viewer = Depends(requires(Action.VIEW_TODAY)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """The day at each site the viewer works at (``?on=YYYY-MM-DD`` for another day)."""
    principal = viewer.principal
    mine = principal.sites_allowing(Action.VIEW_TODAY) & principal.sites_allowing(
        Action.READ_APPOINTMENTS
    )
    sites = [s for s in clinic.sites_of(db, principal.organization_id) if s.id in mine]
    day = _parse_day(on)
    days = [_site_day(db, viewer, site, day) for site in sites]
    shown = day or (days[0].on if days else viewer.actor.at.date())
    at = viewer.actor.at
    context = {
        "active": "today",
        "days": days,
        "on": shown,
        "is_today": all(d.on == appointments.site_today(d.site, at) for d in days),
        "bad_day": bool(on) and day is None,
        "next_statuses": NEXT_STATUSES,
        "next": "/",
        "show_patient": True,
        "due": {d.site.id: _due(db, viewer, d) for d in days},
        "instrument_names": {code: i.name for code, i in INSTRUMENTS.items()},
        **alerts_context(db, viewer, site_ids=[s.id for s in sites]),
    }
    return render(request, "today.html", context)


def _due(db: Session, viewer: Viewer, day: SiteDay) -> list[DueRow]:
    """Questionnaires due or overdue at the site on the day shown (front desk sends them too)."""
    if not allowed(viewer.principal, Action.SEND_PORTAL_LINK, day.site.id):
        return []
    return schedules.due_today(db, viewer.actor, [day.site.id], day.on)


@router.post("/appointments/{appointment_id:int}/status")
def change_status(
    appointment_id: int,
    status: str = Form(...),
    on: str = Form(""),
    viewer: Viewer = Depends(requires(Action.WRITE_APPOINTMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> RedirectResponse:
    """Mark arrived, completed or no-show, then show the same day again."""
    appointments.set_status(db, viewer.actor, appointment_id, status)
    day = _parse_day(on)
    return RedirectResponse(f"/?on={day.isoformat()}" if day else "/", status_code=303)
