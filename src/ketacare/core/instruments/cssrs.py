"""C-SSRS screener, "since last contact" version: six yes/no questions with branching and triage.

Wording, order and branching are the Columbia Since Last Contact form [CSSRS-SLC]
(clinical-reference §5.2): items 1, 2 and 6 are always asked; items 3-5 only when item 2 is
YES, and are otherwise stored as ``None`` ("not asked (branching)"), never as NO.
Answers: 1 = YES, 0 = NO.

The screener has no numeric total ("do not sum", §5). ``Score.total`` is the number of the most
severe positive item (0-6); triage follows the highest-risk positive answer (§5.2 "Rule engine"):
YES to 4, 5 or 6 → high; YES to 3 → moderate; YES to 1 and/or 2 only → low; otherwise none.
"""

from __future__ import annotations

from collections.abc import Iterable

from ketacare.core.instruments.model import (
    SUICIDAL_BEHAVIOR,
    SUICIDAL_IDEATION,
    Answer,
    Band,
    Instrument,
    InvalidAnswers,
    Item,
    Score,
    labelled_options,
)
from ketacare.core.instruments.validation import check_count, check_value

CODE = "cssrs_screen"
NOTICE = "© 2008 The Research Foundation for Mental Hygiene, Inc."  # [CSSRS-FULL-SLV]
YES, NO = 1, 0
_YES_NO = labelled_options("No", "Yes")

# (label, Since Last Contact wording) [CSSRS-SLC]
_ITEMS = (
    (
        "Wish to be dead",
        "Have you wished you were dead or wished you could go to sleep and not wake up?",
    ),
    ("Suicidal thoughts", "Have you actually had any thoughts of killing yourself?"),
    (
        "Suicidal thoughts with method (without specific plan or intent to act)",
        "Have you been thinking about how you might do this?",
    ),
    (
        "Suicidal intent (without specific plan)",
        "Have you had these thoughts and had some intention of acting on them?",
    ),
    (
        "Suicide intent with specific plan",
        "Have you started to work out or worked out the details of how to kill yourself and do "
        "you intend to carry out this plan?",
    ),
    (
        "Suicide behavior",
        "Have you done anything, started to do anything, or prepared to do anything to end your "
        "life? (For example: collected pills, obtained a gun, gave away valuables, wrote a will "
        "or suicide note, took out pills but didn't swallow any, held a gun but changed your "
        "mind.)",
    ),
)
ITEMS = tuple(
    Item(number, label, text, _YES_NO) for number, (label, text) in enumerate(_ITEMS, start=1)
)

BRANCH_ITEMS = (3, 4, 5)  # asked only when item 2 is YES [CSSRS-SLC]
IDEATION_ITEMS = (1, 2, 3, 4, 5)
BEHAVIOR_ITEM = 6

# Bands over the most severe positive item number.
BANDS = (
    Band(0, 0, "none", "§5.2: no positive answer"),
    Band(1, 2, "low", "[CSSRS-VENDOR] [CSSRS-IMPL] (secondary; configurable default)"),
    Band(3, 3, "moderate", "[CSSRS-VENDOR] [CSSRS-IMPL] (secondary; configurable default)"),
    Band(
        4,
        6,
        "high",
        "[CSSRS-TRIAGE] [CSSRS-WORKFLOW] (items 4, 5); item 6 on the since-last-contact form "
        "→ high is the §5.2 default",
    ),
)


def _checked(answers: Iterable[object]) -> tuple[Answer, ...]:
    """Validate values and the branching rule; skipped items come back as None."""
    given = tuple(answers)
    check_count(INSTRUMENT, given)
    first = check_value(INSTRUMENT, ITEMS[0], given[0])
    second = check_value(INSTRUMENT, ITEMS[1], given[1])
    branch = tuple(_branch_answer(ITEMS[n - 1], given[n - 1], second) for n in BRANCH_ITEMS)
    behavior = check_value(INSTRUMENT, ITEMS[5], given[5])
    return (first, second, *branch, behavior)


def _branch_answer(item: Item, value: object, second: int) -> Answer:
    """Items 3-5: required when item 2 is YES, must be left unanswered when item 2 is NO."""
    if second == YES:
        if value is None:
            raise InvalidAnswers(
                f"{INSTRUMENT.name} item {item.number}: not answered, but item 2 is YES so it "
                "must be asked; choose 0 or 1."
            )
        return check_value(INSTRUMENT, item, value)
    if value is not None:
        raise InvalidAnswers(
            f"{INSTRUMENT.name} item {item.number}: {value!r} is not allowed because item 2 is NO; "
            "items 3, 4 and 5 are asked only after YES to item 2, so leave it unanswered (None)."
        )
    return None


def score(answers: Iterable[object]) -> Score:
    """Most severe positive item (0-6), triage band, ideation/behavior flags."""
    values = _checked(answers)
    positive = [number for number, value in enumerate(values, start=1) if value == YES]
    total = max(positive, default=0)
    flags: set[str] = set()
    if any(number in IDEATION_ITEMS for number in positive):
        flags.add(SUICIDAL_IDEATION)
    if BEHAVIOR_ITEM in positive:
        flags.add(SUICIDAL_BEHAVIOR)
    return Score(CODE, values, total, INSTRUMENT.band_for(total), frozenset(flags))


INSTRUMENT = Instrument(
    code=CODE,
    name="C-SSRS screener",
    version="Screen Version - Since Last Contact (Columbia Lighthouse Project)",
    kind="self_report",
    window="since last contact",
    items=ITEMS,
    total_range=(0, 6),
    bands=BANDS,
    loinc_panel=None,  # no confirmed LOINC for the screener (§5)
    loinc_total=None,
    licence_note=(
        f"{NOTICE} Columbia: 'For health/behavioral health care providers, there is no cost or "
        "license required to put the Columbia Protocol tools into your EHR/EMR' [CSSRS-TRIAGE]. "
        "Terms for a software vendor distributing the screener were not read (UNVERIFIED)."
    ),
    source="[CSSRS-SLC] [CSSRS-TRIAGE] [CSSRS-WORKFLOW] [CSSRS-VENDOR] [CSSRS-IMPL]",
    scorer=score,
    instructions="Ask questions 1 and 2. If YES to 2, ask questions 3, 4, 5 and 6. "
    "If NO to 2, go directly to question 6. [CSSRS-SLC]",
)
