"""The shipped racemic ketamine protocols: IV for depression (§1) and for chronic pain (§2), and
IM and oral, whose doses and times the clinic must set (the reference gives none; issue 5)."""

from __future__ import annotations

from ketacare.core.protocols.model import (
    ByReview,
    Checkpoint,
    ClinicDefault,
    DoseKind,
    DoseRule,
    Phase,
    PreCheck,
    Protocol,
    Route,
    Sourced,
    TotalDoseFloor,
    WeeklyBlock,
)
from ketacare.core.protocols.shared import (
    BP_BEFORE,
    CLINIC_MUST_SET,
    DISCHARGE,
    ELIGIBILITY,
    ESCORT,
    NO_MAINTENANCE_CONSENSUS,
    WEEKLY,
    WEIGHT,
    clinic_thresholds,
    dec,
    depression_instruments,
    pain_instruments,
    unset,
)

IV_KETAMINE_DEPRESSION = Protocol(
    code="iv_ketamine_depression",
    version=1,
    name="IV ketamine for depression",
    route="intravenous",
    dose_rule=DoseRule(
        kind="mg_per_kg",
        default=Sourced(dec("0.5"), "[SINGH] [DUNLOP]"),
        min=ClinicDefault(dec("0.1"), "§1.1 software rule example, configurable; cf. [FAVA] 0.1"),
        max=ClinicDefault(dec("1.0"), "§1.1 software rule example, configurable; cf. [FAVA] 1.0"),
        cap=ClinicDefault(dec("1.0"), "clinic policy: set equal to the max; above needs override"),
        weight_basis=ClinicDefault("actual", "§1.1: actual vs ideal/adjusted weight UNVERIFIED"),
    ),
    infusion_duration_min=Sourced(40, "[SINGH] [DUNLOP]"),
    min_interval_hours=ClinicDefault(48, "§1.2 software rule example (>= 48 h), configurable"),
    phases=(
        Phase(
            "induction",
            (
                WeeklyBlock(
                    1,
                    None,
                    ClinicDefault(3, "twice or thrice weekly [SINGH]; the clinic chooses"),
                    WEEKLY,
                ),
            ),
            ClinicDefault(6, "'6 infusions over 2-3 weeks' (Murrough 2013) is UNVERIFIED, §1.2"),
            "[SINGH] twice or thrice weekly; series count UNVERIFIED (§1.2)",
        ),
        Phase("maintenance", NO_MAINTENANCE_CONSENSUS, ClinicDefault(None, "by review"), "§1.2"),
    ),
    min_observation_min=ClinicDefault(None, f"{CLINIC_MUST_SET} for IV racemic ketamine"),
    monitoring_checkpoints=(
        BP_BEFORE,
        Checkpoint("bp_during", 0, "blood pressure", "[DUNLOP]", 10, "end_of_infusion"),
        Checkpoint("bp_after", 40, "blood pressure", "[DUNLOP]", 15, "before_discharge"),
        DISCHARGE,
    ),
    alert_thresholds=clinic_thresholds(),
    instruments_due=depression_instruments(),
    pre_checks=(ELIGIBILITY, WEIGHT, ESCORT),
    sources=("[SINGH]", "[DUNLOP]", "[FAVA]", "[SAN-SS]", "[SAN-GATEWAY]"),
)

