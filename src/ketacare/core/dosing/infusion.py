"""A weight-based dose given as one bag over a fixed time, turned into the pump rate.

clinical-reference §10.2: dose_mg = mg/kg x kg; stock volume = dose / stock concentration;
bag total = diluent bag + stock volume (the drug is added, not swapped for removed diluent);
rate = bag total / hours. Worked example (issue 5, §1.1 [SINGH] [DUNLOP]): 70 kg x 0.5 mg/kg =
35.0 mg; 0.35 mL of 100 mg/mL; 100.35 mL over 40 min = 150.5 mL/h. Each result is rounded once,
half-up, to its step, and later steps use the rounded value the nurse actually prepares.
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
    DOSE_STEP_MG,
    RATE_STEP_ML_PER_H,
    VOLUME_STEP_ML,
    DecimalLike,
    exact_sum,
    positive,
    round_half_up,
)
from ketacare.core.dosing.weights import DosingWeight, as_dosing_weight

MINUTES_PER_HOUR = 60


@dataclass(frozen=True)
class InfusionPlan(WeighedPlan):
    """What to prepare and program, with every input it came from and any cap override."""

    weight: DosingWeight
    dose_mg_per_kg: Decimal
    duration_min: Decimal
    stock_mg_per_ml: Decimal
    bag_ml: Decimal
    cap_mg: Decimal | None
    cap_mg_per_kg: Decimal | None
    dose_mg: Decimal
    drug_ml: Decimal
    total_ml: Decimal
    rate_ml_per_h: Decimal
    override: PrescriberOverride | None = None
    cap_exceeded: tuple[str, ...] = ()


def plan_infusion(
    *,
    weight_kg: DecimalLike | DosingWeight,
    dose_mg_per_kg: DecimalLike,
    duration_min: DecimalLike,
    stock_mg_per_ml: DecimalLike,
    bag_ml: DecimalLike,
    cap_mg: DecimalLike | None = None,
    cap_mg_per_kg: DecimalLike | None = None,
    override: PrescriberOverride | None = None,
) -> InfusionPlan:
    """The plan for ``dose_mg_per_kg`` in a ``bag_ml`` bag over ``duration_min``; DosingError if
    an input is out of range or the dose is above a cap without a prescriber override."""
    weight = as_dosing_weight(weight_kg)
    per_kg = positive(dose_mg_per_kg, "dose_mg_per_kg", "Dose", "mg/kg")
    duration = positive(duration_min, "duration_min", "Infusion duration", "min")
    stock = positive(stock_mg_per_ml, "stock_mg_per_ml", "Stock concentration", "mg/mL")
    bag = positive(bag_ml, "bag_ml", "Bag volume", "mL")
    max_mg = cap_value(cap_mg, "cap_mg", "Dose cap", "mg")
    max_per_kg = cap_value(cap_mg_per_kg, "cap_mg_per_kg", "Dose cap", "mg/kg")
    dose = _dose_mg(Fraction(weight.kg) * Fraction(per_kg))
    over = exceeded(
        [
            CapCheck("The dose of", per_kg, max_per_kg, "mg/kg"),
            CapCheck("The dose of", dose, max_mg, "mg"),
        ]
    )
    allowed = authorised(over, override, "dose_mg_per_kg")
    drug = _drug_ml(dose, stock)
    total = exact_sum(bag, drug)
    return InfusionPlan(
        weight=weight,
        dose_mg_per_kg=per_kg,
        duration_min=duration,
        stock_mg_per_ml=stock,
        bag_ml=bag,
        cap_mg=max_mg,
        cap_mg_per_kg=max_per_kg,
        dose_mg=dose,
        drug_ml=drug,
        total_ml=total,
        rate_ml_per_h=_rate(total, duration),
        override=allowed,
        cap_exceeded=over,
    )


def _dose_mg(exact_mg: Fraction) -> Decimal:
    """mg rounded half-up to 0.1 mg; DosingError when that leaves nothing to give."""
    dose = round_half_up(exact_mg, DOSE_STEP_MG)
    if dose <= 0:
        raise DosingError("The dose rounds to 0.0 mg; check the dose per kg.", "dose_mg_per_kg")
    return dose


def _drug_ml(dose: Decimal, stock: Decimal) -> Decimal:
    """Stock volume to draw up, half-up to 0.01 mL; refused when too small to measure."""
    drug = round_half_up(Fraction(dose) / Fraction(stock), VOLUME_STEP_ML)
    if drug <= 0:
        raise DosingError(
            "The drug volume rounds to 0.00 mL, too small to draw up; "
            "use a weaker stock concentration.",
            "stock_mg_per_ml",
        )
    return drug


def _rate(total: Decimal, duration: Decimal) -> Decimal:
    """The whole bag over the duration, half-up to 0.1 mL/h; refused when that rounds to 0."""
    rate = round_half_up(
        Fraction(total) * MINUTES_PER_HOUR / Fraction(duration), RATE_STEP_ML_PER_H
    )
    if rate <= 0:
        raise DosingError(
            "The pump rate rounds to 0.0 mL/h; check the bag volume and the duration.",
            "duration_min",
        )
    return rate
