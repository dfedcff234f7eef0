"""Planning a course's treatment DATES from a protocol phase: no chairs, staff or times of day.

Weeks are course weeks: week 1 is the seven days starting on the course's first day. Within a week
the planner picks ``per_week`` days that keep the protocol's minimum interval (in whole days,
rounded up from hours, because only dates are planned here), preferring the patient's weekdays,
then the default spread ``i * 7 // per_week`` days into the week (twice weekly from a Monday start:
Monday and Thursday; thrice weekly: Monday, Wednesday, Friday), then the earliest days. It says
plainly when a week cannot hold the treatments asked for.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations, pairwise
from itertools import count as counting

from ketacare.core.errors import KetacareError
from ketacare.core.protocols.model import ByReview, Protocol, WeeklyBlock, value_of

DAYS_PER_WEEK = 7


class PlanningError(KetacareError):
    """The dates asked for cannot be planned under the protocol; the message says why."""


@dataclass(frozen=True)
class IntervalViolation:
    """Two consecutive treatment dates closer than the minimum interval (or out of order)."""

    earlier: date
    later: date
    gap_days: int
    min_days: int

    def __str__(self) -> str:
        return (
            f"{self.earlier.isoformat()} to {self.later.isoformat()} is {self.gap_days} day(s); "
            f"the protocol needs at least {self.min_days}."
        )


@dataclass(frozen=True)
class WeekRule:
    """A weekly block with every value resolved to a number, ready to plan."""

    first_week: int
    last_week: int | None
    per_week: int
    every_n_weeks: int


def min_interval_days(min_interval_hours: int) -> int:
    """Whole days between treatment dates that keep ``min_interval_hours`` (48 h -> 2 days)."""
    return -(-min_interval_hours // 24)


def default_offsets(per_week: int) -> tuple[int, ...]:
    """Days into the week of the default spread: 1 -> (0,), 2 -> (0, 3), 3 -> (0, 2, 4)."""
    return tuple(i * DAYS_PER_WEEK // per_week for i in range(per_week))


def check_interval(dates: Sequence[date], min_interval_hours: int) -> list[IntervalViolation]:
    """Every consecutive pair, in the order given, closer than the minimum interval."""
    min_days = min_interval_days(min_interval_hours)
    return [
        IntervalViolation(earlier, later, (later - earlier).days, min_days)
        for earlier, later in pairwise(dates)
        if (later - earlier).days < min_days
    ]


def plan_phase(
    protocol: Protocol,
    phase_name: str,
    start: date,
    preferred_weekdays: tuple[int, ...] | None = None,
    count: int | None = None,
    *,
    after: date | None = None,
    per_week: int | None = None,
    every_n_weeks: int | None = None,
) -> list[date]:
    """The treatment dates of one phase. ``start`` is the course's first day (week 1, day 1);
    ``after`` is the last treatment already given or booked, which the first date must keep the
    interval from. ``count`` defaults to the phase's maximum; ``per_week`` overrides every block's
    frequency and ``every_n_weeks`` the open-ended block's (esketamine week 9 on: 1 or 2)."""
    phase = protocol.phase(phase_name)
    if isinstance(phase.schedule, ByReview):
        raise PlanningError(f"{protocol.name}, {phase_name}: {phase.schedule.note}")
    hours = value_of(protocol.min_interval_hours)
    if hours is None:
        raise PlanningError(f"{protocol.name}: set the minimum interval before planning dates.")
    most = value_of(phase.max_treatments)
    if count is not None and most is not None and count > most:
        raise PlanningError(
            f"{protocol.name}, {phase_name}: {count} treatments asked; the phase allows {most}."
        )
    rules = [_resolve(block, per_week, every_n_weeks) for block in phase.schedule]
    wanted = most if count is None else count
    return plan_weeks(rules, start, min_interval_days(hours), preferred_weekdays, wanted, after)


