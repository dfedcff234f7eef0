"""Reading inputs as exact numbers and rounding results half-up, independent of any context.

Arithmetic runs on ``fractions.Fraction`` so no intermediate step is rounded; each result is
rounded once, half-up (ties away from zero, the rule of ``decimal.ROUND_HALF_UP``), to its step.
The caller's ``decimal`` context (precision, rounding) therefore cannot change a dose.
Floats are refused: 0.1 as a float is not 0.1, and a dose must be exactly what was typed.
"""

from __future__ import annotations

import math
from decimal import MAX_PREC, Context, Decimal, InvalidOperation
from fractions import Fraction

from ketacare.core.dosing.errors import DosingError

DecimalLike = Decimal | int | str

# Result steps. source: issue 5 worked example (0.1 mg, 0.01 mL, 0.1 mL/h); 0.1 mL/h is also the
# common pump resolution, clinical-reference §10.2 implementation notes.
DOSE_STEP_MG = Decimal("0.1")
VOLUME_STEP_ML = Decimal("0.01")
RATE_STEP_ML_PER_H = Decimal("0.1")
# source: design choice, not the clinical reference: a display precision for bag concentrations.
CONCENTRATION_STEP_MG_PER_ML = Decimal("0.001")
WEIGHT_STEP_KG = Decimal("0.1")  # source: dosing brief for issue 5 (weights to 0.1 kg)


def show(value: Decimal) -> str:
    """``value`` in plain digits (``350.1``, never ``3.501E+2``) for messages."""
    return f"{value:f}"


def number(value: object, field: str, label: str) -> Decimal:
    """``value`` as a finite Decimal; DosingError naming ``label`` when it is not a number."""
    given = repr(value) if isinstance(value, str) else str(value)  # quotes show empty text
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise DosingError(
            f"{label}: {given} is not usable; give it as a whole number, a decimal or text "
            'such as "0.5".',
            field,
        )
    try:
        parsed = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise DosingError(f"{label}: {given} is not a number.", field) from None
    if not parsed.is_finite():
        raise DosingError(f"{label}: {given} is not a finite number.", field)
    return parsed


def positive(value: object, field: str, label: str, unit: str) -> Decimal:
    """``value`` as a Decimal above zero; DosingError saying it must be more than 0 otherwise."""
    parsed = number(value, field, label)
    if parsed <= 0:
        raise DosingError(f"{label} must be more than 0 {unit}; got {show(parsed)} {unit}.", field)
    return parsed


_EXACT = Context(prec=MAX_PREC)  # addition in this context never rounds


def exact_sum(first: Decimal, second: Decimal) -> Decimal:
    """``first + second`` without rounding, whatever the caller's decimal context."""
    return _EXACT.add(first, second)


def round_half_up(value: Fraction, step: Decimal) -> Decimal:
    """``value`` rounded half-up to a multiple of ``step`` (a power of ten such as 0.1), exactly."""
    units = abs(value) / Fraction(step)
    whole = math.floor(units + Fraction(1, 2))
    exponent = int(step.as_tuple().exponent)
    sign = 1 if value < 0 and whole else 0
    return Decimal((sign, tuple(int(digit) for digit in str(whole)), exponent))
