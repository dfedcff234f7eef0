"""``GET /healthz`` for monitors: public, unaudited, and free of any patient data."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ketacare.services import health
from ketacare.web.deps import public

router = APIRouter(tags=["health"])


@router.get("/healthz", dependencies=[Depends(public())], summary="Health check")
def healthz(request: Request) -> JSONResponse:
    """200 ``{"status": "ok"}`` when the database answers ``SELECT 1``, else 503 ``unavailable``."""
    if health.database_answers(request.app.state.sessions):
        return JSONResponse({"status": "ok"})
    return JSONResponse({"status": "unavailable"}, status_code=503)
