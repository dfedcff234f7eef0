"""Threshold profiles the tests set for themselves (no authoritative numbers exist, §4.2: these
are test values, not defaults)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from ketacare.core.vitals.model import Reading
from ketacare.core.vitals.thresholds import Limits, build_profile

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def lim(low: str | None = None, high: str | None = None) -> Limits:
    return Limits(None if low is None else Decimal(low), None if high is None else Decimal(high))


PROFILE = build_profile(
    {"sbp_mmhg": lim(high="179"), "spo2_percent": lim(low="90")},
    {
        ("sbp_mmhg", "warn"): lim(high="159"),
        ("sbp_mmhg", "hold"): lim(high="159"),
        ("dbp_mmhg", "hold"): lim(high="99"),
        ("spo2_percent", "warn"): lim(low="94"),
        ("hr_bpm", "act"): lim("40", "120"),
        ("rr_per_min", "act"): lim("8", "30"),
    },
)


def reading(vital: str, value: object, valid: bool = True, at: datetime = AT) -> Reading:
    return Reading(vital, value, at, valid)  # type: ignore[arg-type]