IV_KETAMINE_PAIN = Protocol(
    code="iv_ketamine_pain",
    version=1,
    name="IV ketamine for chronic pain",
    route="intravenous",
    dose_rule=DoseRule(
        kind="mg_per_kg_per_h",
        default=ClinicDefault(dec("0.5"), "clinic choice: the low end of the guideline range"),
        min=Sourced(dec("0.5"), "[COHEN-GC] infusion 0.5-2 mg/kg/h"),
        max=Sourced(dec("2"), "[COHEN-GC] infusion 0.5-2 mg/kg/h"),
        cap=ClinicDefault(
            dec("2"), "clinic policy; up to 7 mg/kg/h only in ICU settings [COHEN-GC]"
        ),
        weight_basis=ClinicDefault("actual", "§1.1: actual vs ideal/adjusted weight UNVERIFIED"),
    ),
    bolus=DoseRule(
        kind="mg_per_kg",
        default=unset("clinic sets the bolus, up to 0.35 mg/kg [COHEN-GC]"),
        min=unset(),
        max=Sourced(dec("0.35"), "[COHEN-GC] bolus up to 0.35 mg/kg"),
        cap=Sourced(dec("0.35"), "[COHEN-GC] bolus up to 0.35 mg/kg"),
        weight_basis=ClinicDefault("actual", "§1.1: actual vs ideal/adjusted weight UNVERIFIED"),
    ),
    total_floor=TotalDoseFloor(dec("80"), 120, "[COHEN-GC] at least 80 mg infused over > 2 h"),
    infusion_duration_min=ClinicDefault(None, "clinic sets; must exceed 2 h [COHEN-GC]"),
    min_interval_hours=ClinicDefault(None, f"{CLINIC_MUST_SET}; studied regimens ran daily"),
    phases=(
        Phase(
            "induction",
            ByReview("The guideline reports regimens studied, not a series schedule [COHEN-GC]."),
            ClinicDefault(None, "by review"),
            "[COHEN-GC]",
        ),
        Phase(
            "maintenance",
            ByReview(
                "Oral or intranasal follow-on may replace serial infusions "
                "in responders [COHEN-GC]."
            ),
            ClinicDefault(None, "by review"),
            "[COHEN-GC]",
        ),
    ),
    min_observation_min=ClinicDefault(None, f"{CLINIC_MUST_SET}; monitoring standard §13 item 3"),
    monitoring_checkpoints=(BP_BEFORE, DISCHARGE),
    alert_thresholds=clinic_thresholds(),
    instruments_due=pain_instruments(),
    pre_checks=(
        ELIGIBILITY,
        WEIGHT,
        PreCheck("ecg_if_cardiac_risk", "Baseline ECG if cardiovascular risk.", "[COHEN-GC]"),
        PreCheck("lft_if_hepatic_risk", "Consider baseline LFTs if hepatic risk.", "[COHEN-GC]"),
        ESCORT,
    ),
    sources=("[COHEN-GC]", "[COHEN-ASRA]", "[COHEN-MEDCENTRAL]"),
)


def _clinic_set(code: str, name: str, route: Route, kind: DoseKind) -> Protocol:
    """A protocol whose doses and times the clinic must set: the reference gives none (issue 5)."""
    return Protocol(
        code=code,
        version=1,
        name=name,
        route=route,
        dose_rule=DoseRule(
            kind=kind,
            default=unset(),
            min=unset(),
            max=unset(),
            cap=unset(),
            weight_basis=(
                ClinicDefault("actual", "§1.1: weight basis UNVERIFIED")
                if kind != "fixed_mg"
                else None
            ),
        ),
        infusion_duration_min=None,
        min_interval_hours=ClinicDefault(None, CLINIC_MUST_SET),
        phases=(
            Phase(
                "induction",
                ByReview(CLINIC_MUST_SET),
                ClinicDefault(None, CLINIC_MUST_SET),
                CLINIC_MUST_SET,
            ),
            Phase(
                "maintenance", NO_MAINTENANCE_CONSENSUS, ClinicDefault(None, "by review"), "§1.2"
            ),
        ),
        min_observation_min=ClinicDefault(None, CLINIC_MUST_SET),
        monitoring_checkpoints=(BP_BEFORE, DISCHARGE),
        alert_thresholds=clinic_thresholds(),
        instruments_due=depression_instruments(),
        pre_checks=(ELIGIBILITY, ESCORT) if kind == "fixed_mg" else (ELIGIBILITY, WEIGHT, ESCORT),
        sources=(),
    )


IM_KETAMINE = _clinic_set("im_ketamine", "IM ketamine for depression", "intramuscular", "mg_per_kg")
ORAL_SUBLINGUAL_KETAMINE = _clinic_set(
    "oral_sublingual_ketamine", "Oral or sublingual ketamine for depression", "oral", "fixed_mg"
)
