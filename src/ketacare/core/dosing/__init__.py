"""Dose arithmetic that is never silently wrong: pure, exact, rounded half-up at each result.

    from ketacare.core.dosing import plan_infusion, esketamine_devices
    p = plan_infusion(weight_kg=Decimal("70"), dose_mg_per_kg=Decimal("0.5"), duration_min=40,
                      stock_mg_per_ml=Decimal("100"), bag_ml=Decimal("100"))
    p.dose_mg, p.drug_ml, p.total_ml, p.rate_ml_per_h   # 35.0, 0.35, 100.35, 150.5
    esketamine_devices(84)                               # 3

Facts and sources: clinical-reference §1.1, §2, §3.2-3.3, §10. Anything out of range raises
``DosingError`` with a message for the nurse; a protocol cap is passed only with a
``PrescriberOverride`` carrying a reason, and the plan then says so.
"""

from __future__ import annotations

from ketacare.core.dosing.caps import PrescriberOverride
from ketacare.core.dosing.errors import DosingError
from ketacare.core.dosing.esketamine import MG_PER_DEVICE, VALID_DOSES_MG, esketamine_devices
from ketacare.core.dosing.infusion import InfusionPlan, plan_infusion
from ketacare.core.dosing.quantities import DecimalLike
from ketacare.core.dosing.rate import (
    RateInfusionPlan,
    bag_concentration_mg_per_ml,
    plan_rate_infusion,
)
from ketacare.core.dosing.weights import (
    ADJUSTED_FACTOR,
    MAX_WEIGHT_KG,
    MIN_WEIGHT_KG,
    WEIGHT_BASES,
    DosingWeight,
    WeightBasis,
    dosing_weight,
)

__all__ = [
    "ADJUSTED_FACTOR",
    "MAX_WEIGHT_KG",
    "MG_PER_DEVICE",
    "MIN_WEIGHT_KG",
    "VALID_DOSES_MG",
    "WEIGHT_BASES",
    "DecimalLike",
    "DosingError",
    "DosingWeight",
    "InfusionPlan",
    "PrescriberOverride",
    "RateInfusionPlan",
    "WeightBasis",
    "bag_concentration_mg_per_ml",
    "dosing_weight",
    "esketamine_devices",
    "plan_infusion",
    "plan_rate_infusion",
]
