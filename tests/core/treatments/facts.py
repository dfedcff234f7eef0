"""Facts that satisfy every guard of a target state, to break one at a time in tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType

from ketacare.core.enums import CheckStatus, TreatmentState
from ketacare.core.treatments import AdministrationFacts, DischargeFacts, Facts

ON = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
BASELINE_AT = NOW - timedelta(hours=3)
ESKETAMINE_CHECKS = MappingProxyType(
    {
        "eligibility_signed": "The prescriber's eligibility decision is signed.",
        "rems_setting": "REMS-certified setting; prescriber and oximeter on site.",
        "fasting": "No food for 2 h and no liquids for 30 min before dosing.",
        "escort_home": "An adult escort takes the patient home.",
    }
)
CLEARED = Facts(
    now=NOW,
    treatment_on=ON,
    eligibility_current=True,
    consent_valid=True,
    order_exists=True,
    baseline=MappingProxyType(
        {v: BASELINE_AT for v in ("sbp_mmhg", "dbp_mmhg", "hr_bpm", "spo2_percent")}
    ),
    protocol_checks=ESKETAMINE_CHECKS,
    checks=MappingProxyType(
        {
            "rems_setting": CheckStatus.CONFIRMED,
            "fasting": CheckStatus.WAIVED,
            "escort_home": CheckStatus.CONFIRMED,
        }
    ),
    pregnancy_test_required=True,
    pregnancy_test_positive=False,
    rems_required=True,
    rems_enrolled=True,
)
GIVEN = AdministrationFacts(
    lot_number="LOT-1",
    lot_expiry=ON,
    started_at=NOW - timedelta(hours=2, minutes=30),
    ended_at=NOW - timedelta(hours=2, minutes=20),
)
DISCHARGE = DischargeFacts(
    vitals_within_limits=True,
    alert_and_oriented=True,
    nausea_controlled=True,
    escort_present=True,
    aldrete_total=9,
    padss_total=10,
    signed_off=True,
    instructions_given=True,
)
ALL_MET = replace(
    CLEARED,
    administration=GIVEN,
    observation_started_at=NOW - timedelta(minutes=120),
    min_observation_min=120,
    discharge=DISCHARGE,
    abort_reason="Patient asked to stop.",
)
NOTHING = Facts(now=NOW, treatment_on=ON)
PATH = [
    TreatmentState.SCHEDULED,
    TreatmentState.CHECKED_IN,
    TreatmentState.CLEARED,
    TreatmentState.DOSING,
    TreatmentState.OBSERVATION,
    TreatmentState.READY_FOR_DISCHARGE,
    TreatmentState.DISCHARGED,
]
