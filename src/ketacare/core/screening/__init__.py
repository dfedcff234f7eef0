"""Screening: intake facts, the published contraindication and interaction rules, and evaluate.

    from ketacare.core.screening import IntakeFacts, evaluate, INTAKE_SCHEMA
    facts = IntakeFacts.from_dict(data)            # InvalidIntake lists every bad field
    result = evaluate(facts, "esketamine_nasal")   # settings=ScreeningSettings() optional
    result.recommendation                          # "eligible" | "needs_review" | "ineligible"

Pure: standard library only, no clock (pass ``today`` to ``from_dict`` to refuse future dates).
Facts and sources: clinical-reference §1.3, §2, §3.4, §3.6-§3.8, §6.
"""

from __future__ import annotations

from ketacare.core.screening.diagnoses import DIAGNOSES
from ketacare.core.screening.evaluate import evaluate, recommend, rules_for
from ketacare.core.screening.facts import (
    IntakeFacts,
    Medical,
    Medication,
    Psychiatric,
    Referral,
    Vitals,
)
from ketacare.core.screening.intake_fields import MEDICATION_CLASSES, SUBSTANCES
from ketacare.core.screening.model import (
    KINDS,
    Finding,
    InvalidIntake,
    Kind,
    Recommendation,
    Rule,
    ScreeningError,
    ScreeningResult,
    ScreeningSettings,
)
from ketacare.core.screening.protocols import PROTOCOLS, Protocol
from ketacare.core.screening.rules import RULES
from ketacare.core.screening.schema import INTAKE_SCHEMA, schema_json

__all__ = [
    "DIAGNOSES",
    "INTAKE_SCHEMA",
    "KINDS",
    "MEDICATION_CLASSES",
    "PROTOCOLS",
    "RULES",
    "SUBSTANCES",
    "Finding",
    "IntakeFacts",
    "InvalidIntake",
    "Kind",
    "Medical",
    "Medication",
    "Protocol",
    "Psychiatric",
    "Recommendation",
    "Referral",
    "Rule",
    "ScreeningError",
    "ScreeningResult",
    "ScreeningSettings",
    "Vitals",
    "evaluate",
    "recommend",
    "rules_for",
    "schema_json",
]
