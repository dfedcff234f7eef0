"""When a scheduled instrument is due or overdue on a given day.

Two rules, kept simple on purpose (the cadence is a design choice, not a sourced rule;
clinical-reference §5.1 "Suggested cadence"):

- ``before_every_treatment``: due on a day with a treatment appointment (not cancelled, not a
  no-show) unless the patient completed the instrument after the previous treatment day (or,
  for the first treatment, on or after the day the schedule started). A response on the previous
  treatment day itself counts for that treatment, not this one. It is never "overdue": a missed
  questionnaire is asked again before the next treatment.
- ``every_n_days``: due once ``interval_days`` or more days have passed since the last response
  (from the schedule's first day when there is none); overdue once more than
  ``interval_days + grace_days`` have passed. ``grace_days`` (default 2) is a design choice.

All dates are the site's own calendar days; the caller converts instants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from ketacare.core.enums import ScheduleRule
from ketacare.core.errors import FieldError, ValidationFailed

DEFAULT_GRACE_DAYS = 2
LONGEST_INTERVAL_DAYS = 366  # a sanity limit on typing mistakes, not a clinical rule

Status = Literal["due", "overdue"]


@dataclass(frozen=True)
class ScheduleSpec:
    """One instrument schedule as the rules see it."""

    rule: str
    interval_days: int | None
    starts_on: date
    ends_on: date | None = None
    active: bool = True


def validate_schedule(spec: ScheduleSpec) -> None:
    """Raise ``ValidationFailed`` for an unknown rule, a missing or odd interval, or a bad end."""
    errors: list[FieldError] = []
    if spec.rule not in {r.value for r in ScheduleRule}:
        errors.append(FieldError("rule", f"Choose one of: {', '.join(ScheduleRule)}."))
    elif spec.rule == ScheduleRule.EVERY_N_DAYS:
        days = spec.interval_days
        if days is None or not 1 <= days <= LONGEST_INTERVAL_DAYS:
            message = f"Enter a number of days from 1 to {LONGEST_INTERVAL_DAYS}."
            errors.append(FieldError("interval_days", message))
    elif spec.interval_days is not None:
        message = "Leave the interval empty: this schedule follows the treatments."
        errors.append(FieldError("interval_days", message))
    if spec.ends_on is not None and spec.ends_on < spec.starts_on:
        errors.append(FieldError("ends_on", "The end cannot be before the start."))
    if errors:
        raise ValidationFailed(errors)


def is_running(spec: ScheduleSpec, on: date) -> bool:
    return spec.active and spec.starts_on <= on and (spec.ends_on is None or on <= spec.ends_on)


def status_on(
    spec: ScheduleSpec,
    on: date,
    last_completed_on: date | None,
    treatment_days: Sequence[date] = (),
    grace_days: int = DEFAULT_GRACE_DAYS,
) -> Status | None:
    """ "due", "overdue" or None (nothing to ask) for the instrument on day ``on``."""
    if not is_running(spec, on):
        return None
    if spec.rule == ScheduleRule.BEFORE_EVERY_TREATMENT:
        return _before_treatment(spec, on, last_completed_on, treatment_days)
    assert spec.interval_days is not None
    return _every_n_days(spec, on, last_completed_on, spec.interval_days, grace_days)


def _before_treatment(
    spec: ScheduleSpec, on: date, last: date | None, treatment_days: Sequence[date]
) -> Status | None:
    if on not in treatment_days:
        return None
    earlier = [d for d in treatment_days if d < on]
    if earlier:
        answered = last is not None and max(earlier) < last
    else:
        answered = last is not None and spec.starts_on <= last
    return None if answered else "due"


def _every_n_days(
    spec: ScheduleSpec, on: date, last: date | None, interval: int, grace_days: int
) -> Status | None:
    # Never answered: count as if answered one interval before the start, so it is due on day one.
    since = last if last is not None else spec.starts_on - timedelta(days=interval)
    waited = (on - since).days
    if waited > interval + grace_days:
        return "overdue"
    return "due" if waited >= interval else None
