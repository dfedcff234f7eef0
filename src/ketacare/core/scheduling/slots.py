"""One treatment on one day: the best free slot, or the reason there is none, in clinic words.

A slot starts on the clinic's slot grid (every ``slot_step_min`` minutes from opening) and ends by
closing, on a day the site is open. It needs a free chair, at least one nurse on duty throughout,
no moment where the chairs taken (this one included) exceed what the nurses on duty cover, and a
prescriber on site throughout when the treatment needs one (esketamine: clinical-reference §3.9,
"a prescriber on site during administration and monitoring" [REMS-FDA]). Among the starts that
work, the one nearest the patient's preferred time wins (else the earliest), then the first chair
in the calendar's order.

When no start works, each start is tried in full and the reason reported is the one that got
furthest (staff on duty, then a chair, then nurse cover): the check closest to passing is the one
the clinic can most easily change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum

from ketacare.core.scheduling.agenda import Agenda
from ketacare.core.scheduling.model import SchedulingError, SiteCalendar, Slot, TreatmentNeeds
from ketacare.core.scheduling.wording import DAY_NAMES, clock, duration, long_day, moment


class Why(IntEnum):
    """Why no slot: day-level reasons first, then per-start checks in the order they are made."""

    CLOSED = 0
    TOO_LATE = 1
    NO_NURSE = 2
    NO_PRESCRIBER = 3
    NO_CHAIR = 4
    NO_COVER = 5


@dataclass(frozen=True)
class Refusal:
    """No slot on a day, and why: ``message`` names the day and says why in clinic words."""

    why: Why
    message: str


@dataclass(frozen=True)
class Window:
    """A day's opening hours as UTC instants."""

    opens_at: datetime
    closes_at: datetime


_CHECKS = {
    Why.NO_NURSE: "no nurse on duty for a whole {dur} treatment {span}",
    Why.NO_PRESCRIBER: (
        "no prescriber on site for a whole {dur} treatment {span} (this treatment needs one "
        "throughout dosing and observation, as the esketamine REMS requires)"
    ),
    Why.NO_CHAIR: "{chair} for {dur} {span}",
    Why.NO_COVER: (
        "no nurse on duty to cover another chair for {dur} {span} (each nurse covers {ratio})"
    ),
}


def find_slot(
    calendar: SiteCalendar,
    needs: TreatmentNeeds,
    day: date,
    *,
    not_before: datetime | None = None,
) -> Slot:
    """The best slot on site-local ``day`` starting at or after ``not_before``; SchedulingError
    saying why when there is none."""
    found = best_slot(Agenda(calendar), needs, day, not_before)
    if isinstance(found, Refusal):
        raise SchedulingError(found.message)
    return found


def check_slot(calendar: SiteCalendar, needs: TreatmentNeeds, slot: Slot) -> None:
    """Refuse a slot chosen by hand (any start, not only the grid's) that the calendar cannot
    hold: its chair, the opening hours, nurse cover or a prescriber on site."""
    check_needs(needs)
    problem = slot_problem(Agenda(calendar), needs, slot)
    if problem is not None:
        raise SchedulingError(problem)


def slot_problem(agenda: Agenda, needs: TreatmentNeeds, slot: Slot) -> str | None:
    """Why ``slot`` cannot be booked as it is, or None when it can."""
    calendar = agenda.calendar
    start, end = slot.starts_at.astimezone(UTC), slot.ends_at.astimezone(UTC)
    day = start.astimezone(calendar.zone).date()
    if slot.location_id not in calendar.chair_ids:
        return f"{long_day(day)}: that chair is not in use at the site"
    if end <= start:
        return f"{long_day(day)}: the slot must end after it starts"
    length_min = (end - start) // timedelta(minutes=1)
    fitted = replace(needs, chair_min=length_min)
    window = open_window(calendar, fitted, day)
    if isinstance(window, Refusal):
        return window.message
    opens, closes = (clock(at, calendar.zone) for at in (window.opens_at, window.closes_at))
    if start < window.opens_at or end > window.closes_at:
        return f"{long_day(day)}: it would run outside opening hours ({opens} to {closes})"
    tried = try_start(agenda, fitted, day, start, (slot.location_id,))
    if isinstance(tried, Why):
        span = f"from {clock(start, calendar.zone)}"
        return f"{long_day(day)}: {reason(tried, agenda, fitted, span, 'its chair is taken')}"
    return None


def check_needs(needs: TreatmentNeeds) -> None:
    """Refuse needs no slot can satisfy, before searching."""
    if needs.chair_min < 1:
        raise SchedulingError("A treatment must keep its chair for at least 1 minute.")
    if any(not 0 <= weekday <= 6 for weekday in needs.preferred_weekdays):
        raise SchedulingError("Preferred weekdays are 0 (Monday) to 6 (Sunday).")


