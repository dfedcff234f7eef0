"""SPRAVATO REMS pages: the monitoring forms not yet submitted, each treatment's form (filled from
the record, completed, signed, marked submitted), its printable version, and the patient's REMS
enrolment (clinical-reference §3.9)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core import rems as pmf
from ketacare.core.permissions import Action, allowed
from ketacare.db.models import StaffUser
from ketacare.services import clinic, rems, rems_pending
from ketacare.services.rems import MonitoringForm
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

LABELS = {f.key: f"{f.section}: {f.label}" for f in pmf.FIELDS}
DONE = {"saved": "Answers saved.", "signed": "Form signed.", "submitted": "Marked submitted."}
# The form's boxes, side by side where they belong together (one column on a narrow screen).
ROWS: tuple[tuple[str, ...], ...] = (
    ("first_name", "middle_initial", "last_name"),
    ("date_of_birth", "sex"),
    ("first_treatment", "enrolled"),
    ("benzodiazepines", "non_benzodiazepine_sedative_hypnotics"),
    ("psychostimulants", "maois", "opioids"),
    ("provider_first_name", "provider_last_name"),
    ("provider_phone", "provider_email"),
    ("setting_name",),
    ("setting_address_1", "setting_address_2"),
    ("setting_city", "setting_state", "setting_zip"),
    ("treatment_on", "dose", "dose_other_mg"),
    ("lot_numbers", "duration_min"),
    ("ready_after_min",),
    ("vitals_ok_before", "vitals_ok_at_end"),
    ("bp_before", "bp_40_min", "bp_at_end"),
    *((event, f"{event}_resolved") for event in pmf.REMS_EVENTS),
    ("other_events",),
)


@router.get("/rems", response_class=HTMLResponse)
def pending(
    request: Request,
    site: int | None = None,
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """Forms not yet submitted, soonest due first (``?site=`` for one site)."""
    forms = rems_pending.pending_forms(db, viewer.actor, [site] if site is not None else None)
    mine = viewer.principal.sites_allowing(Action.RUN_TREATMENT)
    sites = [s for s in clinic.sites_of(db, viewer.principal.organization_id) if s.id in mine]
    context = {"active": "rems", "forms": forms, "sites": sites, "site": site}
    return render(request, "rems/list.html", context)


def _form_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    treatment_id: int,
    failed: FormInput | None = None,
) -> HTMLResponse:
    form = rems.monitoring_form(db, viewer.actor, treatment_id)
    posted = {k: v for k, v in failed.raw.items() if k in pmf.BY_KEY} if failed else {}
    context: dict[str, Any] = {
        "active": "rems",
        "form": form,
        "values": {**form.values, **posted},
        "errors": failed.errors if failed else {},
        "raw": failed.raw if failed else {},
        "missing": _missing(form),
        "labels": LABELS | {"submitted_on": "Submitted on"},
        "done": DONE.get(request.query_params.get("done", ""), ""),
        "within_days": pmf.SUBMIT_WITHIN_DAYS,
        **_people(db, form),
    }
    return render(request, "rems/form.html", context, status_code=422 if failed else 200)


def _missing(form: MonitoringForm) -> list[str]:
    return [f"{LABELS[key]}: {message}" for key, message in form.gaps.items()]


def _people(db: Session, form: MonitoringForm) -> dict[str, Any]:
    """The page's static context: the form's fields by section, and who signed and submitted."""
    row = form.row
    signer = db.get(StaffUser, row.signed_by_id) if row and row.signed_by_id else None
    sender = db.get(StaffUser, row.submitted_by_id) if row and row.submitted_by_id else None
    sections = [(s, [f for f in pmf.FIELDS if f.section == s]) for s in pmf.SECTIONS]
    rows = [(s, [r for r in ROWS if pmf.BY_KEY[r[0]].section == s]) for s in pmf.SECTIONS]
    return {
        "sections": sections,
        "rows": rows,
        "by_key": pmf.BY_KEY,
        "signer": signer,
        "sender": sender,
    }


@router.get("/treatments/{treatment_id}/rems", response_class=HTMLResponse)
def form_page(
    request: Request,
    treatment_id: int,
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _form_page(request, db, viewer, treatment_id)


def _answers(form: FormInput) -> dict[str, str]:
    return {key: form.raw[key] for key in pmf.BY_KEY if key in form.raw}


@router.post("/treatments/{treatment_id}/rems", response_class=HTMLResponse)
def save(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Keep the answers as typed; what is still missing is shown, not refused."""
    answers = _answers(form)
    save = partial(rems.save_answers, db, viewer.actor, treatment_id, answers)
    return _change(request, db, viewer, treatment_id, form, "saved", save)


