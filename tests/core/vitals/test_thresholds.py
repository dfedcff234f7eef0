"""Threshold profiles: the protocol's limits as the act level, clinic rows per level, a pulse
rate falling back to heart-rate limits, and validation by field (§4.2: the numbers are the
clinic's; these tests set their own)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacare.core.enums import ThresholdLevel
from ketacare.core.errors import ValidationFailed
from ketacare.core.vitals.thresholds import (
    NO_LIMITS,
    NOT_SET_NOTE,
    SOP_EXAMPLES,
    ThresholdProfile,
    build_profile,
)
from tests.core.vitals.profiles import PROFILE, lim

L = ThresholdLevel


def test_an_empty_profile_has_no_limits_and_the_sop_examples_are_only_text():
    profile = build_profile({"sbp_mmhg": None, "spo2_percent": None})
    assert profile == ThresholdProfile()
    assert profile.limits("sbp_mmhg", L.ACT) == NO_LIMITS
    assert "UNVERIFIED" in SOP_EXAMPLES
    assert "§4.2" in NOT_SET_NOTE


def test_the_protocols_limits_are_the_act_level_unless_told_otherwise():
    assert PROFILE.limits("sbp_mmhg", L.ACT) == lim(high="179")
    assert PROFILE.limits("sbp_mmhg", L.WARN) == lim(high="159")
    as_warn = build_profile({"sbp_mmhg": lim(high="150")}, protocol_level=L.WARN)
    assert as_warn.limits("sbp_mmhg", L.WARN) == lim(high="150")
    assert as_warn.limits("sbp_mmhg", L.ACT) == NO_LIMITS


def test_a_clinic_row_replaces_the_protocols_limits_for_that_level_whole():
    profile = build_profile({"hr_bpm": lim("45", "130")}, {("hr_bpm", "act"): lim(high="125")})
    assert profile.limits("hr_bpm", L.ACT) == lim(high="125")


def test_a_pulse_rate_uses_heart_rate_limits_unless_it_has_its_own():
    assert PROFILE.limits("pulse_bpm", L.ACT) == lim("40", "120")
    own = build_profile({"hr_bpm": lim("40", "120"), "pulse_bpm": lim("45", "110")})
    assert own.limits("pulse_bpm", L.ACT) == lim("45", "110")
    assert own.limits("map_mmhg", L.ACT) == NO_LIMITS


@pytest.mark.parametrize(
    ("protocol", "clinic", "fields"),
    [
        ({"sbp_mmhg": lim("100", "100")}, {}, {"sbp_mmhg.act.low"}),
        ({"sbp_mmhg": lim("120", "100")}, {}, {"sbp_mmhg.act.low"}),
        ({"spo2_percent": lim(low="101")}, {}, {"spo2_percent.act.low"}),
        ({"hr_bpm": lim(high="-5")}, {}, {"hr_bpm.act.high"}),
        ({"hr_bpm": lim(high="NaN")}, {}, {"hr_bpm.act.high"}),
        ({"weight_kg": lim(high="200")}, {}, {"weight_kg.act"}),
        ({}, {("hr_bpm", "urgent"): lim(high="130")}, {"hr_bpm.urgent"}),
        (
            {"sbp_mmhg": lim(high="159")},
            {("sbp_mmhg", "warn"): lim(high="159")},
            {"sbp_mmhg.act.high"},
        ),
        (
            {"spo2_percent": lim(low="94")},
            {("spo2_percent", "warn"): lim(low="92")},
            {"spo2_percent.act.low"},
        ),
        (
            {"sbp_mmhg": lim("200", "100"), "rr_per_min": lim(low="-1")},
            {},
            {"sbp_mmhg.act.low", "rr_per_min.act.low"},
        ),
    ],
)
def test_unusable_limits_are_refused_naming_each_field(protocol, clinic, fields):
    with pytest.raises(ValidationFailed) as refused:
        build_profile(protocol, clinic)
    assert set(refused.value.by_field()) == fields


def test_act_beyond_warn_and_hold_independent_of_both_is_accepted():
    profile = build_profile(
        {"spo2_percent": lim(low="90")},
        {("spo2_percent", "warn"): lim(low="92"), ("spo2_percent", "hold"): lim(low="95")},
    )
    assert profile.limits("spo2_percent", L.HOLD).low == Decimal("95")


def test_limits_name_the_side_a_value_is_beyond_and_each_sides_limit():
    heart = lim("40", "120")
    assert (heart.beyond(Decimal("39")), heart.beyond(Decimal("121"))) == (
        ("low", Decimal("40")),
        ("high", Decimal("120")),
    )
    assert heart.beyond(Decimal("40")) is None
    assert (heart.limit("low"), heart.limit("high"), NO_LIMITS.limit("high")) == (
        Decimal("40"),
        Decimal("120"),
        None,
    )
