"""What an instrument is, and what scoring it produces.

An ``Instrument`` is data (items, options, bands, codes, licence, sources) plus one scoring
function. Answers are integers in item order; the C-SSRS screener also uses ``None`` for "not asked
(branching)" (clinical-reference §5.2). Every rule that reads answers validates them first and
raises ``InvalidAnswers`` naming the item and the allowed values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ketacare.core.errors import KetacareError

Kind = Literal["self_report", "clinician"]
Answer = int | None
Total = int | Decimal

SUICIDAL_IDEATION = "suicidal_ideation"
SUICIDAL_BEHAVIOR = "suicidal_behavior"


class InvalidAnswers(KetacareError):
    """The answers cannot be scored: wrong count, a value out of range, or an impossible branch."""


@dataclass(frozen=True)
class Option:
    """One allowed answer: the stored ``value`` and the words shown for it."""

    value: int
    label: str


@dataclass(frozen=True)
class Item:
    """One question. ``text`` is None where the licence is unclear: the label alone is shown and
    the clinic supplies the licensed wording."""

    number: int
    label: str
    text: str | None
    options: tuple[Option, ...]
    loinc: str | None = None

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)


@dataclass(frozen=True)
class Band:
    """A severity band: totals from ``low`` to ``high`` inclusive are called ``label``."""

    low: int
    high: int
    label: str
    source: str


@dataclass(frozen=True)
class Score:
    """The result of scoring one set of answers.

    ``total`` is an int, or a Decimal for mean-scored instruments (PEG). ``band`` is "" when the
    instrument has no bands. ``domains`` holds named part-scores in a fixed order: QIDS-SR16
    domains, PCL-5 DSM-5 clusters, CADSS subjective/observer parts.
    """

    instrument_code: str
    answers: tuple[Answer, ...]
    total: Total
    band: str
    flags: frozenset[str] = frozenset()
    domains: tuple[tuple[str, int], ...] = ()

    def domain(self, name: str) -> int:
        """One part-score by name; KeyError when the instrument has no such part."""
        return dict(self.domains)[name]


@dataclass(frozen=True)
class Instrument:
    """A questionnaire or rating scale, kept as data with its sources and licence terms."""

    code: str
    name: str
    version: str
    kind: Kind
    window: str
    items: tuple[Item, ...]
    total_range: tuple[int, int]
    bands: tuple[Band, ...]
    loinc_panel: str | None
    loinc_total: str | None
    licence_note: str
    source: str
    scorer: Callable[[Iterable[object]], Score] = field(compare=False, repr=False)
    optional_items: tuple[Item, ...] = ()
    instructions: str = ""  # the stem shown above the items, where the wording may be shown

    def score(self, answers: Iterable[object]) -> Score:
        return self.scorer(answers)

    def band_for(self, total: Total) -> str:
        """The label of the band holding ``total``; "" when the instrument has no bands."""
        for band in self.bands:
            if band.low <= total <= band.high:
                return band.label
        return ""


def numbered_options(low: int, high: int) -> tuple[Option, ...]:
    """Options labelled by their number alone, for scales whose anchor wording is licensed."""
    return tuple(Option(value, str(value)) for value in range(low, high + 1))


def labelled_options(*labels: str, start: int = 0) -> tuple[Option, ...]:
    """Options valued ``start``, ``start + 1``, ... in the order of their labels."""
    return tuple(Option(start + i, label) for i, label in enumerate(labels))
