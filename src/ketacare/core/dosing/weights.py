"""Which body weight a dose is calculated from: actual, ideal (Devine) or adjusted.

clinical-reference §1.1 leaves the weight to use in obesity UNVERIFIED, so the basis is a choice
each protocol makes and the plan shows; nothing here switches basis by itself. Devine's formula
is not in the clinical reference: it is taken from its published definition (Devine BJ,
Gentamicin therapy, Drug Intell Clin Pharm 1974;8:650-655). Below 5 ft the formula is
extrapolated with negative inches, as commonly done; the result must still be a weight in range.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from ketacare.core.dosing.errors import DosingError
from ketacare.core.dosing.quantities import (
    WEIGHT_STEP_KG,
    DecimalLike,
    number,
    positive,
    round_half_up,
    show,
)

WeightBasis = Literal["actual", "ideal", "adjusted"]
WEIGHT_BASES: tuple[WeightBasis, ...] = ("actual", "ideal", "adjusted")

# source: issue 5 ("weight outside 20-350 kg" is refused); a sanity range, not a clinical one.
MIN_WEIGHT_KG = Decimal("20")
MAX_WEIGHT_KG = Decimal("350")

DEVINE_SOURCE = "Devine BJ, Drug Intell Clin Pharm 1974;8:650-655 (published definition)"
DEVINE_BASE_KG = {"male": Decimal("50"), "female": Decimal("45.5")}  # source: DEVINE_SOURCE
DEVINE_KG_PER_INCH = Decimal("2.3")  # source: DEVINE_SOURCE
DEVINE_FROM_INCHES = 60  # five feet; source: DEVINE_SOURCE
CM_PER_INCH = Decimal("2.54")  # source: international inch (1959), exact by definition
# source: conventional factor, NOT from the clinical reference; a default a protocol may change.
ADJUSTED_FACTOR = Decimal("0.4")


@dataclass(frozen=True)
class DosingWeight:
    """The weight a dose is calculated from, which basis gave it and how (shown on the plan)."""

    basis: WeightBasis
    kg: Decimal
    formula: str


def in_range(kg: Decimal, what: str = "Weight") -> Decimal:
    """``kg`` when it lies within 20-350 kg inclusive; DosingError saying the range otherwise."""
    if MIN_WEIGHT_KG <= kg <= MAX_WEIGHT_KG:
        return kg
    raise DosingError(
        f"{what} {show(kg)} kg is outside the range ketacare can dose for "
        f"({show(MIN_WEIGHT_KG)}-{show(MAX_WEIGHT_KG)} kg). "
        "Check the weight and its unit (kg, not lb).",
        "weight_kg",
    )


def actual_weight(weight_kg: DecimalLike) -> DosingWeight:
    """The measured weight, range-checked as given, then rounded half-up to 0.1 kg."""
    measured = in_range(number(weight_kg, "weight_kg", "Weight"))
    kg = round_half_up(Fraction(measured), WEIGHT_STEP_KG)
    return DosingWeight("actual", kg, f"actual weight {show(kg)} kg")


def dosing_weight(
    basis: str,
    actual_kg: DecimalLike,
    height_cm: DecimalLike | None = None,
    sex_at_birth: str | None = None,
    *,
    adjusted_factor: DecimalLike = ADJUSTED_FACTOR,
) -> DosingWeight:
    """The dosing weight on ``basis``, rounded half-up to 0.1 kg from the exact value."""
    if basis == "actual":
        return actual_weight(actual_kg)
    if basis not in ("ideal", "adjusted"):
        known = ", ".join(WEIGHT_BASES)
        raise DosingError(f"Unknown weight basis {basis!r}; choose one of {known}.", "basis")
    actual = in_range(number(actual_kg, "weight_kg", "Weight"))
    ideal, how = _devine(height_cm, sex_at_birth)
    if basis == "ideal":
        kg = in_range(round_half_up(ideal, WEIGHT_STEP_KG), "Ideal body weight")
        return DosingWeight("ideal", kg, f"ideal body weight (Devine): {how} = {show(kg)} kg")
    return _adjusted(actual, ideal, _factor(adjusted_factor))


def _adjusted(actual: Decimal, ideal: Fraction, factor: Decimal) -> DosingWeight:
    """Ideal plus ``factor`` of the excess over ideal, computed from the exact ideal weight."""
    exact = ideal + Fraction(factor) * (Fraction(actual) - ideal)
    kg = in_range(round_half_up(exact, WEIGHT_STEP_KG), "Adjusted body weight")
    shown = show(round_half_up(ideal, WEIGHT_STEP_KG))
    formula = (
        f"adjusted body weight: ideal {shown} kg + {show(factor)} x "
        f"(actual {show(actual)} kg - ideal {shown} kg) = {show(kg)} kg"
    )
    return DosingWeight("adjusted", kg, formula)


def _devine(height_cm: DecimalLike | None, sex_at_birth: str | None) -> tuple[Fraction, str]:
    """Devine's ideal body weight, exact, and the formula filled in for display."""
    if height_cm is None:
        raise DosingError(
            "Ideal and adjusted weights need the patient's height in cm.", "height_cm"
        )
    height = positive(height_cm, "height_cm", "Height", "cm")
    base = DEVINE_BASE_KG.get(str(sex_at_birth)) if sex_at_birth is not None else None
    if base is None:
        raise DosingError(
            "Devine's ideal body weight is defined only for sex at birth male or female; "
            "use the actual weight for this patient.",
            "sex_at_birth",
        )
    inches = Fraction(height) / Fraction(CM_PER_INCH) - DEVINE_FROM_INCHES
    ideal = Fraction(base) + Fraction(DEVINE_KG_PER_INCH) * inches
    how = (
        f"{show(base)} kg + {show(DEVINE_KG_PER_INCH)} kg x ({show(height)} cm / "
        f"{show(CM_PER_INCH)} - {DEVINE_FROM_INCHES} in)"
    )
    return ideal, how


def _factor(value: DecimalLike) -> Decimal:
    """The adjusted-weight factor, which must lie from 0 to 1 (0 = ideal, 1 = actual)."""
    factor = number(value, "adjusted_factor", "Adjusted weight factor")
    if not 0 <= factor <= 1:
        raise DosingError(
            f"Adjusted weight factor must be from 0 to 1; got {show(factor)}.", "adjusted_factor"
        )
    return factor


def as_dosing_weight(weight: DecimalLike | DosingWeight) -> DosingWeight:
    """A plain number is the actual weight; a DosingWeight keeps its basis. Both range-checked."""
    if isinstance(weight, DosingWeight):
        in_range(weight.kg)
        return weight
    return actual_weight(weight)
