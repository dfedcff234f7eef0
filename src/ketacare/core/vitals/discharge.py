"""The discharge readiness scales a clinic may use: the modified Aldrete score and PADSS
(clinical-reference §4.4). Each has five items scored 0-2, total 0-10; 9 or more passes.

In PADSS, "surgical bleeding" does not apply in a ketamine clinic; §4.4 lets a site drop or
auto-score it, and ketacare scores it 2 (no bleeding) when it is left out, so the pass mark of 9
stays reachable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from ketacare.core.errors import FieldError, ValidationFailed

ScaleName = Literal["aldrete", "padss"]
PASS_MARK = 9  # ">= 9" for both: [ALDRETE-WIKI] [ALDRETE-NURS] (secondary); [PADSS-MA] [PADSS-CLIN]

# item -> (name, what 2 / 1 / 0 mean), §4.4 tables
ALDRETE_ITEMS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "activity": ("Activity", "moves 4 extremities / moves 2 / none"),
        "respiration": (
            "Respiration",
            "breathes deeply, coughs freely / dyspnea or limited breathing / apnea",
        ),
        "circulation": (
            "Circulation",
            "BP within 20 % of the pre-dose level / within 20-49 % / 50 % or more off",
        ),
        "consciousness": ("Consciousness", "fully awake / arousable on calling / not responding"),
        "spo2": (
            "SpO2",
            "above 92 % on room air / needs O2 to keep above 90 % / below 90 % even with O2",
        ),
    }
)
PADSS_ITEMS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "vital_signs": ("Vital signs", "within 20 % of the pre-dose value / 20-40 % / over 40 %"),
        "activity_mental_status": (
            "Activity and mental status",
            "oriented x3 and steady gait / either / neither",
        ),
        "pain_nausea_vomiting": (
            "Pain, nausea and/or vomiting",
            "minimal / moderate, treated / severe",
        ),
        "surgical_bleeding": ("Surgical bleeding", "not applicable: scored 2 when left out"),
        "intake_output": ("Intake and output", "PO fluids and voided / either / neither"),
    }
)
SCALES: Mapping[ScaleName, Mapping[str, tuple[str, str]]] = MappingProxyType(
    {"aldrete": ALDRETE_ITEMS, "padss": PADSS_ITEMS}
)
AUTO_SCORED: Mapping[ScaleName, Mapping[str, int]] = MappingProxyType(
    {"aldrete": {}, "padss": {"surgical_bleeding": 2}}
)


@dataclass(frozen=True)
class ScaleScore:
    scale: ScaleName
    total: int
    passed: bool


def score(scale: ScaleName, items: Mapping[str, int]) -> ScaleScore:
    """The total of one scale's item scores and whether it reaches the pass mark. Raises
    ValidationFailed, by field ``<scale>.<item>``, for a missing, unknown or out-of-range item."""
    known = SCALES[scale]
    given = {**AUTO_SCORED[scale], **items}
    errors = [
        FieldError(f"{scale}.{item}", "Not an item of this scale.")
        for item in given
        if item not in known
    ]
    for item in known:
        value = given.get(item)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2:
            errors.append(FieldError(f"{scale}.{item}", "Score this item 0, 1 or 2."))
    if errors:
        raise ValidationFailed(errors)
    total = sum(given.values())
    return ScaleScore(scale, total, total >= PASS_MARK)
