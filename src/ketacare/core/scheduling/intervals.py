"""The protocol's minimum interval between a course's treatments, start to start, checked on real
instants: used to refuse a manual move that would bring two treatments too close together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from ketacare.core.scheduling.wording import duration, moment


@dataclass(frozen=True)
class IntervalViolation:
    """Two consecutive treatments, in course order, that start closer than ``min_interval``
    (or in the wrong order). Instants read in their own zone: give them in the site's."""

    earlier: datetime
    later: datetime
    min_interval: timedelta

    @property
    def gap(self) -> timedelta:
        return _elapsed(self.earlier, self.later)

    def __str__(self) -> str:
        first, then = moment(self.earlier), moment(self.later)
        need = f"the protocol needs at least {duration(self.min_interval)} between their starts"
        if self.gap < timedelta(0):
            return f"The treatment at {then} would come before the one at {first}; {need}."
        return f"The treatments at {first} and {then} are {duration(self.gap)} apart; {need}."


def interval_violations(
    starts: Sequence[datetime], min_interval: timedelta
) -> list[IntervalViolation]:
    """Every consecutive pair of ``starts`` (in course order) closer than ``min_interval``."""
    return [
        IntervalViolation(earlier, later, min_interval)
        for earlier, later in pairwise(starts)
        if _elapsed(earlier, later) < min_interval
    ]


def _elapsed(earlier: datetime, later: datetime) -> timedelta:
    """Real time between two instants: Python subtracts two times of one zone on the wall clock,
    which is an hour off across a daylight-saving change."""
    return later.astimezone(UTC) - earlier.astimezone(UTC)