def best_slot(
    agenda: Agenda, needs: TreatmentNeeds, day: date, not_before: datetime | None
) -> Slot | Refusal:
    """``find_slot`` on an agenda that is already built (and may hold slots of this call)."""
    check_needs(needs)
    calendar = agenda.calendar
    if not_before is not None and not_before.astimezone(calendar.zone).date() > day:
        return _too_late(calendar, day, not_before)
    window = open_window(calendar, needs, day)
    if isinstance(window, Refusal):
        return window
    starts = _grid(window, calendar.slot_step_min, needs.chair_min, not_before)
    if not starts:
        assert not_before is not None  # a window that fits the treatment has a first start
        return _too_late(calendar, day, not_before, window.closes_at)
    deepest = Why.CLOSED
    for start in _by_preference(starts, needs, calendar, day):
        tried = try_start(agenda, needs, day, start, calendar.chair_ids)
        if isinstance(tried, Slot):
            return tried
        deepest = max(deepest, tried)
    span = f"between {clock(starts[0], calendar.zone)} and {clock(window.closes_at, calendar.zone)}"
    return Refusal(deepest, f"{long_day(day)}: {reason(deepest, agenda, needs, span)}")


def _too_late(
    calendar: SiteCalendar, day: date, not_before: datetime, closes_at: datetime | None = None
) -> Refusal:
    """The day is over before ``not_before``, or nothing from then ends by ``closes_at``."""
    late = moment(not_before, calendar.zone)
    if closes_at is None:
        return Refusal(Why.TOO_LATE, f"{long_day(day)}: nothing may start before {late}")
    closing = clock(closes_at, calendar.zone)
    return Refusal(
        Why.TOO_LATE,
        f"{long_day(day)}: nothing starting at or after {late} ends by closing at {closing}",
    )


def open_window(calendar: SiteCalendar, needs: TreatmentNeeds, day: date) -> Window | Refusal:
    """The day's opening hours in UTC, or why nothing can be booked that day at all."""
    label = long_day(day)
    if day in calendar.closed_on:
        note = calendar.closed_on[day]
        return Refusal(Why.CLOSED, f"{label}: closed ({note})" if note else f"{label}: closed")
    opening = calendar.opening.get(day.weekday())
    if opening is None:
        return Refusal(Why.CLOSED, f"{label}: the site is closed on {DAY_NAMES[day.weekday()]}s")
    window = Window(
        datetime.combine(day, opening.opens, calendar.zone).astimezone(UTC),
        datetime.combine(day, opening.closes, calendar.zone).astimezone(UTC),
    )
    if window.opens_at + timedelta(minutes=needs.chair_min) > window.closes_at:
        return Refusal(
            Why.CLOSED,
            f"{label}: a treatment of {duration(needs.chair_min)} does not fit between "
            f"{clock(opening.opens)} and {clock(opening.closes)}",
        )
    return window


def try_start(
    agenda: Agenda, needs: TreatmentNeeds, day: date, start: datetime, chairs: tuple[int, ...]
) -> Slot | Why:
    """A slot at ``start`` on the first free one of ``chairs``, or the first check that fails."""
    end = start + timedelta(minutes=needs.chair_min)
    cover = agenda.cover(day, start, end)
    if cover.fewest_nurses < 1:
        return Why.NO_NURSE
    if needs.needs_prescriber and cover.fewest_prescribers < 1:
        return Why.NO_PRESCRIBER
    free = agenda.free_chairs(day, start, end, chairs)
    if not free:
        return Why.NO_CHAIR
    if cover.over_capacity:
        return Why.NO_COVER
    return Slot(free[0], start, end)


def reason(why: Why, agenda: Agenda, needs: TreatmentNeeds, span: str, chair: str = "") -> str:
    """The words for a failed per-start check over ``span`` (``between 08:00 and 18:00``)."""
    per_nurse = agenda.calendar.chairs_per_nurse
    return _CHECKS[why].format(
        dur=duration(needs.chair_min),
        span=span,
        chair=chair or "no chair is free",
        ratio=f"{per_nurse} chair{'s' if per_nurse > 1 else ''}",
    )


def _grid(
    window: Window, step_min: int, chair_min: int, not_before: datetime | None
) -> list[datetime]:
    """Starts every ``step_min`` from opening that end by closing and are not before
    ``not_before``; real minutes, so a daylight-saving change shortens or lengthens the day."""
    step, length = timedelta(minutes=step_min), timedelta(minutes=chair_min)
    first = 0
    if not_before is not None and not_before > window.opens_at:
        first = -(-(not_before - window.opens_at) // step)
    last = (window.closes_at - length - window.opens_at) // step
    return [window.opens_at + k * step for k in range(first, last + 1)]


def _by_preference(
    starts: list[datetime], needs: TreatmentNeeds, calendar: SiteCalendar, day: date
) -> list[datetime]:
    """Nearest the preferred wall-clock time first (earlier on a tie), else earliest first."""
    if needs.preferred_start is None:
        return starts
    wanted = datetime.combine(day, needs.preferred_start, calendar.zone).astimezone(UTC)
    return sorted(starts, key=lambda at: (abs(at - wanted), at))
