"""GAD-7: seven anxiety items over the past two weeks, 0-3 each, total 0-21.

Item wording is reproduced under Pfizer's 2010 release [PFIZER-2010] with the same form notice as
the PHQ-9; bands 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe [GAD7-FORM].
"""

from __future__ import annotations

from collections.abc import Iterable

from ketacare.core.instruments.model import Band, Instrument, Item, Score, labelled_options
from ketacare.core.instruments.phq9 import NOTICE
from ketacare.core.instruments.validation import checked

CODE = "gad7"
STEM = "Over the last 2 weeks, how often have you been bothered by the following problems?"

_FREQUENCY = labelled_options(
    "Not at all", "Several days", "More than half the days", "Nearly every day"
)

# (label, wording, LOINC [LOINC-SADS])
_ITEMS = (
    ("Nervousness", "Feeling nervous, anxious, or on edge", "69725-0"),
    ("Uncontrolled worry", "Not being able to stop or control worrying", "68509-9"),
    ("Excessive worry", "Worrying too much about different things", "69733-4"),
    ("Trouble relaxing", "Trouble relaxing", "69734-2"),
    ("Restlessness", "Being so restless that it is hard to sit still", "69735-9"),
    ("Irritability", "Becoming easily annoyed or irritable", "69689-8"),
    ("Fear", "Feeling afraid, as if something awful might happen", "69736-7"),
)
ITEMS = tuple(
    Item(number, label, text, _FREQUENCY, loinc)
    for number, (label, text, loinc) in enumerate(_ITEMS, start=1)
)

BANDS = (
    Band(0, 4, "minimal", "[GAD7-FORM]"),
    Band(5, 9, "mild", "[GAD7-FORM]"),
    Band(10, 14, "moderate", "[GAD7-FORM]"),
    Band(15, 21, "severe", "[GAD7-FORM]"),
)


def score(answers: Iterable[object]) -> Score:
    """Plain sum of the seven items."""
    values = checked(INSTRUMENT, answers)
    total = sum(values)
    return Score(CODE, values, total, INSTRUMENT.band_for(total))


INSTRUMENT = Instrument(
    code=CODE,
    name="GAD-7",
    version="GAD-7 (Pfizer 2010 release)",
    kind="self_report",
    window="past 2 weeks",
    items=ITEMS,
    total_range=(0, 21),
    bands=BANDS,
    loinc_panel="69737-5",  # [LOINC-3P] [GAD7-WIKI] (secondary, two sources)
    loinc_total="70274-6",  # [PCO-VS] [LOINC-SADS]
    licence_note=f"© Pfizer Inc. [GAD7-FORM]. {NOTICE} [PFIZER-2010]",
    source="[GAD7-FORM] [LOINC-SADS] [PFIZER-2010]",
    scorer=score,
    instructions=STEM,
)
