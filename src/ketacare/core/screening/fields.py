"""Intake field kinds: each parses a JSON value, writes it back and describes itself in JSON Schema.

One declaration per field drives validation (``IntakeFacts.from_dict``), storage (``to_dict``) and
the published schema, so the three cannot drift apart. ``None`` always means "unknown". Numeric
ranges are data-entry plausibility limits, not clinical thresholds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

Errors = list[tuple[str, str]]
Json = object

_DECIMAL_TEXT = re.compile(r"^\d{1,6}(\.\d{1,3})?$")
DECIMAL_PATTERN = _DECIMAL_TEXT.pattern


class Refused(ValueError):
    """One value is not acceptable; the message says why, in words for the person typing it."""


@dataclass(frozen=True)
class Text:
    description: str
    max_length: int = 2000

    def parse(self, value: object, today: date | None) -> str:
        if not isinstance(value, str):
            raise Refused("must be text")
        text = value.strip()
        if len(text) > self.max_length:
            raise Refused(f"must be at most {self.max_length} characters")
        return text

    def dump(self, value: object) -> Json:
        return value

    def schema(self) -> dict[str, Json]:
        return {"type": ["string", "null"], "maxLength": self.max_length}


@dataclass(frozen=True)
class Flag:
    description: str

    def parse(self, value: object, today: date | None) -> bool:
        if not isinstance(value, bool):
            raise Refused("must be true or false")
        return value

    def dump(self, value: object) -> Json:
        return value

    def schema(self) -> dict[str, Json]:
        return {"type": ["boolean", "null"]}


@dataclass(frozen=True)
class Choice:
    description: str
    values: tuple[str, ...]

    def parse(self, value: object, today: date | None) -> str:
        if not isinstance(value, str) or value not in self.values:
            raise Refused(f"{value!r} is not allowed; choose one of: {', '.join(self.values)}")
        return value

    def dump(self, value: object) -> Json:
        return value

    def schema(self) -> dict[str, Json]:
        return {"enum": [*self.values, None]}


@dataclass(frozen=True)
class Whole:
    description: str
    low: int
    high: int

    def parse(self, value: object, today: date | None) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise Refused("must be a whole number")
        if not self.low <= value <= self.high:
            raise Refused(f"{value} is outside {self.low} to {self.high}")
        return value

    def dump(self, value: object) -> Json:
        return value

    def schema(self) -> dict[str, Json]:
        return {"type": ["integer", "null"], "minimum": self.low, "maximum": self.high}


@dataclass(frozen=True)
class Amount:
    """A decimal quantity from ``low`` to ``high`` inclusive, at most 3 decimal places.

    Accepts a decimal string ("72.5"), an int, a Decimal, or a JSON number; stored as a string.
    """

    description: str
    low: Decimal
    high: Decimal

    def parse(self, value: object, today: date | None) -> Decimal:
        amount = _decimal(value)
        if not self.low <= amount <= self.high:
            raise Refused(f"{_text(amount)} is outside {self.low} to {self.high}")
        return amount

    def dump(self, value: object) -> Json:
        return None if value is None else _text(value)

    def schema(self) -> dict[str, Json]:
        return {
            "type": ["string", "number", "null"],
            "pattern": DECIMAL_PATTERN,
            "minimum": _number(self.low),
            "maximum": _number(self.high),
        }


@dataclass(frozen=True)
class Day:
    """A calendar date as ISO text (YYYY-MM-DD), never after ``today`` when today is known."""

    description: str

    def parse(self, value: object, today: date | None) -> date:
        if isinstance(value, date):
            day = value
        elif isinstance(value, str):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                raise Refused("must be a date written YYYY-MM-DD") from None
        else:
            raise Refused("must be a date written YYYY-MM-DD")
        if today is not None and day > today:
            raise Refused(f"{day.isoformat()} is in the future")
        return day

    def dump(self, value: object) -> Json:
        return value.isoformat() if isinstance(value, date) else None

    def schema(self) -> dict[str, Json]:
        return {"type": ["string", "null"], "format": "date"}


@dataclass(frozen=True)
class Codes:
    """A list of distinct codes, each from ``known`` (code → label)."""

    description: str
    known: Mapping[str, str]

    def parse(self, value: object, today: date | None) -> tuple[str, ...]:
        if not isinstance(value, list | tuple):
            raise Refused("must be a list")
        wrong = [
            repr(code) for code in value if not isinstance(code, str) or code not in self.known
        ]
        if wrong:
            raise Refused(f"not on the curated list: {', '.join(wrong)}")
        if len(set(value)) != len(value):
            raise Refused("lists a code more than once")
        return tuple(value)

    def dump(self, value: object) -> Json:
        return list(value) if isinstance(value, tuple) else None

    def schema(self) -> dict[str, Json]:
        return {
            "type": ["array", "null"],
            "uniqueItems": True,
            "items": {"enum": list(self.known)},
        }


FieldKind = Text | Flag | Choice | Whole | Amount | Day | Codes


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise Refused("must be a number")
    text = format(value, "f") if isinstance(value, Decimal) else str(value).strip()
    if not _DECIMAL_TEXT.match(text):
        raise Refused("must be a number like 72.5 (at most 3 decimal places)")
    return Decimal(text)


def _number(value: Decimal) -> int | float:
    """A schema bound as a JSON number (the schema's ``minimum`` applies to numbers only)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _text(value: object) -> str:
    return format(value, "f")


def parse_value(
    kind: FieldKind, raw: object, path: str, today: date | None, errors: Errors
) -> object:
    """One value parsed; None (unknown) when absent or refused, with the refusal in ``errors``."""
    if raw is None:
        return None
    try:
        return kind.parse(raw, today)
    except Refused as refused:
        errors.append((path, str(refused)))
        return None


def refuse_unknown_keys(
    data: Mapping[str, object], known: Iterable[str], path: str, errors: Errors
) -> None:
    """One error per key the schema does not define, naming the keys it does."""
    allowed = list(known)
    for key in data:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            errors.append((where, f"unknown field; known fields here: {', '.join(allowed)}"))


def parse_group(
    fields: Mapping[str, FieldKind], data: object, path: str, today: date | None, errors: Errors
) -> dict[str, Any]:
    """Every field of one group parsed (None when absent); problems appended to ``errors``."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        errors.append((path, "must be an object"))
        return dict.fromkeys(fields)
    refuse_unknown_keys(data, fields, path, errors)
    return {
        name: parse_value(kind, data.get(name), f"{path}.{name}", today, errors)
        for name, kind in fields.items()
    }
