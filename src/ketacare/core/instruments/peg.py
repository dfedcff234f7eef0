"""PEG: three 0-10 ratings (Pain on average, interference with Enjoyment of life, with General
activity) over the past week; the score is their mean.

Source: Krebs EE et al., "Development and initial validation of the PEG, a three-item scale
assessing pain intensity and interference", J Gen Intern Med 2009;24(6):733-738 - the instrument's
published definition. It is NOT in clinical-reference §5, so neither its wording nor its licence
was checked there: the PEG was adapted from the BPI (© C.S. Cleeland, permission required,
[BPI-GUIDE]), so item labels only are shown and the clinic supplies the wording.

Rounding (a ketacare choice): the mean is a Decimal rounded half-up to 2 places, so 2/3 → 0.67.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from ketacare.core.instruments.model import Instrument, Item, Score, numbered_options
from ketacare.core.instruments.validation import checked

CODE = "peg"
SOURCE = "Krebs EE et al. J Gen Intern Med 2009;24(6):733-738 (not in clinical-reference §5)"
PLACES = Decimal("0.01")

_LABELS = (
    "Pain on average in the past week",
    "Interference with enjoyment of life in the past week",
    "Interference with general activity in the past week",
)
ITEMS = tuple(
    Item(number, label, None, numbered_options(0, 10))
    for number, label in enumerate(_LABELS, start=1)
)


def score(answers: Iterable[object]) -> Score:
    """Mean of the three ratings, Decimal, ROUND_HALF_UP to 2 places; no bands."""
    values = checked(INSTRUMENT, answers)
    mean = (Decimal(sum(values)) / len(values)).quantize(PLACES, rounding=ROUND_HALF_UP)
    return Score(CODE, values, mean, "")


INSTRUMENT = Instrument(
    code=CODE,
    name="PEG",
    version="PEG 3-item (Krebs 2009)",
    kind="self_report",
    window="past week",
    items=ITEMS,
    total_range=(0, 10),
    bands=(),
    loinc_panel=None,
    loinc_total=None,
    licence_note=(
        "Licence not covered by the clinical reference; the PEG was adapted from the BPI "
        "(© C.S. Cleeland, [BPI-GUIDE]). Item labels only: the clinic supplies the wording."
    ),
    source=SOURCE,
    scorer=score,
)
