"""The scheduling settings a clinic starts with, and the checks on what an admin enters: the
settings, a site's weekly opening hours, closed days, rota lines and absences.

None of these values is clinical. The clinical reference gives no staffing ratio, no check-in
time, no booking grid, no allowance for moving a treatment and no reminder lead time, so every
default below is a clinic choice with a note saying so; the bounds only stop a typing slip from
blocking all booking. (What is clinical, such as the esketamine prescriber on site and the
2-hour observation, lives in the protocols, clinical-reference §3.9.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import get_args

from ketacare.core.errors import ValidationFailed
from ketacare.core.scheduling.model import DutyRole, Opening

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DUTY_ROLES: tuple[DutyRole, ...] = get_args(DutyRole)
DUTY_ROLE: Mapping[str, DutyRole] = {role: role for role in DUTY_ROLES}  # text -> typed
NOTE_MAX_CHARS = 200  # the width of the reason and note columns
CLINIC_CHOICE = "A clinic choice, not a clinical value: the clinical reference gives none."


@dataclass(frozen=True)
class ClinicChoice:
    """A default the clinic may change, with why it is what it is."""

    value: int
    note: str


@dataclass(frozen=True)
class SchedulingSettings:
    """The organization's scheduling choices (see ``DEFAULT_CHOICES`` for what each means)."""

    chairs_per_nurse: int
    check_in_min: int
    slot_step_min: int
    max_shift_days: int
    reminder_hours_before: int


DEFAULT_CHOICES: Mapping[str, ClinicChoice] = {
    "chairs_per_nurse": ClinicChoice(
        2, "Occupied chairs one nurse on duty watches at once. " + CLINIC_CHOICE
    ),
    "check_in_min": ClinicChoice(
        15, "Minutes a chair is held before dosing for check-in and pre-checks. " + CLINIC_CHOICE
    ),
    "slot_step_min": ClinicChoice(
        15, "Treatments start on this many minutes' grid from opening. " + CLINIC_CHOICE
    ),
    "max_shift_days": ClinicChoice(
        7, "Days a treatment may move past its target day to find a slot. " + CLINIC_CHOICE
    ),
    "reminder_hours_before": ClinicChoice(
        24, "Hours before an appointment the patient's e-mail reminder goes. " + CLINIC_CHOICE
    ),
}
DEFAULT_SETTINGS = SchedulingSettings(**{name: c.value for name, c in DEFAULT_CHOICES.items()})

# Inclusive bounds; wide on purpose, they only catch slips (0 chairs per nurse books nothing).
LIMITS: Mapping[str, tuple[int, int]] = {
    "chairs_per_nurse": (1, 20),
    "check_in_min": (0, 240),
    "slot_step_min": (5, 120),
    "max_shift_days": (0, 28),
    "reminder_hours_before": (1, 168),
}


def settings_from(values: Mapping[str, int | None]) -> SchedulingSettings:
    """Checked settings from an admin's entries; every missing or out-of-range one is named."""
    errors: dict[str, str] = {}
    checked: dict[str, int] = {}
    for name, (low, high) in LIMITS.items():
        value = values.get(name)
        if value is None or not low <= value <= high:
            errors[name] = f"Enter a whole number from {low} to {high}."
        else:
            checked[name] = value
    if checked.get("slot_step_min", 0) % 5:
        errors["slot_step_min"] = "Use a multiple of 5 minutes."
    if errors:
        raise ValidationFailed(errors)
    return SchedulingSettings(**checked)


