"""How a typed patient search is understood: a date of birth, an MRN, or name prefixes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HAS_DIGIT = re.compile(r"\d")


def search_key(name: str) -> str:
    """Lower-case, strip accents, keep letters and digits: ``Zoë O'Brien-Díaz`` → ``zoeobriendiaz``.

    Stored beside each name so a prefix search is one indexed range scan on every database.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]", "", ascii_only)


@dataclass(frozen=True)
class PatientQuery:
    """A parsed search: exactly one of date of birth, MRN, or one or two name prefixes."""

    date_of_birth: date | None = None
    mrn: str | None = None
    name_prefixes: tuple[str, ...] = ()
    family_first: bool = False  # typed "family, given": do not also try the other order

    @property
    def is_empty(self) -> bool:
        return self.date_of_birth is None and self.mrn is None and not self.name_prefixes


def parse_query(text: str) -> PatientQuery:
    """``1980-02-29`` searches dates of birth; anything with a digit, MRNs; else names.

    Names may be typed ``family, given``, ``given family`` or a single prefix of either.
    """
    text = text.strip()
    if _DATE.match(text):
        try:
            return PatientQuery(date_of_birth=date.fromisoformat(text))
        except ValueError:
            return PatientQuery()
    if _HAS_DIGIT.search(text):
        return PatientQuery(mrn=text.upper())
    if "," in text:
        family, _, given = text.partition(",")
        parts = (search_key(family), search_key(given))
        return PatientQuery(name_prefixes=tuple(p for p in parts if p), family_first=True)
    words = [key for key in (search_key(w) for w in text.split()) if key][:2]
    return PatientQuery(name_prefixes=tuple(words))
