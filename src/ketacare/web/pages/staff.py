"""Staff management for admins: the list of accounts, adding one, and changing its roles per site
or disabling it. (``/staff/mfa`` belongs to the sign-in pages; the ids here are ints only.)"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.enums import Role
from ketacare.core.permissions import Action
from ketacare.db.models import StaffUser
from ketacare.services import auth, clinic, staff
from ketacare.services.staff import StaffEntry
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

LABELS = {
    "full_name": "Full name",
    "email": "Email",
    "password": "Initial password",
    "grants": "Roles",
    "active": "Account",
}


def _grants(form: FormInput) -> list[tuple[int, Role]]:
    """Checkboxes named ``grant`` with values ``<site id>:<role>``; at least one is needed."""
    grants: list[tuple[int, Role]] = []
    for value in form.all("grant"):
        site, _, role = value.partition(":")
        if not site.isdigit() or role not in {r.value for r in Role}:
            form.errors.setdefault("grants", "Choose roles from the table.")
            continue
        grants.append((int(site), Role(role)))
    if not grants:
        form.errors.setdefault("grants", "Tick at least one role at one site.")
    return grants


def _context(db: Session, viewer: Viewer, **extra: Any) -> dict[str, Any]:
    return {
        "active": "staff",
        "sites": clinic.sites_of(db, viewer.principal.organization_id),
        "roles": list(Role),
        "labels": LABELS,
        **extra,
    }


@router.get("/staff", response_class=HTMLResponse)
def staff_list(
    request: Request,
    viewer: Viewer = Depends(requires(Action.MANAGE_STAFF)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    entries = staff.directory(db, viewer.actor, viewer.principal.organization_id)
    return render(request, "staff/list.html", _context(db, viewer, entries=entries))


def _new_page(
    request: Request, db: Session, viewer: Viewer, form: FormInput, status_code: int = 200
) -> HTMLResponse:
    ticked = set(form.all("grant"))
    context = _context(db, viewer, values=form.raw, errors=form.errors, ticked=ticked)
    return render(request, "staff/new.html", context, status_code=status_code)


@router.get("/staff/new", response_class=HTMLResponse)
def new_staff(
    request: Request,
    viewer: Viewer = Depends(requires(Action.MANAGE_STAFF)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _new_page(request, db, viewer, FormInput({}))


@router.post("/staff", response_class=HTMLResponse)
def add_staff(
    request: Request,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.MANAGE_STAFF)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Create the account with its roles; the person changes the password after first sign-in."""
    grants = _grants(form)
    added: StaffUser | None = None
    with saving(db, form):
        added = staff.add(
            db,
            viewer.actor,
            viewer.principal.organization_id,
            form.text("email"),
            form.text("full_name"),
            form.raw.get("password", ""),
            grants,
        )
    if added is None or form.errors:
        form.raw.pop("password", None)  # never echo a password back into the page
        return _new_page(request, db, viewer, form, status_code=422)
    return RedirectResponse(f"/staff/{added.id}", status_code=303)


def _edit_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    entry: StaffEntry,
    errors: dict[str, str] | None = None,
    ticked: set[str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The account's page; ``ticked`` redraws refused role choices, else the stored grants."""
    if ticked is None:
        ticked = {f"{s}:{r.value}" for s, roles in entry.grants.items() for r in roles}
    errors = errors or {}
    is_self = entry.user.id == viewer.principal.staff_user_id
    locked_until = staff.locked_until(entry.user, viewer.actor.at)
    context = _context(
        db,
        viewer,
        entry=entry,
        ticked=ticked,
        errors=errors,
        is_self=is_self,
        locked_until=locked_until,
    )
    return render(request, "staff/edit.html", context, status_code=status_code)


@router.get("/staff/{staff_id:int}", response_class=HTMLResponse)
def edit_staff(
    request: Request,
    staff_id: int,
    viewer: Viewer = Depends(requires(Action.MANAGE_STAFF)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _edit_page(request, db, viewer, staff.entry(db, viewer.actor, staff_id))


@router.post("/staff/{staff_id:int}/grants", response_class=HTMLResponse)
def change_grants(
    request: Request,
    staff_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.MANAGE_STAFF)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    entry = staff.entry(db, viewer.actor, staff_id)
    grants = _grants(form)
    with saving(db, form):
        staff.set_grants(db, viewer.actor, entry.user, grants)
    if form.errors:
        ticked = set(form.all("grant"))
        return _edit_page(request, db, viewer, entry, form.errors, ticked, status_code=422)
    return RedirectResponse(f"/staff/{staff_id}", status_code=303)


@router.post("/staff/{staff_id:int}/active", response_class=HTMLResponse)
def change_active(
    request: Request,
    staff_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.MANAGE_STAFF)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Disable (signs the person out everywhere at their next request) or enable again."""
    entry = staff.entry(db, viewer.actor, staff_id)
    with saving(db, form):
        staff.set_active(db, viewer.actor, entry.user, form.text("active") == "true")
    if form.errors:
        return _edit_page(request, db, viewer, entry, form.errors, status_code=422)
    return RedirectResponse(f"/staff/{staff_id}", status_code=303)


@router.post("/staff/{staff_id:int}/unlock", response_class=HTMLResponse)
def unlock(
    staff_id: int,
    viewer: Viewer = Depends(requires(Action.MANAGE_STAFF)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Lift a lockout after repeated failed sign-ins, e.g. once the person's identity is checked."""
    entry = staff.entry(db, viewer.actor, staff_id)
    staff.unlock(db, viewer.actor, entry.user)
    return RedirectResponse(f"/staff/{staff_id}", status_code=303)


@router.post("/staff/{staff_id:int}/password", response_class=HTMLResponse)
def reset_password(
    request: Request,
    staff_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.MANAGE_STAFF)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Give someone who forgot their password a new one; their open sign-ins end."""
    entry = staff.entry(db, viewer.actor, staff_id)
    with saving(db, form):
        auth.reset_password(db, viewer.actor, entry.user, form.text("new_password"))
    if form.errors:
        return _edit_page(request, db, viewer, entry, form.errors, status_code=422)
    return RedirectResponse(f"/staff/{staff_id}?password=set", status_code=303)
