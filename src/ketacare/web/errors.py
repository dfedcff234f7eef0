"""The one place errors become responses: an HTML page for people, an RFC 9457 problem for the API.

Pages that redraw a form with field messages catch ``ValidationFailed`` themselves; anything that
reaches here is drawn as a whole page (or problem document) with a status code.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ketacare.core.dosing import DosingError
from ketacare.core.errors import (
    AccountLocked,
    AuthenticationFailed,
    Conflict,
    KetacareError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from ketacare.core.treatments import TreatmentError
from ketacare.web.deps import CsrfRejected, Forbidden, NotSignedIn
from ketacare.web.templating import render

log = logging.getLogger("ketacare.web")

PROBLEM_JSON = "application/problem+json"


def wants_json(request: Request) -> bool:
    return (
        request.url.path.startswith("/api/")
        or "application/json" in request.headers.get("accept", "").split(",")[0]
    )


def problem(
    status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None
) -> JSONResponse:
    """An RFC 9457 problem document; ``errors`` lists ``{"field": path, "message": text}``."""
    body: dict[str, object] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _respond(
    request: Request,
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
) -> Response:
    if wants_json(request):
        return problem(status, title, detail, errors)
    context = {"title": title, "detail": detail, "status": status, "errors": errors or []}
    return render(request, "error.html", context, status_code=status)


_STATUS: list[tuple[type[KetacareError], int, str]] = [
    (ValidationFailed, 422, "The input is not valid"),
    (NotFound, 404, "Not found"),
    (Conflict, 409, "Conflict with stored data"),
    (TreatmentError, 409, "The treatment cannot move on yet"),
    (DosingError, 422, "The dose cannot be worked out safely"),
    (PermissionDenied, 403, "Not allowed"),
    (AccountLocked, 423, "Account locked"),
    (AuthenticationFailed, 401, "Sign-in failed"),
]


def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KetacareError)
    for kind, status, title in _STATUS:
        if isinstance(exc, kind):
            errors = None
            if isinstance(exc, ValidationFailed):
                errors = [{"field": e.field, "message": e.message} for e in exc.errors]
            elif isinstance(exc, Conflict) and exc.field:
                errors = [{"field": exc.field, "message": str(exc)}]
            elif isinstance(exc, TreatmentError):
                errors = [{"field": m.code, "message": m.message} for m in exc.missing]
            return _respond(request, status, title, str(exc), errors)
    log.error("unmapped domain error %s", type(exc).__name__)
    return _respond(request, 500, "Something went wrong", "The error has been logged.")


_SOURCES = frozenset({"body", "query", "path", "header", "cookie"})


def _field_path(error: Mapping[str, Any]) -> str:
    """``("body", "emergency_contact_phone")`` → ``emergency_contact_phone``; ``("query", "on")``
    → ``on``. Unreadable JSON has no field, so it is reported on the whole ``body``."""
    loc = [str(part) for part in error["loc"]]
    if error["type"] == "json_invalid":
        return "body"
    if len(loc) > 1 and loc[0] in _SOURCES:
        loc = loc[1:]
    return ".".join(loc)


def _request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field_path(e), "message": e["msg"]} for e in exc.errors()]
    return _respond(request, 422, "The input is not valid", "Some fields need attention.", errors)


def _not_signed_in(request: Request, exc: Exception) -> Response:
    if wants_json(request):
        response = problem(401, "Sign-in required", "Send 'Authorization: Bearer <token>'.")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    if request.headers.get("hx-request"):
        return Response(status_code=401, headers={"HX-Redirect": "/login"})
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def _forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Forbidden)
    detail = (
        f"Your role does not allow this ({exc.action.value}). Ask a clinic admin if you need it."
    )
    return _respond(request, 403, "Not allowed", detail)


def _csrf(request: Request, exc: Exception) -> Response:
    detail = "The form had expired or did not come from ketacare. Reload the page and try again."
    return _respond(request, 403, "Form expired", detail)


def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404 and request.url.path.startswith("/api/"):
        detail = "There is no API endpoint at this address; see /api/v1/openapi.json."
        return problem(404, "Not found", detail)
    if exc.status_code == 404:
        detail = "There is no page at this address. Use the menu, or search for a patient."
        return _respond(request, 404, "Page not found", detail)
    return _respond(request, exc.status_code, str(exc.detail), str(exc.detail))


def install(app: FastAPI) -> None:
    app.add_exception_handler(KetacareError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(NotSignedIn, _not_signed_in)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(CsrfRejected, _csrf)
    app.add_exception_handler(StarletteHTTPException, _http)
