"""Due and overdue: before every treatment (on treatment days not yet answered for) and every n
days (due at n, overdue after n + grace)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ketacare.core.errors import ValidationFailed
from ketacare.core.schedules import ScheduleSpec, status_on, validate_schedule

START = date(2026, 3, 2)
WEEKLY = ScheduleSpec("every_n_days", 7, START)
BEFORE = ScheduleSpec("before_every_treatment", None, START)
TREATMENTS = (date(2026, 3, 3), date(2026, 3, 5), date(2026, 3, 10))


def day(n: int) -> date:
    return START + timedelta(days=n)


@pytest.mark.parametrize(
    ("last", "on", "expected"),
    [
        (None, 0, "due"),
        (None, 2, "due"),
        (None, 3, "overdue"),
        (0, 6, None),
        (0, 7, "due"),
        (0, 9, "due"),
        (0, 10, "overdue"),
        (-20, 0, "overdue"),
    ],
)
def test_every_n_days_is_due_at_n_and_overdue_after_the_grace_days(
    last: int | None, on: int, expected: str | None
):
    last_on = None if last is None else day(last)
    assert status_on(WEEKLY, day(on), last_on) == expected


def test_the_grace_period_is_a_parameter():
    assert status_on(WEEKLY, day(8), day(0), grace_days=0) == "overdue"
    assert status_on(WEEKLY, day(8), day(0), grace_days=1) == "due"


def test_before_every_treatment_is_due_only_on_treatment_days():
    assert status_on(BEFORE, date(2026, 3, 3), None, TREATMENTS) == "due"
    assert status_on(BEFORE, date(2026, 3, 4), None, TREATMENTS) is None


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (None, "due"),
        (date(2026, 3, 3), "due"),  # answered for the previous treatment, not this one
        (date(2026, 3, 4), None),
        (date(2026, 3, 5), None),  # answered this morning
    ],
)
def test_before_every_treatment_counts_answers_since_the_previous_treatment(
    last: date | None, expected: str | None
):
    assert status_on(BEFORE, date(2026, 3, 5), last, TREATMENTS) == expected


def test_the_first_treatment_counts_answers_since_the_schedule_started():
    assert status_on(BEFORE, date(2026, 3, 3), date(2026, 3, 1), TREATMENTS) == "due"
    assert status_on(BEFORE, date(2026, 3, 3), START, TREATMENTS) is None


def test_a_schedule_asks_nothing_before_its_start_after_its_end_or_once_ended():
    bounded = ScheduleSpec("every_n_days", 7, START, ends_on=day(10))
    assert status_on(bounded, day(-1), None) is None
    assert status_on(bounded, day(11), None) is None
    assert status_on(ScheduleSpec("every_n_days", 7, START, active=False), day(3), None) is None


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (ScheduleSpec("monthly", None, START), "rule"),
        (ScheduleSpec("every_n_days", None, START), "interval_days"),
        (ScheduleSpec("every_n_days", 0, START), "interval_days"),
        (ScheduleSpec("every_n_days", 367, START), "interval_days"),
        (ScheduleSpec("before_every_treatment", 7, START), "interval_days"),
        (ScheduleSpec("every_n_days", 7, START, ends_on=day(-1)), "ends_on"),
    ],
)
def test_an_impossible_schedule_is_refused_on_the_field_at_fault(spec: ScheduleSpec, field: str):
    with pytest.raises(ValidationFailed) as raised:
        validate_schedule(spec)
    assert field in raised.value.by_field()


def test_a_sensible_schedule_passes():
    validate_schedule(WEEKLY)
    validate_schedule(BEFORE)
