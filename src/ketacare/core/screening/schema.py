"""INTAKE_SCHEMA: the intake as a JSON Schema (draft 2020-12), built from the same field
declarations ``IntakeFacts.from_dict`` validates with, and published as docs/intake.schema.json.

Rules a schema cannot say are in the descriptions: diastolic below systolic, dates not in the
future, a diazepam-equivalent only for benzodiazepines. ``from_dict`` enforces them all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ketacare.core.screening.fields import FieldKind, Json
from ketacare.core.screening.intake_fields import (
    GROUPS,
    MEDICATION,
    MEDICATION_REQUIRED,
    MEDICATIONS_FREE_TEXT,
)

_GROUP_TITLES = {
    "referral": "Referral and diagnoses",
    "psychiatric": "Psychiatric history",
    "medical": "Medical history",
    "vitals": "Baseline vital signs and measurements",
}

CLEAN_EXAMPLE: dict[str, Json] = {
    "referral": {
        "referral_reason": "Treatment-resistant depression after three adequate trials.",
        "diagnoses": ["F33.2"],
        "failed_antidepressant_trials": 3,
        "prior_ketamine": "none",
    },
    "psychiatric": {
        "psychosis_history": "none",
        "schizophrenia": False,
        "mania_history": "none",
        "substance_use_disorder": "none",
        "substances": [],
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
    "medications": [{"name": "sertraline", "class": "antidepressant", "daily_dose_mg": "100"}],
    "vitals": {
        "systolic_mmHg": 122,
        "diastolic_mmHg": 78,
        "heart_rate_bpm": 72,
        "spo2_percent": 98,
        "weight_kg": "72.5",
        "height_cm": "175",
        "pregnancy_test": "negative",
        "measured_on": "2025-01-15",
    },
}
"""A complete intake with no findings for any protocol (also a test fixture)."""

PARTIAL_EXAMPLE: dict[str, Json] = {
    "medical": {"intracerebral_haemorrhage_history": True},
    "medications": [
        {"name": "clonazepam", "class": "benzodiazepine", "diazepam_equivalent_mg_per_day": "20"}
    ],
}
"""A draft: most facts unknown, one esketamine contraindication, one benzodiazepine."""


def _field(kind: FieldKind, required: bool = False) -> dict[str, Json]:
    schema = {"description": kind.description, **kind.schema()}
    if required:
        kinds = schema.get("type")
        if isinstance(kinds, list):
            schema["type"] = [k for k in kinds if k != "null"]
        if isinstance(schema.get("enum"), list):
            schema["enum"] = [v for v in schema["enum"] if v is not None]  # type: ignore[attr-defined]
    return schema


def _object(fields: Mapping[str, FieldKind], required: tuple[str, ...] = ()) -> dict[str, Json]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(required),
        "properties": {name: _field(kind, name in required) for name, kind in fields.items()},
    }


def _build() -> dict[str, Json]:
    groups = {
        name: {"title": _GROUP_TITLES[name], **_object(fields)} for name, fields in GROUPS.items()
    }
    medications = {
        "title": "Current medications",
        "description": "Every current medication; an empty list means none, null means not asked.",
        "type": ["array", "null"],
        "items": _object(MEDICATION, MEDICATION_REQUIRED),
    }
    properties: dict[str, Json] = {
        "referral": groups["referral"],
        "psychiatric": groups["psychiatric"],
        "medical": groups["medical"],
        "medications": medications,
        "medications_free_text": _field(MEDICATIONS_FREE_TEXT),
        "vitals": groups["vitals"],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ketacare intake",
        "description": (
            "The facts collected before ketamine or esketamine treatment. Every field may be "
            "omitted or null, meaning not known yet; screening asks for facts it needs. Numeric "
            "ranges are data-entry plausibility limits, not clinical thresholds. Also enforced: "
            "diastolic below systolic, dates not in the future, a diazepam-equivalent only for "
            "benzodiazepines, no substances without a substance use disorder, and no 'not "
            "pregnant' with a positive pregnancy test."
        ),
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "examples": [CLEAN_EXAMPLE, PARTIAL_EXAMPLE],
    }


INTAKE_SCHEMA: dict[str, Json] = _build()


def schema_json() -> str:
    """The text of docs/intake.schema.json: INTAKE_SCHEMA, indented, with a final newline."""
    return json.dumps(INTAKE_SCHEMA, indent=2, ensure_ascii=False) + "\n"
