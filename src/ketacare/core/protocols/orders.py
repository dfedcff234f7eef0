"""Checking a course order's standing dose against its protocol's dose rule.

A dose above the protocol's cap is refused here: a cap may only be passed for one treatment, by a
prescriber override with a reason (core/dosing/caps.py), never as a course's standing order. A dose
outside the protocol's min..max is allowed but flagged: it needs a second signature at each
treatment (clinical-reference §1.1 software rule). Esketamine takes only its listed doses (§3.2).
"""

from __future__ import annotations

from decimal import Decimal

from ketacare.core.errors import ValidationFailed
from ketacare.core.protocols.model import Protocol, value_of


def _show(value: Decimal) -> str:
    return format(value.normalize(), "f")


def check_order_dose(protocol: Protocol, dose: Decimal) -> tuple[str, ...]:
    """Warnings for a standing dose in the protocol's unit; ValidationFailed if it cannot stand."""
    rule, unit = protocol.dose_rule, protocol.dose_rule.unit
    if not dose.is_finite() or dose <= 0:
        raise ValidationFailed({"dose": f"Enter a dose above 0 {unit}."})
    if rule.allowed is not None and dose not in rule.allowed.value:
        listed = " or ".join(_show(v) for v in rule.allowed.value)
        raise ValidationFailed(
            {"dose": f"{protocol.name} is given as {listed} {unit} ({rule.allowed.source})."}
        )
    cap = value_of(rule.cap)
    if cap is not None and dose > cap:
        raise ValidationFailed(
            {
                "dose": f"{_show(dose)} {unit} is above the protocol's cap of {_show(cap)} {unit}. "
                "Only one treatment may pass a cap, by a prescriber override with a reason."
            }
        )
    low, high = value_of(rule.min), value_of(rule.max)
    if (low is not None and dose < low) or (high is not None and dose > high):
        bounds = (
            f"{_show(low) if low is not None else '…'}-{_show(high) if high is not None else '…'}"
        )
        return (
            f"{_show(dose)} {unit} is outside the protocol's range {bounds} {unit}: each treatment "
            "needs a second signature (clinical-reference §1.1).",
        )
    return ()
