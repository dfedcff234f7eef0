"""Intakes and screening over the API: complete an intake, list its versions, screen a protocol.

The intake body is the intake data described by ``docs/intake.schema.json`` (``INTAKE_SCHEMA``);
``IntakeFacts.from_dict`` is its only validator, so a refusal is a 422 problem whose ``errors``
carry dotted field paths (``vitals.systolic_mmHg``, ``medications[0].class``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Body, Depends, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from ketacare.core.permissions import Action
from ketacare.db.models import Intake
from ketacare.services import eligibility, intake
from ketacare.web.api.v1.routing import api_router
from ketacare.web.deps import Viewer, get_db, requires

router = api_router("intakes")

INTAKE_BODY = Body(
    description="Intake data as described by docs/intake.schema.json; omitted facts are unknown.",
    examples=[{"vitals": {"systolic_mmHg": 124, "diastolic_mmHg": 78, "weight_kg": "72.5"}}],
)


class IntakeOut(BaseModel):
    """One intake version; ``facts`` is the stored intake data (as entered, for a draft)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    patient_id: int
    version: int
    status: str
    facts: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None


class FindingOut(BaseModel):
    """One rule's result: its kind (absolute, relative, interaction, caution) and its source."""

    rule_id: str
    kind: str
    message: str
    source: str
    facts_read: list[str]


class ScreeningOut(BaseModel):
    """Every finding for the protocol, most severe first, and what they recommend."""

    patient_id: int
    protocol_code: str
    recommendation: str
    findings: list[FindingOut]


def _intake_out(row: Intake) -> IntakeOut:
    return IntakeOut(
        id=row.id,
        patient_id=row.patient_id,
        version=row.version,
        status=row.status,
        facts=intake.facts_of(row),
        created_at=row.created_at,
        updated_at=row.updated_at,
        completed_at=row.completed_at,
    )


@router.post("/patients/{patient_id}/intakes", status_code=201, summary="Complete an intake")
def complete_intake(
    patient_id: int,
    body: dict[str, Any] = INTAKE_BODY,
    viewer: Viewer = Depends(requires(Action.RECORD_INTAKE)),
    db: Session = Depends(get_db, scope="function"),
) -> IntakeOut:
    """Store the body as the patient's next complete intake version (earlier versions are kept,
    an open draft is replaced). Every field is checked; nothing is stored when any is refused."""
    row = intake.complete(db, viewer.actor, patient_id, body, replace=True)
    return _intake_out(row)


@router.get("/patients/{patient_id}/intakes", summary="A patient's intake versions")
def list_intakes(
    patient_id: int,
    viewer: Viewer = Depends(requires(Action.READ_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> list[IntakeOut]:
    """Every version, draft and complete, newest first; the read is audited."""
    return [_intake_out(row) for row in intake.history(db, viewer.actor, patient_id)]


@router.get("/patients/{patient_id}/screening", summary="Screen the current intake")
def screen(
    patient_id: int,
    protocol: str = Query(description="A protocol code, e.g. esketamine_nasal."),
    viewer: Viewer = Depends(requires(Action.READ_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> ScreeningOut:
    """The findings for ``protocol`` from the current complete intake (409 when there is none)."""
    result = eligibility.screen(db, viewer.actor, patient_id, protocol)
    findings = [
        FindingOut(
            rule_id=f.rule_id,
            kind=f.kind,
            message=f.message,
            source=f.source,
            facts_read=list(f.facts_read),
        )
        for f in result.findings
    ]
    return ScreeningOut(
        patient_id=patient_id,
        protocol_code=result.protocol_code,
        recommendation=result.recommendation,
        findings=findings,
    )
