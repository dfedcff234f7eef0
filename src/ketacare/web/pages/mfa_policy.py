"""The admin's rule for which roles must sign in with a one-time code.

A role ticked here makes every staff user holding it (at any site) give a code after the password;
those not yet set up are sent to set codes up before they reach anything else.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.enums import Role
from ketacare.core.permissions import Action
from ketacare.services import mfa
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself
MANAGE_STAFF = requires(Action.MANAGE_STAFF)


@router.get("/staff/mfa")
def mfa_policy(
    request: Request,
    saved: bool = Query(False),
    viewer: Viewer = Depends(MANAGE_STAFF),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    required = mfa.policy_roles(db, viewer.principal.organization_id)
    context = {"active": "staff", "roles": list(Role), "required": required, "saved": saved}
    return render(request, "auth/mfa_policy.html", context)


@router.post("/staff/mfa")
def save_mfa_policy(
    role: list[str] = Form([]),
    viewer: Viewer = Depends(MANAGE_STAFF),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Unticked boxes are simply absent from the form, so the list of ticked roles is the policy."""
    known = {r.value for r in Role}
    roles = [Role(value) for value in role if value in known]
    mfa.set_policy(db, viewer.actor, viewer.principal.organization_id, roles)
    return RedirectResponse("/staff/mfa?saved=true", status_code=303)
