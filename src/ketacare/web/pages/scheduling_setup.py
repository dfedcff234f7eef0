"""Scheduling set-up for admins: the organization's scheduling settings and, site by site, the
opening hours, closed days, staff rota and absences the scheduler books into. The services check
MANAGE_SCHEDULING at the site and audit every change; a refused form is redrawn with its field
messages and nothing stored."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.errors import NotFound
from ketacare.core.permissions import Action
from ketacare.core.scheduling.defaults import DEFAULT_CHOICES, DUTY_ROLES, LIMITS, WEEKDAY_NAMES
from ketacare.db.models import Site
from ketacare.services import clinic, rota, scheduling_setup, site_hours
from ketacare.services.context import Actor
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

MANAGE = requires(Action.MANAGE_SCHEDULING)
Change = Callable[[], object]  # a service call, run once the form has been read
PAGE = "/settings/scheduling"
LABELS = {
    "chairs_per_nurse": "Chairs per nurse",
    "check_in_min": "Check-in before dosing (minutes)",
    "slot_step_min": "Start times every (minutes)",
    "max_shift_days": "A treatment may move by (days)",
    "reminder_hours_before": "E-mail reminder (hours before)",
    **{f"opens_{d}": f"{name} opens" for d, name in enumerate(WEEKDAY_NAMES)},
    **{f"closes_{d}": f"{name} closes" for d, name in enumerate(WEEKDAY_NAMES)},
    "closed_on": "Closed on",
    "reason": "Reason",
    "staff_user_id": "Staff user",
    "role": "Role",
    "weekday": "Weekday",
    "starts_at": "Starts",
    "ends_at": "Ends",
    "absentee": "Staff user",
    "first_on": "First day away",
    "last_on": "Last day away",
    "note": "Note",
}
SAVED = {
    "settings": "Saved the scheduling settings.",
    "hours": "Saved the opening hours.",
    "closure": "Added the closed day.",
    "closure-removed": "The site is open again on that day.",
    "rota": "Added the rota line.",
    "rota-removed": "Took the line off the rota.",
    "absence": "Added the absence.",
    "absence-removed": "Removed the absence.",
}


def _page(
    request: Request,
    db: Session,
    viewer: Viewer,
    site_id: int | None,
    failed: tuple[str, FormInput] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    organization_id = viewer.principal.organization_id
    sites = _managed_sites(db, viewer)
    site = next((s for s in sites if site_id in (None, s.id)), None)
    if site is None:
        raise NotFound("No such site.")
    today = viewer.actor.at.astimezone(ZoneInfo(site.timezone)).date()
    context: dict[str, Any] = {
        "active": "settings",
        "labels": LABELS,
        "settings": asdict(scheduling_setup.scheduling_settings(db, organization_id)),
        "choices": DEFAULT_CHOICES,
        "limits": LIMITS,
        "sites": sites,
        "site": site,
        "hours": site_hours.opening_hours(db, site.id),
        "closures": site_hours.closures(db, site.id, today),
        "rota": rota.rota_of(db, site.id),
        **_people(db, site.id),
        "absences": rota.absences(db, organization_id, today),
        "weekdays": WEEKDAY_NAMES,
        "weekday_options": list(enumerate(WEEKDAY_NAMES)),
        "role_options": [(role, role.capitalize()) for role in DUTY_ROLES],
        "failed_key": failed[0] if failed else "",
        "failed": failed[1] if failed else FormInput({}),
        "saved": SAVED.get(request.query_params.get("saved", ""), ""),
    }
    return render(request, "scheduling/page.html", context, status_code=status_code)


def _people(db: Session, site_id: int) -> dict[str, list[tuple[int, str]]]:
    """The choices of person for the rota (with the roles they hold) and absence forms."""
    people = rota.duty_staff(db, site_id)
    return {
        "rota_people": [(u.id, f"{u.full_name} ({', '.join(sorted(held))})") for u, held in people],
        "absentees": [(u.id, u.full_name) for u, _ in people],
    }


def _managed_sites(db: Session, viewer: Viewer) -> list[Site]:
    allowed = viewer.principal.sites_allowing(Action.MANAGE_SCHEDULING)
    return [s for s in clinic.sites_of(db, viewer.principal.organization_id) if s.id in allowed]


def _done(site_id: int | None, key: str, anchor: str) -> RedirectResponse:
    at_site = f"site_id={site_id}&" if site_id is not None else ""
    return RedirectResponse(f"{PAGE}?{at_site}saved={key}#{anchor}", status_code=303)


def _attempt(
    request: Request,
    db: Session,
    viewer: Viewer,
    site_id: int | None,
    form: FormInput,
    key: str,
    change: Change,
    renamed: Mapping[str, str],
) -> Response:
    """Run ``change`` in a savepoint; redraw the page with the form's messages if refused
    (``renamed``: the service's field name -> this form's, where they differ)."""
    with saving(db, form):
        change()
    for service_name, form_name in renamed.items():
        if service_name in form.errors:
            form.errors[form_name] = form.errors.pop(service_name)
    if form.errors:
        return _page(request, db, viewer, site_id, (key, form), 422)
    return _done(site_id, key, key)


def _whole(form: FormInput, name: str) -> int | None:
    if form.text(name) and not form.text(name).isdigit():
        form.errors.setdefault(name, "Enter a whole number.")
        return None
    return form.integer(name)


@router.get(PAGE, response_class=HTMLResponse)
def scheduling_page(
    request: Request,
    site_id: int | None = None,
    viewer: Viewer = Depends(MANAGE),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _page(request, db, viewer, site_id)


@router.post(PAGE, response_class=HTMLResponse)
def save_settings(
    request: Request,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(MANAGE),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """The organization's settings, shared by every site."""
    values = {name: _whole(form, name) for name in LIMITS}
    organization_id = viewer.principal.organization_id
    back_to = form.text("site_id")
    site_id = int(back_to) if back_to.isdigit() else None  # the site tab to come back to

    def change() -> object:
        return scheduling_setup.update_settings(db, viewer.actor, organization_id, values)

    return _attempt(request, db, viewer, site_id, form, "settings", change, {})


