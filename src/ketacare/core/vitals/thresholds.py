"""A threshold profile: for each vital, the clinic's pre-dose ``hold`` limits and the ``warn`` and
``act`` limits watched during dosing and observation (clinical-reference §4.2).

No primary source fixes numeric alert thresholds for subanesthetic ketamine (§4.2, §13 item 4):
every limit starts unset, and an unset limit never fires. The clinic sets them, per protocol. The
SOP figures in ``SOP_EXAMPLES`` are UNVERIFIED and are shown as text, never used as values.

Limits are the last acceptable values, as on a bedside monitor: a reading fires when it is below
``low`` or above ``high``. A pulse rate has the heart-rate limits unless the clinic gives it its
own, so a monitor that reports only pulse rate (no ECG) is still watched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Literal, Protocol

from ketacare.core.enums import ThresholdLevel, Vital
from ketacare.core.errors import FieldError, ValidationFailed
from ketacare.core.vitals.codes import describe
from ketacare.core.vitals.model import as_decimal

Side = Literal["low", "high"]

NOT_SET_NOTE = (
    "Not set: no authoritative number exists for subanesthetic ketamine (clinical-reference §4.2, "
    "§13 item 4); the clinic's medical director sets it. While unset, no alert fires."
)
SOP_EXAMPLES = (
    "Examples seen in clinic SOPs (UNVERIFIED, clinical-reference §4.2; not defaults): pre-dose "
    "hold SBP >= 160 or DBP >= 100; act SBP >= 180 or DBP >= 110 or HR >= 110-120; SpO2 < 92 %; "
    "RR < 10. The SPRAVATO label's > 140/90 is a prompt for a prescriber decision, not a hold."
)


class HasLimits(Protocol):
    """Anything with ``low`` and ``high``: a protocol's Range, a stored clinic threshold row."""

    @property
    def low(self) -> Decimal | None: ...

    @property
    def high(self) -> Decimal | None: ...


@dataclass(frozen=True)
class Limits:
    """One level's limits for one vital; either side may be unset (None)."""

    low: Decimal | None = None
    high: Decimal | None = None

    @property
    def is_set(self) -> bool:
        return self.low is not None or self.high is not None

    def beyond(self, value: Decimal) -> tuple[Side, Decimal] | None:
        """The side ``value`` is beyond and that side's limit; None when it is within (or
        nothing is set)."""
        if self.low is not None and value < self.low:
            return "low", self.low
        if self.high is not None and value > self.high:
            return "high", self.high
        return None

    def limit(self, side: Side) -> Decimal | None:
        """The limit on one side (None when unset)."""
        return self.low if side == "low" else self.high


NO_LIMITS = Limits()


@dataclass(frozen=True)
class VitalLimits:
    """The three levels for one vital."""

    hold: Limits = NO_LIMITS
    warn: Limits = NO_LIMITS
    act: Limits = NO_LIMITS

    def at(self, level: ThresholdLevel) -> Limits:
        return {
            ThresholdLevel.HOLD: self.hold,
            ThresholdLevel.WARN: self.warn,
            ThresholdLevel.ACT: self.act,
        }[level]


@dataclass(frozen=True)
class ThresholdProfile:
    """Limits per vital code; a vital missing from ``vitals`` has none set."""

    vitals: Mapping[str, VitalLimits] = field(default_factory=lambda: MappingProxyType({}))

    def limits(self, vital: str, level: ThresholdLevel) -> Limits:
        """The limits for ``vital`` at ``level``; a pulse rate without its own falls back to
        the heart rate's (see the module docstring)."""
        own = self.vitals.get(vital, VitalLimits()).at(level)
        if own.is_set or vital != Vital.PULSE_BPM:
            return own
        return self.vitals.get(Vital.HR_BPM, VitalLimits()).at(level)


def build_profile(
    protocol_limits: Mapping[str, HasLimits | None],
    clinic_limits: Mapping[tuple[str, str], HasLimits] | None = None,
    protocol_level: ThresholdLevel = ThresholdLevel.ACT,
) -> ThresholdProfile:
    """The profile for one protocol at one clinic.

    ``protocol_limits`` are the protocol's alert limits per vital (its ``alert_thresholds``
    values; None = not set), taken as the ``protocol_level`` limits. ``clinic_limits`` are the
    clinic's rows keyed by (vital, level); a row replaces that vital's level whole. Raises
    ValidationFailed, by field ``<vital>.<level>.<low|high>``, for an unknown vital or level, a
    value that is not a number or cannot be real, low not below high, or an act limit that is
    not beyond the warn limit on the same side."""
    entries: dict[tuple[str, str], HasLimits] = {
        (vital, protocol_level.value): limits
        for vital, limits in protocol_limits.items()
        if limits is not None
    }
    entries.update(clinic_limits or {})
    errors: list[FieldError] = []
    table: dict[str, dict[ThresholdLevel, Limits]] = {}
    for (vital, level), given in entries.items():
        checked = _checked_entry(vital, level, given, errors)
        if checked is not None:
            table.setdefault(vital, {})[ThresholdLevel(level)] = checked
    vitals = {
        vital: VitalLimits(**{lv.value: lim for lv, lim in by.items()})
        for vital, by in table.items()
    }
    for vital, limits in vitals.items():
        errors += _act_beyond_warn(vital, limits)
    if errors:
        raise ValidationFailed(errors)
    return ThresholdProfile(MappingProxyType(vitals))


def _checked_entry(
    vital: str, level: str, given: HasLimits, errors: list[FieldError]
) -> Limits | None:
    """One entry as Limits, or None after recording why it cannot be used."""
    where = f"{vital}.{level}"
    code = describe(vital)
    if code is None:
        errors.append(FieldError(where, f"{vital!r} is not a vital sign ketacare records."))
        return None
    if level not in set(ThresholdLevel):
        errors.append(FieldError(where, f"{level!r} is not a level (hold, warn or act)."))
        return None
    sides: dict[Side, Decimal | None] = {}
    for side in ("low", "high"):
        sides[side] = _side_value(getattr(given, side), code.most, f"{where}.{side}", errors)
    low, high = sides["low"], sides["high"]
    if low is not None and high is not None and low >= high:
        errors.append(FieldError(f"{where}.low", "The low limit must be below the high limit."))
        return None
    return Limits(low, high)


def _side_value(
    raw: object, most: Decimal | None, field_name: str, errors: list[FieldError]
) -> Decimal | None:
    if raw is None:
        return None
    value = as_decimal(raw)
    if value is None or value < 0 or (most is not None and value > most):
        ceiling = "" if most is None else f" and at most {most}"
        errors.append(FieldError(field_name, f"Enter a number of 0 or more{ceiling}."))
        return None
    return value


def _act_beyond_warn(vital: str, limits: VitalLimits) -> list[FieldError]:
    """An act limit sits beyond the warn limit on its side: lower on low, higher on high."""
    warn, act = limits.warn, limits.act
    errors = []
    if warn.low is not None and act.low is not None and act.low >= warn.low:
        errors.append(
            FieldError(
                f"{vital}.act.low", f"The act limit must be below the warn limit {warn.low}."
            )
        )
    if warn.high is not None and act.high is not None and act.high <= warn.high:
        errors.append(
            FieldError(
                f"{vital}.act.high", f"The act limit must be above the warn limit {warn.high}."
            )
        )
    return errors
