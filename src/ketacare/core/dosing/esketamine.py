"""Esketamine nasal spray: how many 28 mg devices a dose takes.

clinical-reference §3.3 and §11 item 3: each single-use device delivers 28 mg [SPR-MIMS-HK]
[NDC-SPR]; 56 mg = 2 devices, 84 mg = 3 devices [SPR-GOODRX] [NDC-SPR]; doses change in 28 mg
steps and 28 mg is a label starting dose in some populations (§3.2 [SPR-MIMS-HK]).
"""

from __future__ import annotations

from ketacare.core.dosing.errors import DosingError
from ketacare.core.dosing.quantities import DecimalLike, number, show

MG_PER_DEVICE = 28  # source: clinical-reference §3.3 [SPR-MIMS-HK] [NDC-SPR] (28 mg/0.2 mL)
VALID_DOSES_MG = (28, 56, 84)  # source: clinical-reference §3.2, §3.3, §11 item 3


def esketamine_devices(dose_mg: DecimalLike) -> int:
    """Devices for ``dose_mg`` (28 -> 1, 56 -> 2, 84 -> 3); DosingError for any other dose."""
    dose = number(dose_mg, "dose_mg", "Esketamine dose")
    if dose not in VALID_DOSES_MG:
        raise DosingError(
            f"Esketamine dose {show(dose)} mg is not possible: each nasal spray device gives "
            f"{MG_PER_DEVICE} mg, so the dose must be 28, 56 or 84 mg (1, 2 or 3 devices).",
            "dose_mg",
        )
    return int(dose) // MG_PER_DEVICE
