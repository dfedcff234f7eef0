"""Units of measure monitors send in OBX-6, and the conversions to the units ketacare stores.

A unit arrives as a UCUM code (``mm[Hg]``, ``/min``, ``%``, ``Cel``, ``[degF]``), an IEEE
11073-10101 MDC unit code (partition 4, context-free: 262144 + term code), or plain text. Lookup
tries OBX-6.1, then OBX-6.2; plain text is matched without regard to case. ketacare stores mmHg,
percent, per minute and degrees Celsius.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

# Converted values keep two decimal places (round half to even); unconverted ones stay as sent.
CONVERTED_PLACES = Decimal("0.01")
# The conventional millimetre of mercury: 13.5951 g/cm3 x 9.80665 m/s2 x 1 mm = 133.322387415 Pa
# (NIST SP 811, 2008, Appendix B: 1 mmHg = 1.333 224 E+02 Pa).
PASCALS_PER_MMHG = Decimal("133.322387415")


class Quantity(StrEnum):
    """What a unit measures; each vital accepts one."""

    PRESSURE = "pressure"
    PERCENT = "percent"
    RATE = "rate"
    TEMPERATURE = "temperature"


def kpa_to_mmhg(kpa: Decimal) -> Decimal:
    return (kpa * 1000 / PASCALS_PER_MMHG).quantize(CONVERTED_PLACES)


def degf_to_degc(degf: Decimal) -> Decimal:
    return ((degf - 32) * 5 / 9).quantize(CONVERTED_PLACES)


class Unit(NamedTuple):
    """A known unit: what it measures and how to reach the stored unit (``None``: already it)."""

    quantity: Quantity
    convert: Callable[[Decimal], Decimal] | None = None


_MMHG = Unit(Quantity.PRESSURE)
_KPA = Unit(Quantity.PRESSURE, kpa_to_mmhg)
_PERCENT = Unit(Quantity.PERCENT)
_PER_MIN = Unit(Quantity.RATE)
_DEGC = Unit(Quantity.TEMPERATURE)
_DEGF = Unit(Quantity.TEMPERATURE, degf_to_degc)

# MDC unit codes, IEEE 11073-10101 partition 4 (dimensions), context-free form 262144 + term.
MDC_UNITS: dict[str, Unit] = {
    "266016": _MMHG,  # MDC_DIM_MMHG (3872)
    "265987": _KPA,  # MDC_DIM_KILO_PASCAL (3843)
    "262688": _PERCENT,  # MDC_DIM_PERCENT (544)
    "264864": _PER_MIN,  # MDC_DIM_BEAT_PER_MIN (2720)
    "264928": _PER_MIN,  # MDC_DIM_RESP_PER_MIN (2784)
    "268192": _DEGC,  # MDC_DIM_DEGC (6048)
    "266560": _DEGF,  # MDC_DIM_FAHR (4416)
}
# UCUM codes (clinical reference §9.2: mm[Hg], /min, %, Cel, [degF]), MDC reference ids and the
# plain-text spellings seen from spot-check monitors, all compared case-folded.
_TEXT_UNITS: dict[str, Unit] = {
    **dict.fromkeys(("mm[hg]", "mmhg", "mm hg", "mdc_dim_mmhg"), _MMHG),
    **dict.fromkeys(("kpa", "mdc_dim_kilo_pascal"), _KPA),
    **dict.fromkeys(("%", "percent", "mdc_dim_percent"), _PERCENT),
    **dict.fromkeys(
        (
            "/min",
            "1/min",
            "{beats}/min",
            "{beat}/min",
            "{breaths}/min",
            "{breath}/min",
            "bpm",
            "beats/min",
            "breaths/min",
            "br/min",
            "resp/min",
            "mdc_dim_beat_per_min",
            "mdc_dim_resp_per_min",
        ),
        _PER_MIN,
    ),
    **dict.fromkeys(("cel", "c", "°c", "degc", "deg c", "mdc_dim_degc"), _DEGC),
    **dict.fromkeys(("[degf]", "f", "°f", "degf", "deg f", "mdc_dim_fahr"), _DEGF),
}


@lru_cache(maxsize=256)
def unit_of(code: str, text: str) -> Unit | None:
    """The unit OBX-6 names by its code (OBX-6.1) or, failing that, its text (OBX-6.2)."""
    for token in (code.strip(), text.strip()):
        if token:
            unit = MDC_UNITS.get(token) or _TEXT_UNITS.get(token.casefold())
            if unit is not None:
                return unit
    return None
