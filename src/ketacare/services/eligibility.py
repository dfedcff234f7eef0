"""Screening a patient's current intake against a protocol, and the prescriber's signed decision.

The decision keeps what the prescriber saw: the findings, the recommendation, and the value of
every fact the rules read. It stops being current when it expires (``core.eligibility``), when a
completed intake invalidated it, or when the current intake's facts differ from that snapshot.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.eligibility import DEFAULT_VALID_MONTHS, check_decision, expiry, stale_reason
from ketacare.core.enums import AuditAction
from ketacare.core.errors import Conflict, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.screening import (
    PROTOCOLS,
    RULES,
    ScreeningResult,
    ScreeningSettings,
    evaluate,
)
from ketacare.db.models import EligibilityDecision, Intake, Patient
from ketacare.services import audit, intake
from ketacare.services.context import Actor
from ketacare.services.responses import patient_for


@dataclass(frozen=True)
class DecisionState:
    """The latest decision for one protocol and, when it is no longer current, why."""

    decision: EligibilityDecision
    stale_reason: str

    @property
    def current(self) -> bool:
        return not self.stale_reason


def check_protocol(protocol_code: str) -> None:
    """Refuse a protocol code screening does not know, naming the ``protocol`` field."""
    if protocol_code not in PROTOCOLS:
        known = ", ".join(PROTOCOLS)
        raise ValidationFailed({"protocol": f"Unknown protocol {protocol_code!r}; use: {known}."})


def _screened(
    db: Session, patient: Patient, protocol_code: str, settings: ScreeningSettings | None
) -> tuple[Intake, ScreeningResult]:
    check_protocol(protocol_code)
    row = intake.latest_complete(db, patient.id)
    if row is None:
        raise Conflict("Complete the patient's intake before screening.")
    facts = intake.read_facts(row)
    return row, evaluate(facts, protocol_code, settings=settings or ScreeningSettings())


def _audit(
    db: Session,
    actor: Actor,
    action: AuditAction,
    entity: str,
    entity_id: object,
    patient: Patient,
    **detail: Any,
) -> None:
    audit.record(
        db,
        actor,
        action,
        entity,
        entity_id,
        patient_id=patient.id,
        site_id=patient.site_id,
        detail=detail,
    )


def screen(
    db: Session,
    actor: Actor,
    patient_id: int,
    protocol_code: str,
    settings: ScreeningSettings | None = None,
) -> ScreeningResult:
    """Findings and recommendation for ``protocol_code`` from the current complete intake.

    ``Conflict`` when the patient has no complete intake; the read is audited."""
    patient = patient_for(db, actor, patient_id, Action.READ_PATIENT)
    row, result = _screened(db, patient, protocol_code, settings)
    _audit(
        db,
        actor,
        AuditAction.VIEW,
        "screening",
        row.id,
        patient,
        protocol=protocol_code,
        recommendation=result.recommendation,
    )
    return result


def unchecked_absolute(result: ScreeningResult) -> list[str]:
    """What the intake must still record before an absolute contraindication can be ruled out.

    An unknown fact turns a rule into a caution asking for it (``<rule id>.unknown``); for an
    absolute rule that caution must block an "eligible" decision, not merely be listed.
    """
    asks = []
    for finding in result.findings:
        rule = RULES.get(finding.rule_id.removesuffix(".unknown"))
        if finding.rule_id.endswith(".unknown") and rule is not None and rule.kind == "absolute":
            asks.append(finding.message)
    return asks


def sign_decision(
    db: Session,
    actor: Actor,
    patient_id: int,
    protocol_code: str,
    decision: str,
    rationale: str,
    override_justification: str = "",
    *,
    intake_id: int | None = None,
    valid_months: int = DEFAULT_VALID_MONTHS,
    settings: ScreeningSettings | None = None,
) -> EligibilityDecision:
    """Sign a decision on a fresh screening of the current intake, snapshotting its findings.

    ``intake_id`` (the version the prescriber looked at) must still be the current one, else
    ``Conflict``. Deciding to go ahead despite an absolute finding needs
    ``override_justification`` and is marked ``overrides_absolute`` here and on the audit trail."""
    patient = patient_for(db, actor, patient_id, Action.SIGN_ELIGIBILITY)
    row, result = _screened(db, patient, protocol_code, settings)
    if intake_id is not None and intake_id != row.id:
        raise Conflict("The intake changed since this screening was shown; review it again.")
    kinds = [f.kind for f in result.findings]
    unchecked = unchecked_absolute(result)
    overriding = check_decision(decision, kinds, rationale, override_justification, unchecked)
    values = intake.facts_of(row)
    signed = EligibilityDecision(
        patient_id=patient.id,
        site_id=patient.site_id,
        intake_id=row.id,
        protocol_code=protocol_code,
        recommendation=result.recommendation,
        decision=decision,
        findings=json.dumps([f.to_dict() for f in result.findings]),
        facts_read=json.dumps({p: intake.value_at(values, p) for p in result.facts_read}),
        rationale=rationale.strip(),
        override_justification=override_justification.strip(),
        overrides_absolute=overriding,
        signed_by_id=actor.staff_user_id,
        signed_at=actor.at,
        expires_at=expiry(actor.at, valid_months),
    )
    db.add(signed)
    db.flush()
    absolute = [f.rule_id for f in result.findings if f.kind == "absolute"]
    _audit(
        db,
        actor,
        AuditAction.CREATE,
        "eligibility_decision",
        signed.id,
        patient,
        protocol=protocol_code,
        decision=decision,
        recommendation=result.recommendation,
        intake_id=row.id,
        overrides_absolute=overriding,
        absolute_findings=absolute,
    )
    return signed


def findings_of(row: EligibilityDecision) -> list[dict[str, Any]]:
    """The findings as shown when the decision was signed (``Finding.to_dict()`` each)."""
    findings: list[dict[str, Any]] = json.loads(row.findings)
    return findings


def _latest(db: Session, patient_id: int, protocol_code: str | None) -> list[EligibilityDecision]:
    """The latest decision per protocol (or for ``protocol_code`` only)."""
    query = select(EligibilityDecision).where(EligibilityDecision.patient_id == patient_id)
    if protocol_code is not None:
        query = query.where(EligibilityDecision.protocol_code == protocol_code)
    order = (EligibilityDecision.signed_at.desc(), EligibilityDecision.id.desc())
    latest: dict[str, EligibilityDecision] = {}
    for row in db.scalars(query.order_by(*order)):
        latest.setdefault(row.protocol_code, row)
    return [latest[code] for code in sorted(latest)]


def _state(db: Session, actor: Actor, row: EligibilityDecision) -> DecisionState:
    if row.invalidated_at is not None:
        return DecisionState(row, f"{row.invalidated_reason}: review eligibility again.")
    current = intake.latest_complete(db, row.patient_id)
    values = intake.facts_of(current) if current is not None else None
    snapshot: dict[str, Any] = json.loads(row.facts_read)
    now_values = None if values is None else {p: intake.value_at(values, p) for p in snapshot}
    return DecisionState(row, stale_reason(actor.at, row.expires_at, snapshot, now_values))


def decisions_of(db: Session, actor: Actor, patient_id: int) -> Sequence[DecisionState]:
    """The latest decision for each protocol, with whether it is still current (for the chart)."""
    patient = patient_for(db, actor, patient_id, Action.READ_PATIENT)
    states = [_state(db, actor, row) for row in _latest(db, patient.id, None)]
    _audit(
        db,
        actor,
        AuditAction.VIEW,
        "eligibility_decision",
        None,
        patient,
        decision_ids=[s.decision.id for s in states],
    )
    return states


def current_decision(
    db: Session, actor: Actor, patient_id: int, protocol_code: str
) -> EligibilityDecision | None:
    """The signed decision for ``protocol_code`` while it is current; None when there is none,
    it expired, or the intake changed a fact it read. The read is audited."""
    patient = patient_for(db, actor, patient_id, Action.READ_PATIENT)
    found = _latest(db, patient.id, protocol_code)
    state = _state(db, actor, found[0]) if found else None
    _audit(
        db,
        actor,
        AuditAction.VIEW,
        "eligibility_decision",
        found[0].id if found else None,
        patient,
        protocol=protocol_code,
        current=bool(state and state.current),
    )
    return state.decision if state is not None and state.current else None
