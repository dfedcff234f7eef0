"""Patient pages: search as you type, register a new patient, and edit demographics.

The chart itself, with its measurement and booking forms, is in ``patient_chart``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.enums import SexAtBirth
from ketacare.core.patients import PatientDetails
from ketacare.core.permissions import Action, allowed
from ketacare.db.models import Patient
from ketacare.services import clinic, patients
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

SEX_OPTIONS = [(s.value, s.value.title()) for s in SexAtBirth]
LABELS = {  # in the order the form shows them, which is also the error summary's order
    "mrn": "MRN",
    "site_id": "Home site",
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "sex_at_birth": "Sex at birth",
    "gender_identity": "Gender identity",
    "allergies": "Allergies",
    "weight_kg": "Weight (kg)",
    "height_cm": "Height (cm)",
    "phone": "Phone",
    "email": "Email",
    "address": "Address",
    "emergency_contact_name": "Emergency contact / escort",
    "emergency_contact_phone": "Their phone",
    "emergency_contact_relation": "Relation to patient",
}


def _site_names(db: Session, viewer: Viewer) -> dict[int, str]:
    return {s.id: s.name for s in clinic.sites_of(db, viewer.principal.organization_id)}


@router.get("/patients", response_class=HTMLResponse)
def patient_list(
    request: Request,
    q: str = "",
    viewer: Viewer = Depends(requires(Action.SEARCH_PATIENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """The search page; without JavaScript the form submits here and results come back inline."""
    found = patients.search(db, viewer.actor, viewer.principal.organization_id, q) if q else []
    context = {
        "active": "patients",
        "q": q,
        "found": found,
        "sites": _site_names(db, viewer),
        "can_register": allowed(viewer.principal, Action.WRITE_PATIENT),
    }
    return render(request, "patients/list.html", context)


@router.get("/patients/search", response_class=HTMLResponse)
def patient_search(
    request: Request,
    q: str = "",
    viewer: Viewer = Depends(requires(Action.SEARCH_PATIENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """The result rows alone, for htmx to swap in while the search box is typed into."""
    found = patients.search(db, viewer.actor, viewer.principal.organization_id, q) if q else []
    context = {"q": q, "found": found, "sites": _site_names(db, viewer)}
    return render(request, "patients/_results.html", context)


def _details(form: FormInput) -> PatientDetails:
    return PatientDetails(
        mrn=form.text("mrn").upper(),
        given_name=form.text("given_name"),
        family_name=form.text("family_name"),
        date_of_birth=form.date("date_of_birth"),
        sex_at_birth=form.text("sex_at_birth"),
        site_id=form.integer("site_id"),
        **{name: form.text(name) for name in _FREE_TEXT},
    )


_FREE_TEXT = (
    "gender_identity",
    "phone",
    "email",
    "address",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relation",
    "allergies",
)


def _form_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    form: FormInput,
    patient: Patient | None,
    status_code: int = 200,
) -> HTMLResponse:
    sites = [
        (s.id, s.name)
        for s in clinic.sites_of(db, viewer.principal.organization_id)
        if allowed(viewer.principal, Action.WRITE_PATIENT, s.id)
    ]
    context: dict[str, Any] = {
        "active": "patients",
        "patient": patient,
        "values": form.raw,
        "errors": form.errors,
        "labels": LABELS,
        "sites": sites,
        "sex_options": SEX_OPTIONS,
    }
    return render(request, "patients/form.html", context, status_code=status_code)


@router.get("/patients/new", response_class=HTMLResponse)
def new_patient(
    request: Request,
    viewer: Viewer = Depends(requires(Action.WRITE_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    home = sorted(viewer.principal.sites_allowing(Action.WRITE_PATIENT))
    form = FormInput({"site_id": str(home[0])} if len(home) == 1 else {})
    return _form_page(request, db, viewer, form, None)


@router.post("/patients", response_class=HTMLResponse)
def create_patient(
    request: Request,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.WRITE_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Register, with the weight and height taken today if typed; a refused form stores nothing."""
    details = _details(form)
    first = patients.Measurement(
        viewer.actor.at.date(), form.decimal("weight_kg", 1), form.decimal("height_cm", 1)
    )
    created: Patient | None = None
    with saving(db, form):
        created = patients.register(
            db, viewer.actor, viewer.principal.organization_id, details, first
        )
    if created is None or form.errors:
        return _form_page(request, db, viewer, form, None, status_code=422)
    return RedirectResponse(f"/patients/{created.id}", status_code=303)


@router.get("/patients/{patient_id:int}/edit", response_class=HTMLResponse)
def edit_patient(
    request: Request,
    patient_id: int,
    viewer: Viewer = Depends(requires(Action.WRITE_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    patient, details = patients.open_for_edit(db, viewer.actor, patient_id)
    raw = {k: "" if v is None else str(v) for k, v in asdict(details).items()}
    return _form_page(request, db, viewer, FormInput(raw), patient)


@router.post("/patients/{patient_id:int}", response_class=HTMLResponse)
def update_patient(
    request: Request,
    patient_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.WRITE_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    details = _details(form)
    updated: Patient | None = None
    with saving(db, form):
        updated = patients.update(db, viewer.actor, patient_id, details)
    if updated is None or form.errors:
        patient, _ = patients.open_for_edit(db, viewer.actor, patient_id)
        return _form_page(request, db, viewer, form, patient, status_code=422)
    return RedirectResponse(f"/patients/{patient_id}", status_code=303)
