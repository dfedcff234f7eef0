"""The intake wizard: one page per step, each saved to the patient's draft as it is posted, and a
review page that completes the version.

A refused step is drawn again with its field messages and nothing of it stored; the draft survives
a server restart because every step is in the database. Opening the wizard reads only (the draft
is created by the first step posted), and resumes after the last step with any answer.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.enums import IntakeStatus
from ketacare.core.errors import Conflict, NotFound
from ketacare.core.patients import bmi
from ketacare.core.permissions import Action
from ketacare.db.models import Intake
from ketacare.services import intake, responses
from ketacare.services.intake import value_at
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.pages.intake_steps import (
    MEDICATION_PARTS,
    STEPS,
    Step,
    form_from_facts,
    medication_key,
    medication_row_count,
    read_step,
)
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

REVIEW = Step("review", "Review", ())
ALL_STEPS = (*STEPS, REVIEW)
BLANK_ROWS = 2
PART_LABELS = {"name": "name", "class": "class", "daily_dose_mg": "daily dose"}


def _labels(rows: int) -> dict[str, str]:
    """Field path → label, in page order, for the error summary's links."""
    labels = {f.name: f.label for s in STEPS for f in s.fields}
    for index in range(rows):
        for part in MEDICATION_PARTS:
            shown = PART_LABELS.get(part, "diazepam-equivalent")
            labels[medication_key(index, part)] = f"Medication {index + 1} {shown}"
    return labels


def _step(slug: str) -> tuple[int, Step]:
    for position, step in enumerate(ALL_STEPS):
        if step.slug == slug:
            return position, step
    raise NotFound(f"The intake has no step {slug!r}.")


def _versions(db: Session, viewer: Viewer, patient_id: int) -> tuple[Intake | None, dict[str, Any]]:
    """The open draft (None when there is none) and the facts the wizard starts from: the draft's,
    else the latest complete version's (a new draft copies them), else nothing."""
    rows = intake.history(db, viewer.actor, patient_id)
    draft = next((r for r in rows if r.status == IntakeStatus.DRAFT), None)
    base = draft or next((r for r in rows if r.status == IntakeStatus.COMPLETE), None)
    return draft, intake.facts_of(base) if base else {}


def _answered(step: Step, facts: dict[str, Any]) -> bool:
    return any(value_at(facts, f.name) not in (None, "", {}) for f in step.fields)


def _resume_at(facts: dict[str, Any]) -> Step:
    """The step after the last one with any answer: where the person stopped."""
    last = max((i for i, s in enumerate(STEPS) if _answered(s, facts)), default=-1)
    return ALL_STEPS[last + 1]


def _context(
    request: Request, db: Session, viewer: Viewer, patient_id: int, slug: str
) -> dict[str, Any]:
    position, step = _step(slug)
    draft, facts = _versions(db, viewer, patient_id)
    return {
        "active": "patients",
        "p": responses.patient_for(db, viewer.actor, patient_id, Action.RECORD_INTAKE),
        "draft": draft,
        "facts": facts,
        "steps": ALL_STEPS,
        "step": step,
        "position": position,
        "filled": {s.slug for s in STEPS if _answered(s, facts)},
        "saved": request.query_params.get("saved") == "1",
    }


def _step_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    patient_id: int,
    slug: str,
    form: FormInput | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = _context(request, db, viewer, patient_id, slug)
    form = form or form_from_facts(context["facts"])
    wanted = request.query_params.get("rows", "")
    rows = max(medication_row_count(form.raw) + BLANK_ROWS, int(wanted) if wanted.isdigit() else 0)
    rows = min(rows, 60)
    context.update(form=form, rows=rows, labels=_labels(rows))
    return render(request, "intake/step.html", context, status_code=status_code)


def _bmi(facts: dict[str, Any]) -> Decimal | None:
    try:
        weight = Decimal(str(value_at(facts, "vitals.weight_kg")))
        height = Decimal(str(value_at(facts, "vitals.height_cm")))
        return bmi(weight, height)
    except (InvalidOperation, ArithmeticError):
        return None


def _review_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    patient_id: int,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = _context(request, db, viewer, patient_id, REVIEW.slug)
    facts = context["facts"]
    rows = len(facts.get("medications") or [])
    context.update(
        errors=errors or {},
        labels=_labels(rows),
        bmi=_bmi(facts),
        value_at=value_at,
        code_labels={v: shown for s in STEPS for f in s.fields for v, shown in f.options},
    )
    return render(request, "intake/review.html", context, status_code=status_code)


@router.get("/patients/{patient_id:int}/intake", response_class=HTMLResponse)
def resume(
    patient_id: int,
    viewer: Viewer = Depends(requires(Action.RECORD_INTAKE)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Carry on where the draft stopped; a patient without a draft starts at the first step."""
    draft, facts = _versions(db, viewer, patient_id)
    step = _resume_at(facts) if draft else STEPS[0]
    return RedirectResponse(f"/patients/{patient_id}/intake/{step.slug}", status_code=303)


@router.get("/patients/{patient_id:int}/intake/{slug}", response_class=HTMLResponse)
def show_step(
    request: Request,
    patient_id: int,
    slug: str,
    viewer: Viewer = Depends(requires(Action.RECORD_INTAKE)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    if slug == REVIEW.slug:
        return _review_page(request, db, viewer, patient_id)
    return _step_page(request, db, viewer, patient_id, slug)


@router.post("/patients/{patient_id:int}/intake/{slug}", response_class=HTMLResponse)
def save_step(
    request: Request,
    patient_id: int,
    slug: str,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RECORD_INTAKE)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Save the step into the draft, then go on ("next"), stay ("draft") or add medication rows."""
    if slug == REVIEW.slug:
        return _complete(request, db, viewer, patient_id)
    position, step = _step(slug)
    data = read_step(step, form)
    saved = False
    with saving(db, form):
        intake.save_draft_step(db, viewer.actor, patient_id, data)
        saved = True
    if not saved:
        return _step_page(request, db, viewer, patient_id, slug, form, 422)
    here = f"/patients/{patient_id}/intake/{slug}"
    action = form.text("action")
    if action == "more":
        rows = medication_row_count(form.raw) + BLANK_ROWS + 3
        return RedirectResponse(f"{here}?rows={rows}#f-medications", status_code=303)
    if action == "draft":
        return RedirectResponse(f"{here}?saved=1", status_code=303)
    return RedirectResponse(
        f"/patients/{patient_id}/intake/{ALL_STEPS[position + 1].slug}", status_code=303
    )


def _complete(request: Request, db: Session, viewer: Viewer, patient_id: int) -> Response:
    """Complete the draft; a refusal redraws the review with every field message."""
    draft, _ = _versions(db, viewer, patient_id)
    if draft is None:
        raise Conflict("There is no draft intake to complete; change a step to start one.")
    form = FormInput({})
    done = False
    with saving(db, form):
        intake.complete(db, viewer.actor, patient_id)
        done = True
    if not done:
        return _review_page(request, db, viewer, patient_id, form.errors, 422)
    return RedirectResponse(f"/patients/{patient_id}?intake=complete#assessment", status_code=303)
