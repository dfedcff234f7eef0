"""What one reading does to a treatment's alerts, and whether baseline vitals allow dosing.

The open threshold alerts of a treatment mirror where each vital stands now: after a usable
reading, a vital has at most one open alert, at the highest level the reading is beyond. So a
reading beyond a level raises it once (no duplicate while it is open), a higher level supersedes
a lower one, and a reading back within a level's limits clears its alert. A reading that is not
usable (invalid, sentinel, no number: ``model.usable_value``) changes nothing (issue 6).
Limits are the clinic's (``thresholds``); §4.2 gives no numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ketacare.core.enums import ThresholdLevel, Vital, VitalAlertKind, VitalAlertLevel
from ketacare.core.vitals.codes import VITALS
from ketacare.core.vitals.model import Reading, latest_usable, usable_value
from ketacare.core.vitals.thresholds import Side, ThresholdProfile

WATCHED = ((ThresholdLevel.ACT, VitalAlertLevel.ACT), (ThresholdLevel.WARN, VitalAlertLevel.WARN))
RANK = {level: rank for rank, level in enumerate(VitalAlertLevel)}


@dataclass(frozen=True)
class OpenAlert:
    """An alert not yet cleared, as the caller stores it (``alert_id`` is the caller's key)."""

    vital: str | None
    level: VitalAlertLevel
    kind: VitalAlertKind = VitalAlertKind.THRESHOLD
    alert_id: int | None = None


@dataclass(frozen=True)
class Breach:
    """A value beyond one limit: which vital, which side, the limit, a sentence for staff."""

    vital: str
    value: Decimal
    side: Side
    limit: Decimal
    message: str


@dataclass(frozen=True)
class RaiseAlert:
    """Store a new threshold alert at ``level`` for ``breach``."""

    level: VitalAlertLevel
    breach: Breach
    kind: VitalAlertKind = VitalAlertKind.THRESHOLD


@dataclass(frozen=True)
class ClearAlert:
    """Close ``alert``: its vital is back within that level, or another level replaced it."""

    alert: OpenAlert
    reason: str


AlertDecision = RaiseAlert | ClearAlert


def evaluate(
    reading: Reading, profile: ThresholdProfile, open_alerts: Iterable[OpenAlert]
) -> list[AlertDecision]:
    """The alerts to clear, then the alert to raise, for one reading: see the module docstring.
    Never raises on any value; an unusable reading returns no decision."""
    value = usable_value(reading)
    if value is None:
        return []
    mine = [
        alert
        for alert in open_alerts
        if alert.kind == VitalAlertKind.THRESHOLD and alert.vital == reading.vital
    ]
    worst = _worst(reading.vital, value, profile)
    level = None if worst is None else worst[0]
    decisions: list[AlertDecision] = [
        ClearAlert(alert, _why_cleared(alert.level, level))
        for alert in mine
        if alert.level != level
    ]
    if worst is not None and all(alert.level != level for alert in mine):
        decisions.append(RaiseAlert(*worst))
    return decisions


def pre_dose_hold(readings: Iterable[Reading], profile: ThresholdProfile) -> tuple[Breach, ...]:
    """The latest usable value of each vital that is beyond the clinic's pre-dose hold limits,
    in vital order; empty when dosing may go ahead as far as the hold limits go (§4.2)."""
    latest = latest_usable(readings)
    found = []
    for vital in Vital:
        reading = latest.get(vital)
        value = None if reading is None else usable_value(reading)
        beyond = None if value is None else profile.limits(vital, ThresholdLevel.HOLD).beyond(value)
        if value is not None and beyond is not None:
            found.append(_breach(vital, value, *beyond, ThresholdLevel.HOLD))
    return tuple(found)


def _worst(
    vital: str, value: Decimal, profile: ThresholdProfile
) -> tuple[VitalAlertLevel, Breach] | None:
    for threshold, level in WATCHED:
        beyond = profile.limits(vital, threshold).beyond(value)
        if beyond is not None:
            return level, _breach(vital, value, *beyond, threshold)
    return None


def _breach(
    vital: str, value: Decimal, side: Side, limit: Decimal, level: ThresholdLevel
) -> Breach:
    code = VITALS[Vital(vital)]
    named = "pre-dose hold" if level == ThresholdLevel.HOLD else level.value
    where = "below" if side == "low" else "above"
    message = (
        f"{code.short} {value:f} {code.unit} is {where} the {named} limit of {limit:f} {code.unit}."
    )
    return Breach(vital, value, side, limit, message)


def _why_cleared(was: VitalAlertLevel, now: VitalAlertLevel | None) -> str:
    if now is None:
        return "Back within limits."
    if RANK[now] > RANK[was]:
        return f"Superseded by the {now.value} level."
    return f"Eased to the {now.value} level."
