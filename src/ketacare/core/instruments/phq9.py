"""PHQ-9: nine depression items over the past two weeks, plus the optional difficulty item.

Item wording is reproduced under Pfizer's 2010 release of the PHQ and GAD-7 "without copyright
restriction and at no charge" [PFIZER-2010]; the form notice below must be shown with it.
Bands 5/10/15/20 [PHQ-BANDS]; item 9 > 0 raises the suicidal-ideation flag (clinical-reference
§5.1 "Safety items"). The difficulty item is recorded but never counted in the total.
"""

from __future__ import annotations

from collections.abc import Iterable

from ketacare.core.instruments.model import (
    SUICIDAL_IDEATION,
    Band,
    Instrument,
    Item,
    Score,
    labelled_options,
)
from ketacare.core.instruments.validation import checked

CODE = "phq9"
NOTICE = (
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, "
    "with an educational grant from Pfizer Inc. No permission required to reproduce, translate, "
    "display or distribute."
)  # [PFIZER-2010]
STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"

_FREQUENCY = labelled_options(
    "Not at all", "Several days", "More than half the days", "Nearly every day"
)

# (label, wording, LOINC [USCORE])
_ITEMS = (
    ("Interest", "Little interest or pleasure in doing things", "44250-9"),
    ("Mood", "Feeling down, depressed, or hopeless", "44255-8"),
    ("Sleep", "Trouble falling or staying asleep, or sleeping too much", "44259-0"),
    ("Energy", "Feeling tired or having little energy", "44254-1"),
    ("Appetite", "Poor appetite or overeating", "44251-7"),
    (
        "Self-worth",
        "Feeling bad about yourself - or that you are a failure or have let yourself or your "
        "family down",
        "44258-2",
    ),
    (
        "Concentration",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "44252-5",
    ),
    (
        "Psychomotor",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite - "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "44253-3",
    ),
    (
        "Thoughts of death or self-harm",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
        "44260-8",
    ),
)

ITEMS = tuple(
    Item(number, label, text, _FREQUENCY, loinc)
    for number, (label, text, loinc) in enumerate(_ITEMS, start=1)
)
DIFFICULTY_ITEM = Item(
    10,
    "Difficulty",
    "If you checked off any problems, how difficult have these problems made it for you to do "
    "your work, take care of things at home, or get along with other people?",
    labelled_options(
        "Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult"
    ),
    "69722-7",  # [USCORE]
)

BANDS = (
    Band(0, 4, "minimal", "[PHQ-BANDS]"),
    Band(5, 9, "mild", "[PHQ-BANDS]"),
    Band(10, 14, "moderate", "[PHQ-BANDS]"),
    Band(15, 19, "moderately_severe", "[PHQ-BANDS]"),
    Band(20, 27, "severe", "[PHQ-BANDS]"),
)
SUICIDE_ITEM = 9  # any answer above 0 flags ideation [USCORE] (item), §5.1 (routing)


def score(answers: Iterable[object]) -> Score:
    """Sum of items 1-9 (0-27); the difficulty item is kept in ``answers`` only."""
    values = checked(INSTRUMENT, answers)
    total = sum(values[:9])
    flags = frozenset({SUICIDAL_IDEATION}) if values[SUICIDE_ITEM - 1] > 0 else frozenset()
    return Score(CODE, values, total, INSTRUMENT.band_for(total), flags)


INSTRUMENT = Instrument(
    code=CODE,
    name="PHQ-9",
    version="PHQ-9 (Pfizer 2010 release)",
    kind="self_report",
    window="past 2 weeks",
    items=ITEMS,
    optional_items=(DIFFICULTY_ITEM,),
    total_range=(0, 27),
    bands=BANDS,
    loinc_panel="44249-1",  # [USCORE]
    loinc_total="44261-6",  # [USCORE]
    licence_note=f"© Pfizer Inc. [PHQ-HIST]. {NOTICE} [PFIZER-2010]",
    source="[PHQ-BANDS] [USCORE] [PFIZER-2010]",
    scorer=score,
    instructions=STEM,
)
