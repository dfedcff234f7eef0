"""Signing in with email and password, and signing out.

Before sign-in there is no login session to bind a CSRF token to, so the form's token is bound to a
random pre-session cookie instead. Failed attempts are committed in their own transaction even
though sign-in fails: rolling them back would let anyone guess passwords without ever locking.
When a one-time code is needed, the password step opens a login session that is not yet usable
(``mfa_passed`` False) and hands over to ``sign_in_code``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.errors import AccountLocked, AuthenticationFailed
from ketacare.core.lockout import LockoutPolicy
from ketacare.core.permissions import Action
from ketacare.db.models import StaffUser
from ketacare.services import auth, mfa, staff
from ketacare.services.context import Actor
from ketacare.settings import Settings
from ketacare.web import csrf
from ketacare.web.deps import (
    SESSION_COOKIE,
    CsrfRejected,
    Viewer,
    check_csrf,
    client_ip,
    get_db,
    get_settings,
    now,
    public,
    requires,
    session_timeouts,
)
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in; anything that could leave the site becomes ``/``.

    ``//host`` and ``/\\host`` are read by browsers as other sites, and browsers drop tabs and
    newlines inside addresses, so those are refused too.
    """
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(ch) < 0x20 for ch in target)
    ):
        return "/"
    return target


def lockout_policy(settings: Settings) -> LockoutPolicy:
    return LockoutPolicy(settings.lockout_threshold, settings.lockout_minutes)


@contextmanager
def own_transaction(request: Request) -> Iterator[Session]:
    """A unit of work that commits even when the page goes on to show a failed attempt."""
    with request.app.state.sessions() as db, db.begin():
        yield db


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=settings.https, path="/"
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=settings.https, path="/"
    )


async def checked_pre_session(request: Request) -> str:
    """The pre-session cookie, once the form's CSRF token is found to match it."""
    pre = request.cookies.get(csrf.PRE_SESSION_COOKIE)
    if not pre:
        raise CsrfRejected()
    await check_csrf(request, csrf.token_for(get_settings(request).resolved_secret_key, pre))
    return pre


def login_page(
    request: Request, context: dict[str, object], status_code: int = 200, pre: str | None = None
) -> Response:
    """The sign-in form, with a CSRF token bound to a (new or kept) pre-session cookie."""
    settings = get_settings(request)
    pre = pre or request.cookies.get(csrf.PRE_SESSION_COOKIE) or csrf.new_pre_session_value()
    request.state.pre_csrf = csrf.token_for(settings.resolved_secret_key, pre)
    full = {"next": "/", "email": "", "errors": {}, "locked": None, **context}
    response = render(request, "auth/login.html", full, status_code=status_code)
    response.set_cookie(
        csrf.PRE_SESSION_COOKIE,
        pre,
        httponly=True,
        samesite="lax",
        secure=settings.https,
        path="/",
    )
    return response


@router.get("/login", dependencies=[Depends(public())])
def login_form(request: Request, next_url: str = Query("/", alias="next")) -> Response:
    return login_page(request, {"next": safe_next(next_url)})


@router.post("/login", dependencies=[Depends(public())])
def sign_in(
    request: Request,
    email: str = Form(""),
    password: str = Form(""),
    next_url: str = Form("/", alias="next"),
    pre: str = Depends(checked_pre_session),
) -> Response:
    settings = get_settings(request)
    target = safe_next(next_url)
    actor = Actor(None, now(), client_ip(request))
    with own_transaction(request) as db:
        try:
            user = auth.check_password(db, actor, email, password, lockout_policy(settings))
        except AuthenticationFailed as failed:
            return _refused(request, failed, email, target, pre)
        token, then = _open_session(db, actor, settings, user, target)
    response = RedirectResponse(then, status_code=303)
    set_session_cookie(response, token, settings)
    response.delete_cookie(csrf.PRE_SESSION_COOKIE, path="/")
    return response


def _refused(
    request: Request, failed: AuthenticationFailed, email: str, target: str, pre: str
) -> Response:
    context: dict[str, object] = {"next": target, "email": email}
    if isinstance(failed, AccountLocked):
        return login_page(request, {**context, "locked": str(failed)}, 423, pre)
    return login_page(request, {**context, "errors": {"password": str(failed)}}, 401, pre)


def _open_session(
    db: Session, base: Actor, settings: Settings, user: StaffUser, target: str
) -> tuple[str, str]:
    """The new login session's cookie token, and where the browser goes next."""
    actor = Actor(staff.principal_for(db, user), base.at, base.ip_address)
    needs_code = mfa.needs_code(db, user)
    signed = auth.start_session(
        db, actor, user, session_timeouts(settings), mfa_passed=not needs_code
    )
    if not needs_code:
        return signed.token, target
    if user.totp_enabled:
        return signed.token, f"/login/code?next={quote(target)}"
    mfa.begin_enrolment(db, actor, user)
    return signed.token, f"/login/enrol?next={quote(target)}"


@router.post("/logout")
def sign_out(
    request: Request,
    viewer: Viewer = Depends(requires(Action.MANAGE_OWN_ACCOUNT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """End the login session on the server (the cookie alone is not trusted to go away)."""
    if viewer.login_session is not None:
        auth.end_session(db, viewer.actor, viewer.login_session)
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, get_settings(request))
    return response
