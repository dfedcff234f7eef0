"""Planning treatment dates: the esketamine label's weekly pattern (§3.2), an IV induction series
with its minimum interval (§1.2), and the patient's preferred weekdays."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from datetime import date, timedelta

import pytest

from ketacare.core.protocols.defaults import DEFAULT_PROTOCOLS
from ketacare.core.protocols.model import ClinicDefault
from ketacare.core.protocols.schedule import (
    IntervalViolation,
    PlanningError,
    WeekRule,
    check_interval,
    default_offsets,
    min_interval_days,
    plan_phase,
    plan_weeks,
)

SPRAVATO = DEFAULT_PROTOCOLS["esketamine_nasal"]
IV = DEFAULT_PROTOCOLS["iv_ketamine_depression"]
MONDAY = date(2026, 11, 23)
TUESDAY = MONDAY + timedelta(days=1)
MON, TUE, WED, THU, FRI = range(5)


def course_week(start: date, day: date) -> int:
    return (day - start).days // 7 + 1


def weekdays(dates: list[date]) -> set[int]:
    return {d.weekday() for d in dates}


def test_esketamine_induction_from_a_monday_is_twice_weekly_monday_and_thursday() -> None:
    dates = plan_phase(SPRAVATO, "induction", MONDAY)
    assert len(dates) == 8
    assert Counter(course_week(MONDAY, d) for d in dates) == {1: 2, 2: 2, 3: 2, 4: 2}
    assert weekdays(dates) == {MON, THU}
    assert dates[0] == MONDAY


def test_esketamine_maintenance_is_weekly_in_weeks_5_to_8_then_weekly_from_week_9() -> None:
    dates = plan_phase(SPRAVATO, "maintenance", MONDAY, count=6)
    assert [course_week(MONDAY, d) for d in dates] == [5, 6, 7, 8, 9, 10]
    assert weekdays(dates) == {MON}


def test_esketamine_from_week_9_may_be_every_two_weeks() -> None:
    dates = plan_phase(SPRAVATO, "maintenance", MONDAY, count=7, every_n_weeks=2)
    assert [course_week(MONDAY, d) for d in dates] == [5, 6, 7, 8, 9, 11, 13]


def test_a_whole_esketamine_course_keeps_the_minimum_interval() -> None:
    induction = plan_phase(SPRAVATO, "induction", MONDAY)
    maintenance = plan_phase(SPRAVATO, "maintenance", MONDAY, count=4, after=induction[-1])
    assert check_interval(induction + maintenance, 48) == []


def test_iv_induction_is_six_infusions_monday_wednesday_friday_over_two_weeks() -> None:
    dates = plan_phase(IV, "induction", MONDAY)
    assert dates == [MONDAY + timedelta(days=n) for n in (0, 2, 4, 7, 9, 11)]
    assert check_interval(dates, 48) == []


def test_iv_induction_twice_weekly_takes_three_weeks() -> None:
    dates = plan_phase(IV, "induction", MONDAY, per_week=2)
    assert len(dates) == 6
    assert {course_week(MONDAY, d) for d in dates} == {1, 2, 3}
    assert weekdays(dates) == {MON, THU}


@pytest.mark.parametrize(
    ("protocol", "start", "preferred"),
    [
        (SPRAVATO, MONDAY, (TUE, FRI)),
        (SPRAVATO, TUESDAY, (MON, WED)),
        (IV, TUESDAY, (MON, WED, FRI)),
    ],
)
def test_preferred_weekdays_are_used_when_the_interval_allows(
    protocol: object, start: date, preferred: tuple[int, ...]
) -> None:
    assert protocol is SPRAVATO or protocol is IV
    dates = plan_phase(protocol, "induction", start, preferred)
    assert weekdays(dates) == set(preferred)
    assert check_interval(dates, 48) == []


def test_one_preferred_day_is_kept_when_two_would_be_too_close() -> None:
    dates = plan_phase(SPRAVATO, "induction", MONDAY, (MON, TUE))
    assert weekdays(dates) == {MON, THU}


def test_a_single_preferred_day_is_filled_out_with_the_default_spread() -> None:
    dates = plan_phase(SPRAVATO, "induction", MONDAY, (WED,))
    assert weekdays(dates) == {MON, WED}  # Wednesday kept; Monday is nearest the Mon/Thu spread


def test_the_first_date_keeps_the_interval_from_the_last_treatment_given() -> None:
    dates = plan_phase(SPRAVATO, "induction", MONDAY, after=MONDAY - timedelta(days=1))
    assert dates[0] == MONDAY + timedelta(days=1)
    assert check_interval([MONDAY - timedelta(days=1), *dates], 48) == []


def test_a_shorter_count_plans_only_that_many() -> None:
    assert plan_phase(SPRAVATO, "induction", MONDAY, count=3) == [
        MONDAY,
        MONDAY + timedelta(days=3),
        MONDAY + timedelta(days=7),
    ]


def test_a_phase_decided_at_review_has_no_calendar() -> None:
    with pytest.raises(PlanningError, match="No consensus maintenance schedule"):
        plan_phase(IV, "maintenance", MONDAY)


def test_planning_needs_the_minimum_interval_set() -> None:
    unset = dataclasses.replace(IV, min_interval_hours=ClinicDefault(None, "clinic sets"))
    with pytest.raises(PlanningError, match="set the minimum interval"):
        plan_phase(unset, "induction", MONDAY)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"phase_name": "induction", "count": 7}, "7 treatments asked; the phase allows 6"),
        ({"phase_name": "induction", "count": 0}, "Plan at least one treatment; got 0"),
        ({"phase_name": "induction", "preferred_weekdays": (7,)}, "0 (Monday) to 6 (Sunday)"),
        ({"phase_name": "induction", "per_week": 8}, "got 8 per week every 1 week(s)"),
    ],
)
def test_impossible_requests_are_refused_with_a_reason(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(PlanningError, match=re.escape(message)):
        plan_phase(IV, start=MONDAY, **kwargs)  # type: ignore[arg-type]


def test_an_open_ended_phase_needs_a_count() -> None:
    with pytest.raises(PlanningError, match="needs the number of treatments"):
        plan_phase(SPRAVATO, "maintenance", MONDAY)


def test_a_week_that_cannot_keep_the_interval_is_refused_plainly() -> None:
    with pytest.raises(PlanningError, match=re.escape("Week 1 (from 2026-11-23) cannot hold 3")):
        plan_weeks([WeekRule(1, 2, 3, 1)], MONDAY, min_days=4)


def test_a_finite_schedule_shorter_than_the_count_is_refused() -> None:
    with pytest.raises(PlanningError, match="5 treatments asked; the schedule holds 4"):
        plan_weeks([WeekRule(1, 2, 2, 1)], MONDAY, min_days=2, count=5)


def test_a_finite_schedule_without_a_count_plans_every_week() -> None:
    assert len(plan_weeks([WeekRule(1, 3, 1, 1), WeekRule(4, 6, 1, 2)], MONDAY, 2)) == 5


@pytest.mark.parametrize(("hours", "days"), [(0, 0), (1, 1), (24, 1), (25, 2), (48, 2), (49, 3)])
def test_minimum_interval_hours_round_up_to_whole_days(hours: int, days: int) -> None:
    assert min_interval_days(hours) == days


@pytest.mark.parametrize(
    ("per_week", "offsets"), [(1, (0,)), (2, (0, 3)), (3, (0, 2, 4)), (7, (0, 1, 2, 3, 4, 5, 6))]
)
def test_default_spread_of_treatments_through_a_week(
    per_week: int, offsets: tuple[int, ...]
) -> None:
    assert default_offsets(per_week) == offsets


def test_check_interval_reports_pairs_too_close_or_out_of_order() -> None:
    dates = [MONDAY, MONDAY + timedelta(days=2), MONDAY + timedelta(days=3), MONDAY]
    violations = check_interval(dates, 48)
    assert violations == [
        IntervalViolation(dates[1], dates[2], 1, 2),
        IntervalViolation(dates[2], dates[3], -3, 2),
    ]
    assert (
        str(violations[0]) == "2026-11-25 to 2026-11-26 is 1 day(s); the protocol needs at least 2."
    )


def test_check_interval_accepts_dates_exactly_the_minimum_apart() -> None:
    assert check_interval([MONDAY, MONDAY + timedelta(days=2)], 48) == []
