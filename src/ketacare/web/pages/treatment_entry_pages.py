"""The treatment page's record forms: a line of vital signs (alerts it raises go to open pages
once the transaction commits), interventions, adverse events, notes, the discharge assessment,
discharge, and the printable discharge instructions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.permissions import Action
from ketacare.core.vitals.discharge import ALDRETE_ITEMS, AUTO_SCORED, PADSS_ITEMS
from ketacare.services import live, treatment_discharge, treatment_records
from ketacare.services.treatment_discharge import CRITERIA, DischargeRequest
from ketacare.services.treatment_records import (
    MANUAL_VITALS,
    AdverseEventRequest,
    InterventionRequest,
)
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of
from ketacare.web.pages.treatment_context import after, attempt, refused, submit, zone_of
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)


@router.post("/treatments/{treatment_id:int}/readings", response_class=HTMLResponse)
def readings(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """One line of vital signs; any alert it raises is published after the commit."""
    values = {code.value: form.decimal(code.value, 1) for code in MANUAL_VITALS}
    observed_at = form.local_datetime("observed_at", zone_of(db, viewer, treatment_id))
    recorded = None
    with attempt(db, form):
        recorded = treatment_records.record_readings(
            db, viewer.actor, treatment_id, values, observed_at
        )
    if recorded is None or form.errors:
        return refused(request, db, viewer, treatment_id, "readings", form)
    live.publish_after_commit(db, request.app.state.broker, recorded.alerts)
    return after(treatment_id, "vitals")


@router.post("/treatments/{treatment_id:int}/interventions", response_class=HTMLResponse)
def intervention(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    zone = zone_of(db, viewer, treatment_id)
    given = InterventionRequest(
        medication=form.text("medication"),
        dose_value=form.decimal("dose_value", 3),
        dose_unit=form.text("dose_unit"),
        route=form.text("route"),
        reason=form.text("reason"),
        given_at=form.local_datetime("given_at", zone),
    )
    return submit(
        request, db, viewer, treatment_id, form, "intervention", "interventions",
        lambda: treatment_records.record_intervention(db, viewer.actor, treatment_id, given),
    )  # fmt: skip


@router.post("/treatments/{treatment_id:int}/adverse-events", response_class=HTMLResponse)
def adverse_event(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    zone = zone_of(db, viewer, treatment_id)
    event = AdverseEventRequest(
        category=form.text("category"),
        severity_grade=form.integer("severity_grade"),
        outcome=form.text("outcome"),
        serious=form.text("serious") == "yes",
        description=form.text("description"),
        action=form.text("action"),
        onset_at=form.local_datetime("onset_at", zone),
        resolved_at=form.local_datetime("resolved_at", zone),
    )
    return submit(
        request, db, viewer, treatment_id, form, "adverse_event", "adverse-events",
        lambda: treatment_records.record_adverse_event(db, viewer.actor, treatment_id, event),
    )  # fmt: skip


@router.post("/treatments/{treatment_id:int}/notes", response_class=HTMLResponse)
def note(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    text = form.text("text")
    return submit(
        request, db, viewer, treatment_id, form, "note", "notes",
        lambda: treatment_records.add_note(db, viewer.actor, treatment_id, text),
    )  # fmt: skip


def _scale(form: FormInput, scale: str, items: list[str]) -> dict[str, int] | None:
    """The item scores of a scale the clinic uses (None when every item was left blank)."""
    if form.text(f"use_{scale}") != "yes":
        return None
    return {item: v for item in items if (v := form.integer(f"{scale}.{item}")) is not None}


@router.post("/treatments/{treatment_id:int}/discharge-assessment", response_class=HTMLResponse)
def assessment(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """The discharge criteria and, where the clinic uses them, Aldrete and PADSS item scores."""
    wanted = DischargeRequest(
        criteria={code: form.text(code) == "yes" for code in CRITERIA},
        aldrete=_scale(form, "aldrete", list(ALDRETE_ITEMS)),
        padss=_scale(form, "padss", [i for i in PADSS_ITEMS if i not in AUTO_SCORED["padss"]]),
    )
    return submit(
        request, db, viewer, treatment_id, form, "discharge", "discharge",
        lambda: treatment_discharge.assess(db, viewer.actor, treatment_id, wanted),
    )  # fmt: skip


@router.post("/treatments/{treatment_id:int}/discharge", response_class=HTMLResponse)
def discharge(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """The patient leaves with the instructions given; the appointment is completed."""
    if form.text("instructions_given") != "yes":
        form.errors["instructions_given"] = "Give the discharge instructions first, then tick."
    return submit(
        request, db, viewer, treatment_id, form, "discharge", "state",
        lambda: treatment_discharge.discharge(db, viewer.actor, treatment_id),
    )  # fmt: skip


@router.get("/treatments/{treatment_id:int}/instructions", response_class=HTMLResponse)
def instructions(
    request: Request,
    treatment_id: int,
    viewer: Viewer = Depends(requires(Action.READ_TREATMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """The discharge instructions, laid out for printing."""
    shown = treatment_discharge.instructions(db, viewer.actor, treatment_id)
    return render(
        request, "treatments/instructions.html", {"i": shown, "treatment_id": treatment_id}
    )
