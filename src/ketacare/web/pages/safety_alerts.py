"""Safety alerts on Today and the chart, and acknowledging one with a note of the action taken.

An open alert is drawn for everyone who reads outcomes at the patient's site; only a prescriber,
therapist or admin gets the form to acknowledge it. Nothing closes an alert but that form.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.errors import ValidationFailed
from ketacare.core.permissions import Action
from ketacare.services import safety
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself


def alerts_context(
    db: Session,
    viewer: Viewer,
    site_ids: Iterable[int] | None = None,
    patient_id: int | None = None,
) -> dict[str, Any]:
    """What ``outcomes/_alerts.html`` draws: the open alerts and where the viewer may close them."""
    rows = safety.open_alerts(db, viewer.actor, site_ids=site_ids, patient_id=patient_id)
    return {
        "safety_alerts": rows,
        "ack_sites": viewer.principal.sites_allowing(Action.ACKNOWLEDGE_SAFETY_ALERT),
        "alert_errors": {},
    }


def _back_to(form: FormInput) -> str:
    """Only a local path, so the form cannot be used to send someone elsewhere."""
    target = form.text("next")
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.post("/safety-alerts/{alert_id:int}/acknowledge", response_class=HTMLResponse)
def acknowledge(
    request: Request,
    alert_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.ACKNOWLEDGE_SAFETY_ALERT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Close the alert; without a note the alert is drawn again with the message."""
    try:
        with db.begin_nested():
            safety.acknowledge(db, viewer.actor, alert_id, form.text("action_note"))
    except ValidationFailed as exc:
        context = alerts_context(db, viewer)
        context["safety_alerts"] = [r for r in context["safety_alerts"] if r.alert.id == alert_id]
        context["alert_errors"] = {alert_id: exc.by_field().get("action_note", str(exc))}
        context["next"] = _back_to(form)
        return render(request, "outcomes/acknowledge.html", context, status_code=422)
    return RedirectResponse(_back_to(form), status_code=303)
