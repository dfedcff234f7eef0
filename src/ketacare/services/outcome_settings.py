"""The clinic's remission and response cut-offs per instrument: shipped defaults with their
sources (``core.instruments.outcomes``), overridable by an admin with an audited change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction
from ketacare.core.errors import NotFound, ValidationFailed
from ketacare.core.instruments import instrument
from ketacare.core.instruments.outcomes import DEFAULT_CUTOFFS, Cutoffs, InvalidCutoffs
from ketacare.core.permissions import Action
from ketacare.db.models import OutcomeCutoff
from ketacare.services import audit, clinic
from ketacare.services.context import Actor


@dataclass(frozen=True)
class CutoffSetting:
    """One instrument's cut-offs in force, the shipped default, and whether a clinic override
    is in force."""

    code: str
    name: str
    cutoffs: Cutoffs
    default: Cutoffs
    overridden: bool


def cutoffs_for(db: Session, organization_id: int, code: str) -> Cutoffs:
    """The clinic's cut-offs for ``code``, or the shipped default when it set none."""
    row = _row(db, organization_id, code)
    return _as_cutoffs(row) if row is not None else _default(code)


def all_cutoffs(db: Session, organization_id: int) -> Sequence[CutoffSetting]:
    """Every instrument's cut-offs in force, for the settings page."""
    rows = db.scalars(select(OutcomeCutoff).where(OutcomeCutoff.organization_id == organization_id))
    overrides = {row.instrument_code: _as_cutoffs(row) for row in rows}
    return [
        CutoffSetting(code, instrument(code).name, overrides.get(code, d), d, code in overrides)
        for code, d in DEFAULT_CUTOFFS.items()
    ]


def set_cutoffs(
    db: Session,
    actor: Actor,
    code: str,
    remission_operator: str | None,
    remission_value: int | None,
    response_drop_percent: int | None,
    source: str,
) -> OutcomeCutoff:
    """Store the clinic's cut-offs for ``code``; ``source`` says where they come from."""
    actor.require(Action.MANAGE_OUTCOME_SETTINGS)
    before = _default(code)
    cutoffs = _validated(code, remission_operator, remission_value, response_drop_percent, source)
    organization_id = _organization_of(db, actor)
    row = _row(db, organization_id, code)
    if row is None:
        row = OutcomeCutoff(organization_id=organization_id, instrument_code=code)
        db.add(row)
    else:
        before = _as_cutoffs(row)
    row.remission_operator = cutoffs.remission_operator
    row.remission_value = cutoffs.remission_value
    row.response_drop_percent = cutoffs.response_drop_percent
    row.source = cutoffs.source
    row.changed_by_id, row.changed_at = actor.staff_user_id, actor.at
    db.flush()
    detail = {"instrument": code, "before": asdict(before), "after": asdict(cutoffs)}
    audit.record(db, actor, AuditAction.UPDATE, "outcome_cutoff", row.id, detail=detail)
    return row


def clear_cutoffs(db: Session, actor: Actor, code: str) -> None:
    """Go back to the shipped default for ``code``."""
    actor.require(Action.MANAGE_OUTCOME_SETTINGS)
    row = _row(db, _organization_of(db, actor), code)
    if row is None:
        raise NotFound("This instrument already uses the default cut-offs.")
    detail = {"instrument": code, "before": asdict(_as_cutoffs(row)), "after": "default"}
    audit.record(db, actor, AuditAction.DELETE, "outcome_cutoff", row.id, detail=detail)
    db.delete(row)
    db.flush()


def _validated(
    code: str, operator: str | None, value: int | None, percent: int | None, source: str
) -> Cutoffs:
    _default(code)
    errors: dict[str, str] = {}
    low, high = instrument(code).total_range
    if value is not None and not low <= value <= high:
        errors["remission_value"] = f"Enter a total from {low} to {high}."
    if not source.strip():
        errors["source"] = "Say where these cut-offs come from (a protocol, paper or decision)."
    if errors:
        raise ValidationFailed(errors)
    try:
        return Cutoffs(operator, value, percent, source.strip())  # type: ignore[arg-type]
    except InvalidCutoffs as err:
        raise ValidationFailed({_field_at_fault(operator, percent): str(err)}) from None


def _field_at_fault(operator: str | None, percent: int | None) -> str:
    if operator not in (None, "lt", "le"):
        return "remission_operator"
    if percent is not None and not 1 <= percent <= 100:
        return "response_drop_percent"
    return "remission_value"


def _default(code: str) -> Cutoffs:
    if code not in DEFAULT_CUTOFFS:
        raise NotFound(f"No instrument {code!r}.")
    return DEFAULT_CUTOFFS[code]


def _as_cutoffs(row: OutcomeCutoff) -> Cutoffs:
    operator: Any = row.remission_operator  # "lt", "le" or None: stored by set_cutoffs
    return Cutoffs(operator, row.remission_value, row.response_drop_percent, row.source)


def _row(db: Session, organization_id: int, code: str) -> OutcomeCutoff | None:
    return db.scalar(
        select(OutcomeCutoff).where(
            OutcomeCutoff.organization_id == organization_id,
            OutcomeCutoff.instrument_code == code,
        )
    )


def _organization_of(db: Session, actor: Actor) -> int:
    if actor.principal is not None:
        return actor.principal.organization_id
    return clinic.the_organization(db).id
