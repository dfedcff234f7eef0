"""A silent monitor (3 times its usual interval, issue 6) and escalation of unacknowledged
act-level alerts after the clinic's minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ketacare.core.errors import ValidationFailed
from ketacare.core.vitals.timing import escalation_due, monitor_silent, usual_interval
from tests.core.vitals.profiles import AT

S = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("offsets_s", "usual_s"),
    [
        ([], None),
        ([0], None),
        ([0, 5], 5),
        ([0, 1, 2, 3, 63, 64], 1),  # one long gap (a reconnect) does not move the median
        ([30, 0, 10, 20], 10),  # order of arrival does not matter
        ([0, 2, 6, 12], 4),  # gaps 2, 4, 6: the middle one
        ([0, 2, 6], 2),  # gaps 2, 4: the lower middle, so "silent" errs towards sounding
    ],
)
def test_the_usual_interval_is_the_median_gap(offsets_s, usual_s):
    expected = None if usual_s is None else usual_s * S
    assert usual_interval([AT + o * S for o in offsets_s]) == expected


@pytest.mark.parametrize(
    ("silent_for_s", "usual_s", "silent"),
    [(15, 5, False), (16, 5, True), (900, 300, False), (901, 300, True), (10**6, None, False)],
)
def test_a_monitor_is_silent_after_three_usual_intervals(silent_for_s, usual_s, silent):
    usual = None if usual_s is None else usual_s * S
    assert monitor_silent(AT, usual, AT + silent_for_s * S) is silent


def test_a_feed_that_never_started_or_has_no_interval_is_not_judged():
    assert monitor_silent(None, 5 * S, AT) is False
    assert monitor_silent(AT, timedelta(0), AT + 60 * S) is False
    assert monitor_silent(AT, 5 * S, AT + 11 * S, factor=2) is True


@pytest.mark.parametrize(
    ("waited_min", "acknowledged", "after_min", "due"),
    [(4, False, 5, False), (5, False, 5, True), (30, True, 5, False), (0, False, 0, True)],
)
def test_an_unacknowledged_act_alert_escalates_after_the_clinics_minutes(
    waited_min, acknowledged, after_min, due
):
    now = AT + timedelta(minutes=waited_min)
    assert escalation_due(AT, acknowledged, now, after_min) is due


def test_a_negative_escalation_time_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        escalation_due(AT, False, AT, -1)
    assert set(refused.value.by_field()) == {"escalate_after_min"}
