"""Intakes for screening tests: the clean example from the schema, changed by dotted path."""

from __future__ import annotations

import copy
from typing import Any

from ketacare.core.screening import IntakeFacts, ScreeningSettings, evaluate
from ketacare.core.screening.schema import CLEAN_EXAMPLE

Changes = dict[str, Any]


def intake_data(changes: Changes | None = None) -> dict[str, Any]:
    """The clean example with changes applied: {"medical.pregnant": True, "medications": [...]}."""
    data: dict[str, Any] = copy.deepcopy(CLEAN_EXAMPLE)
    for path, value in (changes or {}).items():
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
    return data


def facts(changes: Changes | None = None) -> IntakeFacts:
    return IntakeFacts.from_dict(intake_data(changes))


def medication(drug_class: str, name: str = "", **extra: object) -> dict[str, object]:
    return {"name": name or drug_class, "class": drug_class, **extra}


def rule_ids(
    protocol: str, changes: Changes | None = None, settings: ScreeningSettings | None = None
) -> list[str]:
    """The ids of every finding for the clean intake with ``changes``."""
    return [f.rule_id for f in evaluate(facts(changes), protocol, settings).findings]