@router.post("/treatments/{treatment_id}/rems/sign", response_class=HTMLResponse)
def sign(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Save the answers posted with the button, then sign; a missing answer refuses both."""
    answers = _answers(form)

    def save_and_sign() -> None:
        if answers:
            rems.save_answers(db, viewer.actor, treatment_id, answers)
        rems.sign(db, viewer.actor, treatment_id)

    return _change(request, db, viewer, treatment_id, form, "signed", save_and_sign)


@router.post("/treatments/{treatment_id}/rems/submitted", response_class=HTMLResponse)
def submitted(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Mark the signed form as sent to the REMS on the day given."""
    on = form.date("submitted_on")
    mark = partial(rems.mark_submitted, db, viewer.actor, treatment_id, on)
    return _change(request, db, viewer, treatment_id, form, "submitted", mark)


def _change(
    request: Request,
    db: Session,
    viewer: Viewer,
    treatment_id: int,
    form: FormInput,
    done: str,
    change: Callable[[], object],
) -> Response:
    """Run ``change`` in a savepoint: back to the form saying ``done``, or the form redrawn with
    the field messages when it is refused (nothing stored)."""
    with saving(db, form):
        change()
    if form.errors:
        return _form_page(request, db, viewer, treatment_id, form)
    return RedirectResponse(f"/treatments/{treatment_id}/rems?done={done}", status_code=303)


@router.get("/treatments/{treatment_id}/rems/print", response_class=HTMLResponse)
def printable(
    request: Request,
    treatment_id: int,
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """Every field on paper (A4 or Letter), or as a PDF from the browser's print dialog."""
    form = rems.monitoring_form(db, viewer.actor, treatment_id)
    context = {"form": form, "values": form.values, "missing": _missing(form), **_people(db, form)}
    return render(request, "rems/print.html", context)


def _enrolment_page(
    request: Request, db: Session, viewer: Viewer, patient_id: int, failed: FormInput | None = None
) -> HTMLResponse:
    patient, row = rems.read_enrolment(db, viewer.actor, patient_id)
    shown = FormInput(
        {
            "enrolled_on": row.enrolled_on.isoformat() if row else "",
            "rems_patient_id": row.rems_patient_id if row else "",
        }
    )
    context: dict[str, Any] = {
        "active": "patients",
        "patient": patient,
        "enrolment": row,
        "form": failed or shown,
        "can_write": allowed(viewer.principal, Action.WRITE_PATIENT, patient.site_id),
        "labels": {"enrolled_on": "Enrolled on", "rems_patient_id": "REMS patient ID"},
        "saved": request.query_params.get("saved") == "1",
    }
    return render(request, "rems/enrolment.html", context, status_code=422 if failed else 200)


@router.get("/patients/{patient_id}/rems", response_class=HTMLResponse)
def enrolment(
    request: Request,
    patient_id: int,
    viewer: Viewer = Depends(requires(Action.READ_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _enrolment_page(request, db, viewer, patient_id)


@router.post("/patients/{patient_id}/rems", response_class=HTMLResponse)
def record_enrolment(
    request: Request,
    patient_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.WRITE_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Record the day the patient's REMS enrolment form was submitted, and the REMS's id."""
    with saving(db, form):
        rems.record_enrolment(
            db, viewer.actor, patient_id, form.date("enrolled_on"), form.text("rems_patient_id")
        )
    if form.errors:
        return _enrolment_page(request, db, viewer, patient_id, form)
    return RedirectResponse(f"/patients/{patient_id}/rems?saved=1", status_code=303)
