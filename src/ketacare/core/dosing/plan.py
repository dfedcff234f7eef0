"""What every dose plan shares: the dosing weight it used and any prescriber cap override."""

from __future__ import annotations

from decimal import Decimal

from ketacare.core.dosing.caps import PrescriberOverride
from ketacare.core.dosing.weights import DosingWeight, WeightBasis


class WeighedPlan:
    """Mixed into the frozen plan dataclasses, which declare ``weight`` and ``override``."""

    weight: DosingWeight
    override: PrescriberOverride | None

    @property
    def weight_kg(self) -> Decimal:
        return self.weight.kg

    @property
    def weight_basis(self) -> WeightBasis:
        return self.weight.basis

    @property
    def overridden(self) -> bool:
        """True when the dose is above a cap and a prescriber's override allowed it."""
        return self.override is not None
