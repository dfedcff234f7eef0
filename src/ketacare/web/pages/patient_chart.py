"""The patient chart: demographics, allergies, weight and height history, appointments, and the
inline forms to add a measurement or book an appointment. Opening it is audited by the service."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.enums import AppointmentKind
from ketacare.core.patients import bmi
from ketacare.core.permissions import Action, allowed
from ketacare.db.models import Appointment, BodyMeasurement
from ketacare.services import appointments, clinic, courses, patients
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.pages.portal_links import send_form_context
from ketacare.web.pages.safety_alerts import alerts_context
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

KIND_OPTIONS = [(k.value, k.value.replace("_", " ").capitalize()) for k in AppointmentKind]
LABELS = {
    "measured_on": "Date measured",
    "weight_kg": "Weight (kg)",
    "height_cm": "Height (cm)",
    "location_id": "Chair or room",
    "starts_at": "Starts",
    "ends_at": "Ends",
    "kind": "Kind",
    "note": "Note",
}


def age_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _with_bmi(rows: list[BodyMeasurement]) -> list[tuple[BodyMeasurement, Decimal | None]]:
    """BMI only where the same entry has both a weight and a height."""
    return [
        (m, bmi(m.weight_kg, m.height_cm) if m.weight_kg and m.height_cm else None) for m in rows
    ]


def _chart_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    patient_id: int,
    forms: dict[str, FormInput] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    chart = patients.view(db, viewer.actor, patient_id)
    site_id = chart.patient.site_id
    today = appointments.site_today(chart.site, viewer.actor.at)
    forms = forms or {}
    context: dict[str, Any] = {
        "active": "patients",
        "chart": chart,
        "p": chart.patient,
        "age": age_years(chart.patient.date_of_birth, today),
        "zone": ZoneInfo(chart.site.timezone),
        "measurements": _with_bmi(list(chart.measurements)),
        "upcoming": [a for a in chart.appointments if a.starts_at >= viewer.actor.at],
        "past": [a for a in chart.appointments if a.starts_at < viewer.actor.at],
        "locations": [(loc.id, loc.name) for loc in clinic.locations_of(db, site_id)],
        "kind_options": KIND_OPTIONS,
        "labels": LABELS,
        "measure": forms.get("measure", FormInput({"measured_on": today.isoformat()})),
        "booking": forms.get("booking", FormInput({"kind": "treatment"})),
        "can_edit": allowed(viewer.principal, Action.WRITE_PATIENT, site_id),
        "can_book": allowed(viewer.principal, Action.WRITE_APPOINTMENTS, site_id),
        "courses": courses.chart_courses(db, patient_id),
        "can_order_course": allowed(viewer.principal, Action.ORDER_COURSE, site_id),
        "next": f"/patients/{patient_id}",
        "show_patient": False,
        **alerts_context(db, viewer, patient_id=patient_id),
        **send_form_context(viewer, site_id),
    }
    return render(request, "patients/chart.html", context, status_code=status_code)


@router.get("/patients/{patient_id:int}", response_class=HTMLResponse)
def chart(
    request: Request,
    patient_id: int,
    viewer: Viewer = Depends(requires(Action.READ_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _chart_page(request, db, viewer, patient_id)


@router.post("/patients/{patient_id:int}/measurements", response_class=HTMLResponse)
def add_measurement(
    request: Request,
    patient_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.WRITE_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """A dated weight and/or height; kg and cm with one decimal."""
    measured_on = form.date("measured_on")
    weight_kg, height_cm = form.decimal("weight_kg", 1), form.decimal("height_cm", 1)
    saved: BodyMeasurement | None = None
    with saving(db, form):
        saved = patients.record_measurement(
            db, viewer.actor, patient_id, measured_on, weight_kg, height_cm
        )
    if saved is None or form.errors:
        return _chart_page(request, db, viewer, patient_id, {"measure": form}, 422)
    return RedirectResponse(f"/patients/{patient_id}#measurements", status_code=303)


@router.post("/patients/{patient_id:int}/appointments", response_class=HTMLResponse)
def book_appointment(
    request: Request,
    patient_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.WRITE_APPOINTMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Book at the patient's site; start and end are read in that site's time zone."""
    zone = patients.site_of(db, viewer.actor, patient_id).timezone
    booking = appointments.Booking(
        patient_id=patient_id,
        location_id=form.integer("location_id"),
        starts_at=form.local_datetime("starts_at", zone),
        ends_at=form.local_datetime("ends_at", zone),
        kind=form.text("kind"),
        note=form.text("note"),
    )
    saved: Appointment | None = None
    with saving(db, form):
        saved = appointments.book(db, viewer.actor, booking)
    if saved is None or form.errors:
        return _chart_page(request, db, viewer, patient_id, {"booking": form}, 422)
    return RedirectResponse(f"/patients/{patient_id}#appointments", status_code=303)
