"""Properties: for any start date and preferred weekdays, planned dates rise strictly and never
break the protocol's minimum interval; a request is refused only when a week cannot fit it."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from ketacare.core.protocols.defaults import DEFAULT_PROTOCOLS
from ketacare.core.protocols.model import value_of
from ketacare.core.protocols.schedule import (
    PlanningError,
    WeekRule,
    check_interval,
    plan_phase,
    plan_weeks,
)

starts = st.dates(date(2024, 1, 1), date(2032, 12, 31))
preferences = st.none() | st.frozensets(st.integers(0, 6)).map(lambda days: tuple(sorted(days)))
plans = st.sampled_from(
    [
        ("esketamine_nasal", "induction", None, None, None),
        ("esketamine_nasal", "maintenance", 10, None, 1),
        ("esketamine_nasal", "maintenance", 10, None, 2),
        ("iv_ketamine_depression", "induction", None, 2, None),
        ("iv_ketamine_depression", "induction", None, 3, None),
    ]
)


@given(starts, preferences, plans)
def test_shipped_schedules_rise_strictly_and_keep_the_interval(
    start: date,
    preferred: tuple[int, ...] | None,
    plan: tuple[str, str, int | None, int | None, int | None],
) -> None:
    code, phase, count, per_week, every = plan
    protocol = DEFAULT_PROTOCOLS[code]
    dates = plan_phase(
        protocol, phase, start, preferred, count, per_week=per_week, every_n_weeks=every
    )
    hours = value_of(protocol.min_interval_hours)
    assert hours is not None
    assert all(a < b for a, b in pairwise(dates))
    assert check_interval(dates, hours) == []
    assert dates[0] >= start
    assert len(dates) == (count or value_of(protocol.phase(phase).max_treatments))


@given(
    starts,
    preferences,
    st.integers(0, 6),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 20),
)
def test_any_weekly_rule_is_planned_within_the_interval_or_refused(
    start: date,
    preferred: tuple[int, ...] | None,
    min_days: int,
    per_week: int,
    every: int,
    count: int,
) -> None:
    rule = WeekRule(1, None, per_week, every)
    if per_week * min_days > 7:  # the gaps of one week cannot fit in seven days
        try:
            dates = plan_weeks([rule], start, min_days, preferred, count)
        except PlanningError:
            return
    else:  # always feasible: even a last pick on day 7 leaves room in the next week
        dates = plan_weeks([rule], start, min_days, preferred, count)
    assert len(dates) == count
    assert all((b - a).days >= max(min_days, 1) for a, b in pairwise(dates))
