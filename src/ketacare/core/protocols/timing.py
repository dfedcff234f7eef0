"""How long one treatment keeps a chair: check-in and pre-checks, dosing, then observation.

Dosing time is the infusion duration for an infusion, the rests between devices for esketamine
(§3.3: 5 minutes between 28 mg devices, so 84 mg takes 10 minutes), and nothing for a single
injection or tablet. Observation is counted from the end of dosing: the protocol's minimum
(esketamine at least 2 hours, §3.5); a protocol without one cannot be booked until it is set.
"""

from __future__ import annotations

from decimal import Decimal

from ketacare.core.protocols.model import Protocol, value_of
from ketacare.core.protocols.schedule import PlanningError


def dosing_minutes(protocol: Protocol, dose_mg: Decimal | None) -> int:
    """Minutes from the first dose given to the end of dosing."""
    duration = value_of(protocol.infusion_duration_min)
    if duration is not None:
        return duration
    device = protocol.device
    if device is None:
        return 0
    if dose_mg is None:
        raise PlanningError(f"{protocol.name}: give the dose in mg to work out the device count.")
    per_device = Decimal(device.mg_per_device.value)
    devices = int(-(-dose_mg // per_device))
    return max(devices - 1, 0) * device.rest_between_devices_min.value


def chair_minutes(protocol: Protocol, dose_mg: Decimal | None, check_in_min: int) -> int:
    """Minutes a treatment holds its chair: check-in, dosing and the minimum observation."""
    observation = value_of(protocol.min_observation_min)
    if observation is None:
        raise PlanningError(
            f"{protocol.name}: the clinic has not set the minimum observation time; "
            "set it on the protocol before booking treatments."
        )
    if value_of(protocol.infusion_duration_min) is None and protocol.route == "intravenous":
        raise PlanningError(
            f"{protocol.name}: the clinic has not set the infusion duration; set it on the "
            "protocol before booking treatments."
        )
    if check_in_min < 0:
        raise PlanningError("The check-in time cannot be negative.")
    return check_in_min + dosing_minutes(protocol, dose_mg) + observation
