"""Chair monitors for admins: site by site, the point-of-care code (PV1-3) and the device id
(EUI-64) each chair's bedside monitor sends, and the newest inbound messages with the answer each
got. The service checks MANAGE_MONITORS at the chair's site and audits every change; a refused
form is redrawn with its field messages and nothing stored."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.errors import NotFound
from ketacare.core.permissions import Action
from ketacare.db.models import Location
from ketacare.services import chair_monitors, clinic
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

MANAGE = requires(Action.MANAGE_MONITORS)
PAGE = "/settings/monitors"
LABELS = {"point_of_care": "Point of care (PV1-3)", "monitor_device": "Monitor device id (EUI-64)"}


def _page(
    request: Request,
    db: Session,
    viewer: Viewer,
    site_id: int | None,
    failed: tuple[int, FormInput] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    allowed = viewer.principal.sites_allowing(Action.MANAGE_MONITORS)
    sites = [s for s in clinic.sites_of(db, viewer.principal.organization_id) if s.id in allowed]
    site = next((s for s in sites if site_id in (None, s.id)), None)
    if site is None:
        raise NotFound("No such site.")
    settings = request.app.state.settings
    context: dict[str, Any] = {
        "active": "settings",
        "labels": LABELS,
        "sites": sites,
        "site": site,
        "chairs": chair_monitors.chairs(db, viewer.actor, site.id),
        "messages": chair_monitors.recent_messages(db, viewer.actor),
        "listener": f"{settings.mllp_host}:{settings.mllp_port}" if settings.mllp_port else "",
        "failed_id": failed[0] if failed else None,
        "failed": failed[1] if failed else FormInput({}),
        "saved": request.query_params.get("saved", ""),
    }
    return render(request, "monitors/page.html", context, status_code=status_code)


@router.get(PAGE, response_class=HTMLResponse)
def monitors_page(
    request: Request,
    site_id: int | None = None,
    viewer: Viewer = Depends(MANAGE),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _page(request, db, viewer, site_id)


@router.post(PAGE + "/chairs/{location_id:int}", response_class=HTMLResponse)
def name_monitor(
    request: Request,
    location_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(MANAGE),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Save how one chair's monitor names it; blanks clear the names."""
    chair = db.get(Location, location_id)
    if chair is None:
        raise NotFound("No such chair.")
    with saving(db, form):
        chair_monitors.name_monitor(
            db, viewer.actor, location_id, form.text("point_of_care"), form.text("monitor_device")
        )
    if form.errors:
        return _page(request, db, viewer, chair.site_id, (location_id, form), 422)
    where = f"site_id={chair.site_id}&saved={location_id}#chair-{location_id}"
    return RedirectResponse(f"{PAGE}?{where}", status_code=303)
