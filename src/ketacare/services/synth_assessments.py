"""Synthetic assessments for the demo: intakes, signed eligibility decisions and consents.

Every patient in a course of care was assessed the week before their first treatment: a complete
intake, a prescriber's decision for their protocol, and a consent signed the day before. A few
patients not yet in a course show the other states: a draft intake, and an intake whose screen
finds an absolute contraindication, signed "not eligible". All of it goes through the services.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.db.models import Patient
from ketacare.services import consent, eligibility, intake
from ketacare.services.context import Actor

PROTOCOLS_IN_USE = ("esketamine_nasal", "iv_ketamine_depression")
HOME_MEDICATIONS = (
    {"name": "Sertraline", "class": "antidepressant", "daily_dose_mg": "100"},
    {"name": "Bupropion", "class": "antidepressant", "daily_dose_mg": "300"},
    {"name": "Lisinopril", "class": "antihypertensive", "daily_dose_mg": "10"},
    {"name": "Clonazepam", "class": "benzodiazepine", "daily_dose_mg": "0.5",
     "diazepam_equivalent_mg_per_day": "10"},
)  # fmt: skip


def protocol_for(patient: Patient) -> str:
    """The demo's courses alternate between nasal esketamine and IV ketamine."""
    return PROTOCOLS_IN_USE[patient.id % len(PROTOCOLS_IN_USE)]


def assess(db: Session, reviewer: Actor, rng: random.Random, patient: Patient, first: date) -> None:
    """Intake and decision a week before ``first`` (the first treatment), consent the day before."""
    protocol = protocol_for(patient)
    at = datetime.combine(first - timedelta(days=7), time(15), tzinfo=reviewer.at.tzinfo)
    on_day = Actor(reviewer.principal, at, reviewer.ip_address)
    intake.complete(db, on_day, patient.id, intake_facts(rng, patient, at.date()), replace=True)
    screened = eligibility.screen(db, on_day, patient.id, protocol)
    decision = "eligible" if screened.recommendation == "eligible" else "eligible_with_precautions"
    rationale = "Treatment-resistant depression after two adequate trials; findings reviewed."
    eligibility.sign_decision(db, on_day, patient.id, protocol, decision, rationale)
    _consent(db, Actor(reviewer.principal, at + timedelta(days=6), None), patient, protocol)


def _consent(db: Session, witness: Actor, patient: Patient, protocol: str) -> None:
    document = consent.latest_document(db, patient.organization_id, protocol)
    if document is None:
        return
    risks = [key for key, _ in consent.key_risks_of(document)]
    name = f"{patient.given_name} {patient.family_name}"
    consent.sign(db, witness, patient.id, document.id, name, witness.at.date(), risks)


def intake_facts(rng: random.Random, patient: Patient, measured_on: date) -> dict[str, Any]:
    """A plausible intake: treatment-resistant depression, no contraindication."""
    return {
        "referral": {"referral_reason": "Treatment-resistant depression",
                     "diagnoses": ["F33.2"], "failed_antidepressant_trials": rng.randint(2, 5)},
        "psychiatric": {"psychosis_history": "none", "schizophrenia": False,
                        "mania_history": "none",
                        "substance_use_disorder": rng.choice(["none", "none", "past"]),
                        "suicide_attempts": rng.choice([0, 0, 0, 1]), "current_suicidality": False},
        "medical": _clean_medical(rng.choice(["none", "controlled"]), patient.sex_at_birth),
        "medications": rng.sample(HOME_MEDICATIONS[:3], rng.randint(1, 2)),
        "vitals": {"systolic_mmHg": rng.randint(108, 136), "diastolic_mmHg": rng.randint(66, 86),
                   "heart_rate_bpm": rng.randint(58, 88), "spo2_percent": rng.randint(96, 99),
                   "weight_kg": str(rng.randint(52, 104)), "height_cm": str(rng.randint(155, 190)),
                   "pregnancy_test": "negative" if patient.sex_at_birth == "female"
                   else "not_applicable", "measured_on": measured_on.isoformat()},
    }  # fmt: skip


def _clean_medical(hypertension: str, sex_at_birth: str) -> dict[str, Any]:
    female = sex_at_birth == "female"
    return {
        "hypertension": hypertension, "cardiovascular_disease": "none",
        "aneurysmal_vascular_disease": False, "arteriovenous_malformation": False,
        "intracerebral_haemorrhage_history": False, "raised_intracranial_pressure": False,
        "raised_intraocular_pressure": False, "liver_disease": "none", "seizures": False,
        "pregnant": False if female else None, "breastfeeding": False if female else None,
        "hypersensitivity_ketamine_or_esketamine": False,
    }  # fmt: skip


def waiting_list(db: Session, reviewer: Actor, rng: random.Random, site_id: int, skip: int) -> None:
    """Two patients past the course list: one mid-intake (a draft), one screened out for
    esketamine by a past intracerebral haemorrhage and signed not eligible."""
    draft, screened_out = db.scalars(
        select(Patient).where(Patient.site_id == site_id).order_by(Patient.id).offset(skip).limit(2)
    ).all()
    facts = intake_facts(rng, draft, reviewer.at.date())
    intake.save_draft_step(db, reviewer, draft.id, {"referral": facts["referral"]})
    facts = intake_facts(rng, screened_out, reviewer.at.date())
    facts["medical"]["intracerebral_haemorrhage_history"] = True
    intake.complete(db, reviewer, screened_out.id, facts, replace=True)
    eligibility.sign_decision(
        db, reviewer, screened_out.id, "esketamine_nasal", "not_eligible",
        "History of intracerebral haemorrhage: esketamine is contraindicated. Discussed options.",
    )  # fmt: skip
