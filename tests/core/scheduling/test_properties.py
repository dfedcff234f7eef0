"""Properties over random clinics (1-8 chairs, opening hours, closed days, a rota, bookings, a
nurse ratio) and random courses booked one after another: no chair is double-booked, no interval
is broken, every slot is inside opening hours on an open day, on the grid, within the shift the
clinic allows, and staffed as the rules say. The checks here are written from the rules, not
from the scheduler's code: they look at every moment a count can change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from typing import TypeVar
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ketacare.core.scheduling.model import (
    ChairBooking,
    DutyRole,
    OnDuty,
    Opening,
    SchedulingError,
    SiteCalendar,
    Slot,
    TreatmentNeeds,
)
from ketacare.core.scheduling.series import book_series, replan, with_booked
from ketacare.core.scheduling.slots import find_slot
from tests.core.scheduling.calendars import MONDAY, days_from

ROLES: tuple[DutyRole, ...] = ("nurse", "prescriber")
ZONES: list[tzinfo] = [
    UTC,
    ZoneInfo("America/New_York"),
    ZoneInfo("Europe/London"),
    ZoneInfo("Australia/Sydney"),
]
Spanned = TypeVar("Spanned", ChairBooking, OnDuty)
DAYS = days_from(MONDAY, 7 * 10)
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Course:
    needs: TreatmentNeeds
    days: list[date]
    min_interval: timedelta
    max_shift_days: int


@st.composite
def openings(draw: st.DrawFn) -> dict[int, Opening]:
    """Three to seven open weekdays, opening 06:00-11:00 on the quarter hour, 4-12 h long."""
    week: dict[int, Opening] = {}
    for weekday in draw(st.sets(st.integers(0, 6), min_size=3)):
        opens_min = draw(st.integers(6 * 4, 11 * 4)) * 15
        closes_h = min(opens_min // 60 + draw(st.integers(4, 12)), 23)
        week[weekday] = Opening(time(opens_min // 60, opens_min % 60), time(closes_h))
    return week


@st.composite
def rotas(draw: st.DrawFn, zone: tzinfo) -> tuple[OnDuty, ...]:
    """A nurse and a prescriber and up to three more, each on weekly shifts (wall-clock, 4 to 7
    days a week), minus a few days off."""
    extra: list[DutyRole] = draw(st.lists(st.sampled_from(ROLES), max_size=3))
    entries: list[OnDuty] = []
    for staff, role in enumerate([*ROLES, *extra]):
        shift = st.tuples(st.integers(5, 11), st.integers(5, 12))
        shifts = draw(st.dictionaries(st.integers(0, 6), shift, min_size=4))
        off = draw(st.sets(st.sampled_from(DAYS), max_size=5))
        for day in DAYS:
            if day.weekday() in shifts and day not in off:
                start_h, hours = shifts[day.weekday()]
                begins = datetime.combine(day, time(start_h), zone)
                entries.append(OnDuty(staff, role, begins, begins + timedelta(hours=hours)))
    return tuple(entries)


@st.composite
def clinics(draw: st.DrawFn) -> SiteCalendar:
    zone = draw(st.sampled_from(ZONES))
    chairs = tuple(range(1, draw(st.integers(1, 8)) + 1))
    quarter_hours = (st.integers(6 * 4, 19 * 4), st.integers(2, 16))  # from 06:00, 30 min-4 h
    taken = draw(st.lists(st.tuples(st.sampled_from(chairs), st.sampled_from(DAYS[:35]),
                                    *quarter_hours), max_size=40))  # fmt: skip
    bookings = tuple(
        ChairBooking(chair, start, start + timedelta(minutes=15 * quarters))
        for chair, day, quarter, quarters in taken
        for start in [datetime.combine(day, time(quarter // 4, quarter % 4 * 15), zone)]
    )
    return SiteCalendar(
        zone=zone,
        opening=draw(openings()),
        closed_on={d: "Closed" for d in draw(st.sets(st.sampled_from(DAYS), max_size=8))},
        chair_ids=chairs,
        bookings=bookings,
        on_duty=draw(rotas(zone)),
        chairs_per_nurse=draw(st.integers(1, 4)),
        slot_step_min=draw(st.sampled_from([5, 10, 15, 30, 60])),
    )


@st.composite
def courses(draw: st.DrawFn) -> Course:
    start = draw(st.sampled_from(DAYS[:21]))
    gaps = draw(st.lists(st.integers(1, 5), min_size=0, max_size=5))
    days = [start]
    for gap in gaps:
        days.append(days[-1] + timedelta(days=gap))
    needs = TreatmentNeeds(
        chair_min=draw(st.integers(2, 24)) * 10,
        needs_prescriber=draw(st.booleans()),
        preferred_weekdays=draw(st.frozensets(st.integers(0, 6), max_size=3)),
        preferred_start=draw(
            st.none() | st.builds(time, st.integers(6, 19), st.sampled_from([0, 30]))
        ),
    )
    hours = draw(st.sampled_from([0, 24, 48, 72]))
    return Course(needs, days, timedelta(hours=hours), draw(st.integers(0, 7)))


def overlapping(start: datetime, end: datetime, spans: Sequence[Spanned]) -> list[Spanned]:
    return [s for s in spans if s.starts_at < end and start < s.ends_at]


def assert_in_hours(cal: SiteCalendar, needs: TreatmentNeeds, slot: Slot) -> None:
    day = slot.starts_at.astimezone(cal.zone).date()
    assert day not in cal.closed_on
    opening = cal.opening[day.weekday()]
    opens = datetime.combine(day, opening.opens, cal.zone)
    assert opens <= slot.starts_at
    assert slot.ends_at <= datetime.combine(day, opening.closes, cal.zone)
    assert (slot.starts_at - opens) % timedelta(minutes=cal.slot_step_min) == timedelta(0)
    assert slot.ends_at - slot.starts_at == timedelta(minutes=needs.chair_min)
    assert slot.location_id in cal.chair_ids


def assert_free_and_staffed(
    cal: SiteCalendar, needs: TreatmentNeeds, slot: Slot, taken: list[ChairBooking]
) -> None:
    """At every moment of the slot (its start and each time a count changes inside it)."""
    busy = overlapping(slot.starts_at, slot.ends_at, taken)
    assert not any(b.location_id == slot.location_id for b in busy)
    duty = overlapping(slot.starts_at, slot.ends_at, cal.on_duty)
    changes = {t for b in busy for t in (b.starts_at, b.ends_at)}
    changes |= {t for d in duty for t in (d.starts_at, d.ends_at)}
    for moment in {slot.starts_at} | {t for t in changes if slot.starts_at < t < slot.ends_at}:
        on = [d for d in duty if d.starts_at <= moment < d.ends_at]
        nurses = {d.staff_user_id for d in on if d.role == "nurse"}
        occupied = sum(b.starts_at <= moment < b.ends_at for b in busy)
        assert nurses
        assert occupied + 1 <= len(nurses) * cal.chairs_per_nurse
        assert not needs.needs_prescriber or any(d.role == "prescriber" for d in on)


def assert_bookable(
    cal: SiteCalendar,
    course: Course,
    slots: list[Slot],
    after: datetime | None = None,
    targets: list[date] | None = None,
) -> None:
    """Every rule, each slot against the calendar plus the course's slots before it."""
    taken = list(cal.bookings)
    starts = [after] if after is not None else []
    for number, slot in enumerate(slots):
        assert_in_hours(cal, course.needs, slot)
        assert_free_and_staffed(cal, course.needs, slot, taken)
        if targets is not None:
            day = slot.starts_at.astimezone(cal.zone).date()
            assert 0 <= (day - targets[number]).days <= course.max_shift_days
        taken.append(ChairBooking(slot.location_id, slot.starts_at, slot.ends_at))
        starts.append(slot.starts_at)
    assert all(b - a >= course.min_interval for a, b in pairwise(starts))


