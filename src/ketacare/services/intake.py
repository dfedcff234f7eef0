"""A patient's intake: drafts saved step by step, completed versions that never change, history.

Only one draft per patient is open at a time. Editing a complete intake starts a new draft version
as a copy of it, so version N is never overwritten by N+1. Completing a version validates every
field against today's date and invalidates signed eligibility decisions whose facts it changed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ketacare.core.eligibility import changed_facts
from ketacare.core.enums import AuditAction, IntakeStatus
from ketacare.core.errors import FieldError, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.screening import IntakeFacts, InvalidIntake
from ketacare.db.models import EligibilityDecision, Intake, Patient
from ketacare.services import audit
from ketacare.services.context import Actor
from ketacare.services.responses import patient_for


def facts_of(row: Intake) -> dict[str, Any]:
    """The stored facts: as entered for a draft, ``IntakeFacts.to_dict()`` once complete."""
    facts: dict[str, Any] = json.loads(row.facts)
    return facts


def parse(data: Mapping[str, Any], today: date | None) -> IntakeFacts:
    """Every field checked (dates against ``today`` when given); refusals become field messages."""
    try:
        return IntakeFacts.from_dict(dict(data), today=today)
    except InvalidIntake as refused:
        raise ValidationFailed([FieldError(p, m) for p, m in refused.errors]) from None


def read_facts(row: Intake) -> IntakeFacts:
    """A complete intake's facts. Its dates were checked on the day it was completed, so no
    "today" applies when reading it back."""
    return parse(facts_of(row), None)


def value_at(facts: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted fact path (``vitals.systolic_mmHg``); None when absent (unknown)."""
    value: Any = facts
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _merge(draft: Mapping[str, Any], step: Mapping[str, Any]) -> dict[str, Any]:
    """The draft with one step's values laid over it, group by group (lists are replaced)."""
    merged = dict(draft)
    for key, value in step.items():
        old = merged.get(key)
        both_groups = isinstance(old, Mapping) and isinstance(value, Mapping)
        merged[key] = {**old, **value} if both_groups else value  # type: ignore[dict-item]
    return merged


def _paths(step: Mapping[str, Any]) -> list[str]:
    """The field paths a step gives: ``group.field`` for groups, the key itself otherwise."""
    paths: list[str] = []
    for key, value in step.items():
        if isinstance(value, Mapping) and value:
            paths.extend(f"{key}.{name}" for name in value)
        else:
            paths.append(key)
    return paths


def _concerns(path: str, given: list[str]) -> bool:
    """True when an error at ``path`` is about a given field, inside one, or on its group."""
    return any(
        path == p or path.startswith((f"{p}.", f"{p}[")) or p.startswith(f"{path}.") for p in given
    )


def _check_step(merged: Mapping[str, Any], given: list[str], actor: Actor) -> None:
    """Refuse only the fields this step gave (so a half-filled wizard saves)."""
    try:
        parse(merged, actor.at.date())
    except ValidationFailed as refused:
        mine = [e for e in refused.errors if _concerns(e.field, given)]
        if mine:
            raise ValidationFailed(mine) from None


def _draft(db: Session, patient_id: int) -> Intake | None:
    return db.scalar(
        select(Intake).where(Intake.patient_id == patient_id, Intake.status == IntakeStatus.DRAFT)
    )


def latest_complete(db: Session, patient_id: int) -> Intake | None:
    """The current complete intake, for other services (which audit their own reads)."""
    return db.scalar(
        select(Intake)
        .where(Intake.patient_id == patient_id, Intake.status == IntakeStatus.COMPLETE)
        .order_by(Intake.version.desc())
        .limit(1)
    )


def _new_draft(db: Session, actor: Actor, patient: Patient) -> Intake:
    """Version N+1, a copy of the latest complete intake (or empty for the first)."""
    last = db.scalar(select(func.max(Intake.version)).where(Intake.patient_id == patient.id))
    base = latest_complete(db, patient.id)
    draft = Intake(
        patient_id=patient.id,
        site_id=patient.site_id,
        version=(last or 0) + 1,
        status=IntakeStatus.DRAFT.value,
        facts=base.facts if base is not None else "{}",
        created_by_id=actor.staff_user_id,
        created_at=actor.at,
        updated_at=actor.at,
    )
    db.add(draft)
    db.flush()
    _audit(db, actor, AuditAction.CREATE, draft, copied_from=base.id if base else None)
    return draft


def _audit(db: Session, actor: Actor, action: AuditAction, row: Intake, **detail: Any) -> None:
    detail = {"version": row.version, "status": row.status, **detail}
    audit.record(
        db,
        actor,
        action,
        "intake",
        row.id,
        patient_id=row.patient_id,
        site_id=row.site_id,
        detail=detail,
    )