def _resolve(block: WeeklyBlock, per_week: int | None, every_n_weeks: int | None) -> WeekRule:
    every = value_of(block.every_n_weeks)
    if block.last_week is None and every_n_weeks is not None:
        every = every_n_weeks
    rule = WeekRule(
        block.first_week, block.last_week, per_week or value_of(block.per_week) or 0, every or 0
    )
    if not 1 <= rule.per_week <= DAYS_PER_WEEK or rule.every_n_weeks < 1:
        raise PlanningError(
            f"Treatments per week must be 1-7 and the repeat 1 week or more; "
            f"got {rule.per_week} per week every {rule.every_n_weeks} week(s)."
        )
    return rule


def plan_weeks(
    rules: Sequence[WeekRule],
    start: date,
    min_days: int,
    preferred_weekdays: tuple[int, ...] | None = None,
    count: int | None = None,
    after: date | None = None,
) -> list[date]:
    """Dates for ``rules`` in order, stopping at ``count`` (required when a rule is open-ended)."""
    preferred = _weekdays(preferred_weekdays)
    if count is None and any(rule.last_week is None for rule in rules):
        raise PlanningError("An open-ended schedule needs the number of treatments to plan.")
    if count is not None and count < 1:
        raise PlanningError(f"Plan at least one treatment; got {count}.")
    planned: list[date] = []
    for week, per_week in _weeks(rules):
        if count is not None and len(planned) >= count:
            break
        week_start = start + timedelta(days=DAYS_PER_WEEK * (week - 1))
        previous = planned[-1] if planned else after
        planned.extend(_pick_week(week, week_start, per_week, min_days, preferred, previous))
    if count is not None and len(planned) < count:
        raise PlanningError(f"{count} treatments asked; the schedule holds {len(planned)}.")
    return planned if count is None else planned[:count]


def _weekdays(preferred: tuple[int, ...] | None) -> frozenset[int]:
    days = frozenset(preferred or ())
    if any(not 0 <= day <= 6 for day in days):
        raise PlanningError("Preferred weekdays are 0 (Monday) to 6 (Sunday).")
    return days


def _weeks(rules: Sequence[WeekRule]) -> Iterator[tuple[int, int]]:
    """(course week, treatments that week) for every week the rules schedule, in order."""
    for rule in rules:
        if rule.last_week is None:
            weeks: Iterator[int] = counting(rule.first_week, rule.every_n_weeks)
        else:
            weeks = iter(range(rule.first_week, rule.last_week + 1, rule.every_n_weeks))
        for week in weeks:
            yield week, rule.per_week


def _pick_week(
    week: int,
    week_start: date,
    per_week: int,
    min_days: int,
    preferred: frozenset[int],
    previous: date | None,
) -> list[date]:
    """The best ``per_week`` days of one week that keep ``min_days`` from each other and from
    ``previous``: most preferred weekdays, then closest to the default spread, then earliest."""
    earliest = week_start if previous is None else max(week_start, previous + timedelta(min_days))
    days = [week_start + timedelta(i) for i in range(DAYS_PER_WEEK)]
    feasible: list[tuple[date, ...]] = [
        combo
        for combo in combinations([day for day in days if day >= earliest], per_week)
        if all((b - a).days >= min_days for a, b in pairwise(combo))
    ]
    if not feasible:
        after = f" after {previous.isoformat()}" if previous is not None else ""
        raise PlanningError(
            f"Week {week} (from {week_start.isoformat()}) cannot hold {per_week} treatment(s) "
            f"at least {min_days} day(s) apart{after}."
        )
    spread = default_offsets(per_week)
    return list(min(_score(combo, week_start, spread, preferred) for combo in feasible)[2])


def _score(
    combo: tuple[date, ...], week_start: date, spread: tuple[int, ...], preferred: frozenset[int]
) -> tuple[int, int, tuple[date, ...]]:
    """Lower is better: more preferred weekdays, then nearer the default spread, then earlier."""
    liked = sum(day.weekday() in preferred for day in combo)
    offsets = [(day - week_start).days for day in combo]
    return -liked, sum(abs(o - s) for o, s in zip(offsets, spread, strict=True)), combo
