"""The signed-in staff user's own account: password, one-time codes and API access tokens.

Each form posts to its own address and comes back to ``/account``; a form with a mistake is drawn
again with the message next to the field, and the failed attempt leaves nothing stored. A new
access token is shown on the page that creates it and never again.
"""

from __future__ import annotations

import segno
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.errors import Conflict, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.db.models import StaffUser
from ketacare.services import auth, mfa, staff
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself
OWN_ACCOUNT = requires(Action.MANAGE_OWN_ACCOUNT)

_DONE = {
    "password": "Your password is changed. Other signed-in browsers were signed out.",
    "totp-on": "One-time codes are on. You will be asked for one each time you sign in.",
    "totp-off": "One-time codes are off.",
    "revoked": "The token is revoked and no longer works.",
}


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG, drawn here so the secret never reaches a script or other site."""
    svg: str = segno.make(uri, error="m").svg_inline(
        scale=5, title="QR code for your authenticator app"
    )
    return svg


def _user(db: Session, viewer: Viewer) -> StaffUser:
    return staff.get(db, viewer.principal.staff_user_id)


def _page(
    request: Request,
    db: Session,
    viewer: Viewer,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    **extra: object,
) -> Response:
    user = _user(db, viewer)
    pending = user.totp_secret is not None and not user.totp_enabled
    context = {
        "active": "account",
        "user": user,
        "errors": errors or {},
        "tokens": auth.access_tokens_of(db, user),
        "mfa_required": mfa.required_by_policy(db, user),
        "pending_qr": qr_svg(mfa.provisioning_uri(user)) if pending else None,
        "new_token": None,
        "done": None,
        **extra,
    }
    return render(request, "account.html", context, status_code=status_code)


def _back(done: str) -> Response:
    return RedirectResponse(f"/account?done={done}", status_code=303)


@router.get("/account")
def account(
    request: Request,
    done: str = Query(""),
    viewer: Viewer = Depends(OWN_ACCOUNT),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    return _page(request, db, viewer, done=_DONE.get(done))


@router.post("/account/password")
def change_password(
    request: Request,
    current_password: str = Form(""),
    new_password: str = Form(""),
    confirm_password: str = Form(""),
    viewer: Viewer = Depends(OWN_ACCOUNT),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    change = auth.PasswordChange(current_password, new_password, confirm_password)
    try:
        with db.begin_nested():
            user = _user(db, viewer)
            auth.change_password(db, viewer.actor, user, change, viewer.login_session)
    except ValidationFailed as err:
        return _page(request, db, viewer, errors=err.by_field(), status_code=422)
    return _back("password")


@router.post("/account/totp")
def start_totp(
    viewer: Viewer = Depends(OWN_ACCOUNT), db: Session = Depends(get_db, scope="function")
) -> Response:
    """Make a new secret; the page then shows its QR code until a code confirms it."""
    mfa.begin_enrolment(db, viewer.actor, _user(db, viewer))
    return RedirectResponse("/account#totp", status_code=303)


@router.post("/account/totp/confirm")
def confirm_totp(
    request: Request,
    code: str = Form(""),
    viewer: Viewer = Depends(OWN_ACCOUNT),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    try:
        with db.begin_nested():
            mfa.confirm_enrolment(db, viewer.actor, _user(db, viewer), code)
    except ValidationFailed as err:
        return _page(request, db, viewer, errors=err.by_field(), status_code=422)
    except Conflict as err:
        return _page(request, db, viewer, errors={"code": str(err)}, status_code=409)
    return _back("totp-on")


@router.post("/account/totp/disable")
def disable_totp(
    request: Request,
    disable_password: str = Form(""),
    viewer: Viewer = Depends(OWN_ACCOUNT),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    try:
        with db.begin_nested():
            mfa.disable(db, viewer.actor, _user(db, viewer), disable_password)
    except ValidationFailed as err:
        return _page(request, db, viewer, errors=err.by_field(), status_code=422)
    return _back("totp-off")


@router.post("/account/tokens")
def create_token(
    request: Request,
    name: str = Form(""),
    viewer: Viewer = Depends(OWN_ACCOUNT),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Drawn directly rather than redirected: the token must appear once, on this response."""
    try:
        with db.begin_nested():
            issued = auth.issue_access_token(db, viewer.actor, _user(db, viewer), name)
    except ValidationFailed as err:
        return _page(request, db, viewer, errors=err.by_field(), status_code=422)
    response = _page(request, db, viewer, new_token=issued.token)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(
    token_id: int,
    viewer: Viewer = Depends(OWN_ACCOUNT),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    auth.revoke_access_token(db, viewer.actor, _user(db, viewer), token_id)
    return _back("revoked")
