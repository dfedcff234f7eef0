"""What every ``/api/v1`` router shares: the prefix, the bearer scheme and the error responses.

The bearer scheme is here for the OpenAPI document only (``auto_error=False`` never rejects a
request); each route's one guard, ``requires(Action.X)``, decides who may call it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.security import HTTPBearer

from ketacare.web.api.v1.schemas import Problem
from ketacare.web.errors import PROBLEM_JSON

PREFIX = "/api/v1"

BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="personal_access_token",
    description="A personal access token (`kc_…`) created on the account page.",
)


def _problem(description: str) -> dict[str, Any]:
    """Errors are sent as ``application/problem+json``; ``model`` puts the schema in components."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        "model": Problem,
        "description": description,
        "content": {PROBLEM_JSON: {"schema": schema}},
    }


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _problem("No valid token (answered with `WWW-Authenticate: Bearer`)."),
    403: _problem("The token's staff user has no role that allows this."),
    404: _problem("No such record, or it is at a site the staff user does not work at."),
    422: _problem("The input is not valid; `errors` lists each failing field."),
}


def api_router(tag: str) -> APIRouter:
    """A router under ``/api/v1`` documented with the bearer scheme and problem responses."""
    return APIRouter(
        prefix=PREFIX,
        tags=[tag],
        dependencies=[Depends(BEARER)],
        responses=ERROR_RESPONSES,
    )
