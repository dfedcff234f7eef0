"""Scored instruments for measurement-based care: data, validation and scoring, all pure.

    from ketacare.core.instruments import score, INSTRUMENTS
    score("phq9", [1, 2, 0, 3, 1, 0, 2, 1, 1]).band   # "moderate"

Facts and sources: clinical-reference §5, §5.1, §5.2. Response/remission lives in ``outcomes``.
"""

from __future__ import annotations

from collections.abc import Iterable

from ketacare.core.instruments.model import (
    SUICIDAL_BEHAVIOR,
    SUICIDAL_IDEATION,
    Band,
    Instrument,
    InvalidAnswers,
    Item,
    Option,
    Score,
)
from ketacare.core.instruments.registry import INSTRUMENTS

__all__ = [
    "INSTRUMENTS",
    "SUICIDAL_BEHAVIOR",
    "SUICIDAL_IDEATION",
    "Band",
    "Instrument",
    "InvalidAnswers",
    "Item",
    "Option",
    "Score",
    "instrument",
    "score",
]


def instrument(code: str) -> Instrument:
    """The instrument called ``code``; InvalidAnswers naming the known codes otherwise."""
    try:
        return INSTRUMENTS[code]
    except KeyError:
        known = ", ".join(INSTRUMENTS)
        raise InvalidAnswers(f"Unknown instrument {code!r}; known instruments: {known}.") from None


def score(code: str, answers: Iterable[object]) -> Score:
    """Validate ``answers`` (in item order) for instrument ``code`` and score them."""
    return instrument(code).score(answers)
