"""Pieces the shipped protocols share: pre-checks, monitoring points, alert limits left to the
clinic, the instrument cadence, and small constructors. Sources as in defaults.py."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from ketacare.core.protocols.model import (
    NO_AUTHORITATIVE_THRESHOLD,
    ByReview,
    Checkpoint,
    ClinicDefault,
    PreCheck,
    Range,
    Setting,
    Sourced,
)

CLINIC_MUST_SET = "clinic must set: the clinical reference gives no value"
VITALS = ("sbp_mmhg", "dbp_mmhg", "hr_bpm", "spo2_percent", "rr_per_min")
SOP_EXAMPLES = (
    "examples seen in clinic SOPs (UNVERIFIED, §4.2): pre-dose hold SBP >= 160 or DBP >= 100; "
    "act SBP >= 180 or DBP >= 110 or HR >= 110-120; SpO2 < 92 %; RR < 10"
)
CADENCE = "§5.1 suggested cadence: a design choice, not a sourced rule"
WEEKLY: Sourced[int] = Sourced(1, "every week: the schedule is stated per week")


def dec(text: str) -> Decimal:
    return Decimal(text)


def unset(note: str = CLINIC_MUST_SET) -> ClinicDefault[Decimal]:
    return ClinicDefault(None, note)


def clinic_thresholds() -> Mapping[str, Setting[Range]]:
    """No authoritative numeric alert limits exist for subanesthetic ketamine (§4.2, §13 item 4)."""
    note = f"{NO_AUTHORITATIVE_THRESHOLD}; {SOP_EXAMPLES}"
    return MappingProxyType({vital: ClinicDefault[Range](None, note) for vital in VITALS})


def depression_instruments() -> ClinicDefault[Mapping[str, tuple[str, ...]]]:
    return ClinicDefault(
        MappingProxyType(
            {
                "baseline": ("phq9", "madrs", "cssrs_screen"),
                "before_treatment": ("phq9",),
                "at_40_min": ("cadss", "bprs_positive"),
                "end_of_treatment": ("cadss", "bprs_positive"),
                "end_of_induction": ("phq9", "madrs"),
            }
        ),
        CADENCE,
    )


def pain_instruments() -> ClinicDefault[Mapping[str, tuple[str, ...]]]:
    return ClinicDefault(
        MappingProxyType(
            {
                "baseline": ("nrs_pain", "peg"),
                "before_treatment": ("nrs_pain",),
                "end_of_treatment": ("nrs_pain",),
                "end_of_induction": ("nrs_pain", "peg"),
            }
        ),
        CADENCE,
    )


ESCORT = PreCheck(
    "escort_home",
    "An adult escort takes the patient home; no driving until the next day after restful sleep.",
    "[SPR-PI2019-p21] [KET-LBL-MYLAN]",
)
ELIGIBILITY = PreCheck(
    "eligibility_signed", "The prescriber's eligibility decision is signed.", "issue 4 workflow"
)
WEIGHT = PreCheck(
    "weight_recorded",
    "Weight recorded, and which weight is used (actual, ideal or adjusted).",
    "§1.1 software rule",
)
BP_BEFORE = Checkpoint("bp_before_dose", "before_dose", "blood pressure", "[SPR-HCP] [DUNLOP]")
DISCHARGE = Checkpoint(
    "discharge_readiness",
    "before_discharge",
    "clinically stable and ready to leave (e.g. modified Aldrete / PADSS)",
    "[SPR-PI2019] [ALDRETE-WIKI] [PADSS-MA]",
)
NO_MAINTENANCE_CONSENSUS = ByReview(
    "No consensus maintenance schedule; the prescriber decides at the end-of-induction review "
    "([SAN-GATEWAY], §1.2)."
)
