"""Discharge: the assessment a clinician signs, ready for discharge, and the instructions.

The criteria are the issue's (vitals back within limits, alert and oriented, nausea controlled,
escort present); the modified Aldrete score and PADSS are optional, scored by
``core/vitals/discharge.py`` with a pass mark of 9 (clinical-reference §4.4 [ALDRETE-WIKI]
[PADSS-MA]). The patient goes home with the instructions: no driving or operating machinery until
the next day after a restful sleep, with the escort (§3.5 [SPR-PI2019-p21]), and who to call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction, TreatmentState
from ketacare.core.errors import Conflict
from ketacare.core.permissions import Action
from ketacare.core.treatment_guards import ESCORT_CHECK
from ketacare.core.vitals.discharge import score
from ketacare.db.models import DischargeAssessment, Patient, Site, Treatment
from ketacare.services import treatments
from ketacare.services.context import Actor
from ketacare.services.treatment_facts import (
    latest_assessment,
    latest_checks,
    treatment_day,
    version_of,
)

CRITERIA = {
    "vitals_within_limits": "Vital signs back within the clinic's limits",
    "alert_and_oriented": "Alert and oriented",
    "nausea_controlled": "Nausea controlled",
    "escort_present": "Escort present to take the patient home",
}  # issue 6 discharge criteria; §4.4 [PADSS-MA] [KET-LBL-MYLAN]
# §3.5 [SPR-PI2019-p21]
NO_DRIVING = "Do not drive or operate machinery until the next day, after a restful sleep."
ESCORTED = "Go home with your escort; do not leave alone."  # §4.4 [KET-LBL-MYLAN]


@dataclass(frozen=True)
class DischargeRequest:
    """The criteria ticked, and item scores for the scales the clinic uses (None: not used)."""

    criteria: Mapping[str, bool]
    aldrete: Mapping[str, int] | None = None
    padss: Mapping[str, int] | None = None


def assess(
    db: Session, actor: Actor, treatment_id: int, request: DischargeRequest
) -> DischargeAssessment:
    """Store the discharge assessment signed by the clinician recording it."""
    treatment = treatments.treatment_for(db, actor, treatment_id, Action.RUN_TREATMENT)
    treatments.require_state(treatment, TreatmentState.OBSERVATION, doing="a discharge assessment")
    aldrete = score("aldrete", request.aldrete) if request.aldrete is not None else None
    padss = score("padss", request.padss) if request.padss is not None else None
    row = DischargeAssessment(
        treatment_id=treatment.id,
        criteria=json.dumps({code: bool(request.criteria.get(code)) for code in CRITERIA}),
        aldrete_total=None if aldrete is None else aldrete.total,
        padss_total=None if padss is None else padss.total,
        instructions_given=False,
        signed_by_id=actor.staff_user_id,
        signed_at=actor.at,
    )
    db.add(row)
    db.flush()
    treatments.record(
        db, actor, AuditAction.CREATE, "discharge_assessment", row.id, treatment,
        aldrete=row.aldrete_total, padss=row.padss_total,
    )  # fmt: skip
    return row


def sign_off(db: Session, actor: Actor, treatment_id: int) -> Treatment:
    """The clinician signs the patient off: ready for discharge (the guards check the rest)."""
    treatment = treatments.treatment_for(db, actor, treatment_id, Action.RUN_TREATMENT)
    treatments.move(db, actor, treatment, TreatmentState.READY_FOR_DISCHARGE)
    treatment.signed_off_by_id = actor.staff_user_id
    return treatment


def discharge(db: Session, actor: Actor, treatment_id: int) -> Treatment:
    """The instructions are given and the patient leaves; the appointment is completed."""
    treatment = treatments.treatment_for(db, actor, treatment_id, Action.RUN_TREATMENT)
    treatments.require_state(treatment, TreatmentState.READY_FOR_DISCHARGE, doing="discharge")
    row = latest_assessment(db, treatment.id)
    if row is None:
        raise Conflict("There is no discharge assessment.", "discharge")
    row.instructions_given = True
    treatments.move(db, actor, treatment, TreatmentState.DISCHARGED)
    return treatment


@dataclass(frozen=True)
class Instructions:
    """The printable instructions: who, where, the day, the escort, and who to call."""

    patient: Patient
    site: Site
    protocol_name: str
    on: date
    escort: str
    lines: tuple[str, ...]


def instructions(db: Session, actor: Actor, treatment_id: int) -> Instructions:
    """What the patient takes home; the read is audited."""
    treatment = treatments.treatment_for(db, actor, treatment_id, Action.READ_TREATMENTS)
    patient = db.get(Patient, treatment.patient_id)
    site = db.get(Site, treatment.site_id)
    assert patient is not None
    assert site is not None
    escort = latest_checks(db, treatment.id).get(ESCORT_CHECK)
    treatments.record(
        db, actor, AuditAction.VIEW, "discharge_instructions", treatment.id, treatment
    )
    return Instructions(
        patient,
        site,
        version_of(db, treatment).name,
        treatment_day(db, treatment),
        escort.value if escort is not None else "",
        (NO_DRIVING, ESCORTED),
    )