def _hours(db: Session, actor: Actor, site_id: int, form: FormInput) -> Change:
    """The whole week at once; a day with both times blank is closed."""
    week = {d: (form.time(f"opens_{d}"), form.time(f"closes_{d}")) for d in range(7)}
    return lambda: site_hours.set_opening_hours(db, actor, site_id, week)


def _closure(db: Session, actor: Actor, site_id: int, form: FormInput) -> Change:
    closed_on, reason = form.date("closed_on"), form.text("reason")
    return lambda: site_hours.add_closure(db, actor, site_id, closed_on, reason)


def _rota_line(db: Session, actor: Actor, site_id: int, form: FormInput) -> Change:
    """One weekday's hours for one person in one role; they must hold that role at the site."""
    staff_user_id, weekday = form.integer("staff_user_id"), form.integer("weekday")
    starts_at, ends_at = form.time("starts_at"), form.time("ends_at")
    role = form.text("role")
    return lambda: rota.add_rota_line(
        db, actor, site_id, staff_user_id, role, weekday, starts_at, ends_at
    )


def _absence(db: Session, actor: Actor, site_id: int, form: FormInput) -> Change:
    """Whole days a person is off the rota at every site."""
    staff_user_id, note = form.integer("absentee"), form.text("note")
    first_on, last_on = form.date("first_on"), form.date("last_on")
    return lambda: rota.add_absence(db, actor, staff_user_id, first_on, last_on, note)


# Each site form: how its fields become a service call, the page section it redraws, and the
# service's field names that differ from the form's.
SITE_FORMS: Mapping[
    str, tuple[Callable[[Session, Actor, int, FormInput], Change], str, Mapping[str, str]]
] = {
    "hours": (_hours, "hours", {}),
    "closures": (_closure, "closure", {}),
    "rota": (_rota_line, "rota", {}),
    "absences": (_absence, "absence", {"staff_user_id": "absentee"}),
}
# What each list's remove button removes, and the section to return to.
REMOVERS: Mapping[str, tuple[Callable[[Session, Actor, int], None], str]] = {
    "closures": (site_hours.remove_closure, "closure"),
    "rota": (rota.remove_rota_line, "rota"),
    "absences": (rota.remove_absence, "absence"),
}


@router.post(PAGE + "/sites/{site_id:int}/{kind}", response_class=HTMLResponse)
def change_site(
    request: Request,
    site_id: int,
    kind: str,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(MANAGE),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Save a site's opening hours, or add a closed day, a rota line or an absence."""
    if kind not in SITE_FORMS:
        raise NotFound("No such form.")
    change_of, section, renamed = SITE_FORMS[kind]
    change = change_of(db, viewer.actor, site_id, form)
    return _attempt(request, db, viewer, site_id, form, section, change, renamed)


@router.post(PAGE + "/sites/{site_id:int}/{kind}/{item_id:int}/remove", response_class=HTMLResponse)
def remove(
    site_id: int,
    kind: str,
    item_id: int,
    viewer: Viewer = Depends(MANAGE),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Remove a closed day, a rota line or an absence (the service checks the site and audits)."""
    if kind not in REMOVERS:
        raise NotFound("Nothing of that kind to remove.")
    remover, section = REMOVERS[kind]
    remover(db, viewer.actor, item_id)
    return _done(site_id, f"{section}-removed", section)