@PROPERTY
@given(clinics(), st.lists(courses(), min_size=1, max_size=3))
def test_courses_booked_one_after_another_keep_every_rule(
    cal: SiteCalendar, booked: list[Course]
) -> None:
    for course in booked:
        try:
            slots = book_series(cal, course.needs, course.days, course.min_interval,
                                max_shift_days=course.max_shift_days)  # fmt: skip
        except SchedulingError as refused:
            assert str(refused).startswith("Treatment ")  # noqa: PT017
            continue
        assert_bookable(cal, course, slots, targets=course.days)
        cal = with_booked(cal, slots)


def generous(cal: SiteCalendar) -> SiteCalendar:
    """Open 06:00-22:00 every day, a nurse and a prescriber on duty all day, nothing booked."""
    everyone = tuple(
        OnDuty(staff, role, datetime.combine(d, time(0), cal.zone),
               datetime.combine(d, time(23), cal.zone))
        for d in DAYS for staff, role in enumerate(ROLES)
    )  # fmt: skip
    week = dict.fromkeys(range(7), Opening(time(6), time(22)))
    return replace(cal, opening=week, closed_on={}, bookings=(), on_duty=everyone)


@PROPERTY
@given(clinics(), st.lists(courses(), min_size=1, max_size=3))
def test_on_an_open_staffed_calendar_competing_courses_always_find_room(
    cal: SiteCalendar, booked: list[Course]
) -> None:
    """Three chairs for up to three courses, each with at most one treatment a day: every
    treatment finds a chair on its own day, whatever times the others took."""
    cal = replace(generous(cal), chair_ids=(1, 2, 3), chairs_per_nurse=3)
    for course in booked:
        spaced = replace(course, min_interval=min(course.min_interval, timedelta(hours=24)))
        days = [course.days[0] + timedelta(days=2 * n) for n in range(len(course.days))]
        slots = book_series(cal, spaced.needs, days, spaced.min_interval,
                            max_shift_days=spaced.max_shift_days)  # fmt: skip
        assert_bookable(cal, spaced, slots, targets=days)
        assert [s.starts_at.astimezone(cal.zone).date() for s in slots] == days
        cal = with_booked(cal, slots)


@PROPERTY
@given(clinics(), courses(), st.integers(0, 4), st.integers(0, 12 * 4))
def test_moving_the_first_treatment_replans_the_rest_within_every_rule(
    cal: SiteCalendar, course: Course, days_later: int, quarters_later: int
) -> None:
    """The first treatment moves to a free slot up to 4 days and 12 hours later."""
    try:
        slots = book_series(cal, course.needs, course.days, course.min_interval,
                            max_shift_days=course.max_shift_days)  # fmt: skip
        first = slots[0].starts_at
        day = first.astimezone(cal.zone).date() + timedelta(days=days_later)
        later = first + timedelta(minutes=15 * quarters_later)
        moved = find_slot(cal, course.needs, day, not_before=later)
    except SchedulingError:
        assume(False)
    after_move = with_booked(cal, [moved])
    try:
        rest = replan(after_move, course.needs, slots[1:], course.min_interval,
                      after=moved.starts_at, max_shift_days=course.max_shift_days)  # fmt: skip
    except SchedulingError as refused:
        assert str(refused).startswith("The treatment booked for ")  # noqa: PT017
        return
    assert_bookable(after_move, course, rest, after=moved.starts_at)
