"""NRS pain: a single 0-10 numeric rating of pain severity.

Bands 1-3 mild, 4-6 moderate, 7-10 severe are the common convention [HL7EU-PAIN]; 0 is "none".
The scale is public and generic (§5), so the question is shown in full.
"""

from __future__ import annotations

from collections.abc import Iterable

from ketacare.core.instruments.model import Band, Instrument, Item, Option, Score
from ketacare.core.instruments.validation import checked

CODE = "nrs_pain"

_ANCHORS = {0: "0 - no pain", 10: "10 - worst pain imaginable"}
ITEMS = (
    Item(
        1,
        "Pain severity",
        "On a scale from 0 (no pain) to 10 (worst pain imaginable), how much pain do you have "
        "right now?",
        tuple(Option(value, _ANCHORS.get(value, str(value))) for value in range(11)),
        "72514-3",  # [LOINC-PAIN]
    ),
)

BANDS = (
    Band(0, 0, "none", "[HL7EU-PAIN] (0 = no pain)"),
    Band(1, 3, "mild", "[HL7EU-PAIN]"),
    Band(4, 6, "moderate", "[HL7EU-PAIN]"),
    Band(7, 10, "severe", "[HL7EU-PAIN]"),
)


def score(answers: Iterable[object]) -> Score:
    """The one rating is the total."""
    values = checked(INSTRUMENT, answers)
    total = values[0]
    return Score(CODE, values, total, INSTRUMENT.band_for(total))


INSTRUMENT = Instrument(
    code=CODE,
    name="NRS pain",
    version="0-10 numeric rating scale",
    kind="self_report",
    window="right now",
    items=ITEMS,
    total_range=(0, 10),
    bands=BANDS,
    loinc_panel=None,
    loinc_total="72514-3",  # [LOINC-PAIN] (secondary mirror); legacy 38208-5 [IHE-PAIN]
    licence_note="Public, generic scale (§5).",
    source="[HL7EU-PAIN] [LOINC-PAIN]",
    scorer=score,
)
