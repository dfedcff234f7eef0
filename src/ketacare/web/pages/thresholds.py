"""Treatment-day settings: the clinic's alert thresholds per protocol (a prescriber's, as they are
clinical) and the escalation time and monitor-message retention (an admin's). Every change is
audited by the services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.enums import ThresholdLevel
from ketacare.core.permissions import Action
from ketacare.core.vitals.codes import VITALS
from ketacare.core.vitals.thresholds import NOT_SET_NOTE, SOP_EXAMPLES, Limits
from ketacare.services import alert_settings, protocols
from ketacare.services.alert_settings import SIDES, Key, field_name
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

LEVELS = (ThresholdLevel.HOLD, ThresholdLevel.WARN, ThresholdLevel.ACT)
LEVEL_TEXT = {
    ThresholdLevel.HOLD: "Pre-dose hold",
    ThresholdLevel.WARN: "Warn",
    ThresholdLevel.ACT: "Act",
}
FIELDS = [field_name(v, lv, side) for v in VITALS for lv in LEVELS for side in SIDES]


def _thresholds_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    code: str | None,
    failed: FormInput | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    organization_id = viewer.principal.organization_id
    current = protocols.current_protocols(db, viewer.actor, organization_id)
    row, protocol = next(((r, p) for r, p in current if r.code == code), current[0])
    stored = _as_text(alert_settings.clinic_limits(db, organization_id, row.code))
    from_protocol = {
        vital: limits
        for vital, limits in alert_settings.protocol_limits(protocol).items()
        if limits is not None
    }
    context: dict[str, Any] = {
        "active": "settings",
        "protocols": current,
        "protocol_row": row,
        "vitals": VITALS,
        "levels": LEVELS,
        "level_text": LEVEL_TEXT,
        "sides": SIDES,
        "values": failed.raw if failed else stored,
        "errors": failed.errors if failed else {},
        "from_protocol": from_protocol,
        "not_set_note": NOT_SET_NOTE,
        "sop_examples": SOP_EXAMPLES,
        "saved": request.query_params.get("saved", ""),
    }
    return render(request, "settings_treatment/thresholds.html", context, status_code=status_code)


def _as_text(limits: Mapping[Key, Limits]) -> dict[str, str]:
    """The clinic's limits as the form's field values."""
    return {
        field_name(vital, level, side): "" if limit is None else f"{limit:f}"
        for (vital, level), both in limits.items()
        for side in SIDES
        for limit in [both.limit(side)]
    }


@router.get("/settings/thresholds", response_class=HTMLResponse)
def thresholds(
    request: Request,
    protocol: str | None = None,
    viewer: Viewer = Depends(requires(Action.MANAGE_PROTOCOLS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """``?protocol=<code>``; the first protocol by default."""
    return _thresholds_page(request, db, viewer, protocol)


@router.post("/settings/thresholds/{code}", response_class=HTMLResponse)
def save_thresholds(
    request: Request,
    code: str,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.MANAGE_PROTOCOLS)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Save every limit of one protocol; a blank pair clears that level."""
    values = {name: form.decimal(name, 1) for name in FIELDS}
    changed: dict[str, Any] | None = None
    with saving(db, form):
        changed = alert_settings.set_thresholds(
            db, viewer.actor, viewer.principal.organization_id, code, values
        )
    if changed is None or form.errors:
        return _thresholds_page(request, db, viewer, code, form, 422)
    saved = "changed" if changed else "unchanged"
    return RedirectResponse(f"/settings/thresholds?protocol={code}&saved={saved}", 303)


def _treatment_page(
    request: Request, db: Session, viewer: Viewer, failed: FormInput | None = None
) -> HTMLResponse:
    current = alert_settings.treatment_day_settings(db, viewer.principal.organization_id)
    context: dict[str, Any] = {
        "active": "settings",
        "current": current,
        "values": failed.raw
        if failed
        else {
            "escalate_after_min": str(current.escalate_after_min),
            "inbound_retention_days": str(current.inbound_retention_days),
        },
        "errors": failed.errors if failed else {},
        "escalate_range": alert_settings.ESCALATE_RANGE_MIN,
        "retention_range": alert_settings.RETENTION_RANGE_DAYS,
        "saved": request.query_params.get("saved", ""),
    }
    status_code = 422 if failed else 200
    return render(request, "settings_treatment/treatment.html", context, status_code=status_code)


@router.get("/settings/treatment", response_class=HTMLResponse)
def treatment_settings(
    request: Request,
    viewer: Viewer = Depends(requires(Action.MANAGE_TREATMENT_SETTINGS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _treatment_page(request, db, viewer)


@router.post("/settings/treatment", response_class=HTMLResponse)
def save_treatment_settings(
    request: Request,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.MANAGE_TREATMENT_SETTINGS)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    escalate = _whole(form, "escalate_after_min")
    keep = _whole(form, "inbound_retention_days")
    saved = False
    with saving(db, form):
        alert_settings.update_treatment_day_settings(
            db, viewer.actor, viewer.principal.organization_id, escalate, keep
        )
        saved = True
    if not saved or form.errors:
        return _treatment_page(request, db, viewer, form)
    return RedirectResponse("/settings/treatment?saved=1", status_code=303)


def _whole(form: FormInput, name: str) -> int | None:
    """A whole number, or a field message saying so."""
    text = form.text(name)
    if text.isdigit():
        return int(text)
    form.errors.setdefault(name, "Enter a whole number.")
    return None
