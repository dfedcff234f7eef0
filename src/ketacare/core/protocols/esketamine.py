"""The shipped esketamine nasal spray protocol: the SPRAVATO US label schedule (§3.2-§3.5, §11)."""

from __future__ import annotations

from decimal import Decimal

from ketacare.core.protocols.model import (
    Checkpoint,
    ClinicDefault,
    Device,
    DoseRule,
    Phase,
    PreCheck,
    Protocol,
    Sourced,
    WeeklyBlock,
)
from ketacare.core.protocols.shared import (
    DISCHARGE,
    ELIGIBILITY,
    ESCORT,
    WEEKLY,
    clinic_thresholds,
    dec,
    depression_instruments,
)

SPRAVATO = "[SPR-LIOBM] [SPR-MIMS-HK] [SPR-HCP]"
ESKETAMINE_DOSES: Sourced[tuple[Decimal, ...]] = Sourced(
    (dec("56"), dec("84")), f"§3.2: 56 or 84 mg after day 1 {SPRAVATO}"
)

ESKETAMINE_NASAL = Protocol(
    code="esketamine_nasal",
    version=1,
    name="Esketamine nasal spray (SPRAVATO)",
    route="intranasal",
    dose_rule=DoseRule(
        kind="fixed_mg",
        default=Sourced(dec("56"), f"§3.2 day 1: 56 mg {SPRAVATO}"),
        min=Sourced(dec("56"), "§3.2: 56 or 84 mg; a >= 65 start of 28 mg is UNVERIFIED (US)"),
        max=Sourced(dec("84"), f"§3.2: 56 or 84 mg {SPRAVATO}"),
        cap=Sourced(dec("84"), "§3.3: 84 mg = 3 devices, the largest labelled dose [SPR-GOODRX]"),
        allowed=ESKETAMINE_DOSES,
        first_dose=Sourced(dec("56"), f"§3.2 day 1: 56 mg {SPRAVATO}"),
    ),
    device=Device(
        mg_per_device=Sourced(28, "§3.3: 28 mg per device [SPR-MIMS-HK] [NDC-SPR]"),
        rest_between_devices_min=Sourced(5, "§3.3: 5 minutes between devices [SPR-HCP]"),
    ),
    infusion_duration_min=None,
    min_interval_hours=ClinicDefault(
        48, "the label sets twice weekly, no minimum gap; 48 h is a clinic choice (§1.2 example)"
    ),
    phases=(
        Phase(
            "induction",
            (WeeklyBlock(1, 4, Sourced(2, f"§3.2 weeks 1-4 twice weekly {SPRAVATO}"), WEEKLY),),
            Sourced(8, "§3.2: twice weekly for weeks 1-4 (derived: 4 x 2)"),
            f"§3.2 {SPRAVATO}",
        ),
        Phase(
            "maintenance",
            (
                WeeklyBlock(5, 8, Sourced(1, f"§3.2 weeks 5-8 once weekly {SPRAVATO}"), WEEKLY),
                WeeklyBlock(
                    9,
                    None,
                    Sourced(1, f"§3.2 week 9 on: weekly or every 2 weeks {SPRAVATO}"),
                    ClinicDefault(1, "weekly or every 2 weeks, individualised (§3.2)"),
                ),
            ),
            ClinicDefault(None, "no limit: least frequent dosing that maintains response (§3.2)"),
            f"§3.2 {SPRAVATO}; evaluate benefit at the end of induction",
        ),
    ),
    prescriber_on_site=Sourced(
        True, "§3.9: a prescriber on site during administration and monitoring [REMS-FDA]"
    ),
    min_observation_min=Sourced(120, "§3.5: at least 2 hours [SPR-PI2019] [SPR-HCP]"),
    monitoring_checkpoints=(
        Checkpoint("bp_before_dose", "before_dose", "blood pressure", "§3.4 [SPR-HCP]"),
        Checkpoint(
            "bp_40_min",
            40,
            "blood pressure, repeated until stable",
            "§3.4 [SPR-HCP]",
            None,
            "stable",
        ),
        Checkpoint(
            "pulse_oximetry", 0, "respiratory status incl. pulse oximetry", "§3.5 [SPR-HCP]"
        ),
        Checkpoint("sedation_dissociation", 0, "sedation and dissociation", "§4.1 [SPR-HCP]"),
        DISCHARGE,
    ),
    alert_thresholds=clinic_thresholds(),
    instruments_due=depression_instruments(),
    pre_checks=(
        ELIGIBILITY,
        PreCheck(
            "rems_setting",
            "REMS-certified setting; prescriber and oximeter on site.",
            "§11 item 1 [REMS-FDA]",
        ),
        PreCheck(
            "bp_consider_risk",
            "Baseline BP > 140/90 prompts a documented prescriber risk decision, not a hold.",
            "§3.4: PI wording UNVERIFIED",
        ),
        PreCheck(
            "fasting",
            "No food for 2 h and no liquids for 30 min before dosing.",
            "§3.3 [SPR-PREP] (secondary)",
        ),
        PreCheck(
            "nasal_medicines",
            "Nasal corticosteroid or decongestant at least 1 h before.",
            "§3.3 [SPR-PREP] (secondary)",
        ),
        ESCORT,
    ),
    sources=(
        "[SPR-PI2019]",
        "[SPR-HCP]",
        "[SPR-MIMS-HK]",
        "[SPR-LIOBM]",
        "[NDC-SPR]",
        "[REMS-FDA]",
    ),
    notes=(
        "Re-verify every label item against the current US PI before release (§3, §13 item 2).",
    ),
)
