"""A course's treatments on real chairs: booked all at once, and re-planned after a change.

Treatments are placed in order, each counted as taken for the ones after it, and each starting at
least the protocol's minimum interval after the one before (start to start). A treatment whose
target day has no slot moves to a later day, at most ``max_shift_days`` later (a clinic setting):
days before the next treatment's target first, the patient's preferred weekdays first among them,
then the earliest. When nothing works the error names the treatment and the reason found on its
target day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from ketacare.core.scheduling.agenda import Agenda
from ketacare.core.scheduling.intervals import IntervalViolation, interval_violations
from ketacare.core.scheduling.model import (
    ChairBooking,
    SchedulingError,
    SiteCalendar,
    Slot,
    TreatmentNeeds,
)
from ketacare.core.scheduling.slots import Refusal, Why, best_slot, check_needs, slot_problem
from ketacare.core.scheduling.wording import duration, long_day, moment, short_day

# The public API in one place (the interval check itself is in intervals.py).
__all__ = ["IntervalViolation", "book_series", "interval_violations", "replan", "with_booked"]


@dataclass(frozen=True)
class _Search:
    """Where one treatment may go: ``first_day`` up to ``last_day``, not before ``not_before``."""

    label: str
    first_day: date
    last_day: date
    next_target: date | None
    not_before: datetime | None
    too_soon: str


def book_series(
    calendar: SiteCalendar,
    needs: TreatmentNeeds,
    days: Sequence[date],
    min_interval: timedelta,
    *,
    after: datetime | None = None,
    max_shift_days: int = 7,
    not_before: datetime | None = None,
) -> list[Slot]:
    """One slot per target day, in order; ``after`` is the course's last treatment already given
    or booked, which the first must keep the interval from; nothing starts before ``not_before``
    (now: a treatment is never proposed in the past)."""
    check_needs(needs)
    agenda = Agenda(calendar)
    slots: list[Slot] = []
    for number, target in enumerate(days, start=1):
        previous = slots[-1].starts_at if slots else after
        search = _search(
            agenda,
            f"Treatment {number} of {len(days)} (target {short_day(target)})",
            (target, target + timedelta(days=max_shift_days)),
            days[number] if number < len(days) else None,
            (previous, min_interval),
        )
        slots.append(_place(agenda, needs, _not_before(search, not_before, calendar)))
    return slots


def _not_before(search: _Search, now: datetime | None, calendar: SiteCalendar) -> _Search:
    """``search`` limited to start no earlier than ``now`` when that is the later bound."""
    if now is None or (search.not_before is not None and search.not_before >= now):
        return search
    too_soon = f"it cannot start in the past (now {moment(now, calendar.zone)})"
    return replace(search, not_before=now.astimezone(UTC), too_soon=too_soon)


def replan(
    calendar: SiteCalendar,
    needs: TreatmentNeeds,
    later: Sequence[Slot],
    min_interval: timedelta,
    *,
    after: datetime | None,
    max_shift_days: int,
) -> list[Slot]:
    """The course's ``later`` treatments after one before them moved (``after``: its new start)
    or was cancelled (``after``: the treatment before it). The caller leaves ``later`` out of
    ``calendar.bookings``. A treatment keeps its slot while that is still valid; otherwise it
    moves to the first slot that works from its day, or from the first day the interval allows,
    up to ``max_shift_days`` later, at its old time of day when the patient has no preference."""
    check_needs(needs)
    agenda = Agenda(calendar)
    zone = calendar.zone
    placed: list[Slot] = []
    for index, slot in enumerate(later):
        previous = placed[-1].starts_at if placed else after
        search = _replan_search(
            agenda, slot, later[index + 1 : index + 2], (previous, min_interval), max_shift_days
        )
        kept = _keep(agenda, needs, slot, search)
        if isinstance(kept, str):
            usual = needs.preferred_start or slot.starts_at.astimezone(zone).time()
            search = replace(search, label=f"{search.label} cannot stay ({kept}) nor move")
            kept = _place(agenda, replace(needs, preferred_start=usual), search)
        else:
            agenda.add(kept)
        placed.append(kept)
    return placed


def with_booked(calendar: SiteCalendar, slots: Sequence[Slot]) -> SiteCalendar:
    """``calendar`` with ``slots`` counted as taken (a course booked before the next is planned)."""
    booked = tuple(ChairBooking(s.location_id, s.starts_at, s.ends_at) for s in slots)
    return replace(calendar, bookings=calendar.bookings + booked)


def _search(
    agenda: Agenda,
    label: str,
    days: tuple[date, date],
    next_target: date | None,
    interval: tuple[datetime | None, timedelta],
) -> _Search:
    previous, min_interval = interval
    if previous is None:
        return _Search(label, *days, next_target, None, "")
    too_soon = (
        f"it must start at least {duration(min_interval)} after the treatment before it, "
        f"{moment(previous, agenda.calendar.zone)}"
    )
    not_before = previous.astimezone(UTC) + min_interval  # real hours across a clock change
    return _Search(label, *days, next_target, not_before, too_soon)


def _replan_search(
    agenda: Agenda,
    slot: Slot,
    following: Sequence[Slot],
    interval: tuple[datetime | None, timedelta],
    max_shift_days: int,
) -> _Search:
    """From the slot's own day, or the first day the interval allows when that is later."""
    zone = agenda.calendar.zone
    day = slot.starts_at.astimezone(zone).date()
    previous, min_interval = interval
    if previous is not None:
        day = max(day, (previous.astimezone(UTC) + min_interval).astimezone(zone).date())
    next_day = following[0].starts_at.astimezone(zone).date() if following else None
    label = f"The treatment booked for {moment(slot.starts_at, zone)}"
    days = (day, day + timedelta(days=max_shift_days))
    return _search(agenda, label, days, next_day, interval)


