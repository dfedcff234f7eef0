"""CADSS, the 23-item version used in ketamine and esketamine trials: 19 subjective and 4 observer
items, 0-4 each, total 0-92 [CADSS-TABLE] [CADSS-23].

A change measure (pre-dose, about 40 minutes, end of treatment) with no severity bands (§5).
© J.D. Bremner; the terms were not read, so item labels only are shown and the clinic supplies
the wording. Part-scores: "subjective" (items 1-19) and "observer" (items 20-23).
"""

from __future__ import annotations

from collections.abc import Iterable

from ketacare.core.instruments.model import Instrument, Item, Score, numbered_options
from ketacare.core.instruments.validation import checked

CODE = "cadss"
SUBJECTIVE = range(1, 20)  # [CADSS-TABLE] [CADSS-23]
OBSERVER = range(20, 24)

ITEMS = tuple(Item(n, f"Subjective item {n}", None, numbered_options(0, 4)) for n in SUBJECTIVE) + (
    tuple(Item(n, f"Observer item {n - 19}", None, numbered_options(0, 4)) for n in OBSERVER)
)


def score(answers: Iterable[object]) -> Score:
    """Sum of the 23 items, with subjective and observer part-scores; no bands."""
    values = checked(INSTRUMENT, answers)
    subjective = sum(values[n - 1] for n in SUBJECTIVE)
    observer = sum(values[n - 1] for n in OBSERVER)
    domains = (("subjective", subjective), ("observer", observer))
    return Score(CODE, values, subjective + observer, "", domains=domains)


INSTRUMENT = Instrument(
    code=CODE,
    name="CADSS",
    version="CADSS 23-item (19 subjective + 4 observer)",
    kind="clinician",
    window="now (during or after the treatment)",
    items=ITEMS,
    total_range=(0, 92),  # 23 x 4 (derived, §5)
    bands=(),
    loinc_panel=None,
    loinc_total=None,
    licence_note=(
        "© J.D. Bremner; terms not read (UNVERIFIED). Item labels only: the clinic supplies the "
        "licensed wording."
    ),
    source="[CADSS-TABLE] [CADSS-23] [CADSS-BREMNER]",
    scorer=score,
)
