"""The calendar: one site's week, a row per day and a column per chair, with links to the
previous and next week and to the viewer's other sites. Times are the site's own."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from ketacare.core.permissions import Action
from ketacare.services import appointments, clinic
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself


def _day_of(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/calendar", response_class=HTMLResponse)
def week(
    request: Request,
    site: int | None = None,
    week: str | None = None,
    viewer: Viewer = Depends(requires(Action.READ_APPOINTMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """``?site=<id>&week=<any day of the week>``; by default the viewer's first site, this week.

    A site the viewer does not work at is refused by the service rather than swapped for another,
    so a shared link never quietly shows a different site.
    """
    mine = viewer.principal.sites_allowing(Action.READ_APPOINTMENTS)
    sites = [s for s in clinic.sites_of(db, viewer.principal.organization_id) if s.id in mine]
    site_id = site if site is not None else (sites[0].id if sites else None)
    asked = _day_of(week)
    context: dict[str, object] = {
        "active": "calendar",
        "sites": sites,
        "bad_week": bool(week) and asked is None,
        "week": None,
    }
    if site_id is not None:
        shown = appointments.week_at_site(db, viewer.actor, site_id, asked)
        monday = shown.days[0]
        today = appointments.site_today(shown.site, viewer.actor.at)
        context |= {
            "week": shown,
            "zone": ZoneInfo(shown.site.timezone),
            "today": today,
            "previous": monday - timedelta(weeks=1),
            "next": monday + timedelta(weeks=1),
            "is_this_week": today in shown.days,
        }
    return render(request, "calendar/week.html", context)