def _keep(agenda: Agenda, needs: TreatmentNeeds, slot: Slot, search: _Search) -> Slot | str:
    """``slot`` (resized to ``needs``) when it is still valid, else why it is not."""
    start = slot.starts_at.astimezone(UTC)
    if search.not_before is not None and start < search.not_before:
        return search.too_soon
    resized = Slot(slot.location_id, start, start + timedelta(minutes=needs.chair_min))
    return slot_problem(agenda, needs, resized) or resized


def _place(agenda: Agenda, needs: TreatmentNeeds, search: _Search) -> Slot:
    """The first slot that works on the search's days, counted as taken; else SchedulingError."""
    refusals: dict[date, Refusal] = {}
    for day in [search.first_day, *_shift_days(search, needs.preferred_weekdays)]:
        found = best_slot(agenda, needs, day, search.not_before)
        if isinstance(found, Slot):
            agenda.add(found)
            return found
        refusals[day] = found
    raise SchedulingError(_refused(search, refusals))


def _refused(search: _Search, refusals: dict[date, Refusal]) -> str:
    """The reason on the target day; when that day was closed or too soon after the treatment
    before, also the reason on the first open day in reach, which is what stood in the way."""
    first = refusals[search.first_day]
    why = first.message
    if first.why is Why.TOO_LATE and search.too_soon:
        why = f"{long_day(search.first_day)} is too soon: {search.too_soon}"
    if first.why < Why.NO_NURSE:
        staffed = [r for _, r in sorted(refusals.items()) if r.why >= Why.NO_NURSE]
        why += f"; {staffed[0].message}" if staffed else ""
    if search.last_day > search.first_day:
        why += f"; no later day up to {short_day(search.last_day)} works either"
    return f"{search.label}: {why}"


def _shift_days(search: _Search, preferred: frozenset[int]) -> list[date]:
    """The later days to try: before the next treatment's target day first, then preferred
    weekdays, then the earliest."""
    span = (search.last_day - search.first_day).days
    days = [search.first_day + timedelta(days=n) for n in range(1, span + 1)]
    after_next = search.next_target

    def rank(day: date) -> tuple[bool, bool, date]:
        return after_next is not None and day >= after_next, day.weekday() not in preferred, day

    return sorted(days, key=rank)
