"""The clinic's outcome cut-offs: the shipped defaults with their sources, and an admin's
override per instrument (audited by the service)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.instruments.outcomes import MADRS_PRESETS
from ketacare.core.permissions import Action
from ketacare.services import outcome_settings
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

OPERATORS = [("lt", "< (below)"), ("le", "≤ (at or below)")]


def _page(
    request: Request,
    db: Session,
    viewer: Viewer,
    failed: tuple[str, FormInput] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "active": "settings",
        "settings": outcome_settings.all_cutoffs(db, viewer.principal.organization_id),
        "failed_code": failed[0] if failed else "",
        "failed": failed[1] if failed else FormInput({}),
        "operators": OPERATORS,
        "madrs_presets": MADRS_PRESETS,
        "changed": request.query_params.get("changed", ""),
    }
    return render(request, "outcomes/settings.html", context, status_code=status_code)


@router.get("/settings/outcomes", response_class=HTMLResponse)
def outcome_cutoffs(
    request: Request,
    viewer: Viewer = Depends(requires(Action.MANAGE_OUTCOME_SETTINGS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _page(request, db, viewer)


@router.post("/settings/outcomes/{code}", response_class=HTMLResponse)
def set_cutoffs(
    request: Request,
    code: str,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.MANAGE_OUTCOME_SETTINGS)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Override one instrument's cut-offs; a blank operator means no remission cut-off."""
    operator = form.text("remission_operator") or None
    value = form.integer("remission_value")
    percent = form.integer("response_drop_percent")
    saved = False
    with saving(db, form):
        outcome_settings.set_cutoffs(
            db, viewer.actor, code, operator, value, percent, form.text("source")
        )
        saved = True
    if not saved or form.errors:
        return _page(request, db, viewer, (code, form), 422)
    return RedirectResponse(f"/settings/outcomes?changed={code}#c-{code}", status_code=303)


@router.post("/settings/outcomes/{code}/default", response_class=HTMLResponse)
def use_default(
    code: str,
    viewer: Viewer = Depends(requires(Action.MANAGE_OUTCOME_SETTINGS)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Drop the clinic's override and go back to the shipped default."""
    outcome_settings.clear_cutoffs(db, viewer.actor, code)
    return RedirectResponse(f"/settings/outcomes?changed={code}#c-{code}", status_code=303)
