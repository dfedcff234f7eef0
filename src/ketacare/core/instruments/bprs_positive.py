"""BPRS positive-symptom subscale: four clinician-rated BPRS items, 1-7 each, total 4-28.

The BPRS rates 1-7 per item [BPRS-NET]. The subscale used in ketamine studies is taken to be
conceptual disorganization, hallucinatory behavior, suspiciousness and unusual thought content;
that composition is UNVERIFIED in clinical-reference §5, as are the licence terms, so item labels
only are shown. No bands: a change measure around each treatment.
"""

from __future__ import annotations

from collections.abc import Iterable

from ketacare.core.instruments.model import Instrument, Item, Score, numbered_options
from ketacare.core.instruments.validation import checked

CODE = "bprs_positive"

_LABELS = (  # composition UNVERIFIED (§5)
    "Conceptual disorganization",
    "Hallucinatory behavior",
    "Suspiciousness",
    "Unusual thought content",
)
ITEMS = tuple(
    Item(number, label, None, numbered_options(1, 7))
    for number, label in enumerate(_LABELS, start=1)
)


def score(answers: Iterable[object]) -> Score:
    """Sum of the four items (4-28); no bands."""
    values = checked(INSTRUMENT, answers)
    return Score(CODE, values, sum(values), "")


INSTRUMENT = Instrument(
    code=CODE,
    name="BPRS positive",
    version="BPRS positive-symptom subscale, 4 items (composition UNVERIFIED)",
    kind="clinician",
    window="now (during or after the treatment)",
    items=ITEMS,
    total_range=(4, 28),  # derived from 4 items x 1-7
    bands=(),
    loinc_panel=None,
    loinc_total=None,
    licence_note=(
        "Licence terms UNVERIFIED. Item labels only: the clinic supplies the licensed wording "
        "and anchors."
    ),
    source="[BPRS-NET] (subscale composition UNVERIFIED)",
    scorer=score,
)
