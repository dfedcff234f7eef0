"""QIDS-SR16: sixteen items over the past seven days, 0-3 each, scored by nine domains.

Domain-maximum scoring [QIDS-MILLI] [QIDS-IMPL]: max(1-4) + 5 + max(6-9) + 10 + 11 + 12 + 13 + 14
+ max(15-16), total 0-27; bands 0-5 none, 6-10 mild, 11-15 moderate, 16-20 severe, 21-27 very
severe [QIDS-ORG]. Item 12 (thoughts of death or suicide) at or above a clinic-configured threshold
(default 1; 3 includes plans or an attempt) flags suicidal ideation (§5.1).
The licence is unclear (no statement found on ids-qids.org; "free for clinical and research use"
is secondary [QIDS-HIBOOP]), so item labels only are shown.
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

CODE = "qids_sr16"
SUICIDE_ITEM = 12
DEFAULT_IDEATION_THRESHOLD = 1  # §5.1: "QIDS-SR16 item 12 ≥ 1 (clinic-configured)"

_LABELS = (
    "Falling asleep",
    "Sleep during the night",
    "Waking up too early",
    "Sleeping too much",
    "Feeling sad",
    "Decreased appetite",
    "Increased appetite",
    "Decreased weight (within the last two weeks)",
    "Increased weight (within the last two weeks)",
    "Concentration / decision making",
    "View of myself",
    "Thoughts of death or suicide",
    "General interest",
    "Energy level",
    "Feeling slowed down",
    "Feeling restless",
)
ITEMS = tuple(
    Item(number, label, None, numbered_options(0, 3))
    for number, label in enumerate(_LABELS, start=1)
)

# The nine domains and their items [QIDS-MILLI] [QIDS-IMPL]; each scores its highest item.
DOMAINS = (
    ("sleep", (1, 2, 3, 4)),
    ("sad_mood", (5,)),
    ("appetite_weight", (6, 7, 8, 9)),
    ("concentration", (10,)),
    ("self_view", (11,)),
    ("suicidal_ideation", (12,)),
    ("interest", (13,)),
    ("energy", (14,)),
    ("psychomotor", (15, 16)),
)

BANDS = (
    Band(0, 5, "none", "[QIDS-ORG]"),
    Band(6, 10, "mild", "[QIDS-ORG]"),
    Band(11, 15, "moderate", "[QIDS-ORG]"),
    Band(16, 20, "severe", "[QIDS-ORG]"),
    Band(21, 27, "very_severe", "[QIDS-ORG]"),
)


def score(
    answers: Iterable[object], *, ideation_threshold: int = DEFAULT_IDEATION_THRESHOLD
) -> Score:
    """Sum of the nine domain maxima; flags ideation when item 12 >= ``ideation_threshold``."""
    values = checked(INSTRUMENT, answers)
    domains = tuple((name, max(values[n - 1] for n in numbers)) for name, numbers in DOMAINS)
    total = sum(value for _, value in domains)
    ideation = values[SUICIDE_ITEM - 1] >= ideation_threshold
    flags = frozenset({SUICIDAL_IDEATION}) if ideation else frozenset()
    return Score(CODE, values, total, INSTRUMENT.band_for(total), flags, domains)


INSTRUMENT = Instrument(
    code=CODE,
    name="QIDS-SR16",
    version="QIDS-SR16",
    kind="self_report",
    window="past 7 days",  # "the seven day period prior to assessment" [QIDS-ORG]
    items=ITEMS,
    total_range=(0, 27),
    bands=BANDS,
    loinc_panel=None,  # not found (§5, UNVERIFIED)
    loinc_total=None,
    licence_note=(
        "Licence unclear: no statement found on ids-qids.org (UNVERIFIED); described as free for "
        "clinical and research use [QIDS-HIBOOP] (secondary). Item labels only: the clinic "
        "supplies the licensed wording."
    ),
    source="[QIDS-ORG] [QIDS-MILLI] [QIDS-IMPL] [QIDS-HIBOOP]",
    scorer=score,
)
