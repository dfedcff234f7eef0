"""Time rules on the treatment day: when a chair's monitor has gone silent, and when an
unacknowledged act-level alert goes up to the prescriber. Both run on receipt times and a ``now``
the caller gives (no clock in the core)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import pairwise
from statistics import median_low

from ketacare.core.errors import ValidationFailed

SILENT_FACTOR = 3  # issue 6: "stops for 3 times its usual interval"


def usual_interval(receipt_times: Iterable[datetime]) -> timedelta | None:
    """The median gap between consecutive receipt times (in time order), or None with fewer
    than two. The median ignores the odd long gap (a cuff cycle, a reconnect) that a mean
    would not. Of two middle gaps the lower is taken, so "silent" errs towards sounding."""
    times = sorted(receipt_times)
    gaps = [later - earlier for earlier, later in pairwise(times)]
    return median_low(gaps) if gaps else None


def monitor_silent(
    last_received_at: datetime | None,
    usual: timedelta | None,
    now: datetime,
    factor: int = SILENT_FACTOR,
) -> bool:
    """True when nothing has arrived for more than ``factor`` times the usual interval. Without
    a last receipt or a usual interval (a feed that never started) there is nothing to judge."""
    if last_received_at is None or usual is None or usual <= timedelta(0):
        return False
    return now - last_received_at > usual * factor


def escalation_due(
    alert_raised_at: datetime, acknowledged: bool, now: datetime, after_min: int
) -> bool:
    """True once an act-level alert has stayed unacknowledged for ``after_min`` minutes (a
    clinic setting: issue 6, "after a clinic-set time"). The caller passes act-level alerts."""
    if after_min < 0:
        raise ValidationFailed({"escalate_after_min": "Enter 0 minutes or more."})
    return not acknowledged and now - alert_raised_at >= timedelta(minutes=after_min)
