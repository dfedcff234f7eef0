"""Adding and ending a patient's questionnaire schedules, from the outcomes page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.permissions import Action
from ketacare.db.models import InstrumentSchedule
from ketacare.services import schedules
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.pages.outcomes import outcomes_page

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself


@router.post("/patients/{patient_id:int}/schedules", response_class=HTMLResponse)
def add_schedule(
    request: Request,
    patient_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RECORD_INSTRUMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Start asking an instrument before every treatment or every N days."""
    starts_on = form.date("starts_on")
    if starts_on is None:
        form.errors.setdefault("starts_on", "Enter the first day.")
    interval_days, ends_on = form.integer("interval_days"), form.date("ends_on")
    saved: InstrumentSchedule | None = None
    with saving(db, form):
        if starts_on is not None:
            saved = schedules.add_schedule(
                db,
                viewer.actor,
                patient_id,
                form.text("instrument_code"),
                form.text("rule"),
                starts_on,
                interval_days,
                ends_on,
            )
    if saved is None or form.errors:
        return outcomes_page(request, db, viewer, patient_id, {"schedule": form}, 422)
    return RedirectResponse(f"/patients/{patient_id}/outcomes#schedules", status_code=303)


@router.post("/schedules/{schedule_id:int}/end", response_class=HTMLResponse)
def end_schedule(
    schedule_id: int,
    viewer: Viewer = Depends(requires(Action.RECORD_INSTRUMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Stop the schedule today: nothing is due from tomorrow."""
    row = schedules.end_schedule(db, viewer.actor, schedule_id, viewer.actor.at.date())
    return RedirectResponse(f"/patients/{row.patient_id}/outcomes#schedules", status_code=303)
