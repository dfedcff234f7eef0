"""Esketamine nasal devices: 28 mg each, so only 28, 56 and 84 mg can be given (§3.2-3.3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacare.core.dosing import MG_PER_DEVICE, VALID_DOSES_MG, DosingError, esketamine_devices


@pytest.mark.parametrize(
    ("dose_mg", "devices"), [(28, 1), (56, 2), (84, 3), (Decimal("56.0"), 2), ("84", 3)]
)
def test_each_valid_dose_takes_one_device_per_28_mg(dose_mg: object, devices: int):
    assert esketamine_devices(dose_mg) == devices  # type: ignore[arg-type]
    assert devices * MG_PER_DEVICE in VALID_DOSES_MG


@pytest.mark.parametrize("dose_mg", [0, 27, 42, 112, -28, Decimal("28.5"), "56 mg"])
def test_any_other_dose_is_refused_naming_the_valid_doses(dose_mg: object):
    with pytest.raises(DosingError) as refused:
        esketamine_devices(dose_mg)  # type: ignore[arg-type]
    assert refused.value.field == "dose_mg"
    if not isinstance(dose_mg, str):
        assert str(refused.value) == (
            f"Esketamine dose {dose_mg} mg is not possible: each nasal spray device gives 28 mg, "
            "so the dose must be 28, 56 or 84 mg (1, 2 or 3 devices)."
        )
