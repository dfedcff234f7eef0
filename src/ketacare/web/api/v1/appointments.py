"""Appointments over the API: a site's day, booking, and marking arrived, completed or cancelled."""

from __future__ import annotations

from datetime import UTC, date

from fastapi import Depends, Query
from sqlalchemy.orm import Session

from ketacare.core.permissions import Action
from ketacare.services import appointments
from ketacare.services.appointments import DayRow
from ketacare.web.api.v1.routing import api_router
from ketacare.web.api.v1.schemas import (
    AppointmentIn,
    AppointmentOut,
    AppointmentStatusIn,
    DayAppointmentOut,
    PatientSummary,
)
from ketacare.web.deps import Viewer, get_db, requires

router = api_router("appointments")


def _day_row(row: DayRow) -> DayAppointmentOut:
    base = AppointmentOut.model_validate(row.appointment).model_dump()
    return DayAppointmentOut(
        **base,
        patient=PatientSummary.model_validate(row.patient),
        location_name=row.location.name if row.location else None,
    )


@router.get("/appointments", summary="A site's appointments on one day")
def day_at_site(
    site_id: int,
    on: date = Query(description="The day in the site's own time zone, YYYY-MM-DD."),
    viewer: Viewer = Depends(requires(Action.READ_APPOINTMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> list[DayAppointmentOut]:
    """By start time, with each patient and chair or room; the patient reads are audited."""
    rows = appointments.day_at_site(db, viewer.actor, site_id, on)
    return [_day_row(row) for row in rows]


@router.post("/appointments", status_code=201, summary="Book an appointment")
def book_appointment(
    body: AppointmentIn,
    viewer: Viewer = Depends(requires(Action.WRITE_APPOINTMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> AppointmentOut:
    """At the patient's home site, optionally in one of its chairs or rooms."""
    booking = appointments.Booking(
        patient_id=body.patient_id,
        location_id=body.location_id,
        starts_at=body.starts_at.astimezone(UTC),
        ends_at=body.ends_at.astimezone(UTC),
        kind=body.kind.value,
        note=body.note,
    )
    row = appointments.book(db, viewer.actor, booking)
    return AppointmentOut.model_validate(row)


@router.patch("/appointments/{appointment_id}", summary="Change an appointment's status")
def set_status(
    appointment_id: int,
    body: AppointmentStatusIn,
    viewer: Viewer = Depends(requires(Action.WRITE_APPOINTMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> AppointmentOut:
    """Mark it arrived, completed, cancelled or no-show (or back to booked)."""
    row = appointments.set_status(db, viewer.actor, appointment_id, body.status.value)
    return AppointmentOut.model_validate(row)
