"""The clinic's protocols: the list, one protocol with every value's source or clinic note and its
version history, the edit form that saves the next version, and copying a protocol.

Reading needs READ_PROTOCOLS; changing needs MANAGE_PROTOCOLS (prescribers). A refused form is
drawn again with its field messages and nothing is stored (``saving``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.permissions import Action, allowed
from ketacare.core.protocols.editable import VITALS, WEIGHT_BASES, Editable, editable_fields
from ketacare.db.models import ProtocolVersion
from ketacare.services import protocols, staff
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

SECTIONS = (
    ("Name", ("name",)),
    ("Dose", ("dose.", "bolus.")),
    ("Timing", ("infusion_duration_min", "min_interval_hours", "min_observation_min")),
    ("Course phases", ("phase.",)),
    ("Staffing", ("prescriber_on_site",)),
    ("Alert limits", ("threshold.",)),
    ("Instruments due", ("instruments.",)),
)
COPY_LABELS = {"code": "New code", "name": "New name", "change_note": "Why a copy"}
OPTIONS = {
    "yes_no": [("yes", "yes"), ("no", "no")],
    "weight_basis": [(basis, basis) for basis in WEIGHT_BASES],
}


def _sections(fields: tuple[Editable, ...]) -> list[tuple[str, list[Editable]]]:
    """The edit form's fieldsets: each field in the first section whose prefix it starts with."""
    grouped: dict[str, list[Editable]] = {title: [] for title, _ in SECTIONS}
    for field in fields:
        title = next(t for t, prefixes in SECTIONS if field.field.startswith(prefixes))
        grouped[title].append(field)
    return [(title, found) for title, found in grouped.items() if found]


@router.get("/protocols", response_class=HTMLResponse)
def protocol_list(
    request: Request,
    viewer: Viewer = Depends(requires(Action.READ_PROTOCOLS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    current = protocols.current_protocols(db, viewer.actor, viewer.principal.organization_id)
    context = {"active": "protocols", "protocols": current}
    return render(request, "protocols/list.html", context)


def _detail(
    request: Request,
    db: Session,
    viewer: Viewer,
    code: str,
    number: int | None = None,
    copy_form: FormInput | None = None,
) -> HTMLResponse:
    """One version of a protocol (the current one unless ``number``) and every version's line."""
    org = viewer.principal.organization_id
    history = protocols.versions(db, viewer.actor, org, code)
    row = history[0] if number is None else protocols.version(db, viewer.actor, org, code, number)
    authors = {r.created_by_id for r in history if r.created_by_id is not None}
    context: dict[str, Any] = {
        "active": "protocols",
        "row": row,
        "protocol": protocols.load(row),
        "current": history[0],
        "history": history,
        "authors": {i: staff.get(db, i).full_name for i in authors},
        "may_manage": allowed(viewer.principal, Action.MANAGE_PROTOCOLS),
        "screening_code": protocols.screening_code(row),
        "copy": copy_form or FormInput({}),
        "copy_labels": COPY_LABELS,
        "vitals": VITALS,
        "saved": request.query_params.get("saved", ""),
    }
    status = 422 if copy_form is not None else 200
    return render(request, "protocols/detail.html", context, status_code=status)


@router.get("/protocols/{code}", response_class=HTMLResponse)
def protocol_page(
    request: Request,
    code: str,
    viewer: Viewer = Depends(requires(Action.READ_PROTOCOLS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _detail(request, db, viewer, code)


@router.get("/protocols/{code}/versions/{number}", response_class=HTMLResponse)
def protocol_version_page(
    request: Request,
    code: str,
    number: int,
    viewer: Viewer = Depends(requires(Action.READ_PROTOCOLS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """A version exactly as it was stored, e.g. the one a course was ordered under."""
    return _detail(request, db, viewer, code, number)


def _edit_page(
    request: Request, db: Session, viewer: Viewer, code: str, form: FormInput | None = None
) -> HTMLResponse:
    """The editable values, prefilled from the current version or from a refused form."""
    current = protocols.versions(db, viewer.actor, viewer.principal.organization_id, code)[0]
    fields = editable_fields(protocols.load(current))
    values = form.raw if form is not None else {e.field: e.text for e in fields}
    errors = form.errors if form is not None else {}
    context: dict[str, Any] = {
        "active": "protocols",
        "row": current,
        "sections": _sections(fields),
        "values": values,
        "errors": errors,
        "options": OPTIONS,
        "labels": {e.field: e.label for e in fields} | {"change_note": "Change note"},
        "copied": request.query_params.get("copied", ""),
    }
    status = 200 if form is None else 422
    return render(request, "protocols/edit.html", context, status_code=status)


@router.get("/protocols/{code}/edit", response_class=HTMLResponse)
def edit_protocol(
    request: Request,
    code: str,
    viewer: Viewer = Depends(requires(Action.MANAGE_PROTOCOLS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _edit_page(request, db, viewer, code)


@router.post("/protocols/{code}/edit", response_class=HTMLResponse)
def save_protocol(
    request: Request,
    code: str,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.MANAGE_PROTOCOLS)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Store the form as the protocol's next version; a course keeps the version it used."""
    org = viewer.principal.organization_id
    current = protocols.versions(db, viewer.actor, org, code)[0]
    names = [e.field for e in editable_fields(protocols.load(current))]
    changes = {name: form.raw[name] for name in names if name in form.raw}
    saved: ProtocolVersion | None = None
    with saving(db, form):
        saved = protocols.save_version(
            db, viewer.actor, org, code, changes, form.text("change_note")
        )
    if saved is None:
        return _edit_page(request, db, viewer, code, form)
    return RedirectResponse(f"/protocols/{code}?saved={saved.version}", status_code=303)


@router.post("/protocols/{code}/copy", response_class=HTMLResponse)
def copy_protocol(
    request: Request,
    code: str,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.MANAGE_PROTOCOLS)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """A new protocol from this one's current version; its values are then adjusted."""
    copied: ProtocolVersion | None = None
    with saving(db, form):
        copied = protocols.copy_protocol(
            db,
            viewer.actor,
            viewer.principal.organization_id,
            code,
            form.text("code"),
            form.text("name"),
            form.text("change_note"),
        )
    if copied is None:
        return _detail(request, db, viewer, code, copy_form=form)
    return RedirectResponse(f"/protocols/{copied.code}/edit?copied={code}", status_code=303)