def start_or_resume_draft(db: Session, actor: Actor, patient_id: int) -> Intake:
    """The patient's open draft, or a new draft version copied from the latest complete one."""
    patient = patient_for(db, actor, patient_id, Action.RECORD_INTAKE)
    draft = _draft(db, patient.id)
    if draft is None:
        return _new_draft(db, actor, patient)
    _audit(db, actor, AuditAction.VIEW, draft)
    return draft


def save_draft_step(db: Session, actor: Actor, patient_id: int, step: Mapping[str, Any]) -> Intake:
    """Merge one wizard step into the draft (opening one if needed) and save it at once.

    Only the fields in ``step`` are checked; ``ValidationFailed`` names them and stores nothing."""
    patient = patient_for(db, actor, patient_id, Action.RECORD_INTAKE)
    draft = _draft(db, patient.id)
    merged = _merge(facts_of(draft) if draft else _base_facts(db, patient.id), step)
    _check_step(merged, _paths(step), actor)
    if draft is None:
        draft = _new_draft(db, actor, patient)
    draft.facts, draft.updated_at = json.dumps(merged, sort_keys=True, default=str), actor.at
    _audit(db, actor, AuditAction.UPDATE, draft, fields=_paths(step))
    return draft


def _base_facts(db: Session, patient_id: int) -> dict[str, Any]:
    base = latest_complete(db, patient_id)
    return facts_of(base) if base is not None else {}


def complete(
    db: Session,
    actor: Actor,
    patient_id: int,
    data: Mapping[str, Any] | None = None,
    *,
    replace: bool = False,
) -> Intake:
    """Complete the open draft (``data`` merged over it, or replacing it when ``replace``).

    Every field is validated with today's date first; on ``ValidationFailed`` nothing is stored.
    Signed eligibility decisions whose facts this version changes are invalidated."""
    patient = patient_for(db, actor, patient_id, Action.RECORD_INTAKE)
    draft = _draft(db, patient.id)
    start = {} if replace else facts_of(draft) if draft else _base_facts(db, patient.id)
    values = parse(_merge(start, data or {}), actor.at.date()).to_dict()
    if draft is None:
        draft = _new_draft(db, actor, patient)
    draft.facts, draft.status = json.dumps(values, sort_keys=True), IntakeStatus.COMPLETE.value
    draft.updated_at = draft.completed_at = actor.at
    draft.completed_by_id = actor.staff_user_id
    _audit(db, actor, AuditAction.UPDATE, draft)
    _invalidate_changed(db, actor, draft, values)
    return draft


def _invalidate_changed(
    db: Session, actor: Actor, intake: Intake, values: Mapping[str, Any]
) -> None:
    """Invalidate each live decision whose snapshot of the facts it read differs from ``values``."""
    decisions = db.scalars(
        select(EligibilityDecision).where(
            EligibilityDecision.patient_id == intake.patient_id,
            EligibilityDecision.invalidated_at.is_(None),
            EligibilityDecision.expires_at > actor.at,
        )
    ).all()
    for decision in decisions:
        snapshot: dict[str, Any] = json.loads(decision.facts_read)
        current = {path: value_at(values, path) for path in snapshot}
        changed = changed_facts(snapshot, current)
        if not changed:
            continue
        decision.invalidated_at = actor.at
        decision.invalidated_reason = (
            f"Intake version {intake.version} changed: {', '.join(changed)}"
        )
        audit.record(
            db,
            actor,
            AuditAction.UPDATE,
            "eligibility_decision",
            decision.id,
            patient_id=decision.patient_id,
            site_id=decision.site_id,
            detail={"invalidated": True, "intake_id": intake.id, "changed": changed},
        )


def current_intake(db: Session, actor: Actor, patient_id: int) -> Intake | None:
    """The latest complete intake, or None; the read is audited."""
    patient = patient_for(db, actor, patient_id, Action.READ_PATIENT)
    row = latest_complete(db, patient.id)
    audit.record(
        db,
        actor,
        AuditAction.VIEW,
        "intake",
        row.id if row else None,
        patient_id=patient.id,
        site_id=patient.site_id,
    )
    return row


def history(db: Session, actor: Actor, patient_id: int) -> list[Intake]:
    """Every version, draft and complete, newest first; the read is audited."""
    patient = patient_for(db, actor, patient_id, Action.READ_PATIENT)
    rows = list(
        db.scalars(
            select(Intake).where(Intake.patient_id == patient.id).order_by(Intake.version.desc())
        ).all()
    )
    audit.record(
        db,
        actor,
        AuditAction.VIEW,
        "intake",
        patient_id=patient.id,
        site_id=patient.site_id,
        detail={"intake_ids": [row.id for row in rows]},
    )
    return rows
