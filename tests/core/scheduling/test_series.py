"""Booking a whole course at once: the protocol's dates (core/protocols/schedule.py) put on real
chairs, each treatment counted as taken for the next, moved to a later day when its own has no
slot, and refused with the treatment and the reason when it cannot be placed."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from ketacare.core.protocols.defaults import DEFAULT_PROTOCOLS
from ketacare.core.protocols.model import ClinicDefault, Protocol, value_of
from ketacare.core.protocols.schedule import plan_phase
from ketacare.core.protocols.timing import chair_minutes
from ketacare.core.scheduling.model import (
    Opening,
    SchedulingError,
    SiteCalendar,
    Slot,
    TreatmentNeeds,
)
from ketacare.core.scheduling.series import book_series, interval_violations, with_booked
from tests.core.scheduling.calendars import MONDAY, THURSDAY, at, booked, calendar, days_from

SPRAVATO = DEFAULT_PROTOCOLS["esketamine_nasal"]
# The shipped IV protocol leaves the observation time to the clinic; 60 min is a test choice.
IV = replace(
    DEFAULT_PROTOCOLS["iv_ketamine_depression"],
    min_observation_min=ClinicDefault(60, "set by the test clinic"),
)
CHECK_IN_MIN = 15  # a clinic setting
HOURS_48 = timedelta(hours=48)
MON, TUE, WED, THU, FRI = range(5)


def needs_for(protocol: Protocol, dose_mg: Decimal | None = None) -> TreatmentNeeds:
    return TreatmentNeeds(
        chair_minutes(protocol, dose_mg, CHECK_IN_MIN),
        needs_prescriber=bool(protocol.prescriber_on_site.value),
    )


def interval_of(protocol: Protocol) -> timedelta:
    hours = value_of(protocol.min_interval_hours)
    assert hours is not None
    return timedelta(hours=hours)


def local_days(slots: list[Slot], cal: SiteCalendar) -> list[date]:
    return [s.starts_at.astimezone(cal.zone).date() for s in slots]


def course_weeks(days: list[date], start: date) -> Counter[int]:
    return Counter((d - start).days // 7 + 1 for d in days)


def overlaps(a: Slot, b: Slot) -> bool:
    return a.location_id == b.location_id and a.starts_at < b.ends_at and b.starts_at < a.ends_at


def test_esketamine_from_a_monday_books_the_labels_weekly_pattern() -> None:
    """§3.2: twice weekly in weeks 1-4, then once weekly in weeks 5-8; 56 mg keeps a chair for
    check-in, 5 min between the two devices (§3.3) and 2 h of observation (§3.5)."""
    cal, needs = calendar(), needs_for(SPRAVATO, Decimal("56"))
    induction = book_series(
        cal, needs, plan_phase(SPRAVATO, "induction", MONDAY), interval_of(SPRAVATO)
    )
    days = local_days(induction, cal)
    assert course_weeks(days, MONDAY) == {1: 2, 2: 2, 3: 2, 4: 2}
    assert {d.weekday() for d in days} == {MON, THU}
    assert all(s.ends_at - s.starts_at == timedelta(minutes=15 + 5 + 120) for s in induction)
    maintenance_days = plan_phase(SPRAVATO, "maintenance", MONDAY, count=4, after=days[-1])
    maintenance = book_series(
        with_booked(cal, induction),
        needs,
        maintenance_days,
        interval_of(SPRAVATO),
        after=induction[-1].starts_at,
    )
    assert course_weeks(local_days(maintenance, cal), MONDAY) == {5: 1, 6: 1, 7: 1, 8: 1}
    assert interval_violations([s.starts_at for s in induction + maintenance], HOURS_48) == []


def test_an_iv_induction_is_six_infusions_monday_wednesday_friday() -> None:
    cal = calendar()
    slots = book_series(cal, needs_for(IV), plan_phase(IV, "induction", MONDAY), interval_of(IV))
    assert local_days(slots, cal) == [MONDAY + timedelta(days=n) for n in (0, 2, 4, 7, 9, 11)]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=15 + 40 + 60) for s in slots)


def test_two_courses_competing_for_one_chair_never_double_book_it() -> None:
    cal = calendar(chairs=1, nurses=1, chairs_per_nurse=1)
    needs = replace(needs_for(SPRAVATO, Decimal("84")), preferred_start=time(9))
    days = plan_phase(SPRAVATO, "induction", MONDAY)
    first = book_series(cal, needs, days, HOURS_48)
    second = book_series(with_booked(cal, first), needs, days, HOURS_48)
    assert not any(overlaps(a, b) for a in first for b in second)
    assert local_days(second, cal) == days
    assert all(b.starts_at >= a.ends_at for a, b in zip(first, second, strict=True))


def test_a_course_finding_its_days_full_moves_to_the_next_days() -> None:
    """Mornings only, room for one treatment a day: the second course takes the day after."""
    cal = calendar(chairs=1, opening={d: Opening(time(8), time(12)) for d in range(5)})
    needs, days = needs_for(SPRAVATO, Decimal("56")), [MONDAY, THURSDAY]
    first = book_series(cal, needs, days, HOURS_48)
    second = book_series(with_booked(cal, first), needs, days, HOURS_48)
    assert local_days(second, cal) == [MONDAY + timedelta(days=1), THURSDAY + timedelta(days=1)]


@pytest.mark.parametrize(
    ("days", "preferred", "first_day"),
    [
        ([MONDAY, MONDAY + timedelta(days=4)], frozenset(), TUE),
        ([MONDAY, MONDAY + timedelta(days=4)], frozenset({WED}), WED),
        ([MONDAY, MONDAY + timedelta(days=2)], frozenset({FRI}), TUE),
    ],
)
def test_a_shifted_treatment_prefers_the_patients_weekdays_before_the_next_one(
    days: list[date], preferred: frozenset[int], first_day: int
) -> None:
    cal = calendar(closed_on={MONDAY: "Staff training"})
    needs = replace(needs_for(IV), preferred_weekdays=preferred)
    slots = book_series(cal, needs, days, HOURS_48)
    assert slots[0].starts_at.date().weekday() == first_day
    assert interval_violations([s.starts_at for s in slots], HOURS_48) == []


@pytest.mark.parametrize(("max_shift_days", "booked"), [(7, True), (6, False)])
def test_a_treatment_moves_at_most_the_clinics_number_of_days(
    max_shift_days: int, booked: bool
) -> None:
    week_off = dict.fromkeys(days_from(MONDAY, 5), "Holiday")
    cal, needs = calendar(closed_on=week_off), needs_for(IV)
    if booked:
        slots = book_series(cal, needs, [MONDAY], HOURS_48, max_shift_days=max_shift_days)
        assert local_days(slots, cal) == [MONDAY + timedelta(days=7)]
    else:
        with pytest.raises(SchedulingError, match="no later day up to Sun 6 Dec works either"):
            book_series(cal, needs, [MONDAY], HOURS_48, max_shift_days=max_shift_days)


def test_a_treatment_that_cannot_be_placed_is_named_with_the_reason_on_its_target_day() -> None:
    next_week = MONDAY + timedelta(days=7)
    cal = calendar(closed_on=dict.fromkeys(days_from(next_week, 12), "Renovation"))
    with pytest.raises(SchedulingError) as refused:
        book_series(cal, needs_for(IV), plan_phase(IV, "induction", MONDAY), interval_of(IV))
    assert str(refused.value) == (
        "Treatment 4 of 6 (target Mon 7 Dec): Monday 7 Dec: closed (Renovation); "
        "no later day up to Mon 14 Dec works either"
    )


def test_the_first_treatment_keeps_the_interval_from_the_last_one_before_the_course() -> None:
    last_given = at(MONDAY, 12)
    slots = book_series(calendar(), needs_for(IV), [MONDAY + timedelta(days=1)], HOURS_48,
                        after=last_given)  # fmt: skip
    assert slots[0].starts_at == last_given + HOURS_48


def test_a_treatment_too_soon_after_the_one_before_says_so() -> None:
    with pytest.raises(SchedulingError) as refused:
        book_series(calendar(), needs_for(IV), [MONDAY + timedelta(days=1)], HOURS_48,
                    after=at(MONDAY, 12), max_shift_days=0)  # fmt: skip
    assert str(refused.value) == (
        "Treatment 1 of 1 (target Tue 1 Dec): Tuesday 1 Dec is too soon: it must start at least "
        "48 h after the treatment before it, Mon 30 Nov 12:00"
    )


def full(cal: SiteCalendar, first: date, count: int) -> SiteCalendar:
    """``cal`` with every chair taken all day for ``count`` days from ``first``."""
    taken = [(c, at(d, 7), at(d, 19)) for d in days_from(first, count) for c in cal.chair_ids]
    return booked(cal, *taken)


def test_a_closed_target_day_also_names_what_blocked_the_days_after_it() -> None:
    cal = full(calendar(), MONDAY + timedelta(days=7), 5)
    with pytest.raises(SchedulingError) as refused:
        book_series(cal, needs_for(IV), [MONDAY + timedelta(days=6)], HOURS_48, max_shift_days=5)
    assert str(refused.value) == (
        "Treatment 1 of 1 (target Sun 6 Dec): Sunday 6 Dec: the site is closed on Sundays; "
        "Monday 7 Dec: no chair is free for 1 h 55 min between 08:00 and 18:00; "
        "no later day up to Fri 11 Dec works either"
    )


def test_a_target_day_too_soon_also_names_what_blocked_the_first_day_allowed() -> None:
    cal = full(calendar(), MONDAY + timedelta(days=2), 7)
    with pytest.raises(SchedulingError) as refused:
        book_series(cal, needs_for(IV), [MONDAY + timedelta(days=1)], HOURS_48,
                    after=at(MONDAY, 12))  # fmt: skip
    assert str(refused.value) == (
        "Treatment 1 of 1 (target Tue 1 Dec): Tuesday 1 Dec is too soon: it must start at least "
        "48 h after the treatment before it, Mon 30 Nov 12:00; Wednesday 2 Dec: no chair is free "
        "for 1 h 55 min between 12:00 and 18:00; no later day up to Tue 8 Dec works either"
    )


def test_each_treatment_is_counted_as_taken_for_the_next_on_the_same_day() -> None:
    """No interval (a clinic that sets none): two treatments on one day take turns or chairs."""
    slots = book_series(calendar(chairs=1), needs_for(IV), [MONDAY, MONDAY], timedelta(0))
    assert slots[1].starts_at == slots[0].ends_at + timedelta(minutes=5)  # the next 15-min step
    assert all(a.ends_at <= b.starts_at for a, b in pairwise(slots))


def test_slots_come_back_in_utc_whatever_the_sites_zone() -> None:
    new_york = ZoneInfo("America/New_York")
    slot = book_series(calendar(zone=new_york), needs_for(IV), [MONDAY], HOURS_48)[0]
    assert slot.starts_at.tzinfo is UTC
    assert slot.starts_at == datetime.combine(MONDAY, time(8), new_york)


def test_nothing_is_proposed_before_now_on_the_first_day() -> None:
    cal = calendar()
    now = at(MONDAY, 11, 7)
    slots = book_series(cal, needs_for(SPRAVATO, Decimal("56")), [MONDAY], HOURS_48, not_before=now)
    assert slots[0].starts_at >= now
    assert local_days(slots, cal) == [MONDAY]


def test_a_first_day_already_over_says_the_treatment_cannot_start_in_the_past() -> None:
    cal = calendar()
    late = at(MONDAY, 23, 0)
    with pytest.raises(SchedulingError, match="cannot start in the past"):
        book_series(
            cal,
            needs_for(SPRAVATO, Decimal("56")),
            [MONDAY],
            HOURS_48,
            max_shift_days=0,
            not_before=late,
        )
