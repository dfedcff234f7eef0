"""One treatment's slot on one day: opening hours, the slot grid, the preferred time, chairs, nurse
cover, a prescriber on site throughout (esketamine REMS, clinical-reference §3.9), and the reason
in clinic words when nothing fits."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from ketacare.core.scheduling.model import (
    Opening,
    SchedulingError,
    SiteCalendar,
    Slot,
    TreatmentNeeds,
)
from ketacare.core.scheduling.slots import check_slot, find_slot
from tests.core.scheduling.calendars import (
    MONDAY,
    SUNDAY,
    THURSDAY,
    all_day,
    at,
    booked,
    calendar,
    days_from,
    duty,
)

# 15 min check-in + 10 min dosing for 84 mg (3 devices, §3.3) + 120 min observation (§3.5)
ESKETAMINE = TreatmentNeeds(145, needs_prescriber=True)
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
REMS = (
    "(this treatment needs one throughout dosing and observation, as the esketamine REMS requires)"
)


def with_duty(cal: SiteCalendar, *entries: tuple[str, int, time, time]) -> SiteCalendar:
    """``cal`` with only these people on duty on MONDAY: (role, staff id, from, to)."""
    on_duty = tuple(
        d
        for role, staff, start, end in entries
        for d in duty(role, [staff], [MONDAY], (start, end))  # type: ignore[arg-type]
    )
    return replace(cal, on_duty=on_duty)


REFUSALS = [
    (calendar(closed_on={THURSDAY: "Thanksgiving"}), THURSDAY, None,
     "Thursday 3 Dec: closed (Thanksgiving)"),
    (calendar(closed_on={THURSDAY: ""}), THURSDAY, None, "Thursday 3 Dec: closed"),
    (calendar(), SUNDAY, None, "Sunday 6 Dec: the site is closed on Sundays"),
    (booked(calendar(), *all_day(MONDAY, 1, 2)), MONDAY, None,
     "Monday 30 Nov: no chair is free for 2 h 25 min between 08:00 and 18:00"),
    (booked(calendar(), *all_day(MONDAY, 1, 2)), MONDAY, at(MONDAY, 13, 50),
     "Monday 30 Nov: no chair is free for 2 h 25 min between 14:00 and 18:00"),
    (booked(calendar(zone=NEW_YORK), *all_day(MONDAY, 1, 2, zone=NEW_YORK)), MONDAY, None,
     "Monday 30 Nov: no chair is free for 2 h 25 min between 08:00 and 18:00"),
    (calendar(nurses=0), MONDAY, None,
     "Monday 30 Nov: no nurse on duty for a whole 2 h 25 min treatment between 08:00 and 18:00"),
    (with_duty(calendar(), ("nurse", 1, time(8), time(10)), ("prescriber", 100, time(8), time(18))),
     MONDAY, None,
     "Monday 30 Nov: no nurse on duty for a whole 2 h 25 min treatment between 08:00 and 18:00"),
    (booked(calendar(chairs_per_nurse=1), *all_day(MONDAY, 1)), MONDAY, None,
     "Monday 30 Nov: no nurse on duty to cover another chair for 2 h 25 min between 08:00 and "
     "18:00 (each nurse covers 1 chair)"),
    (calendar(prescribers=0), MONDAY, None,
     f"Monday 30 Nov: no prescriber on site for a whole 2 h 25 min treatment between 08:00 and "
     f"18:00 {REMS}"),
    (calendar(), MONDAY, at(MONDAY, 16),
     "Monday 30 Nov: nothing starting at or after Mon 30 Nov 16:00 ends by closing at 18:00"),
    (calendar(), MONDAY, at(MONDAY, 9) + timedelta(days=1),
     "Monday 30 Nov: nothing may start before Tue 1 Dec 09:00"),
]  # fmt: skip


@pytest.mark.parametrize(("cal", "day", "not_before", "message"), REFUSALS)
def test_a_day_without_a_slot_is_refused_with_the_reason_in_clinic_words(
    cal: SiteCalendar, day: date, not_before: datetime | None, message: str
) -> None:
    with pytest.raises(SchedulingError) as refused:
        find_slot(cal, ESKETAMINE, day, not_before=not_before)
    assert str(refused.value) == message


def test_a_treatment_longer_than_the_opening_hours_is_refused() -> None:
    with pytest.raises(SchedulingError, match="Monday 30 Nov: a treatment of 11 h does not fit"):
        find_slot(calendar(), TreatmentNeeds(660), MONDAY)


def test_the_reason_given_is_the_check_that_came_closest_to_passing() -> None:
    """Mornings: the prescriber is in but the chairs are full; afternoons: chairs are free but
    no prescriber. A free chair is further along than a prescriber on site, so chairs it is."""
    mornings = booked(calendar(), *[(c, at(MONDAY, 7), at(MONDAY, 13)) for c in (1, 2)])
    cal = with_duty(
        mornings, ("nurse", 1, time(7), time(19)), ("prescriber", 100, time(7), time(13))
    )
    with pytest.raises(SchedulingError, match="no chair is free for 2 h 25 min between 08:00"):
        find_slot(cal, ESKETAMINE, MONDAY)


def test_the_first_slot_is_at_opening_on_the_first_chair() -> None:
    assert find_slot(calendar(), ESKETAMINE, MONDAY) == Slot(1, at(MONDAY, 8), at(MONDAY, 10, 25))


@pytest.mark.parametrize(
    ("opens", "step_min", "not_before", "preferred", "start"),
    [
        (time(8), 15, None, None, time(8)),
        (time(8, 10), 15, None, None, time(8, 10)),
        (time(8, 10), 15, time(8, 12), None, time(8, 25)),
        (time(8), 30, time(8, 30), None, time(8, 30)),
        (time(8), 15, None, time(13, 7), time(13)),
        (time(8), 15, None, time(13, 8), time(13, 15)),
        (time(8), 60, None, time(13, 30), time(13)),
        (time(8), 15, None, time(17, 30), time(15, 30)),
        (time(8), 15, None, time(6), time(8)),
        (time(8), 15, time(12), time(9), time(12)),
    ],
)
def test_starts_sit_on_the_grid_from_opening_nearest_the_preferred_time(
    opens: time, step_min: int, not_before: time | None, preferred: time | None, start: time
) -> None:
    week = {d: Opening(opens, time(18)) for d in range(5)}
    cal = calendar(opening=week, slot_step_min=step_min)
    earliest = None if not_before is None else datetime.combine(MONDAY, not_before, cal.zone)
    needs = replace(ESKETAMINE, preferred_start=preferred)
    slot = find_slot(cal, needs, MONDAY, not_before=earliest)
    assert slot.starts_at == datetime.combine(MONDAY, start, cal.zone)
    assert slot.ends_at - slot.starts_at == timedelta(minutes=145)


def test_the_preferred_time_gives_way_to_the_nearest_free_start() -> None:
    cal = booked(calendar(), *[(c, at(MONDAY, 12), at(MONDAY, 14)) for c in (1, 2)])
    slot = find_slot(cal, replace(ESKETAMINE, preferred_start=time(13)), MONDAY)
    assert slot.starts_at == at(MONDAY, 14)


@pytest.mark.parametrize(
    ("chair_ids", "taken", "chair"),
    [
        ((1, 2, 3), [], 1),
        ((1, 2, 3), [1], 2),
        ((1, 2, 3), [1, 2], 3),
        ((3, 1, 2), [], 3),
    ],
)
def test_the_first_free_chair_in_the_calendars_order_is_booked(
    chair_ids: tuple[int, ...], taken: list[int], chair: int
) -> None:
    cal = replace(
        booked(calendar(chairs=3, nurses=2), *all_day(MONDAY, *taken)), chair_ids=chair_ids
    )
    assert find_slot(cal, ESKETAMINE, MONDAY).location_id == chair


def test_a_chair_free_from_the_minute_its_last_treatment_ends_may_be_booked_then() -> None:
    cal = booked(calendar(), (1, at(MONDAY, 6), at(MONDAY, 8)), (2, at(MONDAY, 7), at(MONDAY, 9)))
    assert find_slot(cal, ESKETAMINE, MONDAY) == Slot(1, at(MONDAY, 8), at(MONDAY, 10, 25))


def test_one_nurse_per_chair_waits_until_the_other_chair_is_free_again() -> None:
    cal = booked(calendar(chairs_per_nurse=1), (2, at(MONDAY, 10), at(MONDAY, 11)))
    assert find_slot(cal, ESKETAMINE, MONDAY) == Slot(1, at(MONDAY, 11), at(MONDAY, 13, 25))


def test_a_second_nurse_covers_the_second_chair() -> None:
    cal = booked(calendar(chairs_per_nurse=1, nurses=2), *all_day(MONDAY, 1))
    assert find_slot(cal, ESKETAMINE, MONDAY) == Slot(2, at(MONDAY, 8), at(MONDAY, 10, 25))


def test_a_nurse_on_the_rota_twice_at_once_counts_once() -> None:
    twice = with_duty(
        calendar(chairs_per_nurse=1),
        ("nurse", 1, time(7), time(19)),
        ("nurse", 1, time(8), time(12)),
        ("prescriber", 100, time(7), time(19)),
    )
    with pytest.raises(SchedulingError, match="no nurse on duty to cover another chair"):
        find_slot(booked(twice, *all_day(MONDAY, 1)), ESKETAMINE, MONDAY)


def test_the_prescriber_must_stay_until_observation_ends() -> None:
    cal = with_duty(
        calendar(), ("nurse", 1, time(7), time(19)), ("prescriber", 100, time(8), time(12))
    )
    slot = find_slot(cal, replace(ESKETAMINE, preferred_start=time(11)), MONDAY)
    assert slot.starts_at == at(MONDAY, 9, 30)
    assert find_slot(cal, replace(ESKETAMINE, needs_prescriber=False, preferred_start=time(11)),
                     MONDAY).starts_at == at(MONDAY, 11)  # fmt: skip


def london(opening: Opening, first: date) -> SiteCalendar:
    """A London site open every day, a nurse on duty round the clock (in local wall time)."""
    days = days_from(first - timedelta(days=1), 3)
    staff = duty("nurse", [1], days, (time(0), time(23, 59)), LONDON)
    return replace(calendar(zone=LONDON, opening=dict.fromkeys(range(7), opening)), on_duty=staff)


SPRING_FORWARD = date(2027, 3, 28)  # 01:00 GMT becomes 02:00 BST
FALL_BACK = date(2027, 10, 31)  # 02:00 BST becomes 01:00 GMT


@pytest.mark.parametrize("day", [SPRING_FORWARD - timedelta(days=1), SPRING_FORWARD, FALL_BACK])
def test_opening_hours_are_site_wall_clock_time_on_a_daylight_saving_day(day: date) -> None:
    slot = find_slot(london(Opening(time(8), time(18)), day), TreatmentNeeds(145), day)
    assert slot.starts_at == datetime.combine(day, time(8), LONDON)
    assert slot.ends_at - slot.starts_at == timedelta(minutes=145)


@pytest.mark.parametrize(
    ("day", "fits"), [(SPRING_FORWARD - timedelta(days=1), True), (SPRING_FORWARD, False),
                      (FALL_BACK, True)]
)  # fmt: skip
def test_a_daylight_saving_change_in_opening_hours_shortens_or_lengthens_them(
    day: date, fits: bool
) -> None:
    """00:00-06:00 lasts 6 h, 5 h when the clocks go forward, 7 h when they go back."""
    cal, needs = london(Opening(time(0), time(6)), day), TreatmentNeeds(330)
    if fits:
        assert find_slot(cal, needs, day).starts_at == datetime.combine(day, time(0), LONDON)
    else:
        with pytest.raises(
            SchedulingError, match="5 h 30 min does not fit between 00:00 and 06:00"
        ):
            find_slot(cal, needs, day)


@pytest.mark.parametrize(
    ("cal", "needs", "message"),
    [
        (calendar(chairs_per_nurse=0), ESKETAMINE, "chairs each nurse covers"),
        (calendar(slot_step_min=0), ESKETAMINE, "slot step"),
        (calendar(), TreatmentNeeds(0), "at least 1 minute"),
        (calendar(), TreatmentNeeds(60, preferred_weekdays=frozenset({7})), "0 \\(Monday\\)"),
    ],
)
def test_settings_that_could_book_nothing_are_refused_before_searching(
    cal: SiteCalendar, needs: TreatmentNeeds, message: str
) -> None:
    with pytest.raises(SchedulingError, match=message):
        find_slot(cal, needs, MONDAY)


HAND_CHOSEN = [
    (calendar(), Slot(1, at(MONDAY, 9, 7), at(MONDAY, 11, 32)), None),
    (calendar(), Slot(9, at(MONDAY, 9), at(MONDAY, 11, 25)),
     "Monday 30 Nov: that chair is not in use at the site"),
    (calendar(), Slot(1, at(MONDAY, 9), at(MONDAY, 9)),
     "Monday 30 Nov: the slot must end after it starts"),
    (calendar(), Slot(1, at(MONDAY, 17), at(MONDAY, 19, 25)),
     "Monday 30 Nov: it would run outside opening hours (08:00 to 18:00)"),
    (calendar(closed_on={THURSDAY: "Thanksgiving"}), Slot(1, at(THURSDAY, 9), at(THURSDAY, 11)),
     "Thursday 3 Dec: closed (Thanksgiving)"),
    (booked(calendar(), (1, at(MONDAY, 9), at(MONDAY, 10))),
     Slot(1, at(MONDAY, 8), at(MONDAY, 10, 25)),
     "Monday 30 Nov: its chair is taken for 2 h 25 min from 08:00"),
    (calendar(prescribers=0), Slot(2, at(MONDAY, 8), at(MONDAY, 10, 25)),
     f"Monday 30 Nov: no prescriber on site for a whole 2 h 25 min treatment from 08:00 {REMS}"),
]  # fmt: skip


@pytest.mark.parametrize(("cal", "slot", "message"), HAND_CHOSEN)
def test_a_slot_chosen_by_hand_is_checked_against_the_calendar_off_the_grid_too(
    cal: SiteCalendar, slot: Slot, message: str | None
) -> None:
    if message is None:
        check_slot(cal, ESKETAMINE, slot)
    else:
        with pytest.raises(SchedulingError) as refused:
            check_slot(cal, ESKETAMINE, slot)
        assert str(refused.value) == message
