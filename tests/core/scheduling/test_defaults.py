"""The scheduling settings a clinic starts with (each a clinic choice, none clinical) and the
checks on what an admin enters: settings, opening hours, rota lines, absences, closed days."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.core.errors import ValidationFailed
from ketacare.core.scheduling.defaults import (
    CLINIC_CHOICE,
    DEFAULT_CHOICES,
    DEFAULT_SETTINGS,
    LIMITS,
    NOTE_MAX_CHARS,
    SchedulingSettings,
    Shift,
    absence_from,
    closure_from,
    settings_from,
    shift_from,
    week_from,
)
from ketacare.core.scheduling.model import Opening


def refused_fields(call, *args) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as refused:
        call(*args)
    return refused.value.by_field()


def test_the_defaults_are_the_clinic_choices_the_issue_names():
    assert (DEFAULT_SETTINGS.slot_step_min, DEFAULT_SETTINGS.max_shift_days) == (15, 7)
    assert DEFAULT_SETTINGS.reminder_hours_before == 24
    assert asdict(DEFAULT_SETTINGS) == {name: c.value for name, c in DEFAULT_CHOICES.items()}


@pytest.mark.parametrize("name", list(DEFAULT_CHOICES))
def test_every_default_says_it_is_a_clinic_choice_and_passes_its_own_check(name: str):
    assert DEFAULT_CHOICES[name].note.endswith(CLINIC_CHOICE)
    low, high = LIMITS[name]
    assert low <= DEFAULT_CHOICES[name].value <= high


def test_the_defaults_pass_the_checks_an_admins_entries_go_through():
    assert settings_from(asdict(DEFAULT_SETTINGS)) == DEFAULT_SETTINGS


BOUNDARIES = [
    (name, value, value in range(low, high + 1))
    for name, (low, high) in LIMITS.items()
    for value in (low - 1, low, high, high + 1)
    if name != "slot_step_min" or value % 5 == 0
]


@pytest.mark.parametrize(("name", "value", "accepted"), BOUNDARIES)
def test_each_setting_is_checked_on_both_sides_of_its_bounds(name: str, value: int, accepted: bool):
    values = {**asdict(DEFAULT_SETTINGS), name: value}
    if accepted:
        assert getattr(settings_from(values), name) == value
    else:
        assert "Enter a whole number from" in refused_fields(settings_from, values)[name]


def test_a_slot_step_off_the_five_minute_grid_is_refused():
    values = {**asdict(DEFAULT_SETTINGS), "slot_step_min": 7}
    assert refused_fields(settings_from, values) == {
        "slot_step_min": "Use a multiple of 5 minutes."
    }


def test_every_blank_setting_is_named_at_once():
    assert set(refused_fields(settings_from, dict.fromkeys(LIMITS))) == set(LIMITS)


@given(
    st.builds(
        SchedulingSettings,
        chairs_per_nurse=st.integers(*LIMITS["chairs_per_nurse"]),
        check_in_min=st.integers(*LIMITS["check_in_min"]),
        slot_step_min=st.integers(1, 24).map(lambda n: n * 5),
        max_shift_days=st.integers(*LIMITS["max_shift_days"]),
        reminder_hours_before=st.integers(*LIMITS["reminder_hours_before"]),
    )
)
def test_any_settings_within_bounds_are_kept_as_entered(settings: SchedulingSettings):
    assert settings_from(asdict(settings)) == settings


EIGHT, NOON, SIX = time(8), time(12), time(18)


@pytest.mark.parametrize(
    ("hours", "errors"),
    [
        ({0: (EIGHT, None)}, {"closes_0": "Give both times, or leave both blank for closed."}),
        ({3: (None, SIX)}, {"opens_3": "Give both times, or leave both blank for closed."}),
        ({1: (NOON, NOON)}, {"closes_1": "Closing time must be after 12:00."}),
        ({6: (SIX, EIGHT)}, {"closes_6": "Closing time must be after 18:00."}),
        ({7: (EIGHT, SIX)}, {"weekday": "Weekdays run from 0 (Monday) to 6 (Sunday)."}),
    ],
)
def test_impossible_opening_hours_are_refused_on_the_day_at_fault(hours, errors):
    assert refused_fields(week_from, hours) == errors


def test_a_week_keeps_its_open_days_and_blank_days_are_closed():
    hours = {0: (EIGHT, SIX), 1: (None, None), 5: (time(9), time(13))}
    assert week_from(hours) == {0: Opening(EIGHT, SIX), 5: Opening(time(9), time(13))}


@given(
    st.dictionaries(
        st.integers(0, 6),
        st.tuples(st.integers(0, 22), st.integers(1, 23)).filter(lambda h: h[0] < h[1]),
    )
)
def test_the_open_days_are_exactly_the_days_given_both_times(hours: dict[int, tuple[int, int]]):
    week = week_from({day: (time(a), time(b)) for day, (a, b) in hours.items()})
    assert set(week) == set(hours)
    assert all(opening.opens < opening.closes for opening in week.values())


MONDAY_DAY = Shift("nurse", 0, EIGHT, SIX)


@pytest.mark.parametrize(
    ("role", "weekday", "starts_at", "ends_at", "field"),
    [
        ("admin", 0, EIGHT, SIX, "role"),
        ("nurse", None, EIGHT, SIX, "weekday"),
        ("nurse", 7, EIGHT, SIX, "weekday"),
        ("nurse", 0, None, SIX, "starts_at"),
        ("nurse", 0, EIGHT, None, "ends_at"),
        ("prescriber", 0, NOON, NOON, "ends_at"),
        ("prescriber", 0, SIX, NOON, "ends_at"),
    ],
)
def test_an_unusable_rota_line_is_refused_on_the_field_at_fault(
    role: str, weekday: int | None, starts_at: time | None, ends_at: time | None, field: str
):
    assert field in refused_fields(shift_from, role, weekday, starts_at, ends_at)


def test_nobody_is_on_two_rota_lines_at_once():
    errors = refused_fields(shift_from, "prescriber", 0, NOON, time(20), [MONDAY_DAY])
    assert errors == {"starts_at": "Already on the rota Monday 08:00-18:00 (nurse)."}


@pytest.mark.parametrize(
    "shift",
    [
        Shift("nurse", 0, SIX, time(20)),
        Shift("nurse", 0, time(6), EIGHT),
        Shift("nurse", 1, EIGHT, SIX),
    ],
)
def test_back_to_back_lines_and_other_weekdays_do_not_clash(shift: Shift):
    made = shift_from(shift.role, shift.weekday, shift.starts_at, shift.ends_at, [MONDAY_DAY])
    assert made == shift


def clock(minute: int) -> time:
    return time(minute // 60, minute % 60)


SPANS = st.tuples(st.integers(0, 1438), st.integers(1, 1439)).filter(lambda m: m[0] < m[1])
SHIFTS = st.builds(
    lambda d, m: Shift("nurse", d, clock(m[0]), clock(m[1])), st.integers(0, 1), SPANS
)


@given(SHIFTS, SHIFTS)
def test_lines_clash_exactly_when_they_share_a_minute_of_a_weekday(a: Shift, b: Shift):
    def minutes(s: Shift) -> set[tuple[int, time]]:
        first, last = (
            s.starts_at.hour * 60 + s.starts_at.minute,
            s.ends_at.hour * 60 + s.ends_at.minute,
        )
        return {(s.weekday, clock(m)) for m in range(first, last)}

    assert a.overlaps(b) == b.overlaps(a) == bool(minutes(a) & minutes(b))


@pytest.mark.parametrize(
    ("first_on", "last_on", "note", "field"),
    [
        (None, date(2026, 3, 2), "", "first_on"),
        (date(2026, 3, 2), None, "", "last_on"),
        (date(2026, 3, 2), date(2026, 3, 1), "", "last_on"),
        (date(2026, 3, 2), date(2026, 3, 2), "x" * (NOTE_MAX_CHARS + 1), "note"),
    ],
)
def test_an_impossible_absence_is_refused_on_the_field_at_fault(first_on, last_on, note, field):
    assert field in refused_fields(absence_from, first_on, last_on, note)


def test_an_absence_may_be_a_single_day_and_its_note_is_trimmed():
    away = absence_from(date(2026, 3, 2), date(2026, 3, 2), "  training  ")
    assert (away.first_on, away.last_on, away.note) == (
        date(2026, 3, 2),
        date(2026, 3, 2),
        "training",
    )


@pytest.mark.parametrize(
    ("closed_on", "reason", "field"),
    [
        (None, "Holiday", "closed_on"),
        (date(2026, 12, 25), "   ", "reason"),
        (date(2026, 12, 25), "x" * (NOTE_MAX_CHARS + 1), "reason"),
    ],
)
def test_a_closed_day_needs_a_date_and_a_short_reason(closed_on, reason, field):
    assert field in refused_fields(closure_from, closed_on, reason)


def test_a_closed_day_keeps_its_reason_trimmed():
    assert closure_from(date(2026, 12, 25), " Christmas Day ") == (
        date(2026, 12, 25),
        "Christmas Day",
    )
