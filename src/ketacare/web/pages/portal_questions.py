"""The order in which the portal asks a link's questions, and which ones it skips.

The patient sees one question per screen, instrument after instrument, each instrument's optional
items last. The C-SSRS screener's items 3-5 are asked only after YES to item 2 [CSSRS-SLC]
(clinical-reference §5.2), so they drop out of the sequence otherwise, and a NO to item 2 takes
back any answer given to them earlier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ketacare.core.instruments import Instrument, Item, instrument
from ketacare.core.instruments.cssrs import BRANCH_ITEMS, YES
from ketacare.core.instruments.cssrs import CODE as CSSRS

Answers = Mapping[str, Sequence[int | None]]


@dataclass(frozen=True)
class Question:
    """One item of one instrument as the patient meets it, with the answer saved so far."""

    info: Instrument
    item: Item
    index: int  # the item's slot in the saved answers
    optional: bool
    value: int | None

    @property
    def code(self) -> str:
        return self.info.code

    @property
    def wording(self) -> str:
        return self.item.text or self.item.label


def questions(codes: Sequence[str], answers: Answers) -> list[Question]:
    """Every question still to be asked for ``codes``, in order, with its saved answer."""
    found: list[Question] = []
    for code in codes:
        info = instrument(code)
        saved = list(answers.get(code, ()))
        items = [(item, False) for item in info.items]
        items += [(item, True) for item in info.optional_items]
        for index, (item, optional) in enumerate(items):
            if _skipped(code, item.number, saved):
                continue
            value = saved[index] if index < len(saved) else None
            found.append(Question(info, item, index, optional, value))
    return found


def _skipped(code: str, number: int, saved: Sequence[int | None]) -> bool:
    return code == CSSRS and number in BRANCH_ITEMS and (len(saved) < 2 or saved[1] != YES)


def taken_back(code: str, number: int, value: int | None) -> tuple[int, ...]:
    """Items whose answers no longer apply after answering ``number`` with ``value``."""
    if code == CSSRS and number == 2 and value != YES:
        return BRANCH_ITEMS
    return ()


def find(sequence: Sequence[Question], code: str, number: int) -> int | None:
    """The position of item ``number`` of ``code`` in ``sequence``, or None if not asked."""
    for position, question in enumerate(sequence):
        if question.code == code and question.item.number == number:
            return position
    return None


def first_unanswered(sequence: Sequence[Question]) -> Question | None:
    """Where to resume: the first required question without an answer."""
    return next((q for q in sequence if q.value is None and not q.optional), None)


def missing(sequence: Sequence[Question]) -> list[Question]:
    return [q for q in sequence if q.value is None and not q.optional]
