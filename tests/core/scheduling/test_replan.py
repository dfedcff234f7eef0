"""After one treatment of a course moved or was cancelled, the later ones keep their slots while
those stay valid, else move without breaking the minimum interval; an impossible reschedule is
refused with the reason. And the interval check a hand-made move goes through."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ketacare.core.scheduling.model import SchedulingError, Slot, TreatmentNeeds
from ketacare.core.scheduling.series import (
    IntervalViolation,
    book_series,
    interval_violations,
    replan,
    with_booked,
)
from ketacare.core.scheduling.wording import duration
from tests.core.scheduling.calendars import MONDAY, at, calendar, days_from

NEEDS = TreatmentNeeds(115)  # IV: 15 min check-in, 40 min infusion, 60 min observation
HOURS_48 = timedelta(hours=48)
WEDNESDAY, FRIDAY = MONDAY + timedelta(days=2), MONDAY + timedelta(days=4)


def course(*days: datetime) -> list[Slot]:
    """Treatments booked by hand at these starts, on chair 1."""
    return [Slot(1, start, start + timedelta(minutes=NEEDS.chair_min)) for start in days]


def starts(slots: list[Slot]) -> list[datetime]:
    return [s.starts_at for s in slots]


def test_later_treatments_keep_their_slots_while_they_stay_valid() -> None:
    cal = calendar()
    later = course(at(WEDNESDAY, 8), at(FRIDAY, 8))
    moved_first = at(MONDAY, 6)  # two hours earlier: further from the rest, nothing breaks
    assert replan(cal, NEEDS, later, HOURS_48, after=moved_first, max_shift_days=7) == later


def test_a_treatment_brought_too_close_moves_to_the_first_day_the_interval_allows() -> None:
    cal = calendar()
    later = course(at(WEDNESDAY, 9), at(FRIDAY, 9))
    moved_first = at(MONDAY + timedelta(days=1), 10)
    slots = replan(cal, NEEDS, later, HOURS_48, after=moved_first, max_shift_days=7)
    assert starts(slots) == [at(MONDAY + timedelta(days=3), 10), at(MONDAY + timedelta(days=7), 9)]
    assert interval_violations([moved_first, *starts(slots)], HOURS_48) == []


def test_a_treatment_whose_chair_was_taken_meanwhile_moves_to_another_chair_same_time() -> None:
    cal = calendar()
    later = course(at(WEDNESDAY, 9))
    taken = with_booked(cal, [Slot(1, at(WEDNESDAY, 8), at(WEDNESDAY, 12))])
    slots = replan(taken, NEEDS, later, HOURS_48, after=at(MONDAY, 9), max_shift_days=7)
    assert slots == [Slot(2, at(WEDNESDAY, 9), at(WEDNESDAY, 10, 55))]


def test_a_moved_treatment_never_lands_on_one_that_kept_its_slot() -> None:
    """No interval; one chair left in use: the second treatment waits for the first to end."""
    cal = replace(calendar(), chair_ids=(1,))
    later = [*course(at(WEDNESDAY, 9)), Slot(2, at(WEDNESDAY, 9), at(WEDNESDAY, 10, 55))]
    slots = replan(cal, NEEDS, later, timedelta(0), after=None, max_shift_days=0)
    assert slots == [later[0], Slot(1, at(WEDNESDAY, 11), at(WEDNESDAY, 12, 55))]


def test_an_impossible_reschedule_is_refused_with_the_reason() -> None:
    """The first treatment moves from Monday to Tuesday; Wednesday's is now too close, and
    the clinic is closed from Thursday through the following week."""
    cal = calendar(closed_on=dict.fromkeys(days_from(MONDAY + timedelta(days=3), 9), "Holiday"))
    later = course(at(WEDNESDAY, 8))
    with pytest.raises(SchedulingError) as refused:
        replan(cal, NEEDS, later, HOURS_48, after=at(MONDAY + timedelta(days=1), 8),
               max_shift_days=7)  # fmt: skip
    assert str(refused.value) == (
        "The treatment booked for Wed 2 Dec 08:00 cannot stay (it must start at least 48 h "
        "after the treatment before it, Tue 1 Dec 08:00) nor move: Thursday 3 Dec: closed "
        "(Holiday); no later day up to Thu 10 Dec works either"
    )


def test_after_a_cancellation_the_rest_keep_the_interval_from_the_treatment_before_it() -> None:
    cal = calendar()
    booked = book_series(cal, NEEDS, [MONDAY, WEDNESDAY, FRIDAY], HOURS_48)
    rest = replan(cal, NEEDS, booked[2:], HOURS_48, after=booked[0].starts_at, max_shift_days=7)
    assert rest == booked[2:]


NEW_YORK = ZoneInfo("America/New_York")
CLOCKS_BACK = datetime(2026, 11, 1, 12, tzinfo=NEW_YORK)  # 1 Nov 2026: 02:00 EDT -> 01:00 EST


@pytest.mark.parametrize(
    ("gap", "broken"),
    [
        (timedelta(hours=47, minutes=59), True),
        (timedelta(hours=48), False),
        (timedelta(hours=72), False),
        (timedelta(hours=-1), True),
    ],
)
def test_two_starts_closer_than_the_interval_are_a_violation(gap: timedelta, broken: bool) -> None:
    first = at(MONDAY, 9)
    found = interval_violations([first, first + gap], HOURS_48)
    assert found == ([IntervalViolation(first, first + gap, HOURS_48)] if broken else [])


def test_the_interval_is_counted_in_real_hours_across_a_clock_change() -> None:
    """Saturday noon to Monday noon in New York spans the clocks going back: 49 real hours."""
    saturday, monday = CLOCKS_BACK - timedelta(days=1), CLOCKS_BACK + timedelta(days=1)
    assert interval_violations([saturday, monday], timedelta(hours=49)) == []
    assert interval_violations([saturday, monday], timedelta(hours=49, minutes=1)) != []


@pytest.mark.parametrize(
    ("later", "message"),
    [
        (at(MONDAY, 9) + timedelta(hours=25),
         "The treatments at Mon 30 Nov 09:00 and Tue 1 Dec 10:00 are 25 h apart; the protocol "
         "needs at least 48 h between their starts."),
        (at(MONDAY, 8),
         "The treatment at Mon 30 Nov 08:00 would come before the one at Mon 30 Nov 09:00; the "
         "protocol needs at least 48 h between their starts."),
    ],
)  # fmt: skip
def test_a_violation_reads_as_a_sentence(later: datetime, message: str) -> None:
    assert [str(v) for v in interval_violations([at(MONDAY, 9), later], HOURS_48)] == [message]


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(45, "45 min"), (60, "1 h"), (145, "2 h 25 min"), (2880, "48 h"), (0, "0 min")],
)
def test_durations_read_in_hours_and_minutes(minutes: int, words: str) -> None:
    assert duration(minutes) == words
    assert duration(timedelta(minutes=minutes)) == words