def week_from(hours: Mapping[int, tuple[time | None, time | None]]) -> dict[int, Opening]:
    """The open days of a week from (opens, closes) per weekday 0 (Monday) to 6; a day with both
    times blank, or absent, is closed. Field errors name ``opens_<weekday>``/``closes_<weekday>``.
    """
    errors: dict[str, str] = {}
    week: dict[int, Opening] = {}
    for weekday, (opens, closes) in sorted(hours.items()):
        if weekday not in range(7):
            errors["weekday"] = "Weekdays run from 0 (Monday) to 6 (Sunday)."
        elif opens is None and closes is None:
            continue
        elif opens is None or closes is None:
            blank = "opens" if opens is None else "closes"
            errors[f"{blank}_{weekday}"] = "Give both times, or leave both blank for closed."
        elif opens >= closes:
            errors[f"closes_{weekday}"] = f"Closing time must be after {opens:%H:%M}."
        else:
            week[weekday] = Opening(opens, closes)
    if errors:
        raise ValidationFailed(errors)
    return week


@dataclass(frozen=True)
class Shift:
    """A regular weekly stretch on duty: a role, a weekday (0 Monday) and site wall-clock times."""

    role: DutyRole
    weekday: int
    starts_at: time
    ends_at: time

    def overlaps(self, other: Shift) -> bool:
        return (
            self.weekday == other.weekday
            and self.starts_at < other.ends_at
            and other.starts_at < self.ends_at
        )


def shift_from(
    role: str,
    weekday: int | None,
    starts_at: time | None,
    ends_at: time | None,
    taken: Iterable[Shift] = (),
) -> Shift:
    """A checked rota line; ``taken`` are the person's other lines at any site, since nobody
    works in two places (or two roles) at once."""
    errors: dict[str, str] = {}
    duty_role = DUTY_ROLE.get(role)
    if duty_role is None:
        errors["role"] = "Choose nurse or prescriber: the roles the scheduler counts."
    if weekday is None or weekday not in range(7):
        errors["weekday"] = "Choose a weekday."
    if starts_at is None:
        errors["starts_at"] = "Enter the start time."
    if ends_at is None:
        errors["ends_at"] = "Enter the end time."
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = f"The end must be after {starts_at:%H:%M}."
    if errors or duty_role is None or weekday is None or starts_at is None or ends_at is None:
        raise ValidationFailed(errors)
    shift = Shift(duty_role, weekday, starts_at, ends_at)
    for other in taken:
        if shift.overlaps(other):
            span = f"{other.starts_at:%H:%M}-{other.ends_at:%H:%M}"
            clash = f"Already on the rota {WEEKDAY_NAMES[other.weekday]} {span} ({other.role})."
            raise ValidationFailed({"starts_at": clash})
    return shift


@dataclass(frozen=True)
class Absence:
    """Whole days a person is off the rota, ``first_on`` to ``last_on`` inclusive."""

    first_on: date
    last_on: date
    note: str


def absence_from(first_on: date | None, last_on: date | None, note: str) -> Absence:
    """A checked absence; a single day has the same first and last day."""
    errors = _note_errors("note", note)
    if first_on is None:
        errors["first_on"] = "Enter the first day away."
    if last_on is None:
        errors["last_on"] = "Enter the last day away (the first day again for one day)."
    elif first_on is not None and last_on < first_on:
        errors["last_on"] = f"The last day cannot be before {first_on.isoformat()}."
    if errors or first_on is None or last_on is None:
        raise ValidationFailed(errors)
    return Absence(first_on, last_on, note.strip())


def closure_from(closed_on: date | None, reason: str) -> tuple[date, str]:
    """A checked closed day and its reason (shown to staff when the scheduler skips the day)."""
    errors = _note_errors("reason", reason)
    if not reason.strip():
        errors["reason"] = "Say why the site is closed (a public holiday, a training day)."
    if closed_on is None:
        errors["closed_on"] = "Enter the day the site is closed."
    if errors or closed_on is None:
        raise ValidationFailed(errors)
    return closed_on, reason.strip()


def _note_errors(field: str, text: str) -> dict[str, str]:
    if len(text.strip()) > NOTE_MAX_CHARS:
        return {field: f"Keep it to {NOTE_MAX_CHARS} characters."}
    return {}
