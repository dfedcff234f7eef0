"""The treatment board: one site's chairs, live. The chairs redraw every few seconds and at once
when an alert event arrives (``static/live.js``); the open alerts list updates from the event
stream, with a sound when the viewer turns it on. Acknowledging an alert records the action taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.errors import Conflict, ValidationFailed
from ketacare.core.permissions import Action, allowed
from ketacare.db.models import Site, VitalAlert
from ketacare.services import clinic, live, treatment_board, vital_alerts
from ketacare.services.treatment_board import Board
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

POLL_S = 5
SPARK_W, SPARK_H = 80, 20


def sparkline(values: Sequence[Decimal]) -> str:
    """SVG polyline points for ``values`` scaled into SPARK_W x SPARK_H (higher is up; a steady
    vital is a line across the middle)."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    step = Decimal(SPARK_W) / (len(values) - 1)

    def y(value: Decimal) -> Decimal:
        if high == low:
            return Decimal(SPARK_H) / 2
        return SPARK_H - 1 - (value - low) / (high - low) * (SPARK_H - 2)

    return " ".join(f"{float(i * step):.1f},{float(y(v)):.1f}" for i, v in enumerate(values))


def duration(minutes: int) -> str:
    """``42 min`` or ``2 h 05 min``."""
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def _sites(db: Session, viewer: Viewer) -> list[Any]:
    mine = viewer.principal.sites_allowing(Action.READ_TREATMENTS)
    return [s for s in clinic.sites_of(db, viewer.principal.organization_id) if s.id in mine]


def _context(db: Session, viewer: Viewer, site: int | None) -> dict[str, Any]:
    sites = _sites(db, viewer)
    site_id = site if site is not None else (sites[0].id if sites else None)
    if site_id is None:
        return {"active": "board", "sites": sites, "board": None}
    shown = treatment_board.board(db, viewer.actor, site_id)
    return {
        "active": "board",
        "sites": sites,
        "board": shown,
        "open_alerts": _open_alerts(shown),
        "can_acknowledge": allowed(viewer.principal, Action.RUN_TREATMENT, site_id),
        "actions": vital_alerts.ACTIONS,
        "spark": sparkline,
        "duration": duration,
        "zone": ZoneInfo(shown.site.timezone),
        "spark_size": (SPARK_W, SPARK_H),
        "poll_s": POLL_S,
    }


def _open_alerts(shown: Board) -> list[tuple[VitalAlert, treatment_board.ChairCard]]:
    """Every open alert on the board with its chair card, oldest first."""
    found = [(alert, card) for card in shown.cards for alert in card.alerts]
    return sorted(found, key=lambda pair: pair[0].id)


@router.get("/board", response_class=HTMLResponse)
def board_page(
    request: Request,
    site: int | None = None,
    viewer: Viewer = Depends(requires(Action.READ_TREATMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """``?site=<id>``; by default the viewer's first site where they read treatments."""
    return render(request, "board/page.html", _context(db, viewer, site))


@router.get("/board/chairs", response_class=HTMLResponse)
def board_chairs(
    request: Request,
    site: int,
    viewer: Viewer = Depends(requires(Action.READ_TREATMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """The chairs alone, for the board's polling and live refresh."""
    return render(request, "board/_chairs.html", _context(db, viewer, site))


@router.get("/alerts/{alert_id:int}/acknowledge", response_class=HTMLResponse)
def acknowledge_form(
    request: Request,
    alert_id: int,
    back: str = Query("/board", alias="next"),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """The acknowledgement form for one alert (linked from live alert rows)."""
    form = FormInput({"next": back})
    return render(request, "board/acknowledge.html", _ack_context(db, viewer, alert_id, form))


@router.post("/alerts/{alert_id:int}/acknowledge", response_class=HTMLResponse)
def acknowledge(
    request: Request,
    alert_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Record who acknowledged the alert and the action taken; open pages hear of it once the
    change is committed. A refused form is drawn again with its message."""
    try:
        with db.begin_nested():
            alert = vital_alerts.acknowledge(
                db, viewer.actor, alert_id, form.text("action"), form.text("note")
            )
    except (ValidationFailed, Conflict) as exc:
        form.add_errors(exc)
        context = _ack_context(db, viewer, alert_id, form)
        return render(request, "board/acknowledge.html", context, status_code=422)
    live.publish_after_commit(db, request.app.state.broker, [alert], "acknowledged")
    return RedirectResponse(_back_to(form), status_code=303)


def _ack_context(db: Session, viewer: Viewer, alert_id: int, form: FormInput) -> dict[str, Any]:
    alert = vital_alerts.alert_for(db, viewer.actor, alert_id)
    site = db.get(Site, alert.site_id)
    return {
        "alert": alert,
        "zone": site.timezone if site else "UTC",
        "form": form,
        "actions": vital_alerts.ACTIONS,
        "next": _back_to(form),
    }


def _back_to(form: FormInput) -> str:
    """Only a local path, so the form cannot send anyone elsewhere."""
    target = form.text("next")
    return target if target.startswith("/") and not target.startswith("//") else "/board"
