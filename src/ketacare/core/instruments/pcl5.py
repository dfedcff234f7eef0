"""PCL-5: twenty PTSD symptom items over the past month, 0-4 each, total 0-80.

The PCL-5 is "in the public domain and not copyrighted" [PCL5-PD], so the wording is shown.
Probable PTSD: "a PCL-5 cutoff score between 31-33 is indicative of probable PTSD across samples"
[PCL5-NCPTSD]; the default cut-off is 33 (the earlier NCPTSD handout) and is a parameter, since
population and purpose may warrant a lower (screening) or higher (confirming) value.
Cluster part-scores follow DSM-5: B items 1-5, C 6-7, D 8-14, E 15-20 (§5 "4 DSM-5 clusters").
"""

from __future__ import annotations

from collections.abc import Iterable

from ketacare.core.instruments.model import Band, Instrument, Item, Score, labelled_options
from ketacare.core.instruments.validation import checked

CODE = "pcl5"
DEFAULT_CUTOFF = 33  # [PCL5-NCPTSD]: 31-33 indicative; 33 proposed in the earlier handout
STEM = (
    "Below is a list of problems that people sometimes have in response to a very stressful "
    "experience. Please indicate how much you have been bothered by that problem in the past month."
)
_SEVERITY = labelled_options("Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely")

_TEXTS = (
    "Repeated, disturbing, and unwanted memories of the stressful experience?",
    "Repeated, disturbing dreams of the stressful experience?",
    "Suddenly feeling or acting as if the stressful experience were actually happening again (as "
    "if you were actually back there reliving it)?",
    "Feeling very upset when something reminded you of the stressful experience?",
    "Having strong physical reactions when something reminded you of the stressful experience "
    "(for example, heart pounding, trouble breathing, sweating)?",
    "Avoiding memories, thoughts, or feelings related to the stressful experience?",
    "Avoiding external reminders of the stressful experience (for example, people, places, "
    "conversations, activities, objects, or situations)?",
    "Trouble remembering important parts of the stressful experience?",
    "Having strong negative beliefs about yourself, other people, or the world (for example, "
    "having thoughts such as: I am bad, there is something seriously wrong with me, no one can "
    "be trusted, the world is completely dangerous)?",
    "Blaming yourself or someone else for the stressful experience or what happened after it?",
    "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
    "Loss of interest in activities that you used to enjoy?",
    "Feeling distant or cut off from other people?",
    "Trouble experiencing positive feelings (for example, being unable to feel happiness or have "
    "loving feelings for people close to you)?",
    "Irritable behavior, angry outbursts, or acting aggressively?",
    "Taking too many risks or doing things that could cause you harm?",
    'Being "superalert" or watchful or on guard?',
    "Feeling jumpy or easily startled?",
    "Having difficulty concentrating?",
    "Trouble falling or staying asleep?",
)
CLUSTERS = (
    ("B", range(1, 6)),  # intrusions
    ("C", range(6, 8)),  # avoidance
    ("D", range(8, 15)),  # negative alterations in cognition and mood
    ("E", range(15, 21)),  # alterations in arousal and reactivity
)
_CLUSTER_OF = {number: name for name, numbers in CLUSTERS for number in numbers}
ITEMS = tuple(
    Item(number, f"Cluster {_CLUSTER_OF[number]} item {number}", text, _SEVERITY)
    for number, text in enumerate(_TEXTS, start=1)
)


def bands_for_cutoff(cutoff: int = DEFAULT_CUTOFF) -> tuple[Band, ...]:
    """Two bands split at ``cutoff``: below it, and probable PTSD at or above it."""
    return (
        Band(0, cutoff - 1, "below_cutoff", "[PCL5-NCPTSD]"),
        Band(cutoff, 80, "probable_ptsd", "[PCL5-NCPTSD] (31-33 indicative; default 33)"),
    )


def score(answers: Iterable[object], *, cutoff: int = DEFAULT_CUTOFF) -> Score:
    """Sum of the twenty items, band against ``cutoff``, and the four cluster part-scores."""
    values = checked(INSTRUMENT, answers)
    total = sum(values)
    band = "probable_ptsd" if total >= cutoff else "below_cutoff"
    domains = tuple((name, sum(values[n - 1] for n in numbers)) for name, numbers in CLUSTERS)
    return Score(CODE, values, total, band, domains=domains)


INSTRUMENT = Instrument(
    code=CODE,
    name="PCL-5",
    version="PCL-5 (past month)",
    kind="self_report",
    window="past month",
    items=ITEMS,
    total_range=(0, 80),
    bands=bands_for_cutoff(),
    loinc_panel="101697-1",  # [LOINC-PCL5] (secondary, two mirrors)
    loinc_total="101698-9",  # [LOINC-PCL5]; not 91006-2 (§5)
    licence_note="Public domain, not copyrighted (VA National Center for PTSD) [PCL5-PD].",
    source="[PCL5-NCPTSD] [PCL5-PD] [PCL5-REDCAP] [LOINC-PCL5]",
    scorer=score,
    instructions=STEM,
)
