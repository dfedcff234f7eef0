"""Site calendars for the scheduler's tests: opening hours, staff on duty every day, bookings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from ketacare.core.scheduling.model import ChairBooking, DutyRole, OnDuty, Opening, SiteCalendar

MONDAY = date(2026, 11, 30)
THURSDAY = MONDAY + timedelta(days=3)
SUNDAY = MONDAY + timedelta(days=6)
WEEKDAYS_8_TO_18: Mapping[int, Opening] = {d: Opening(time(8), time(18)) for d in range(5)}
NURSE_IDS = range(1, 50)
PRESCRIBER_IDS = range(100, 150)


def at(day: date, hour: int, minute: int = 0, zone: tzinfo = UTC) -> datetime:
    """``day`` at ``hour:minute`` wall-clock in ``zone``."""
    return datetime.combine(day, time(hour, minute), zone)


def duty(
    role: DutyRole,
    staff_ids: Iterable[int],
    days: Iterable[date],
    hours: tuple[time, time] = (time(7), time(19)),
    zone: tzinfo = UTC,
) -> tuple[OnDuty, ...]:
    """Each of ``staff_ids`` on duty in ``role`` every one of ``days``, ``hours`` wall-clock."""
    return tuple(
        OnDuty(
            staff, role, datetime.combine(d, hours[0], zone), datetime.combine(d, hours[1], zone)
        )
        for d in days
        for staff in staff_ids
    )


def days_from(first: date, count: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(count)]


def calendar(
    *,
    chairs: int = 2,
    nurses: int = 1,
    prescribers: int = 1,
    zone: tzinfo = UTC,
    opening: Mapping[int, Opening] = WEEKDAYS_8_TO_18,
    closed_on: Mapping[date, str] | None = None,
    chairs_per_nurse: int = 2,
    slot_step_min: int = 15,
    weeks: int = 12,
) -> SiteCalendar:
    """A site with ``chairs`` chairs (ids 1..n) and staff on duty 07:00-19:00 every day."""
    days = days_from(MONDAY - timedelta(days=7), 7 * (weeks + 1))
    on_duty = duty("nurse", NURSE_IDS[:nurses], days, zone=zone)
    on_duty += duty("prescriber", PRESCRIBER_IDS[:prescribers], days, zone=zone)
    return SiteCalendar(
        zone=zone,
        opening=opening,
        closed_on=closed_on or {},
        chair_ids=tuple(range(1, chairs + 1)),
        bookings=(),
        on_duty=on_duty,
        chairs_per_nurse=chairs_per_nurse,
        slot_step_min=slot_step_min,
    )


def booked(cal: SiteCalendar, *taken: tuple[int, datetime, datetime]) -> SiteCalendar:
    """``cal`` with chairs taken: (chair id, starts at, ends at)."""
    more = tuple(ChairBooking(chair, start, end) for chair, start, end in taken)
    return replace(cal, bookings=cal.bookings + more)


def all_day(day: date, *chairs: int, zone: tzinfo = UTC) -> list[tuple[int, datetime, datetime]]:
    """``chairs`` taken from 07:00 to 19:00 on ``day`` in ``zone``."""
    return [(chair, at(day, 7, zone=zone), at(day, 19, zone=zone)) for chair in chairs]
