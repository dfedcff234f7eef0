"""Protocol dose caps, and the only way past one: a prescriber's override with a reason.

A dose above a cap is refused unless a ``PrescriberOverride`` comes with it; the plan then carries
the override and the caps it exceeded, so the record shows it was deliberate, never silent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ketacare.core.dosing.errors import DosingError
from ketacare.core.dosing.quantities import positive, show


@dataclass(frozen=True)
class PrescriberOverride:
    """A prescriber's decision to exceed a protocol cap, with the reason they gave."""

    prescriber_id: int
    reason: str

    def __post_init__(self) -> None:
        if (
            isinstance(self.prescriber_id, bool)
            or not isinstance(self.prescriber_id, int)
            or self.prescriber_id <= 0
        ):
            raise DosingError(
                "A cap override must name the prescriber who gives it.", "prescriber_id"
            )
        if not isinstance(self.reason, str) or not self.reason.strip():
            raise DosingError(
                "A cap override needs the prescriber's reason; it cannot be empty.", "reason"
            )


@dataclass(frozen=True)
class CapCheck:
    """One comparison: the planned ``value`` (with its words and unit) against a cap, if any."""

    label: str
    value: Decimal
    cap: Decimal | None
    unit: str


def cap_value(value: object | None, field: str, label: str, unit: str) -> Decimal | None:
    """A cap from the protocol: None for no cap, else a number above zero."""
    return None if value is None else positive(value, field, label, unit)


def exceeded(checks: Iterable[CapCheck]) -> tuple[str, ...]:
    """A sentence for every check whose value is above its cap, in the order given."""
    return tuple(
        f"{check.label} {show(check.value)} {check.unit} is above the protocol's cap of "
        f"{show(check.cap)} {check.unit}."
        for check in checks
        if check.cap is not None and check.value > check.cap
    )


def authorised(
    over: tuple[str, ...], override: PrescriberOverride | None, field: str
) -> PrescriberOverride | None:
    """The override that lets an over-cap dose through; DosingError when one is needed and absent.

    An override given for a dose within every cap is not recorded: nothing was overridden.
    """
    if not over:
        return None
    if override is None:
        raise DosingError(
            " ".join(over) + " Only a prescriber override with a reason can allow this dose.",
            field,
        )
    return override
