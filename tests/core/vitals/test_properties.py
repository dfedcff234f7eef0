"""Properties of the alert rules over any input: evaluate never raises (any float, NaN,
infinities, sentinels), unusable readings change nothing, and the open alerts of a vital always
end up mirroring the level its latest usable reading is at."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ketacare.core.enums import ThresholdLevel, Vital, VitalAlertLevel
from ketacare.core.vitals.alerts import ClearAlert, OpenAlert, RaiseAlert, evaluate
from ketacare.core.vitals.model import usable_value
from ketacare.core.vitals.timing import usual_interval
from tests.core.vitals.profiles import AT, PROFILE, reading

vitals = st.sampled_from([*list(Vital), "weight_kg", ""])
values = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.sampled_from([Decimal("-999"), Decimal("-99.9"), -999, -99.9]),
    st.text(max_size=5),
)
levels = st.sampled_from(list(VitalAlertLevel))
open_sets = st.lists(st.builds(OpenAlert, vitals, levels), max_size=4)


@given(vitals, values, st.booleans(), open_sets)
def test_evaluate_never_raises_and_an_unusable_reading_changes_nothing(
    vital, value, valid, open_alerts
):
    r = reading(vital, value, valid)
    decisions = evaluate(r, PROFILE, open_alerts)
    if usable_value(r) is None:
        assert decisions == []


def applied(open_alerts, decisions):
    """The open alerts after storing ``decisions`` as a caller would."""
    cleared = [d.alert for d in decisions if isinstance(d, ClearAlert)]
    raised = [OpenAlert(d.breach.vital, d.level) for d in decisions if isinstance(d, RaiseAlert)]
    return [a for a in open_alerts if a not in cleared] + raised


def level_of(vital, value):
    for threshold, level in ((ThresholdLevel.ACT, "act"), (ThresholdLevel.WARN, "warn")):
        if PROFILE.limits(vital, threshold).beyond(value) is not None:
            return VitalAlertLevel(level)
    return None


@given(
    st.sampled_from([Vital.SBP_MMHG, Vital.SPO2_PERCENT, Vital.HR_BPM, Vital.PULSE_BPM]),
    st.lists(
        st.decimals(min_value=0, max_value=100, places=1) | st.just(Decimal("-999")),
        min_size=1,
        max_size=12,
    ),
)
def test_after_any_stream_a_vital_has_one_open_alert_at_its_current_level_or_none(vital, stream):
    open_alerts: list[OpenAlert] = []
    last_level = None
    for value in stream:
        r = reading(vital, value)
        open_alerts = applied(open_alerts, evaluate(r, PROFILE, open_alerts))
        if usable_value(r) is not None:
            last_level = level_of(vital, value)
    assert [a.level for a in open_alerts] == ([] if last_level is None else [last_level])


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=2, max_size=30))
def test_the_usual_interval_lies_between_the_shortest_and_longest_gap(offsets_s):
    times = sorted(AT + timedelta(seconds=o) for o in offsets_s)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    usual = usual_interval(times)
    assert usual is not None
    assert min(gaps) <= usual <= max(gaps)
