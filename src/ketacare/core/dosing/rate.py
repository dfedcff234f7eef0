"""A continuous infusion dosed per hour (pain protocols), turned into the pump rate.

clinical-reference §10.2 dose-rate form: mL/h = (mg/kg/h x kg) / bag concentration; worked
example 0.5 mg/kg/h x 80 kg at 1 mg/mL = 40 mL/h. §2 [COHEN-GC] gives 0.5-2 mg/kg/h as the usual
range; the caps themselves come from the protocol. mg/h is rounded half-up to 0.1 mg/h and the
rate, from that rounded mg/h, half-up to 0.1 mL/h.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ketacare.core.dosing.caps import (
    CapCheck,
    PrescriberOverride,
    authorised,
    cap_value,
    exceeded,
)
from ketacare.core.dosing.errors import DosingError
from ketacare.core.dosing.plan import WeighedPlan
from ketacare.core.dosing.quantities import (
    CONCENTRATION_STEP_MG_PER_ML,
    DOSE_STEP_MG,
    RATE_STEP_ML_PER_H,
    DecimalLike,
    positive,
    round_half_up,
)
from ketacare.core.dosing.weights import DosingWeight, as_dosing_weight


@dataclass(frozen=True)
class RateInfusionPlan(WeighedPlan):
    """The hourly dose and pump rate, with every input it came from and any cap override."""

    weight: DosingWeight
    dose_mg_per_kg_per_h: Decimal
    concentration_mg_per_ml: Decimal
    cap_mg_per_h: Decimal | None
    cap_mg_per_kg_per_h: Decimal | None
    dose_mg_per_h: Decimal
    rate_ml_per_h: Decimal
    override: PrescriberOverride | None = None
    cap_exceeded: tuple[str, ...] = ()


def plan_rate_infusion(
    *,
    weight_kg: DecimalLike | DosingWeight,
    dose_mg_per_kg_per_h: DecimalLike,
    concentration_mg_per_ml: DecimalLike,
    cap_mg_per_h: DecimalLike | None = None,
    cap_mg_per_kg_per_h: DecimalLike | None = None,
    override: PrescriberOverride | None = None,
) -> RateInfusionPlan:
    """The pump rate for ``dose_mg_per_kg_per_h`` from a bag of ``concentration_mg_per_ml``;
    DosingError if an input is out of range or a cap is exceeded without an override."""
    weight = as_dosing_weight(weight_kg)
    per_kg = positive(dose_mg_per_kg_per_h, "dose_mg_per_kg_per_h", "Dose rate", "mg/kg/h")
    concentration = positive(
        concentration_mg_per_ml, "concentration_mg_per_ml", "Bag concentration", "mg/mL"
    )
    max_per_h = cap_value(cap_mg_per_h, "cap_mg_per_h", "Dose rate cap", "mg/h")
    max_per_kg = cap_value(cap_mg_per_kg_per_h, "cap_mg_per_kg_per_h", "Dose rate cap", "mg/kg/h")
    per_h = _mg_per_h(Fraction(weight.kg) * Fraction(per_kg))
    over = exceeded(
        [
            CapCheck("The dose rate of", per_kg, max_per_kg, "mg/kg/h"),
            CapCheck("The dose rate of", per_h, max_per_h, "mg/h"),
        ]
    )
    allowed = authorised(over, override, "dose_mg_per_kg_per_h")
    rate = _rate(per_h, concentration)
    return RateInfusionPlan(
        weight=weight,
        dose_mg_per_kg_per_h=per_kg,
        concentration_mg_per_ml=concentration,
        cap_mg_per_h=max_per_h,
        cap_mg_per_kg_per_h=max_per_kg,
        dose_mg_per_h=per_h,
        rate_ml_per_h=rate,
        override=allowed,
        cap_exceeded=over,
    )


def bag_concentration_mg_per_ml(drug_mg: DecimalLike, total_ml: DecimalLike) -> Decimal:
    """A prepared bag's concentration, half-up to 0.001 mg/mL (e.g. 500 mg in 500 mL = 1.000)."""
    drug = positive(drug_mg, "drug_mg", "Drug amount", "mg")
    total = positive(total_ml, "total_ml", "Bag volume", "mL")
    return round_half_up(Fraction(drug) / Fraction(total), CONCENTRATION_STEP_MG_PER_ML)


def _mg_per_h(exact: Fraction) -> Decimal:
    """mg/h half-up to 0.1 mg/h; DosingError when that leaves nothing to give."""
    per_h = round_half_up(exact, DOSE_STEP_MG)
    if per_h <= 0:
        raise DosingError(
            "The dose rate rounds to 0.0 mg/h; check the dose per kg per hour.",
            "dose_mg_per_kg_per_h",
        )
    return per_h


def _rate(per_h: Decimal, concentration: Decimal) -> Decimal:
    """mL/h half-up to 0.1 mL/h; refused when that rounds to 0 (the pump cannot run it)."""
    rate = round_half_up(Fraction(per_h) / Fraction(concentration), RATE_STEP_ML_PER_H)
    if rate <= 0:
        raise DosingError(
            "The pump rate rounds to 0.0 mL/h; use a weaker bag concentration.",
            "concentration_mg_per_ml",
        )
    return rate
