"""The calendar indexed by site-local day, built once per planning call.

A course tries a few days out of weeks of bookings; grouping the bookings and the rota by day once
keeps each try to that day's few entries. Every instant is kept in UTC so that arithmetic and
comparisons are in real minutes across a daylight-saving change. A day's staffing profile (how
many chairs are taken and how many nurses and prescribers are on duty, segment by segment) is built
when first asked for and rebuilt after a slot is added to that day.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from ketacare.core.scheduling.model import SchedulingError, SiteCalendar, Slot

Span = tuple[datetime, datetime]
_TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class Cover:
    """Staffing over a block: the fewest nurses and prescribers on duty at any moment of it, and
    whether at some moment one more chair would exceed what the nurses on duty can cover."""

    fewest_nurses: int
    fewest_prescribers: int
    over_capacity: bool


@dataclass(frozen=True)
class _Profile:
    """Counts (chairs taken, nurses, prescribers) from each change time to the next."""

    times: list[datetime]
    counts: list[tuple[int, int, int]]


@dataclass
class _Day:
    chairs: defaultdict[int, list[Span]] = field(default_factory=lambda: defaultdict(list))
    taken: list[Span] = field(default_factory=list)
    nurses: list[Span] = field(default_factory=list)
    prescribers: list[Span] = field(default_factory=list)
    profile: _Profile | None = None


class Agenda:
    """One site's bookings and rota by local day, plus the slots booked during this call."""

    def __init__(self, calendar: SiteCalendar) -> None:
        if calendar.chairs_per_nurse < 1 or calendar.slot_step_min < 1:
            raise SchedulingError(
                "Set the chairs each nurse covers and the slot step (minutes) to 1 or more."
            )
        self.calendar = calendar
        self._days: defaultdict[date, _Day] = defaultdict(_Day)
        for booking in calendar.bookings:
            self._take(booking.location_id, _utc(booking.starts_at, booking.ends_at))
        for duty in _merged_duty(calendar):
            role, span = duty
            for on in self._local_days(span):
                day = self._days[on]
                (day.nurses if role == "nurse" else day.prescribers).append(span)

    def add(self, slot: Slot) -> None:
        """Count ``slot`` as taken for every later search in this call."""
        self._take(slot.location_id, _utc(slot.starts_at, slot.ends_at))

    def free_chairs(
        self, on: date, start: datetime, end: datetime, chairs: Iterable[int]
    ) -> list[int]:
        """Those of ``chairs`` with nothing overlapping ``start``-``end``, in the order given."""
        taken = self._days[on].chairs
        return [c for c in chairs if not any(s < end and start < e for s, e in taken[c])]

    def cover(self, on: date, start: datetime, end: datetime) -> Cover:
        """Staffing over ``start``-``end`` of local day ``on``."""
        profile = self._profile(on)
        first = bisect_right(profile.times, start) - 1
        stop = bisect_left(profile.times, end)
        levels = profile.counts[max(first, 0) : stop]
        if first < 0:
            levels.insert(0, (0, 0, 0))
        per_nurse = self.calendar.chairs_per_nurse
        return Cover(
            fewest_nurses=min(nurses for _, nurses, _ in levels),
            fewest_prescribers=min(prescribers for _, _, prescribers in levels),
            over_capacity=any(taken + 1 > nurses * per_nurse for taken, nurses, _ in levels),
        )

    def _take(self, chair: int, span: Span) -> None:
        for on in self._local_days(span):
            day = self._days[on]
            day.chairs[chair].append(span)
            day.taken.append(span)
            day.profile = None

    def _local_days(self, span: Span) -> list[date]:
        zone = self.calendar.zone
        first = span[0].astimezone(zone).date()
        last = max(span[0], span[1] - _TICK).astimezone(zone).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def _profile(self, on: date) -> _Profile:
        day = self._days[on]
        if day.profile is None:
            day.profile = _build_profile((day.taken, day.nurses, day.prescribers))
        return day.profile


def _utc(start: datetime, end: datetime) -> Span:
    return start.astimezone(UTC), end.astimezone(UTC)


def _merged_duty(calendar: SiteCalendar) -> list[tuple[str, Span]]:
    """Each person's duty per role with overlapping entries joined, so nobody counts twice."""
    by_person: defaultdict[tuple[int, str], list[Span]] = defaultdict(list)
    for duty in calendar.on_duty:
        by_person[(duty.staff_user_id, duty.role)].append(_utc(duty.starts_at, duty.ends_at))
    merged: list[tuple[str, Span]] = []
    for (_, role), spans in by_person.items():
        joined: list[Span] = []
        for start, end in sorted(spans):
            if joined and start <= joined[-1][1]:
                joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
            else:
                joined.append((start, end))
        merged.extend((role, span) for span in joined)
    return merged


def _build_profile(kinds: tuple[list[Span], list[Span], list[Span]]) -> _Profile:
    """Sweep every start (+1) and end (-1) of chairs taken, nurses and prescribers."""
    deltas: defaultdict[datetime, list[int]] = defaultdict(lambda: [0, 0, 0])
    for kind, spans in enumerate(kinds):
        for start, end in spans:
            deltas[start][kind] += 1
            deltas[end][kind] -= 1
    times = sorted(deltas)
    counts: list[tuple[int, int, int]] = []
    running = (0, 0, 0)
    for at in times:
        taken, nurses, prescribers = (r + d for r, d in zip(running, deltas[at], strict=True))
        running = (taken, nurses, prescribers)
        counts.append(running)
    return _Profile(times, counts)
