"""The clinic's protocols over the API: each current version as its stored document.

The document is the protocol exactly as stored (``core/protocols/stored.py``): decimals as strings,
and every setting as ``{"value": ..., "source": ...}`` when the clinical reference gives it or
``{"value": ..., "note": ...}`` when the clinic sets it (``value`` null: not set yet).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import Depends
from pydantic import BaseModel
from sqlalchemy.orm import Session

from ketacare.core.permissions import Action
from ketacare.core.protocols.model import Protocol
from ketacare.db.models import ProtocolVersion
from ketacare.services import protocols
from ketacare.web.api.v1.routing import api_router
from ketacare.web.deps import Viewer, get_db, requires

router = api_router("protocols")


class ProtocolOut(BaseModel):
    """One protocol version: who saved it, when and why, and the protocol as stored.

    ``screening_code`` is the shipped protocol whose screening rules and consent apply (a copy's
    root); ``needs_clinic_settings`` names values the clinic must set before courses are booked."""

    code: str
    version: int
    name: str
    based_on_code: str
    screening_code: str
    change_note: str
    created_at: datetime
    created_by_id: int | None
    needs_clinic_settings: list[str]
    document: dict[str, Any]


def _protocol_out(row: ProtocolVersion, protocol: Protocol) -> ProtocolOut:
    return ProtocolOut(
        code=row.code,
        version=row.version,
        name=row.name,
        based_on_code=row.based_on_code,
        screening_code=protocols.screening_code(row),
        change_note=row.change_note,
        created_at=row.created_at,
        created_by_id=row.created_by_id,
        needs_clinic_settings=list(protocol.unset()),
        document=json.loads(row.body),
    )


@router.get("/protocols", summary="The current protocols")
def list_protocols(
    viewer: Viewer = Depends(requires(Action.READ_PROTOCOLS)),
    db: Session = Depends(get_db, scope="function"),
) -> list[ProtocolOut]:
    """Every protocol's current version, the shipped ones first."""
    current = protocols.current_protocols(db, viewer.actor, viewer.principal.organization_id)
    return [_protocol_out(row, protocol) for row, protocol in current]


@router.get("/protocols/{code}", summary="One protocol's current version")
def get_protocol(
    code: str,
    viewer: Viewer = Depends(requires(Action.READ_PROTOCOLS)),
    db: Session = Depends(get_db, scope="function"),
) -> ProtocolOut:
    """The current version of ``code`` (404 with the known codes when there is none)."""
    row = protocols.versions(db, viewer.actor, viewer.principal.organization_id, code)[0]
    return _protocol_out(row, protocols.load(row))
