"""Request dependencies: the database session, the signed-in staff user, and permission checks.

Every route declares exactly one guard, ``requires(Action.X)`` or ``public()``; the route-matrix
test in ``tests/web/test_permissions.py`` reads them, so a route without one fails the suite.
A page that catches a domain error to redraw its form runs the service inside
``db.begin_nested()`` so the failed attempt leaves nothing behind.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from ketacare.core.permissions import Action, Principal, allowed
from ketacare.db.models import LoginSession
from ketacare.services import auth, staff
from ketacare.services.context import Actor
from ketacare.settings import Settings
from ketacare.web import csrf

SESSION_COOKIE = "ketacare_session"


class NotSignedIn(Exception):
    """No live login session: pages redirect to sign-in, the API answers 401."""


class Forbidden(Exception):
    """Signed in, but the role map does not grant the route's action."""

    def __init__(self, action: Action) -> None:
        self.action = action
        super().__init__(action.value)


class CsrfRejected(Exception):
    """A state-changing request without a valid CSRF token."""


def now() -> datetime:
    return datetime.now(UTC)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the handler returns, rolled back if it raises.

    Declared with ``scope="function"`` everywhere, so the commit runs before the response is
    sent: a client told "saved" (or redirected to read it back) never races a commit that may
    still fail."""
    with request.app.state.sessions() as db_session, db_session.begin():
        yield db_session


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


@dataclass(frozen=True)
class Viewer:
    """The signed-in staff user for this request, with the login session behind the cookie."""

    principal: Principal
    login_session: LoginSession | None
    actor: Actor
    csrf_token: str


def session_timeouts(settings: Settings) -> auth.SessionTimeouts:
    return auth.SessionTimeouts(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_absolute_hours),
    )


def optional_viewer(
    request: Request, db: Session = Depends(get_db, scope="function")
) -> Viewer | None:
    """The viewer from the login-session cookie or an API bearer token; None if neither is live."""
    if hasattr(request.state, "viewer"):
        cached: Viewer | None = request.state.viewer
        return cached
    settings = get_settings(request)
    at = now()
    viewer = _from_cookie(request, db, settings, at) or _from_bearer(request, db, at)
    request.state.viewer = viewer
    return viewer


def _from_cookie(request: Request, db: Session, settings: Settings, at: datetime) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    live = auth.resume_session(db, token, at, session_timeouts(settings))
    if live is None or not live[0].mfa_passed:
        return None
    row, user = live
    principal = staff.principal_for(db, user)
    actor = Actor(principal, at, client_ip(request))
    return Viewer(principal, row, actor, csrf.token_for(settings.resolved_secret_key, token))


def _from_bearer(request: Request, db: Session, at: datetime) -> Viewer | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    user = auth.user_for_access_token(db, token.strip(), at)
    if user is None:
        return None
    principal = staff.principal_for(db, user)
    return Viewer(principal, None, Actor(principal, at, client_ip(request)), csrf_token="")


def requires(action: Action) -> Callable[..., Awaitable[Viewer]]:
    """A route guard: the viewer must be signed in and some role of theirs must grant ``action``."""

    async def guard(request: Request, viewer: Viewer | None = Depends(optional_viewer)) -> Viewer:
        if viewer is None:
            raise NotSignedIn()
        if not allowed(viewer.principal, action):
            raise Forbidden(action)
        await check_csrf(request, viewer.csrf_token if viewer.login_session else None)
        return viewer

    guard.action = action  # type: ignore[attr-defined]  # read by the route-matrix test
    return guard


def public() -> Callable[..., None]:
    """A route guard for pages anyone may open (sign-in, health check, portal links)."""

    def guard() -> None:
        return None

    guard.public = True  # type: ignore[attr-defined]
    return guard


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def check_csrf(request: Request, expected: str | None) -> None:
    """Writes need the token that matches the cookie (``expected``), in a header or form field.

    ``expected`` is None for bearer-token API calls: they carry no ambient cookie to forge.
    """
    if request.method in _SAFE_METHODS or expected is None:
        return
    presented = request.headers.get(csrf.HEADER) or await _form_token(request)
    if presented is None or not hmac.compare_digest(expected, presented):
        raise CsrfRejected()


async def _form_token(request: Request) -> str | None:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    value: Any = (await request.form()).get(csrf.FORM_FIELD)
    return value if isinstance(value, str) else None
