"""Staff accounts over the API: who works where, in which role, never with their secrets."""

from __future__ import annotations

from fastapi import Depends
from sqlalchemy.orm import Session

from ketacare.core.permissions import Action
from ketacare.services import staff
from ketacare.web.api.v1.routing import api_router
from ketacare.web.api.v1.schemas import RoleAtSite, StaffOut
from ketacare.web.deps import Viewer, get_db, requires

router = api_router("staff")


def _staff_out(entry: staff.StaffEntry) -> StaffOut:
    user, grants = entry.user, entry.grants
    roles = [RoleAtSite(site_id=s, role=r) for s in sorted(grants) for r in sorted(grants[s])]
    return StaffOut(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        active=user.active,
        mfa_enabled=user.totp_enabled,
        roles=roles,
    )


@router.get("/staff", summary="List staff accounts")
def list_staff(
    viewer: Viewer = Depends(requires(Action.READ_STAFF)),
    db: Session = Depends(get_db, scope="function"),
) -> list[StaffOut]:
    """Every account of the organization with its roles per site, by name."""
    entries = staff.directory(db, viewer.actor, viewer.principal.organization_id)
    return [_staff_out(entry) for entry in entries]
