"""Checking answers before scoring, with messages a person can act on.

Each message names the instrument, the item and the allowed values, e.g.
"PHQ-9 item 3: 4 is not allowed; choose 0, 1, 2 or 3." Booleans are refused even though Python
treats them as integers: a ticked box must be turned into 0/1 on purpose by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable

from ketacare.core.instruments.model import Instrument, InvalidAnswers, Item

_LIST_AT_MOST = 5  # longer option lists are described as a range


def allowed_text(item: Item) -> str:
    """The allowed values in words: "0, 1, 2 or 3", or "a whole number from 0 to 10"."""
    values = item.values
    if len(values) > _LIST_AT_MOST:
        return f"a whole number from {values[0]} to {values[-1]}"
    return ", ".join(str(v) for v in values[:-1]) + f" or {values[-1]}"


def check_value(instrument: Instrument, item: Item, value: object) -> int:
    """``value`` as an int when it is one of the item's option values; else InvalidAnswers."""
    if isinstance(value, int) and not isinstance(value, bool) and value in item.values:
        return value
    raise InvalidAnswers(
        f"{instrument.name} item {item.number}: {value!r} is not allowed; "
        f"choose {allowed_text(item)}."
    )


def check_count(instrument: Instrument, answers: tuple[object, ...]) -> None:
    """Refuse anything but one answer per item (plus, optionally, every optional item)."""
    required = len(instrument.items)
    with_optional = required + len(instrument.optional_items)
    if len(answers) in (required, with_optional):
        return
    noun = "answer" if required == 1 else "answers"
    extra = ""
    if instrument.optional_items:
        labels = " and ".join(item.label.lower() for item in instrument.optional_items)
        extra = f" ({with_optional} with the {labels} item)"
    raise InvalidAnswers(f"{instrument.name} needs {required} {noun}{extra}; got {len(answers)}.")


def checked(instrument: Instrument, answers: Iterable[object]) -> tuple[int, ...]:
    """Every answer validated, in item order (optional items last, when given)."""
    given = tuple(answers)
    check_count(instrument, given)
    items = instrument.items + instrument.optional_items
    return tuple(
        check_value(instrument, item, value) for item, value in zip(items, given, strict=False)
    )
