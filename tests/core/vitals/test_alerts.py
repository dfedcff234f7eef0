"""What one reading does to the open alerts (issue 6, §4.2): raise once, supersede upwards, clear
when back within limits; invalid readings change nothing; the pre-dose hold."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from ketacare.core.enums import VitalAlertKind, VitalAlertLevel
from ketacare.core.vitals.alerts import ClearAlert, OpenAlert, RaiseAlert, evaluate, pre_dose_hold
from tests.core.vitals.profiles import AT, PROFILE, reading

WARN, ACT = VitalAlertLevel.WARN, VitalAlertLevel.ACT


def summary(decisions):
    return [
        ("raise", d.level.value, str(d.breach.value))
        if isinstance(d, RaiseAlert)
        else ("clear", d.alert.level.value, d.reason)
        for d in decisions
    ]


@pytest.mark.parametrize(
    ("vital", "value", "open_levels", "expected"),
    [
        ("spo2_percent", "97", [], []),
        ("spo2_percent", "93", [], [("raise", "warn", "93")]),
        ("spo2_percent", "85", [], [("raise", "act", "85")]),
        ("spo2_percent", "90", [], [("raise", "warn", "90")]),  # a limit is still acceptable
        ("spo2_percent", "85", [ACT], []),  # no duplicate while open
        ("spo2_percent", "93", [WARN], []),
        (
            "spo2_percent",
            "85",
            [WARN],
            [("clear", "warn", "Superseded by the act level."), ("raise", "act", "85")],
        ),
        (
            "spo2_percent",
            "93",
            [ACT],
            [("clear", "act", "Eased to the warn level."), ("raise", "warn", "93")],
        ),
        ("spo2_percent", "98", [WARN], [("clear", "warn", "Back within limits.")]),
        ("sbp_mmhg", "185", [], [("raise", "act", "185")]),
        ("hr_bpm", "38", [], [("raise", "act", "38")]),
        ("pulse_bpm", "125", [], [("raise", "act", "125")]),  # heart-rate limits
        ("map_mmhg", "200", [], []),  # no limit set: no alert
        ("temp_c", "41", [], []),
    ],
)
def test_a_reading_raises_supersedes_or_clears(vital, value, open_levels, expected):
    open_alerts = [OpenAlert(vital, level, alert_id=i) for i, level in enumerate(open_levels)]
    decisions = evaluate(reading(vital, Decimal(value)), PROFILE, open_alerts)
    assert summary(decisions) == expected


def test_the_alert_says_what_crossed_which_limit():
    (raised,) = evaluate(reading("spo2_percent", Decimal("85")), PROFILE, [])
    assert raised.breach.message == "SpO2 85 % is below the act limit of 90 %."
    assert (raised.breach.side, raised.breach.limit) == ("low", Decimal("90"))
    assert raised.kind == VitalAlertKind.THRESHOLD


def test_other_vitals_and_other_kinds_of_open_alerts_are_left_alone():
    others = [
        OpenAlert("hr_bpm", ACT),
        OpenAlert(None, WARN, VitalAlertKind.SILENT),
        OpenAlert(None, VitalAlertLevel.EMERGENCY, VitalAlertKind.SYMPTOM),
    ]
    assert evaluate(reading("spo2_percent", Decimal("98")), PROFILE, others) == []


@pytest.mark.parametrize("value", [Decimal("-999"), Decimal("-99.9"), None, float("nan")])
def test_an_invalid_reading_neither_raises_nor_clears(value):
    open_alerts = [OpenAlert("spo2_percent", ACT)]
    assert evaluate(reading("spo2_percent", value), PROFILE, open_alerts) == []
    assert evaluate(reading("spo2_percent", Decimal("99"), valid=False), PROFILE, open_alerts) == []


def test_a_cleared_decision_carries_the_callers_alert():
    open_alert = OpenAlert("spo2_percent", WARN, alert_id=41)
    (cleared,) = evaluate(reading("spo2_percent", Decimal("99")), PROFILE, [open_alert])
    assert cleared == ClearAlert(open_alert, "Back within limits.")


def test_the_pre_dose_hold_judges_the_latest_usable_value_of_each_vital():
    readings = [
        reading("sbp_mmhg", Decimal("172"), at=AT),
        reading("sbp_mmhg", Decimal("150"), at=AT + timedelta(minutes=10)),
        reading("dbp_mmhg", Decimal("104"), at=AT),
        reading("dbp_mmhg", Decimal("-999"), at=AT + timedelta(minutes=10)),
        reading("spo2_percent", Decimal("91"), at=AT),  # no hold limit set for SpO2
    ]
    breaches = pre_dose_hold(readings, PROFILE)
    assert [b.message for b in breaches] == [
        "DBP 104 mmHg is above the pre-dose hold limit of 99 mmHg."
    ]
    assert pre_dose_hold(readings[:2], PROFILE) == ()
