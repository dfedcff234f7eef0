"""MADRS: ten clinician-rated items over the past week, 0-6 each (anchors at 0/2/4/6), total 0-60.

Bands 0-6 normal, 7-19 mild, 20-34 moderate, 35-60 severe [MADRS-WIKI] (secondary). Item 10
(suicidal thoughts) at or above a clinic-configured threshold (default 4) flags suicidal ideation
(§5.1 "a MADRS item 10 ... threshold (clinic-configured)"; issue 3 names >= 4).
The licence is conflicting [MADRS-MRCPSYCH], so item labels only are shown.
"""

from __future__ import annotations

from collections.abc import Iterable

from ketacare.core.instruments.model import (
    SUICIDAL_IDEATION,
    Band,
    Instrument,
    Item,
    Score,
    numbered_options,
)
from ketacare.core.instruments.validation import checked

CODE = "madrs"
SUICIDE_ITEM = 10
DEFAULT_IDEATION_THRESHOLD = 4  # issue 3; clinic-configured per §5.1

_LABELS = (  # [MADRS-STROKE] (secondary)
    "Apparent sadness",
    "Reported sadness",
    "Inner tension",
    "Reduced sleep",
    "Reduced appetite",
    "Concentration difficulties",
    "Lassitude",
    "Inability to feel",
    "Pessimistic thoughts",
    "Suicidal thoughts",
)
ITEMS = tuple(
    Item(number, label, None, numbered_options(0, 6))
    for number, label in enumerate(_LABELS, start=1)
)

BANDS = (
    Band(0, 6, "normal", "[MADRS-WIKI]"),
    Band(7, 19, "mild", "[MADRS-WIKI]"),
    Band(20, 34, "moderate", "[MADRS-WIKI]"),
    Band(35, 60, "severe", "[MADRS-WIKI]"),
)


def score(
    answers: Iterable[object], *, ideation_threshold: int = DEFAULT_IDEATION_THRESHOLD
) -> Score:
    """Sum of the ten items; flags ideation when item 10 >= ``ideation_threshold``."""
    values = checked(INSTRUMENT, answers)
    total = sum(values)
    ideation = values[SUICIDE_ITEM - 1] >= ideation_threshold
    flags = frozenset({SUICIDAL_IDEATION}) if ideation else frozenset()
    return Score(CODE, values, total, INSTRUMENT.band_for(total), flags)


INSTRUMENT = Instrument(
    code=CODE,
    name="MADRS",
    version="MADRS (Montgomery & Åsberg 1979), 10 items",
    kind="clinician",
    window="past week",
    items=ITEMS,
    total_range=(0, 60),
    bands=BANDS,
    loinc_panel=None,  # not found (§5, UNVERIFIED)
    loinc_total=None,
    licence_note=(
        "Conflicting terms: described as public domain, yet '© Stuart Montgomery 1978' "
        "[MADRS-MRCPSYCH]. Item labels only: the clinic supplies the licensed wording and anchors."
    ),
    source="[MADRS-WIKI] [MADRS-STROKE] [MADRS-MRCPSYCH]",
    scorer=score,
)
