"""Ordering a course: the prescriber's order form, the proposed treatments (every time and chair
can be changed before confirming), and the booking. The course page itself is in course_page.py.

Nothing is stored until the proposal is confirmed; a confirmed proposal is checked again against
the calendar as it is then, and a clash is shown on the proposal with everything as typed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.enums import CoursePhase, LocationKind
from ketacare.core.permissions import Action
from ketacare.core.protocols.model import value_of
from ketacare.core.scheduling.model import Slot
from ketacare.db.models import Course, Site
from ketacare.services import clinic, courses, patients
from ketacare.services import protocols as protocol_store
from ketacare.services.course_planning import CourseOrder, Plan, Proposal, prepare, propose
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDER_FIELDS = (
    "protocol",
    "site_id",
    "start_on",
    "dose",
    "treatments",
    "per_week",
    "every_n_weeks",
    "preferred_time",
    "note",
)
LABELS = {
    "protocol": "Protocol",
    "site_id": "Site",
    "start_on": "First day of the course",
    "dose": "Dose",
    "treatments": "Treatments to book",
    "per_week": "Treatments per week",
    "every_n_weeks": "Every how many weeks (open-ended schedules)",
    "weekday": "Preferred days",
    "preferred_time": "Preferred start time",
    "note": "Note for the team",
    "treatments_table": "Treatments",
}


def order_of(form: FormInput, patient_id: int) -> CourseOrder | None:
    """The order typed on the form; None (with field messages) when a field does not parse."""
    protocol, site_id, start_on = (
        form.text("protocol"),
        form.integer("site_id"),
        form.date("start_on"),
    )
    dose = form.decimal("dose", 3)
    counts = {name: form.integer(name) for name in ("treatments", "per_week", "every_n_weeks")}
    weekdays = tuple(sorted({int(d) for d in form.all("weekday") if d in "0123456" and d}))
    preferred = form.time("preferred_time")
    for name, value in (
        ("protocol", protocol),
        ("site_id", site_id),
        ("start_on", start_on),
        ("dose", dose),
    ):
        if value in (None, ""):
            form.errors.setdefault(name, f"Enter the {LABELS[name].lower()}.")
    if form.errors or site_id is None or start_on is None or dose is None:
        return None
    return CourseOrder(
        patient_id,
        protocol,
        site_id,
        start_on,
        dose,
        counts["treatments"],
        counts["per_week"],
        counts["every_n_weeks"],
        weekdays,
        preferred,
        form.text("note"),
    )


def slots_of(form: FormInput, site: Site, chair_min: int) -> list[Slot]:
    """The proposal rows as confirmed (site-local day and time, chair) as UTC slots."""
    zone, slots = ZoneInfo(site.timezone), []
    for i in range(form.integer("slot_count") or 0):
        on, at = form.date(f"slot-{i}-on"), form.time(f"slot-{i}-at")
        chair = form.integer(f"slot-{i}-chair")
        if on is None or at is None or chair is None:
            form.errors.setdefault("treatments_table", f"Row {i + 1}: give a day, time and chair.")
            continue
        starts = datetime.combine(on, at, tzinfo=zone).astimezone(UTC)
        slots.append(Slot(chair, starts, starts + timedelta(minutes=chair_min)))
    return slots


def rows_of(slots: tuple[Slot, ...] | list[Slot], site: Site) -> dict[str, str]:
    """Form values for proposal rows, so a proposal and a refused confirmation draw alike."""
    zone, raw = ZoneInfo(site.timezone), {"slot_count": str(len(slots))}
    for i, slot in enumerate(slots):
        local = slot.starts_at.astimezone(zone)
        raw |= {
            f"slot-{i}-on": local.date().isoformat(),
            f"slot-{i}-at": local.strftime("%H:%M"),
            f"slot-{i}-chair": str(slot.location_id),
        }
    return raw


def _order_context(db: Session, viewer: Viewer, patient_id: int) -> dict[str, Any]:
    chart_site = patients.site_of(db, viewer.actor, patient_id)
    org = viewer.principal.organization_id
    current = protocol_store.current_protocols(db, viewer.actor, org)
    sites = [
        s
        for s in clinic.sites_of(db, org)
        if s.id in viewer.principal.sites_allowing(Action.ORDER_COURSE)
    ]
    return {
        "active": "patients",
        "patient_id": patient_id,
        "home_site": chart_site,
        "protocols": [
            {
                "code": row.code,
                "name": p.name,
                "version": row.version,
                "unit": p.dose_rule.unit,
                "default": value_of(p.dose_rule.default),
                "unset": p.unset(),
            }
            for row, p in current
        ],
        "site_options": [(s.id, s.name) for s in sites],
        "weekdays": list(enumerate(WEEKDAYS)),
        "labels": LABELS,
    }


def _new_page(
    request: Request, db: Session, viewer: Viewer, patient_id: int, form: FormInput, status: int
) -> HTMLResponse:
    context = _order_context(db, viewer, patient_id) | {"form": form}
    return render(request, "courses/new.html", context, status_code=status)


@router.get("/patients/{patient_id:int}/courses/new", response_class=HTMLResponse)
def new_course(
    request: Request,
    patient_id: int,
    viewer: Viewer = Depends(requires(Action.ORDER_COURSE)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    site = patients.site_of(db, viewer.actor, patient_id)
    today = viewer.actor.at.astimezone(ZoneInfo(site.timezone)).date()
    start = today + timedelta(days=(7 - today.weekday()) % 7 or 7)  # next Monday
    form = FormInput({"site_id": str(site.id), "start_on": start.isoformat()})
    return _new_page(request, db, viewer, patient_id, form, 200)


def proposal_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    proposal: Proposal,
    form: FormInput,
    status: int = 200,
    action: str = "",
    fields: tuple[str, ...] = ORDER_FIELDS,
) -> HTMLResponse:
    """The proposed treatments as editable rows, with the order carried in hidden fields;
    ``action`` is where confirming posts (default: booking a new course)."""
    chairs = [
        (loc.id, loc.name)
        for loc in clinic.locations_of(db, proposal.site.id)
        if loc.kind == LocationKind.CHAIR and loc.active
    ]
    context = {
        "active": "patients",
        "proposal": proposal,
        "form": form,
        "order_fields": fields,
        "action": action or f"/patients/{proposal.order.patient_id}/courses",
        "chairs": chairs,
        "zone": ZoneInfo(proposal.site.timezone),
        "labels": LABELS,
    }
    return render(request, "courses/proposal.html", context, status_code=status)


@router.post("/patients/{patient_id:int}/courses/propose", response_class=HTMLResponse)
def propose_course(
    request: Request,
    patient_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.ORDER_COURSE)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    order = order_of(form, patient_id)
    proposal: Proposal | None = None
    with saving(db, form):
        if order is not None:
            proposal = propose(db, viewer.actor, order)
    if proposal is None or form.errors:
        return _new_page(request, db, viewer, patient_id, form, 422)
    shown = FormInput(form.raw | rows_of(proposal.slots, proposal.site), form.many)
    return proposal_page(request, db, viewer, proposal, shown)


@router.post("/patients/{patient_id:int}/courses", response_class=HTMLResponse)
def confirm_course(
    request: Request,
    patient_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.ORDER_COURSE)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    order = order_of(form, patient_id)
    plan: Plan | None = None
    with saving(db, form):
        if order is not None:
            plan = prepare(db, viewer.actor, order)
    if order is None or plan is None:
        return _new_page(request, db, viewer, patient_id, form, 422)
    slots = slots_of(form, plan.site, plan.needs.chair_min)
    made: Course | None = None
    with saving(db, form):
        if not form.errors:
            made = courses.create_course(db, viewer.actor, order, slots)
    if made is None or form.errors:
        proposal = Proposal(
            order,
            plan.version,
            plan.protocol,
            CoursePhase.INDUCTION,
            plan.site,
            tuple(slots),
            plan.needs.chair_min,
            plan.min_interval,
            plan.warnings,
        )
        return proposal_page(request, db, viewer, proposal, form, 409)
    return RedirectResponse(f"/courses/{made.id}?booked={len(slots)}", status_code=303)
