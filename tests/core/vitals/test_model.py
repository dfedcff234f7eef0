"""When a reading's number may be believed (issue 6: sentinels, status X and empty values are
stored as invalid and never raise or clear an alert)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from ketacare.core.vitals.model import latest_usable, usable_value
from tests.core.vitals.profiles import AT, reading


@pytest.mark.parametrize(
    ("vital", "value", "valid", "usable"),
    [
        ("spo2_percent", Decimal("97"), True, Decimal("97")),
        ("spo2_percent", 97.5, True, Decimal("97.5")),
        ("hr_bpm", 72, True, Decimal("72")),
        ("spo2_percent", Decimal("100"), True, Decimal("100")),
        ("spo2_percent", Decimal("100.1"), True, None),  # above a saturation's ceiling
        ("hr_bpm", Decimal("-999"), True, None),  # monitor sentinel
        ("temp_c", Decimal("-99.9"), True, None),  # monitor sentinel
        ("sbp_mmhg", Decimal("-1"), True, None),
        ("sbp_mmhg", Decimal("0"), True, Decimal("0")),
        ("sbp_mmhg", Decimal("120"), False, None),  # result status X
        ("sbp_mmhg", None, True, None),  # device row with no value
        ("sbp_mmhg", float("nan"), True, None),
        ("sbp_mmhg", float("inf"), True, None),
        ("sbp_mmhg", Decimal("sNaN"), True, None),
        ("sbp_mmhg", "abc", True, None),
        ("sbp_mmhg", True, True, None),
        ("weight_kg", Decimal("80"), True, None),  # not one of our vitals
    ],
)
def test_only_a_valid_finite_real_value_of_our_vitals_is_usable(vital, value, valid, usable):
    assert usable_value(reading(vital, value, valid)) == usable


def test_the_latest_usable_reading_of_each_vital_wins_and_invalid_ones_are_skipped():
    early = reading("sbp_mmhg", Decimal("150"), at=AT)
    late = reading("sbp_mmhg", Decimal("140"), at=AT + timedelta(minutes=5))
    later_invalid = reading("sbp_mmhg", Decimal("-999"), at=AT + timedelta(minutes=9))
    pulse = reading("hr_bpm", 70, at=AT)
    latest = latest_usable([late, later_invalid, early, pulse])
    assert latest == {"sbp_mmhg": late, "hr_bpm": pulse}
