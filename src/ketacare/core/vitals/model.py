"""A reading, and the one rule for when its number may be believed.

Monitors mark a failed measurement in several ways: result status X, an empty value, or a sentinel
number such as -999 (issue 6). Such a reading is stored, flagged invalid, and never raises or
clears an alert. ``usable_value`` is the single gate every rule goes through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from ketacare.core.vitals.codes import describe

# Sentinels monitors send for "no valid value" (issue 6: "-999"; -99.9 as sent by some devices
# for temperature). The interop mapper flags these too; the core refuses them again, so a reading
# typed or imported by another path cannot slip one through.
INVALID_SENTINELS: frozenset[Decimal] = frozenset({Decimal("-999"), Decimal("-99.9")})


@dataclass(frozen=True)
class Reading:
    """One vital-sign observation: ``vital`` is a code from ``Vital``; ``value`` may be missing;
    ``valid`` is False when the source marked it invalid; ``observed_at`` is the device's time."""

    vital: str
    value: Decimal | float | int | None
    observed_at: datetime
    valid: bool = True


def as_decimal(value: object) -> Decimal | None:
    """A finite Decimal for an int, float, Decimal or numeric text; None for anything else,
    including NaN and infinities."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def usable_value(reading: Reading) -> Decimal | None:
    """The reading's number when rules may act on it, else None: the vital must be ours, the
    reading valid, the value finite, not a sentinel, not negative (no vital we record can be),
    and not above its physical ceiling (SpO2 100 %)."""
    code = describe(reading.vital)
    number = as_decimal(reading.value)
    if code is None or not reading.valid or number is None:
        return None
    if number in INVALID_SENTINELS or number < 0:
        return None
    if code.most is not None and number > code.most:
        return None
    return number


def latest_usable(readings: Iterable[Reading]) -> Mapping[str, Reading]:
    """The latest usable reading of each vital (by observation time; on a tie, the later one
    given), for baselines and "back within limits" checks."""
    latest: dict[str, Reading] = {}
    for reading in readings:
        if usable_value(reading) is None:
            continue
        held = latest.get(reading.vital)
        if held is None or reading.observed_at >= held.observed_at:
            latest[reading.vital] = reading
    return latest
