"""The patient portal: a one-time link opened on the patient's own phone, no staff account.

``/p/{token}`` asks for the date of birth, then one question per screen (htmx swaps the next one
in; without JavaScript each answer is a plain form post), or every question on one page. Each
answer is saved as it is given, so a dropped connection loses nothing. The thank-you page never
shows a score. Refused links (unknown, expired, spent, locked) get a plain page and store nothing.
Forms carry a CSRF token bound to the link token, since the patient has no login session.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.instruments import InvalidAnswers, instrument
from ketacare.core.portal import (
    DateOfBirthMismatch,
    DateOfBirthNeeded,
    LinkLocked,
    LinkNotFound,
    LinkRefused,
)
from ketacare.services import portal
from ketacare.services.portal import PortalState
from ketacare.web import csrf
from ketacare.web.deps import CsrfRejected, check_csrf, client_ip, get_db, get_settings, now, public
from ketacare.web.forms import FormInput, form_of
from ketacare.web.pages import portal_questions as flow
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(public())])


async def portal_csrf(request: Request, token: str) -> bool:
    """True when a post carries the CSRF token bound to this link (always true for reads)."""
    expected = csrf.token_for(get_settings(request).resolved_secret_key, f"portal|{token}")
    try:
        await check_csrf(request, expected)
    except CsrfRejected:  # answered with the portal's own page, not the staff one
        return False
    return True


def _page(
    request: Request, template: str, token: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    secret = get_settings(request).resolved_secret_key
    full = {"token": token, "csrf_token": csrf.token_for(secret, f"portal|{token}"), **context}
    return render(request, f"portal/{template}", full, status_code=status_code)


def _refused(request: Request, token: str, exc: LinkRefused) -> Response:
    """A plain page for a link that cannot be used; the date-of-birth step is a redirect."""
    if isinstance(exc, DateOfBirthNeeded):
        return RedirectResponse(f"/p/{token}", status_code=303)
    status = 404 if isinstance(exc, LinkNotFound) else 423 if isinstance(exc, LinkLocked) else 410
    context = {"message": str(exc), "clinic_name": None}
    return render(request, "portal/closed.html", context, status_code=status)


def _expired_form(request: Request, token: str) -> HTMLResponse:
    message = "This page had been open too long. Please open your link again."
    context = {"message": message, "clinic_name": None, "retry": f"/p/{token}"}
    return render(request, "portal/closed.html", context, status_code=403)


@router.get("/p/thank-you", response_class=HTMLResponse)
def thank_you(request: Request) -> HTMLResponse:
    """Shown after submitting; says nothing about scores or what they mean."""
    return render(request, "portal/thanks.html", {"clinic_name": None})


@router.get("/p/{token}", response_class=HTMLResponse)
def start(
    request: Request, token: str, db: Session = Depends(get_db, scope="function")
) -> Response:
    """The date-of-birth check, or once confirmed, what the link asks and how to answer."""
    try:
        state = portal.open_link(db, token, now(), client_ip(request))
    except LinkRefused as exc:
        return _refused(request, token, exc)
    if not state.dob_confirmed:
        return _dob_page(request, token, state, FormInput({}))
    sequence = flow.questions(state.codes, state.answers)
    context = {
        "state": state,
        "instruments": [instrument(code) for code in state.codes],
        "resume": flow.first_unanswered(sequence) or (sequence[0] if sequence else None),
        "count": len(sequence),
        "started": any(q.value is not None for q in sequence),
    }
    return _page(request, "start.html", token, context)


def _dob_page(
    request: Request, token: str, state: PortalState | None, form: FormInput, status: int = 200
) -> HTMLResponse:
    context = {"state": state, "form": form, "clinic_name": state.clinic_name if state else None}
    return _page(request, "dob.html", token, context, status)


@router.post("/p/{token}/date-of-birth", response_class=HTMLResponse)
def confirm_dob(
    request: Request,
    token: str,
    form: FormInput = Depends(form_of),
    fresh: bool = Depends(portal_csrf),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """A wrong date is counted and committed (the service raises after counting)."""
    if not fresh:
        return _expired_form(request, token)
    born = form.date("date_of_birth")
    if born is None:
        form.errors.setdefault("date_of_birth", "Enter your date of birth.")
        return _dob_page(request, token, None, form, 422)
    try:
        portal.confirm_date_of_birth(db, token, born, now(), client_ip(request))
    except DateOfBirthMismatch as exc:
        form.errors["date_of_birth"] = str(exc)
        return _dob_page(request, token, None, form, 422)
    except LinkRefused as exc:
        return _refused(request, token, exc)
    return RedirectResponse(f"/p/{token}", status_code=303)


def _confirmed_state(db: Session, request: Request, token: str) -> PortalState:
    state = portal.open_link(db, token, now(), client_ip(request))
    if not state.dob_confirmed:
        raise DateOfBirthNeeded()
    return state


@router.get("/p/{token}/q/{code}/{number:int}", response_class=HTMLResponse)
def question(
    request: Request,
    token: str,
    code: str,
    number: int,
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """One question on its own screen; a fragment when htmx asks for it."""
    try:
        state = _confirmed_state(db, request, token)
    except LinkRefused as exc:
        return _refused(request, token, exc)
    return _question_page(request, token, state, code, number)


def _question_page(
    request: Request, token: str, state: PortalState, code: str, number: int
) -> Response:
    sequence = flow.questions(state.codes, state.answers)
    position = flow.find(sequence, code, number)
    if position is None:
        return RedirectResponse(f"/p/{token}", status_code=303)
    context = {
        "state": state,
        "clinic_name": state.clinic_name,
        "q": sequence[position],
        "position": position,
        "count": len(sequence),
        "previous": sequence[position - 1] if position else None,
    }
    fragment = bool(request.headers.get("hx-request"))
    return _page(request, "_question.html" if fragment else "question.html", token, context)


@router.post("/p/{token}/q/{code}/{number:int}", response_class=HTMLResponse)
def answer(
    request: Request,
    token: str,
    code: str,
    number: int,
    form: FormInput = Depends(form_of),
    fresh: bool = Depends(portal_csrf),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Save one answer, then show the next question (or the review when none is left)."""
    if not fresh:
        return _expired_form(request, token)
    on_all_page = f"{code}-{number}" in form.raw  # the all-questions page saves as it goes
    try:
        value = form.integer(f"{code}-{number}" if on_all_page else "value")
        state = _save(db, request, token, code, number, value)
    except LinkRefused as exc:
        return _refused(request, token, exc)
    except InvalidAnswers:
        return RedirectResponse(f"/p/{token}/q/{code}/{number}", status_code=303)
    if on_all_page:
        return Response(status_code=204)
    return _after_answer(request, token, state, code, number)


