"""A patient's outcomes: one trajectory chart and table per instrument, clinician entry of any
instrument at a time point, and the patient's questionnaire schedules.

Charts are server-rendered SVG (``web.charts``), so they work with JavaScript off and in print.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.enums import ScheduleRule, TimePoint
from ketacare.core.instruments import INSTRUMENTS, Instrument, InvalidAnswers
from ketacare.core.instruments.cssrs import BRANCH_ITEMS
from ketacare.core.instruments.cssrs import CODE as CSSRS
from ketacare.core.permissions import Action, allowed
from ketacare.db.models import InstrumentResponse
from ketacare.services import patients, responses, safety, schedules
from ketacare.services.responses import Trajectory
from ketacare.web.charts import trajectory_svg
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.pages.safety_alerts import alerts_context
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

TIME_POINTS = [
    (TimePoint.BASELINE.value, "Baseline"),
    (TimePoint.PRE_DOSE.value, "Pre-dose"),
    (TimePoint.DURING_40_MIN.value, "40 min"),
    (TimePoint.END_OF_TREATMENT.value, "End of treatment"),
    (TimePoint.FOLLOW_UP.value, "Follow-up"),
    (TimePoint.SCHEDULED.value, "Scheduled"),
]
RULES = [
    (ScheduleRule.BEFORE_EVERY_TREATMENT.value, "Before every treatment"),
    (ScheduleRule.EVERY_N_DAYS.value, "Every N days"),
]
ALL_INSTRUMENTS = [(code, i.name) for code, i in INSTRUMENTS.items()]
_ITEM_IN_MESSAGE = re.compile(r"\bitem (\d+)\b")


def _charts(db: Session, viewer: Viewer, patient_id: int, zone: ZoneInfo) -> list[dict[str, Any]]:
    """One chart and table per instrument with at least one response, in registry order."""
    codes = {r.instrument_code for r in responses.responses_of(db, viewer.actor, patient_id)}
    found = []
    for code in (c for c in INSTRUMENTS if c in codes):
        path = responses.trajectory(db, viewer.actor, patient_id, code)
        found.append({"t": path, "svg": _svg(path, zone)})
    return found


def _svg(path: Trajectory, zone: ZoneInfo) -> str:
    return trajectory_svg(
        [(p.completed_at, p.total) for p in path.points],
        path.baseline_total,
        path.response_line,
        path.remission_cutoff,
        path.treatment_times,
        f"{path.name} over time",
        path.total_range,
        zone,
    )


def outcomes_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    patient_id: int,
    forms: dict[str, FormInput] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    patient = responses.patient_for(db, viewer.actor, patient_id, Action.READ_OUTCOMES)
    site = patients.site_of(db, viewer.actor, patient_id)
    zone = ZoneInfo(site.timezone)
    forms = forms or {}
    entry = forms.get("entry") or FormInput({"code": request.query_params.get("instrument", "")})
    chosen = INSTRUMENTS.get(entry.text("code"))
    now_local = viewer.actor.at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    context: dict[str, Any] = {
        "active": "patients",
        "p": patient,
        "site": site,
        "zone": zone,
        "charts": _charts(db, viewer, patient_id, zone),
        "history": safety.alerts_of(db, viewer.actor, patient_id),
        "schedules": schedules.schedules_of(db, viewer.actor, patient_id),
        "entry": entry,
        "chosen": chosen,
        "entry_items": _entry_items(chosen) if chosen else [],
        "entry_defaults": {"completed_at": now_local, "time_point": TimePoint.BASELINE.value},
        "schedule_form": forms.get("schedule")
        or FormInput({"starts_on": viewer.actor.at.astimezone(zone).date().isoformat()}),
        "instruments": ALL_INSTRUMENTS,
        "time_points": TIME_POINTS,
        "rules": RULES,
        "can_record": allowed(viewer.principal, Action.RECORD_INSTRUMENTS, site.id),
        "next": f"/patients/{patient_id}/outcomes",
        "show_patient": False,
        **alerts_context(db, viewer, patient_id=patient_id),
    }
    return render(request, "outcomes/page.html", context, status_code=status_code)


def _entry_items(info: Instrument) -> list[tuple[Any, bool]]:
    """Each item with whether it may be left blank (optional, or a C-SSRS branch item)."""
    items = [(item, info.code == CSSRS and item.number in BRANCH_ITEMS) for item in info.items]
    return items + [(item, True) for item in info.optional_items]


@router.get("/patients/{patient_id:int}/outcomes", response_class=HTMLResponse)
def outcomes(
    request: Request,
    patient_id: int,
    viewer: Viewer = Depends(requires(Action.READ_OUTCOMES)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """``?instrument=madrs`` opens the entry form for that instrument."""
    return outcomes_page(request, db, viewer, patient_id)


def _answers(info: Instrument, form: FormInput) -> list[int | None]:
    """The ticked options in item order; a required item left blank gets a field message."""
    answers: list[int | None] = []
    for item, may_skip in _entry_items(info):
        value = form.integer(f"item-{item.number}")
        if value is None and not may_skip:
            form.errors.setdefault(f"item-{item.number}", "Choose an answer.")
        answers.append(value)
    optional = answers[len(info.items) :]
    return answers[: len(info.items)] if all(v is None for v in optional) else answers


@router.post("/patients/{patient_id:int}/responses", response_class=HTMLResponse)
def record_response(
    request: Request,
    patient_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RECORD_INSTRUMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Store a rating (or a paper questionnaire) entered by a clinician; nothing on error."""
    info = INSTRUMENTS.get(form.text("code"))
    zone = patients.site_of(db, viewer.actor, patient_id).timezone
    completed_at = form.local_datetime("completed_at", zone)
    if info is None:
        form.errors["code"] = "Choose an instrument."
    answers = _answers(info, form) if info else []
    saved = _record(db, viewer, patient_id, form, answers, completed_at)
    if saved is None or form.errors:
        return outcomes_page(request, db, viewer, patient_id, {"entry": form}, 422)
    return RedirectResponse(f"/patients/{patient_id}/outcomes#trajectories", status_code=303)


def _record(
    db: Session,
    viewer: Viewer,
    patient_id: int,
    form: FormInput,
    answers: Sequence[int | None],
    completed_at: datetime | None,
) -> InstrumentResponse | None:
    """Run the service in a savepoint; scoring's message lands on the item it names."""
    if completed_at is None:
        form.errors.setdefault("completed_at", "Enter when it was completed.")
    if form.errors or completed_at is None:
        return None
    saved = None
    try:
        with saving(db, form):
            saved = responses.record_clinician_response(
                db,
                viewer.actor,
                patient_id,
                form.text("code"),
                answers,
                form.text("time_point"),
                completed_at,
            )
    except InvalidAnswers as exc:
        found = _ITEM_IN_MESSAGE.search(str(exc))
        form.errors.setdefault(f"item-{found.group(1)}" if found else "code", str(exc))
        return None
    return saved
