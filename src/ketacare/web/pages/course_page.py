"""A course's page: the order, its protocol version, and the timeline of treatments, with moving and
cancelling a booked treatment, and the end-of-induction review that ends the course or books
maintenance (proposed like induction, every row editable before booking)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.enums import (
    AppointmentStatus,
    CoursePhase,
    CourseStatus,
    LocationKind,
    MaintenanceDecision,
)
from ketacare.core.permissions import Action, allowed
from ketacare.core.protocols.model import ByReview
from ketacare.db.models import Appointment
from ketacare.services import clinic, course_changes, course_review, courses
from ketacare.services.course_changes import Cancelled, Moved
from ketacare.services.course_planning import Proposal
from ketacare.services.courses import CourseView
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.pages.courses import proposal_page, rows_of, slots_of
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

MAINTENANCE_FIELDS = ("start_on", "treatments", "per_week", "every_n_weeks")
LABELS = {
    "on": "Day",
    "at": "Start",
    "location_id": "Chair",
    "starts_at": "New time",
    "reason": "Reason",
    "decision": "Decision",
    "start_on": "First maintenance day",
    "treatments": "Treatments to book",
    "per_week": "Treatments per week",
    "every_n_weeks": "Every how many weeks",
}


def _context(
    db: Session, viewer: Viewer, shown: CourseView, forms: dict[str, FormInput]
) -> dict[str, Any]:
    course, site = shown.course, shown.site
    treatments = list(shown.treatments)
    due = course_changes.maintenance_due(course, treatments, viewer.actor.at)
    may_order = allowed(viewer.principal, Action.ORDER_COURSE, site.id)
    may_read_scores = allowed(viewer.principal, Action.READ_OUTCOMES, site.id)
    review = (
        course_review.review_lines(db, viewer.actor, course, shown.protocol)
        if due and may_order and may_read_scores
        else []
    )
    chairs = [
        (loc.id, loc.name)
        for loc in clinic.locations_of(db, site.id)
        if loc.kind == LocationKind.CHAIR and loc.active
    ]
    return {
        "active": "patients",
        "v": shown,
        "c": course,
        "zone": ZoneInfo(site.timezone),
        "chairs": chairs,
        "chair_names": dict(chairs),
        "numbered": _numbered(treatments),
        "can_change": course.status == CourseStatus.ACTIVE
        and allowed(viewer.principal, Action.WRITE_APPOINTMENTS, site.id),
        "may_order": may_order,
        "due": due,
        "review": review,
        "headline": course_review.headline(review),
        "booking_more": may_order
        and course.status == CourseStatus.ACTIVE
        and course.maintenance_decision == MaintenanceDecision.CONTINUE,
        "forms": forms,
        "maintenance_start": maintenance_start(shown, viewer.actor.at),
        "labels": LABELS,
        "now": viewer.actor.at,
    }


def _numbered(treatments: list[Appointment]) -> list[tuple[int | None, Appointment]]:
    """Treatments numbered in time order; cancelled ones are listed without a number."""
    count, out = 0, list[tuple[int | None, Appointment]]()
    for row in treatments:
        if row.status == AppointmentStatus.CANCELLED:
            out.append((None, row))
        else:
            count += 1
            out.append((count, row))
    return out


def _page(
    request: Request,
    db: Session,
    viewer: Viewer,
    course_id: int,
    forms: dict[str, FormInput] | None = None,
    status: int = 200,
) -> HTMLResponse:
    shown = courses.view(db, viewer.actor, course_id)
    context = _context(db, viewer, shown, forms or {}) | {"query": request.query_params}
    return render(request, "courses/course.html", context, status_code=status)


@router.get("/courses/{course_id:int}", response_class=HTMLResponse)
def course_page(
    request: Request,
    course_id: int,
    viewer: Viewer = Depends(requires(Action.READ_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _page(request, db, viewer, course_id)


@router.post(
    "/courses/{course_id:int}/treatments/{appointment_id:int}/move", response_class=HTMLResponse
)
def move(
    request: Request,
    course_id: int,
    appointment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.WRITE_APPOINTMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Move one treatment; the later ones follow when the interval requires it."""
    shown = courses.view(db, viewer.actor, course_id)
    on, at, chair = form.date("on"), form.time("at"), form.integer("location_id")
    done: Moved | None = None
    with saving(db, form):
        if on is None or at is None or chair is None:
            form.errors.setdefault("starts_at", "Give the new day, time and chair.")
        else:
            starts = datetime.combine(on, at, tzinfo=ZoneInfo(shown.site.timezone))
            done = course_changes.move_treatment(
                db, viewer.actor, appointment_id, starts.astimezone(UTC), chair
            )
    if done is None or form.errors:
        return _page(request, db, viewer, course_id, {f"move-{appointment_id}": form}, 409)
    url = f"/courses/{course_id}?moved={done.moved.id}&shifted={len(done.shifted)}"
    return RedirectResponse(url, status_code=303)


