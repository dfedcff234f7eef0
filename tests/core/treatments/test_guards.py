"""Every transition guard both ways (issue 6 acceptance): from facts that meet all of a state's
requirements, breaking one fact leaves exactly that requirement missing, with its sentence."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from types import MappingProxyType

import pytest

from ketacare.core.enums import CheckStatus, TreatmentState
from ketacare.core.treatments import checklist, missing
from tests.core.treatments.facts import ALL_MET, DISCHARGE, GIVEN, NOW, ON

S = TreatmentState
CHECKS = ALL_MET.checks


def without_check(code):
    return MappingProxyType({k: v for k, v in CHECKS.items() if k != code})


def with_check(code, status):
    return MappingProxyType({**CHECKS, code: status})


def discharge(**changes):
    return replace(DISCHARGE, **changes)


BROKEN = [
    # cleared: issue 6 "cleared needs"
    (S.CLEARED, {"eligibility_current": False}, "eligibility", "no current eligibility"),
    (S.CLEARED, {"consent_valid": False}, "consent", "Consent for this protocol is not signed."),
    (S.CLEARED, {"order_exists": False}, "order", "not ordered a dose"),
    (
        S.CLEARED,
        {"baseline": MappingProxyType({"sbp_mmhg": NOW, "dbp_mmhg": NOW})},
        "baseline_vitals",
        "not all taken: hr_bpm, spo2_percent.",
    ),
    (
        S.CLEARED,
        {"hold_breaches": ("SBP 171 mmHg is above the pre-dose hold limit of 159 mmHg.",)},
        "pre_dose_hold",
        "SBP 171 mmHg is above",
    ),
    (S.CLEARED, {"checks": without_check("escort_home")}, "escort_home", "No escort"),
    (
        S.CLEARED,
        {"checks": with_check("escort_home", CheckStatus.WAIVED)},
        "escort_home",
        "cannot be waived",
    ),
    (S.CLEARED, {"checks": without_check("fasting")}, "fasting", "No food for 2 h"),
    (S.CLEARED, {"checks": without_check("rems_setting")}, "rems_setting", "REMS-certified"),
    (S.CLEARED, {"instruments_pending": ("phq9",)}, "instruments", "not done or waived: phq9."),
    (S.CLEARED, {"pregnancy_test_positive": None}, "pregnancy_test", "result is required"),
    (S.CLEARED, {"pregnancy_test_positive": True}, "pregnancy_test_positive", "positive"),
    (S.CLEARED, {"rems_enrolled": False}, "rems_enrolment", "REMS enrolment"),
    # dosing: the administration with a usable lot
    (S.DOSING, {"administration": None}, "administration", "Record the administration"),
    (
        S.DOSING,
        {"administration": replace(GIVEN, started_at=None)},
        "administration",
        "start time",
    ),
    (S.DOSING, {"administration": replace(GIVEN, lot_number=" ")}, "administration", "lot"),
    (
        S.DOSING,
        {"administration": replace(GIVEN, lot_expiry=ON - timedelta(days=1))},
        "lot_expired",
        "The lot expired on 2026-03-01; an expired lot cannot be used.",
    ),
    # observation: dosing has stopped
    (S.OBSERVATION, {"administration": replace(GIVEN, ended_at=None)}, "dosing_end", "stopped"),
    (S.OBSERVATION, {"administration": None}, "dosing_end", "stopped"),
    # ready for discharge: §3.5 minimum observation, §4.4 criteria, sign-off
    (
        S.READY_FOR_DISCHARGE,
        {"observation_started_at": NOW - timedelta(minutes=119, seconds=1)},
        "observation_time",
        "Observation has 1 of 120 minutes to go.",
    ),
    (S.READY_FOR_DISCHARGE, {"observation_started_at": None}, "observation_time", "not started"),
    (S.READY_FOR_DISCHARGE, {"min_observation_min": None}, "observation_time", "not set"),
    *[
        (
            S.READY_FOR_DISCHARGE,
            {"discharge": discharge(**{criterion: False})},
            criterion,
            "Discharge criterion not met",
        )
        for criterion in (
            "vitals_within_limits",
            "alert_and_oriented",
            "nausea_controlled",
            "escort_present",
        )
    ],
    (
        S.READY_FOR_DISCHARGE,
        {"discharge": discharge(aldrete_total=8)},
        "aldrete",
        "Modified Aldrete total 8 is below the pass mark of 9.",
    ),
    (S.READY_FOR_DISCHARGE, {"discharge": discharge(padss_total=8)}, "padss", "PADSS total 8"),
    (S.READY_FOR_DISCHARGE, {"open_act_alerts": 2}, "open_alerts", "2 act-level alert(s)"),
    (S.READY_FOR_DISCHARGE, {"discharge": discharge(signed_off=False)}, "sign_off", "signed off"),
    # discharged: the instructions (§3.5 no driving until the next day)
    (
        S.DISCHARGED,
        {"discharge": discharge(instructions_given=False)},
        "instructions",
        "no driving or machinery until the next day",
    ),
    (S.ABORTED, {"abort_reason": ""}, "abort_reason", "Give the reason"),
]


@pytest.mark.parametrize("to", list(TreatmentState))
def test_with_every_fact_in_place_nothing_is_missing(to):
    assert missing(to, ALL_MET) == ()


@pytest.mark.parametrize(("to", "changes", "code", "words"), BROKEN)
def test_breaking_one_fact_leaves_exactly_that_requirement_missing(to, changes, code, words):
    lacking = missing(to, replace(ALL_MET, **changes))
    assert [item.code for item in lacking] == [code]
    assert words in lacking[0].message


@pytest.mark.parametrize(
    ("changes", "absent"),
    [
        ({"pregnancy_test_required": False, "pregnancy_test_positive": None}, "pregnancy_test"),
        ({"rems_required": False, "rems_enrolled": False}, "rems_enrolment"),
        ({"discharge": discharge(aldrete_total=None, padss_total=None)}, "aldrete"),
    ],
)
def test_a_requirement_that_does_not_apply_is_left_out_of_the_checklist(changes, absent):
    to = S.READY_FOR_DISCHARGE if absent == "aldrete" else S.CLEARED
    codes = {line.code for line in checklist(to, replace(ALL_MET, **changes))}
    assert absent not in codes
    assert missing(to, replace(ALL_MET, **changes)) == ()


def test_a_prescriber_override_with_a_reason_lifts_the_pre_dose_hold():
    held = replace(ALL_MET, hold_breaches=("DBP 104 mmHg is above the pre-dose hold limit.",))
    assert [m.code for m in missing(S.CLEARED, held)] == ["pre_dose_hold"]
    assert missing(S.CLEARED, replace(held, hold_override_reason="Reviewed.")) == ()
    overridden = replace(held, hold_override_reason="Reviewed.")
    labels = {r.code: r.label for r in checklist(S.CLEARED, overridden)}
    assert labels["pre_dose_hold"].endswith("(prescriber override)")
    assert [m.code for m in missing(S.CLEARED, replace(held, hold_override_reason=" "))] == [
        "pre_dose_hold"
    ]


def test_the_eligibility_pre_check_is_met_by_the_decision_not_by_a_check_row():
    lines = {line.code for line in checklist(S.CLEARED, ALL_MET)}
    assert "eligibility_signed" not in lines
    assert "eligibility" in lines


def test_a_lot_is_usable_through_its_expiry_date_and_observation_exactly_at_the_minimum():
    on_the_day = replace(ALL_MET, administration=replace(GIVEN, lot_expiry=ON))
    assert missing(S.DOSING, on_the_day) == ()
    exactly = replace(ALL_MET, observation_started_at=NOW - timedelta(minutes=120))
    assert missing(S.READY_FOR_DISCHARGE, exactly) == ()


def test_the_lot_line_appears_only_once_an_administration_is_recorded():
    codes = [line.code for line in checklist(S.DOSING, replace(ALL_MET, administration=None))]
    assert codes == ["administration"]
    assert [line.code for line in checklist(S.DOSING, ALL_MET)] == ["administration", "lot_expired"]
