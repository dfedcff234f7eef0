"""What happens at the chair besides the dose: vital signs typed by the nurse, interventions (PRN
medications and other actions, clinical-reference §4.3), adverse events and notes.

Each is added, never edited, and audited in the caller's transaction. Typed readings go through the
same alert rules as the monitor feed (``vital_alerts.raise_alerts``) in the same transaction; the
page publishes the alerts to open pages after the commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction, Vital
from ketacare.core.errors import ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.vitals.codes import VITALS
from ketacare.core.vitals.model import Reading as CoreReading
from ketacare.core.vitals.model import usable_value
from ketacare.db.models import (
    AdverseEvent,
    Intervention,
    Reading,
    Treatment,
    TreatmentNote,
    VitalAlert,
)
from ketacare.services import treatments, vital_alerts
from ketacare.services.context import Actor

MANUAL = "manual"
# The line a nurse types: blood pressure, heart rate, saturation, breathing (issue 6).
MANUAL_VITALS = (Vital.SBP_MMHG, Vital.DBP_MMHG, Vital.HR_BPM, Vital.SPO2_PERCENT, Vital.RR_PER_MIN)
AE_OUTCOMES = (
    "resolved",
    "resolving",
    "not_resolved",
    "resolved_with_sequelae",
    "fatal",
    "unknown",
)
AE_CATEGORIES = (
    "blood_pressure_increased",
    "dissociation",
    "sedation",
    "respiratory_depression",
    "nausea",
    "vomiting",
    "dizziness",
    "headache",
    "anxiety",
    "emergence_reaction",
    "other",
)  # §3.7 adverse-reaction vocabulary [SPR-HCP-SAFETY] and §3.9 REMS form [REMS-PMF]
SEVERITY_GRADES = range(1, 6)  # grade 1 mild .. 5 death (CTCAE convention; not in the reference)


@dataclass(frozen=True)
class Recorded:
    readings: list[Reading]
    alerts: list[VitalAlert]


def record_readings(
    db: Session,
    actor: Actor,
    treatment_id: int,
    values: Mapping[str, Decimal | None],
    observed_at: datetime | None = None,
) -> Recorded:
    """One line of typed vital signs, each stored as a manual reading, then the alert rules."""
    treatment = _running(db, actor, treatment_id)
    at = _not_future(observed_at, actor, "observed_at")
    given = {Vital(code): value for code, value in values.items() if value is not None}
    if not given:
        raise ValidationFailed({"readings": "Enter at least one vital sign."})
    impossible = {
        code.value: f"{value} {VITALS[code].unit} is not a possible {VITALS[code].name.lower()}."
        for code, value in given.items()
        if usable_value(CoreReading(code, value, at)) is None
    }
    if impossible:
        raise ValidationFailed(impossible)
    rows = [_reading(treatment, actor, code, value, at) for code, value in given.items()]
    db.add_all(rows)
    db.flush()
    alerts = vital_alerts.raise_alerts(db, treatment, rows, actor.at)
    treatments.record(
        db, actor, AuditAction.CREATE, "reading", None, treatment,
        reading_ids=[r.id for r in rows], alert_ids=[a.id for a in alerts],
    )  # fmt: skip
    return Recorded(rows, alerts)


def _reading(
    treatment: Treatment, actor: Actor, code: Vital, value: Decimal, at: datetime
) -> Reading:
    return Reading(
        treatment_id=treatment.id,
        site_id=treatment.site_id,
        location_id=treatment.location_id,
        vital=code.value,
        value=value,
        valid=True,
        unit_received=VITALS[code].ucum,
        source=MANUAL,
        observed_at=at,
        received_at=actor.at,
        recorded_by_id=actor.staff_user_id,
    )


def _running(db: Session, actor: Actor, treatment_id: int) -> Treatment:
    treatment = treatments.treatment_for(db, actor, treatment_id, Action.RUN_TREATMENT)
    treatments.require_state(treatment, *treatments.IN_PROGRESS, doing="recording")
    return treatment


def _not_future(at: datetime | None, actor: Actor, field: str) -> datetime:
    when = at or actor.at
    if when > actor.at:
        raise ValidationFailed({field: "The time cannot be in the future."})
    return when


@dataclass(frozen=True)
class InterventionRequest:
    medication: str
    dose_value: Decimal | None = None
    dose_unit: str = ""
    route: str = ""
    reason: str = ""
    given_at: datetime | None = None


def record_intervention(
    db: Session, actor: Actor, treatment_id: int, request: InterventionRequest
) -> Intervention:
    """A PRN medication or another action (pausing the pump is a pump event), with its time."""
    treatment = _running(db, actor, treatment_id)
    errors = {}
    if not request.medication.strip():
        errors["medication"] = "Name the medication or action."
    if request.dose_value is not None and (
        request.dose_value <= 0 or not request.dose_unit.strip()
    ):
        errors["dose_value"] = "Give a dose above 0 with its unit, or leave both blank."
    if errors:
        raise ValidationFailed(errors)
    row = Intervention(
        treatment_id=treatment.id,
        medication=request.medication.strip(),
        dose_value=request.dose_value,
        dose_unit=request.dose_unit.strip() if request.dose_value is not None else "",
        route=request.route.strip(),
        reason=request.reason.strip(),
        given_at=_not_future(request.given_at, actor, "given_at"),
        given_by_id=actor.staff_user_id,
    )
    db.add(row)
    db.flush()
    treatments.record(db, actor, AuditAction.CREATE, "intervention", row.id, treatment)
    return row


@dataclass(frozen=True)
class AdverseEventRequest:
    category: str
    severity_grade: int | None
    outcome: str
    serious: bool = False
    description: str = ""
    action: str = ""
    onset_at: datetime | None = None
    resolved_at: datetime | None = None


def record_adverse_event(
    db: Session, actor: Actor, treatment_id: int, request: AdverseEventRequest
) -> AdverseEvent:
    """An adverse event: what, how serious and severe, its outcome and the action taken."""
    treatment = _running(db, actor, treatment_id)
    onset = _not_future(request.onset_at, actor, "onset_at")
    _check_event(request, onset, actor)
    row = AdverseEvent(
        treatment_id=treatment.id,
        patient_id=treatment.patient_id,
        category=request.category,
        description=request.description.strip(),
        serious=request.serious,
        severity_grade=request.severity_grade,
        outcome=request.outcome,
        action=request.action.strip(),
        onset_at=onset,
        resolved_at=request.resolved_at,
        recorded_by_id=actor.staff_user_id,
        recorded_at=actor.at,
    )
    db.add(row)
    db.flush()
    treatments.record(
        db, actor, AuditAction.CREATE, "adverse_event", row.id, treatment,
        category=row.category, serious=row.serious, grade=row.severity_grade,
    )  # fmt: skip
    return row


def _check_event(request: AdverseEventRequest, onset: datetime, actor: Actor) -> None:
    errors = {}
    if request.category not in AE_CATEGORIES:
        errors["category"] = "Choose what happened."
    if request.category == "other" and not request.description.strip():
        errors["description"] = "Describe the event."
    if request.severity_grade not in SEVERITY_GRADES:
        errors["severity_grade"] = "Choose a severity grade from 1 to 5."
    if request.outcome not in AE_OUTCOMES:
        errors["outcome"] = "Choose the outcome."
    resolved = request.resolved_at
    if resolved is not None and not onset <= resolved <= actor.at:
        errors["resolved_at"] = "The resolution time lies between the onset and now."
    if errors:
        raise ValidationFailed(errors)


def add_note(db: Session, actor: Actor, treatment_id: int, text: str) -> TreatmentNote:
    treatment = treatments.treatment_for(db, actor, treatment_id, Action.RUN_TREATMENT)
    if not text.strip():
        raise ValidationFailed({"text": "Write the note."})
    row = TreatmentNote(
        treatment_id=treatment.id, text=text.strip(), by_id=actor.staff_user_id, at=actor.at
    )
    db.add(row)
    db.flush()
    treatments.record(db, actor, AuditAction.CREATE, "treatment_note", row.id, treatment)
    return row
