"""What the treatment page template draws, and the helpers its form routes share.

The page is built from ``services.treatment_view.view`` (one audited read). Forms are keyed by
name in ``forms``; a refused one is redrawn with what was typed and its messages. A transition the
state machine refuses (``TreatmentError``) lands on the form like any field message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.enums import CheckStatus, TreatmentState
from ketacare.core.permissions import Action, allowed
from ketacare.core.treatment_guards import ELIGIBILITY_CHECK, ESCORT_CHECK
from ketacare.core.treatments import TreatmentError
from ketacare.core.vitals.codes import VITALS
from ketacare.core.vitals.discharge import ALDRETE_ITEMS, AUTO_SCORED, PADSS_ITEMS
from ketacare.db.models import Reading, Site
from ketacare.services import treatment_view, treatments, vital_alerts
from ketacare.services.treatment_administration import PRODUCTS, device_warnings
from ketacare.services.treatment_discharge import CRITERIA
from ketacare.services.treatment_facts import (
    HOLD_OVERRIDE,
    INSTRUMENTS_WAIVED,
    PREGNANCY_TEST,
)
from ketacare.services.treatment_records import (
    AE_CATEGORIES,
    AE_OUTCOMES,
    MANUAL_VITALS,
    SEVERITY_GRADES,
)
from ketacare.services.treatment_view import TreatmentView
from ketacare.web.deps import Viewer
from ketacare.web.forms import FormInput, saving
from ketacare.web.pages.treatment_chart import vitals_svg
from ketacare.web.templating import render

STATE_WORDS = {state: state.value.replace("_", " ") for state in TreatmentState}


@dataclass(frozen=True)
class CheckLine:
    """A checklist line a form can satisfy: how it is recorded and by whom."""

    code: str
    kind: str  # confirm_or_waive, confirm, pregnancy, waive, override
    prescriber_only: bool = False


def treatment_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    treatment_id: int,
    forms: dict[str, FormInput] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The page as it stands, with any refused form redrawn with its messages."""
    shown = treatment_view.view(db, viewer.actor, treatment_id)
    context = page_context(viewer, shown, forms or {}) | {"query": request.query_params}
    return render(request, "treatments/page.html", context, status_code=status_code)


def refused(
    request: Request, db: Session, viewer: Viewer, treatment_id: int, name: str, form: FormInput
) -> HTMLResponse:
    return treatment_page(request, db, viewer, treatment_id, {name: form}, 422)


def after(treatment_id: int, section: str, **query: str) -> RedirectResponse:
    extra = "&".join(f"{k}={v}" for k, v in query.items() if v)
    return RedirectResponse(
        f"/treatments/{treatment_id}{'?' + extra if extra else ''}#{section}", status_code=303
    )


def zone_of(db: Session, viewer: Viewer, treatment_id: int) -> str:
    """The time zone of the treatment's site, for reading the times typed on its forms."""
    treatment = treatments.treatment_for(db, viewer.actor, treatment_id, Action.READ_TREATMENTS)
    site = db.get(Site, treatment.site_id)
    assert site is not None
    return site.timezone


def submit(
    request: Request,
    db: Session,
    viewer: Viewer,
    treatment_id: int,
    form: FormInput,
    name: str,
    section: str,
    action: Callable[[], object],
) -> Response:
    """Run one form's service call: back to ``section`` when it is stored, else the page again
    with the form ``name`` redrawn with its messages (422) and nothing stored."""
    with attempt(db, form):
        action()
    if form.errors:
        return refused(request, db, viewer, treatment_id, name, form)
    return after(treatment_id, section)


@contextmanager
def attempt(db: Session, form: FormInput, field: str = "transition") -> Iterator[None]:
    """``saving``, and a transition the state machine refuses lands on ``field``."""
    try:
        with saving(db, form):
            yield
    except TreatmentError as refusal:
        form.errors.setdefault(field, str(refusal))


def page_context(viewer: Viewer, v: TreatmentView, forms: dict[str, FormInput]) -> dict[str, Any]:
    site_id = v.treatment.site_id
    now = viewer.actor.at
    return {
        "active": "board",
        "v": v,
        "t": v.treatment,
        "zone": v.zone,
        "state_words": STATE_WORDS,
        "plain": plain,
        "can_run": allowed(viewer.principal, Action.RUN_TREATMENT, site_id),
        "can_order": allowed(viewer.principal, Action.ORDER_DOSE, site_id),
        "forms": forms,
        "minutes_since": lambda at: None if at is None else int((now - at).total_seconds() // 60),
        "observation_left": _left(v, now),
        "check_lines": _check_lines(v),
        "entry": _entry(v, forms.get("readings")),
        "vital_columns": [(code.value, VITALS[code]) for code in MANUAL_VITALS],
        "vital_rows": vital_rows(v.readings),
        "chart": vitals_svg(v.readings, v.zone),
        "ae_categories": [(c, c.replace("_", " ")) for c in AE_CATEGORIES],
        "ae_outcomes": [(o, o.replace("_", " ")) for o in AE_OUTCOMES],
        "grades": [(str(g), str(g)) for g in SEVERITY_GRADES],
        "criteria": CRITERIA,
        "aldrete_items": ALDRETE_ITEMS,
        "padss_items": {k: i for k, i in PADSS_ITEMS.items() if k not in AUTO_SCORED["padss"]},
        "actions": vital_alerts.ACTIONS,
        "checks_status": CheckStatus,
        "products": PRODUCTS,
        "device_warnings": device_warnings(v.protocol, v.administration_events),
    }


def _left(v: TreatmentView, now: datetime) -> int | None:
    ends = v.observation_ends_at
    if ends is None or v.treatment.state != TreatmentState.OBSERVATION:
        return None
    return max(0, -int((now - ends).total_seconds() // 60))


def _check_lines(v: TreatmentView) -> dict[str, CheckLine]:
    """The checklist codes a form on the page records, by code."""
    lines = {
        code: CheckLine(code, "confirm_or_waive")
        for code in v.facts.protocol_checks
        if code not in (ELIGIBILITY_CHECK, ESCORT_CHECK)
    }
    lines[ESCORT_CHECK] = CheckLine(ESCORT_CHECK, "confirm")
    lines["instruments"] = CheckLine(INSTRUMENTS_WAIVED, "waive")
    lines["pre_dose_hold"] = CheckLine(HOLD_OVERRIDE, "override", prescriber_only=True)
    lines["pregnancy_test"] = CheckLine(PREGNANCY_TEST, "pregnancy")
    lines["pregnancy_test_positive"] = CheckLine(PREGNANCY_TEST, "pregnancy")
    return lines


def _entry(v: TreatmentView, form: FormInput | None) -> dict[str, str]:
    """The vitals line: what was typed when refused, else the last values (prefilled)."""
    if form is not None:
        return form.raw
    last: dict[str, str] = {}
    for row in v.readings:
        if row.valid and row.value is not None:
            last[row.vital] = plain(row.value)
    return last


def plain(value: Decimal) -> str:
    """A number as typed (150, 0.5), never in exponent form (1.5E+2)."""
    return format(value.normalize(), "f")


def vital_rows(readings: list[Reading]) -> list[tuple[datetime, str, dict[str, Reading]]]:
    """Readings grouped by observation time, newest first, with the source of each line."""
    grouped: dict[datetime, dict[str, Reading]] = {}
    for row in readings:
        grouped.setdefault(row.observed_at, {})[row.vital] = row
    return [
        (at, next(iter(found.values())).source, found)
        for at, found in sorted(grouped.items(), key=lambda item: item[0], reverse=True)
    ]
