"""Response and remission against a baseline, with cut-offs kept as data with their sources.

Conventions from clinical-reference §5.1: remission is checked first (the current total against the
instrument's remission cut-off); otherwise response is a fall of at least ``response_drop_percent``
of the baseline total (computed exactly, no floats); otherwise "none". A clinic may override any
cut-off; the defaults below say where each comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from ketacare.core.errors import KetacareError
from ketacare.core.instruments.model import Total

Operator = Literal["lt", "le"]
Outcome = Literal["remission", "response", "none"]

RESPONSE_DROP_PERCENT = 50  # §5.1 "Response = ≥50% reduction from baseline" [PHQ-METRICS] [TALATI]


class InvalidCutoffs(KetacareError):
    """A cut-off set that cannot be applied (operator without value, percent out of range)."""


@dataclass(frozen=True)
class Cutoffs:
    """Remission when ``current <op> remission_value``; response when the total fell by at least
    ``response_drop_percent`` % of baseline (None: the instrument has no response rule)."""

    remission_operator: Operator | None
    remission_value: int | None
    response_drop_percent: int | None = RESPONSE_DROP_PERCENT
    source: str = ""

    def __post_init__(self) -> None:
        if self.remission_operator not in (None, "lt", "le"):
            raise InvalidCutoffs(
                f"Remission operator {self.remission_operator!r} is not allowed; "
                "choose 'lt' (<) or 'le' (<=)."
            )
        if (self.remission_operator is None) != (self.remission_value is None):
            raise InvalidCutoffs("A remission cut-off needs both an operator and a value.")
        percent = self.response_drop_percent
        if percent is not None and not 1 <= percent <= 100:
            raise InvalidCutoffs(f"Response drop must be 1-100 %; got {percent} %.")

    @property
    def remission_text(self) -> str:
        """The remission rule for people: "< 5", "≤ 10", or "" when there is none."""
        if self.remission_operator is None:
            return ""
        symbol = "<" if self.remission_operator == "lt" else "≤"
        return f"{symbol} {self.remission_value}"

    def is_remission(self, total: Total) -> bool:
        if self.remission_value is None:
            return False
        if self.remission_operator == "lt":
            return total < self.remission_value
        return total <= self.remission_value


def _response_only(source: str) -> Cutoffs:
    return Cutoffs(None, None, RESPONSE_DROP_PERCENT, source)


MADRS_PRESETS: Mapping[str, Cutoffs] = MappingProxyType(
    {
        "issue_default_le_10": Cutoffs(
            "le", 10, source="issue 3 (MADRS <= 10); §5.1: no source read for <= 10"
        ),
        "esketamine_trials_le_12": Cutoffs("le", 12, source="[SUSTAIN3-T3] [KET-NMH-T4]"),
        "hawley_lt_10": Cutoffs("lt", 10, source="[MADRS-HAWLEY]"),
    }
)

DEFAULT_CUTOFFS: Mapping[str, Cutoffs] = MappingProxyType(
    {
        "phq9": Cutoffs("lt", 5, source="[PHQ-METRICS] [SUSTAIN3-T3]"),
        "gad7": Cutoffs("lt", 5, source="below the mild band [GAD7-FORM]; as remission UNVERIFIED"),
        "qids_sr16": Cutoffs("le", 5, source="[QIDS-HIBOOP] (STAR*D, Trivedi 2006)"),
        "madrs": MADRS_PRESETS["issue_default_le_10"],
        "pcl5": _response_only("§5.1: no PCL-5 remission cut-off; response 50 %"),
        "nrs_pain": _response_only("§5.1 response convention; no remission cut-off"),
        "peg": _response_only("§5.1 response convention; no remission cut-off"),
        # Dissociation and positive symptoms are acute effects of a dose, watched from pre-dose to
        # 40 min to the end of a treatment (§5), not outcomes of the course: no outcome class.
        "cadss": Cutoffs(None, None, None, "§5: CADSS is a per-treatment change measure"),
        "bprs_positive": Cutoffs(None, None, None, "§5: BPRS+ is a per-treatment safety measure"),
        # The screener total is the most severe positive item, not a severity scale (§5.2).
        "cssrs_screen": Cutoffs(None, None, None, "§5.2: no numeric total; triage instead"),
    }
)


def cutoffs_for(code: str) -> Cutoffs:
    """The shipped default cut-offs for ``code``; InvalidCutoffs names the known codes."""
    if code not in DEFAULT_CUTOFFS:
        known = ", ".join(DEFAULT_CUTOFFS)
        raise InvalidCutoffs(f"No cut-offs for instrument {code!r}; known instruments: {known}.")
    return DEFAULT_CUTOFFS[code]


def is_response(baseline_total: Total, current_total: Total, cutoffs: Cutoffs) -> bool:
    """A fall of at least the set percent of a positive baseline, compared exactly."""
    percent = cutoffs.response_drop_percent
    if percent is None or baseline_total <= 0:
        return False
    drop = Decimal(baseline_total) - Decimal(current_total)
    return drop * 100 >= Decimal(baseline_total) * percent


def classify(
    code: str, baseline_total: Total, current_total: Total, cutoffs: Cutoffs | None = None
) -> Outcome:
    """ "remission", "response" or "none" for ``current_total`` against ``baseline_total``."""
    rules = cutoffs if cutoffs is not None else cutoffs_for(code)
    if rules.is_remission(current_total):
        return "remission"
    if is_response(baseline_total, current_total, rules):
        return "response"
    return "none"


def response_line(baseline_total: Total, cutoffs: Cutoffs) -> Decimal | None:
    """The total at or below which a score counts as a response, for drawing on charts."""
    percent = cutoffs.response_drop_percent
    if percent is None or baseline_total <= 0:
        return None
    return Decimal(baseline_total) * (100 - percent) / 100
