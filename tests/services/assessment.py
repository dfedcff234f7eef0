"""Shared helpers for the assessment service tests: actors by role, and intakes to complete."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.services import intake, staff
from ketacare.services.context import Actor
from tests.factories import Clinic

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

CLEAN: dict[str, Any] = {
    "referral": {"referral_reason": "Treatment-resistant depression", "diagnoses": ["F33.2"]},
    "psychiatric": {
        "psychosis_history": "none",
        "schizophrenia": False,
        "mania_history": "none",
        "substance_use_disorder": "none",
        "suicide_attempts": 0,
        "current_suicidality": False,
    },
    "medical": {
        "hypertension": "none",
        "cardiovascular_disease": "none",
        "aneurysmal_vascular_disease": False,
        "arteriovenous_malformation": False,
        "intracerebral_haemorrhage_history": False,
        "raised_intracranial_pressure": False,
        "raised_intraocular_pressure": False,
        "liver_disease": "none",
        "seizures": False,
        "pregnant": False,
        "breastfeeding": False,
        "hypersensitivity_ketamine_or_esketamine": False,
    },
    "medications": [],
    "vitals": {
        "systolic_mmHg": 122,
        "diastolic_mmHg": 78,
        "heart_rate_bpm": 70,
        "spo2_percent": 98,
        "weight_kg": "72.5",
        "height_cm": "170",
        "pregnancy_test": "negative",
        "measured_on": "2026-03-01",
    },
}


def with_facts(**groups: dict[str, Any]) -> dict[str, Any]:
    """The clean intake with some facts of some groups changed."""
    data = {key: dict(value) if isinstance(value, dict) else value for key, value in CLEAN.items()}
    for group, values in groups.items():
        data[group] = {**data[group], **values}
    return data


def actor_for(db: Session, email: str, at: datetime = NOW) -> Actor:
    return Actor(staff.principal_for(db, staff.by_email(db, email)), at, "10.0.0.5")


def complete_intake(
    sessions: sessionmaker[Session], clinic: Clinic, patient_id: int, data: dict[str, Any]
) -> int:
    """Complete ``data`` as the North nurse; the new version's id."""
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        return intake.complete(db, nurse, patient_id, data, replace=True).id
