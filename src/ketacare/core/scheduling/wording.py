"""Days, clock times and durations as the clinic reads them in scheduling messages.

Names are spelled out here rather than taken from the process locale, so a message reads the same
on every server.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def long_day(day: date) -> str:
    """``Thursday 3 Dec``: the day a reason is about."""
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def short_day(day: date) -> str:
    """``Thu 3 Dec``: a treatment's target day."""
    return f"{DAY_NAMES[day.weekday()][:3]} {day.day} {MONTHS[day.month - 1]}"


def clock(at: datetime | time, zone: tzinfo | None = None) -> str:
    """``08:00``: wall-clock time, in ``zone`` when an instant is given with one."""
    if isinstance(at, datetime) and zone is not None:
        at = at.astimezone(zone)
    return f"{at.hour:02d}:{at.minute:02d}"


def moment(at: datetime, zone: tzinfo | None = None) -> str:
    """``Thu 3 Dec 08:00``: an instant, in ``zone`` when given, else in its own zone."""
    local = at if zone is None else at.astimezone(zone)
    return f"{short_day(local.date())} {clock(local)}"


def duration(span: timedelta | int) -> str:
    """``2 h 25 min``, ``48 h``, ``45 min``: a span, or a number of minutes."""
    minutes = span if isinstance(span, int) else int(span.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"
