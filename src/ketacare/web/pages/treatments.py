"""The treatment page: one dosing visit from check-in to discharge, at the chair.

``GET /treatments/{id}`` draws the whole visit (see ``treatment_context``). Every form posts back
to a route here or in the modules whose routers this one includes (``treatment_dosing_pages``
for the order and administration, ``treatment_entry_pages`` for vitals, records and discharge);
a refused form redraws the page with its messages (status 422, nothing stored), an accepted one
redirects to the section it changed.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.enums import TreatmentState
from ketacare.core.permissions import Action
from ketacare.services import treatment_checks, treatment_discharge, treatments
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of
from ketacare.web.pages import treatment_dosing_pages, treatment_entry_pages
from ketacare.web.pages.treatment_context import submit, treatment_page

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself
router.include_router(treatment_dosing_pages.router)
router.include_router(treatment_entry_pages.router)


@router.get("/treatments/{treatment_id:int}", response_class=HTMLResponse)
def show(
    request: Request,
    treatment_id: int,
    viewer: Viewer = Depends(requires(Action.READ_TREATMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return treatment_page(request, db, viewer, treatment_id)


@router.post("/appointments/{appointment_id:int}/check-in", response_class=HTMLResponse)
def check_in(
    appointment_id: int,
    viewer: Viewer = Depends(requires(Action.CHECK_IN)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Start the treatment of today's course appointment and open its page."""
    treatment = treatments.check_in(db, viewer.actor, appointment_id)
    return RedirectResponse(f"/treatments/{treatment.id}", status_code=303)


@router.post("/treatments/{treatment_id:int}/transition", response_class=HTMLResponse)
def transition(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Clear for dosing, or sign off as ready for discharge; refused with what is missing."""
    to = form.text("to")

    def move() -> object:
        if to == TreatmentState.READY_FOR_DISCHARGE:
            return treatment_discharge.sign_off(db, viewer.actor, treatment_id)
        return treatments.advance(db, viewer.actor, treatment_id, to)

    return submit(request, db, viewer, treatment_id, form, "transition", "state", move)


@router.post("/treatments/{treatment_id:int}/abort", response_class=HTMLResponse)
def abort(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Stop the treatment before discharge, with the reason."""
    reason = form.text("reason")
    return submit(
        request, db, viewer, treatment_id, form, "abort", "state",
        lambda: treatments.abort(db, viewer.actor, treatment_id, reason),
    )  # fmt: skip


@router.post("/treatments/{treatment_id:int}/checks", response_class=HTMLResponse)
def record_check(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Confirm or waive one pre-dose check (overriding a pre-dose hold needs a prescriber)."""
    code, status = form.text("code"), form.text("status")
    value, note = form.text("value"), form.text("note")
    return submit(
        request, db, viewer, treatment_id, form, f"check-{code}", "checklist",
        lambda: treatment_checks.record_check(
            db, viewer.actor, treatment_id, code, status, value=value, note=note
        ),
    )  # fmt: skip