@router.post(
    "/courses/{course_id:int}/treatments/{appointment_id:int}/cancel", response_class=HTMLResponse
)
def cancel(
    request: Request,
    course_id: int,
    appointment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.WRITE_APPOINTMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Cancel one treatment, booking a make-up after the last one unless told not to."""
    done: Cancelled | None = None
    with saving(db, form):
        done = course_changes.cancel_treatment(
            db,
            viewer.actor,
            appointment_id,
            form.text("reason"),
            make_up=form.text("make_up") == "yes",
        )
    if done is None or form.errors:
        return _page(request, db, viewer, course_id, {f"cancel-{appointment_id}": form}, 422)
    made = done.make_up.id if done.make_up else ""
    refused = "1" if done.make_up_refused else ""
    url = f"/courses/{course_id}?cancelled={done.cancelled.id}&make_up={made}&no_make_up={refused}"
    return RedirectResponse(url, status_code=303)


@router.post("/courses/{course_id:int}/maintenance", response_class=HTMLResponse)
def decide(
    request: Request,
    course_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.ORDER_COURSE)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """The end-of-induction decision, kept with the outcome class shown when it was taken."""
    shown = courses.view(db, viewer.actor, course_id)
    lines = course_review.review_lines(db, viewer.actor, shown.course, shown.protocol)
    with saving(db, form):
        course_changes.decide_maintenance(
            db,
            viewer.actor,
            course_id,
            form.text("decision"),
            course_review.headline(lines),
            form.text("note"),
        )
    if form.errors:
        return _page(request, db, viewer, course_id, {"decision": form}, 422)
    return RedirectResponse(f"/courses/{course_id}#maintenance", status_code=303)


def _maintenance_order(
    db: Session, viewer: Viewer, course_id: int, form: FormInput
) -> tuple[CourseView, Any]:
    shown = courses.view(db, viewer.actor, course_id)
    start_on = form.date("start_on")
    counts = {name: form.integer(name) for name in ("treatments", "per_week", "every_n_weeks")}
    if start_on is None:
        form.errors.setdefault("start_on", "Enter the first maintenance day.")
        return shown, None
    order = course_changes.maintenance_order(
        shown.course,
        shown.version.code,
        start_on,
        counts["treatments"],
        counts["per_week"],
        counts["every_n_weeks"],
    )
    return shown, order


@router.post("/courses/{course_id:int}/maintenance/propose", response_class=HTMLResponse)
def propose_maintenance(
    request: Request,
    course_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.ORDER_COURSE)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    shown, order = _maintenance_order(db, viewer, course_id, form)
    proposal: Proposal | None = None
    with saving(db, form):
        if order is not None:
            proposal = course_changes.propose_maintenance(db, viewer.actor, shown.course, order)
    if proposal is None or form.errors:
        return _page(request, db, viewer, course_id, {"maintenance": form}, 422)
    raw = form.raw | rows_of(proposal.slots, proposal.site)
    return _proposal(request, db, viewer, proposal, FormInput(raw), 200)


def _proposal(
    request: Request, db: Session, viewer: Viewer, proposal: Proposal, form: FormInput, status: int
) -> HTMLResponse:
    action = f"/courses/{proposal.order_course_id}/maintenance/book"
    return proposal_page(request, db, viewer, proposal, form, status, action, MAINTENANCE_FIELDS)


@router.post("/courses/{course_id:int}/maintenance/book", response_class=HTMLResponse)
def book_maintenance(
    request: Request,
    course_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.ORDER_COURSE)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    shown, order = _maintenance_order(db, viewer, course_id, form)
    booked: list[Appointment] | None = None
    with saving(db, form):
        if order is not None:
            plan = courses.course_plan(db, shown.course)
            slots = slots_of(form, shown.site, plan.needs.chair_min)
            if not form.errors:
                booked = course_changes.book_maintenance(
                    db, viewer.actor, shown.course, order, slots
                )
    if booked is None or form.errors:
        if order is None:
            return _page(request, db, viewer, course_id, {"maintenance": form}, 422)
        plan = courses.course_plan(db, shown.course)
        proposal = Proposal(
            order,
            plan.version,
            plan.protocol,
            CoursePhase.MAINTENANCE,
            plan.site,
            (),
            plan.needs.chair_min,
            plan.min_interval,
            plan.warnings,
            course_id,
        )
        return _proposal(request, db, viewer, proposal, form, 409)
    return RedirectResponse(f"/courses/{course_id}?booked={len(booked)}", status_code=303)


def maintenance_start(shown: CourseView, now: datetime) -> str:
    """A first maintenance day to offer: the phase's own week when the protocol gives one
    (esketamine: course week 5, §3.2), else a week after the last treatment; never in the past."""
    zone = ZoneInfo(shown.site.timezone)
    last = max((a.starts_at for a in shown.treatments), default=now).astimezone(zone).date()
    schedule = shown.protocol.phase(CoursePhase.MAINTENANCE).schedule
    week = None if isinstance(schedule, ByReview) else schedule[0].first_week
    day = last + timedelta(days=7)
    if week is not None:
        day = max(shown.course.start_on + timedelta(weeks=week - 1), last + timedelta(days=1))
    return max(day, now.astimezone(zone).date()).isoformat()