def _save(
    db: Session, request: Request, token: str, code: str, number: int, value: int | None
) -> PortalState:
    at, ip = now(), client_ip(request)
    state = portal.save_answer(db, token, code, number, value, at, ip)
    for later in flow.taken_back(code, number, value):
        state = portal.save_answer(db, token, code, later, None, at, ip)
    return state


def _after_answer(
    request: Request, token: str, state: PortalState, code: str, number: int
) -> Response:
    sequence = flow.questions(state.codes, state.answers)
    position = flow.find(sequence, code, number)
    following = (
        sequence[position + 1] if position is not None and position + 1 < len(sequence) else None
    )
    if following is None:
        return _go(request, f"/p/{token}/review")
    url = f"/p/{token}/q/{following.code}/{following.item.number}"
    if not request.headers.get("hx-request"):
        return RedirectResponse(url, status_code=303)
    response = _question_page(request, token, state, following.code, following.item.number)
    response.headers["HX-Push-Url"] = url
    return response


def _go(request: Request, url: str) -> Response:
    """A redirect that htmx follows as a full page load."""
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


@router.get("/p/{token}/all", response_class=HTMLResponse)
def all_questions(
    request: Request, token: str, db: Session = Depends(get_db, scope="function")
) -> Response:
    """Every question on one page, for people who prefer to scroll."""
    try:
        state = _confirmed_state(db, request, token)
    except LinkRefused as exc:
        return _refused(request, token, exc)
    context = {"state": state, "clinic_name": state.clinic_name, "groups": _groups(state)}
    return _page(request, "all.html", token, context)


def _groups(state: PortalState) -> list[tuple[Any, list[flow.Question]]]:
    sequence = flow.questions(state.codes, state.answers)
    return [(instrument(c), [q for q in sequence if q.code == c]) for c in state.codes]


@router.post("/p/{token}/all", response_class=HTMLResponse)
def save_all(
    request: Request,
    token: str,
    form: FormInput = Depends(form_of),
    fresh: bool = Depends(portal_csrf),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Save every answer on the page (an answer already saved by htmx is saved again: harmless)."""
    if not fresh:
        return _expired_form(request, token)
    try:
        state = _confirmed_state(db, request, token)
        cleared: set[tuple[str, int]] = set()
        for q in flow.questions(state.codes, state.answers):
            value = form.integer(f"{q.code}-{q.item.number}")
            if value is None or value == q.value or (q.code, q.item.number) in cleared:
                continue
            _save(db, request, token, q.code, q.item.number, value)
            cleared |= {(q.code, n) for n in flow.taken_back(q.code, q.item.number, value)}
    except LinkRefused as exc:
        return _refused(request, token, exc)
    except InvalidAnswers:
        return RedirectResponse(f"/p/{token}/all", status_code=303)
    return RedirectResponse(f"/p/{token}/review", status_code=303)


@router.get("/p/{token}/review", response_class=HTMLResponse)
def review(
    request: Request, token: str, db: Session = Depends(get_db, scope="function")
) -> Response:
    """Every answer before sending, with the ones still missing marked."""
    try:
        state = _confirmed_state(db, request, token)
    except LinkRefused as exc:
        return _refused(request, token, exc)
    return _review_page(request, token, state)


def _review_page(
    request: Request, token: str, state: PortalState, problem: str = "", status: int = 200
) -> HTMLResponse:
    sequence = flow.questions(state.codes, state.answers)
    context = {
        "state": state,
        "clinic_name": state.clinic_name,
        "groups": _groups(state),
        "missing": flow.missing(sequence),
        "problem": problem,
    }
    return _page(request, "review.html", token, context, status)


@router.post("/p/{token}/submit", response_class=HTMLResponse)
def submit(
    request: Request,
    token: str,
    fresh: bool = Depends(portal_csrf),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Send the answers to the clinic; the link is spent and cannot be used again."""
    if not fresh:
        return _expired_form(request, token)
    try:
        with db.begin_nested():
            portal.submit(db, token, now(), client_ip(request))
    except LinkRefused as exc:
        return _refused(request, token, exc)
    except InvalidAnswers as exc:
        state = _confirmed_state(db, request, token)
        return _review_page(request, token, state, str(exc), 422)
    return RedirectResponse("/p/thank-you", status_code=303)
