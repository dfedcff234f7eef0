"""The second sign-in step: a one-time code, or setting codes up when the clinic requires them.

These pages belong to a login session that has passed the password but not yet the code, which
``deps.optional_viewer`` deliberately ignores, so they resolve that pending session themselves.
Their CSRF token is bound to its cookie. Wrong codes are committed even though the step fails,
because they count toward lockout.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.errors import AccountLocked, AuthenticationFailed, Conflict, ValidationFailed
from ketacare.db.models import LoginSession, StaffUser
from ketacare.services import auth, mfa, staff
from ketacare.services.context import Actor
from ketacare.web import csrf
from ketacare.web.deps import (
    SESSION_COOKIE,
    CsrfRejected,
    check_csrf,
    client_ip,
    get_db,
    get_settings,
    now,
    public,
    session_timeouts,
)
from ketacare.web.pages.account import qr_svg
from ketacare.web.pages.auth import (
    clear_session_cookie,
    lockout_policy,
    own_transaction,
    safe_next,
    set_session_cookie,
)
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

Pending = tuple[LoginSession, StaffUser]


async def checked_pending_cookie(request: Request) -> str:
    """The pending session's cookie token, once the form's CSRF token is found to match it."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise CsrfRejected()
    await check_csrf(request, csrf.token_for(get_settings(request).resolved_secret_key, token))
    return token


def _pending(request: Request, db: Session) -> Pending | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    settings = get_settings(request)
    request.state.pre_csrf = csrf.token_for(settings.resolved_secret_key, token)
    return auth.pending_session(db, token, now(), session_timeouts(settings))


def _actor(request: Request, db: Session, user: StaffUser) -> Actor:
    return Actor(staff.principal_for(db, user), now(), client_ip(request))


def _back_to_sign_in(target: str) -> Response:
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def _finish(
    request: Request, db: Session, actor: Actor, row: LoginSession, target: str
) -> Response:
    """The code was right: the session becomes a full login session under a new cookie token."""
    token = auth.complete_mfa(db, actor, row)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, token, get_settings(request))
    return response


@router.get("/login/code", dependencies=[Depends(public())])
def code_form(
    request: Request,
    next_url: str = Query("/", alias="next"),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    target = safe_next(next_url)
    if _pending(request, db) is None:
        return _back_to_sign_in(target)
    return render(request, "auth/code.html", {"next": target, "errors": {}, "locked": None})


@router.post("/login/code", dependencies=[Depends(public())])
def check_code(
    request: Request,
    code: str = Form(""),
    next_url: str = Form("/", alias="next"),
    _token: str = Depends(checked_pending_cookie),
) -> Response:
    target = safe_next(next_url)
    with own_transaction(request) as db:
        pending = _pending(request, db)
        if pending is None:
            return _back_to_sign_in(target)
        row, user = pending
        actor = _actor(request, db, user)
        try:
            mfa.verify_sign_in_code(db, actor, user, code, lockout_policy(get_settings(request)))
        except AuthenticationFailed as failed:
            return _code_refused(request, db, actor, row, failed, target)
        return _finish(request, db, actor, row, target)


def _code_refused(
    request: Request,
    db: Session,
    actor: Actor,
    row: LoginSession,
    failed: AuthenticationFailed,
    target: str,
) -> Response:
    """Redraw the code form; a lock also ends the pending session, so the password is asked anew."""
    if not isinstance(failed, AccountLocked):
        context = {"next": target, "errors": {"code": str(failed)}, "locked": None}
        return render(request, "auth/code.html", context, status_code=401)
    auth.end_session(db, actor, row)
    context = {"next": target, "errors": {}, "locked": str(failed)}
    response = render(request, "auth/code.html", context, status_code=423)
    clear_session_cookie(response, get_settings(request))
    return response


def _enrol_page(
    request: Request, user: StaffUser, target: str, errors: dict[str, str], status_code: int = 200
) -> Response:
    assert user.totp_secret is not None
    context = {
        "next": target,
        "errors": errors,
        "qr": qr_svg(mfa.provisioning_uri(user)),
        "secret": user.totp_secret,
    }
    return render(request, "auth/enrol.html", context, status_code=status_code)


@router.get("/login/enrol", dependencies=[Depends(public())])
def enrol_form(
    request: Request,
    next_url: str = Query("/", alias="next"),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    target = safe_next(next_url)
    pending = _pending(request, db)
    if pending is None:
        return _back_to_sign_in(target)
    user = pending[1]
    if user.totp_enabled or user.totp_secret is None:
        return RedirectResponse(f"/login/code?next={quote(target)}", status_code=303)
    return _enrol_page(request, user, target, {})


@router.post("/login/enrol", dependencies=[Depends(public())])
def confirm_enrolment(
    request: Request,
    code: str = Form(""),
    next_url: str = Form("/", alias="next"),
    _token: str = Depends(checked_pending_cookie),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    target = safe_next(next_url)
    pending = _pending(request, db)
    if pending is None:
        return _back_to_sign_in(target)
    row, user = pending
    actor = _actor(request, db, user)
    try:
        with db.begin_nested():
            mfa.confirm_enrolment(db, actor, user, code)
    except (ValidationFailed, Conflict) as err:
        return _enrol_page(request, user, target, {"code": _message(err)}, 422)
    return _finish(request, db, actor, row, target)


def _message(err: ValidationFailed | Conflict) -> str:
    return err.by_field().get("code", str(err)) if isinstance(err, ValidationFailed) else str(err)
