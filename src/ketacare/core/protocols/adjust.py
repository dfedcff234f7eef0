"""A clinic's changes to a protocol, applied as its next version (``editable.py`` lists the fields).

``adjust`` reads form text per field name. A changed value becomes a ``ClinicDefault`` whose note
says the clinic set it, and, when it replaced a sourced value, which source it departs from; an
unchanged value keeps its ``Sourced`` or ``ClinicDefault`` as it was. Every refusal is a
``ValidationFailed`` naming the field in a prescriber's words, the protocol's own checks included.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from itertools import pairwise
from typing import Any

from ketacare.core.errors import FieldError, ValidationFailed
from ketacare.core.protocols.editable import WEIGHT_BASES, Editable, editable_fields, shown
from ketacare.core.protocols.model import InvalidProtocol, Protocol
from ketacare.core.protocols.stored import NUMBER, from_document, to_document

_WHOLE = re.compile(r"-?\d+")
_CODE = re.compile(r"[a-z0-9_]+")
_YES_NO = {"yes": True, "no": False}
_DEPARTS = "; departs from "
_ORDER = (("min", "minimum"), ("default", "usual dose"), ("max", "maximum"), ("cap", "cap"))
NAME_LENGTH = 200  # protocol_version.name


class _Refused(Exception):
    """One field's text that cannot be read; the message is for the person who typed it."""


def adjust(
    protocol: Protocol,
    changes: Mapping[str, str],
    *,
    version: int,
    instruments: Collection[str] | None = None,
) -> Protocol:
    """``protocol`` as version ``version`` with ``changes`` (field name -> form text) applied.

    ``instruments`` are the instrument codes that exist; None checks only their spelling."""
    fields = {e.field: e for e in editable_fields(protocol)}
    errors = [
        FieldError(n, "This value cannot be changed here.") for n in changes if n not in fields
    ]
    read: dict[str, Any] = {}
    for name, text in changes.items():
        if name in fields:
            try:
                read[name] = _read(fields[name], text, instruments)
            except _Refused as refused:
                errors.append(FieldError(name, str(refused)))
    changed = {name: value for name, value in read.items() if not _same(fields[name], value)}
    errors += _out_of_order(fields, changed)
    if errors:
        raise ValidationFailed(errors)
    document = to_document(protocol) | {"version": version}
    _apply(document, fields, changed, version)
    try:
        return from_document(document)
    except InvalidProtocol as err:
        order = [name for name in fields if name in changed]
        raise ValidationFailed([_blamed(err, protocol.code, order)]) from None


def changed_values(before: Protocol, after: Protocol) -> dict[str, tuple[str, str]]:
    """Field name -> (old text, new text) for every editable value that differs."""
    old = {e.field: e.text for e in editable_fields(before)}
    return {
        e.field: (old.get(e.field, ""), e.text)
        for e in editable_fields(after)
        if old.get(e.field, "") != e.text
    }


def _read(field: Editable, text: str, instruments: Collection[str] | None) -> Any:
    """The form text as the document stores it (decimals as text), or ``_Refused`` saying why."""
    text = text.strip()
    if field.kind == "instruments":
        return _codes(text, instruments)
    if not text:
        if field.optional or field.current is None:  # left blank: still not set
            return None
        raise _Refused("Give the protocol a name." if field.kind == "text" else "Enter a value.")
    if field.kind == "text":
        if len(text) > NAME_LENGTH:
            raise _Refused(f"Keep the name to {NAME_LENGTH} characters.")
        return text
    if field.kind == "yes_no":
        return _choice(text.lower(), _YES_NO, "Choose yes or no.")
    if field.kind == "weight_basis":
        return _choice(text, {b: b for b in WEIGHT_BASES}, "Choose actual, ideal or adjusted.")
    return _number(field, text)


def _choice(text: str, options: Mapping[str, Any], message: str) -> Any:
    if text not in options:
        raise _Refused(message)
    return options[text]


def _number(field: Editable, text: str) -> Any:
    if field.kind == "whole":
        if not _WHOLE.fullmatch(text):
            raise _Refused("Enter a whole number.")
        number: Decimal | int = int(text)
    else:
        if not NUMBER.fullmatch(text):
            raise _Refused("Enter a number, such as 0.5.")
        number = Decimal(text)
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > field.places:
            raise _Refused(f"Use at most {field.places} decimal place(s).")
    _check_bounds(field, number)
    return str(number) if isinstance(number, Decimal) else number


def _check_bounds(field: Editable, number: Decimal | int) -> None:
    unit = f" {field.unit}" if field.unit else ""
    if field.above_least and number <= field.least:
        raise _Refused(f"Enter a dose above {field.least}{unit}.")
    if field.most is not None and not field.least <= number <= field.most:
        raise _Refused(f"Enter a number from {field.least} to {field.most}{unit}.")
    if number < field.least:
        raise _Refused(f"Enter {field.least}{unit} or more.")


def _codes(text: str, instruments: Collection[str] | None) -> list[str]:
    codes = [code for code in re.split(r"[\s,]+", text.lower()) if code]
    wrong = [code for code in codes if not _CODE.fullmatch(code)]
    if wrong:
        raise _Refused("List instrument codes such as phq9, madrs, separated by commas.")
    unknown = [code for code in codes if instruments is not None and code not in instruments]
    if unknown:
        raise _Refused(f"Unknown instrument: {', '.join(unknown)}.")
    return list(dict.fromkeys(codes))


def _same(field: Editable, value: Any) -> bool:
    """Unchanged: ``0.50`` for 0.5 keeps the stored setting and its source."""
    current = field.current
    if field.kind == "decimal" and value is not None and current is not None:
        return Decimal(value) == Decimal(current)
    return bool(value == ([] if field.kind == "instruments" and current is None else current))


def _out_of_order(fields: Mapping[str, Editable], changed: Mapping[str, Any]) -> list[FieldError]:
    """Dose bounds rise minimum <= usual <= maximum <= cap (unset ones skipped), and an alert
    range's low limit is not above its high one. The message goes on the changed value."""
    chains = [[(f"{rule}.{k}", words) for k, words in _ORDER] for rule in ("dose", "bolus")]
    vitals = dict.fromkeys(n.rsplit(".", 1)[0] for n in fields if n.startswith("threshold."))
    chains += [[(f"{v}.low", "low limit"), (f"{v}.high", "high limit")] for v in vitals]
    errors = []
    for chain in chains:
        known = [
            (name, words, value)
            for name, words in chain
            if name in fields and (value := changed.get(name, fields[name].current)) is not None
        ]
        errors += [e for low, high in pairwise(known) if (e := _pair(fields, changed, low, high))]
    return errors


def _pair(
    fields: Mapping[str, Editable],
    changed: Mapping[str, Any],
    low: tuple[str, str, Any],
    high: tuple[str, str, Any],
) -> FieldError | None:
    (low_name, low_words, low_value), (high_name, high_words, high_value) = low, high
    if Decimal(low_value) <= Decimal(high_value):
        return None
    unit = f" {fields[low_name].unit}".rstrip()
    low_text, high_text = f"{low_value}{unit}", f"{high_value}{unit}"
    if high_name in changed:
        message = f"The {high_words} ({high_text}) is below the {low_words} ({low_text})."
        return FieldError(high_name, message)
    message = f"The {low_words} ({low_text}) is above the {high_words} ({high_text})."
    return FieldError(low_name, message)


def _apply(
    document: dict[str, Any],
    fields: Mapping[str, Editable],
    changed: Mapping[str, Any],
    version: int,
) -> None:
    """Write each changed setting into ``document`` as a clinic setting with its note."""
    groups: dict[tuple[str | int, ...], list[Editable]] = {}
    for field in fields.values():
        groups.setdefault(field.path, []).append(field)
    for path, group in groups.items():
        edits = {f.part: changed[f.field] for f in group if f.field in changed}
        if not edits:
            continue
        first = group[0]
        if first.setting is None:  # the name: a plain value, not a setting
            _put(document, path, edits[None])
            continue
        value = edits[None] if first.part is None else {f.part: f.current for f in group} | edits
        _put(document, path, {"value": value, "note": _note(first.setting, version, first.unit)})


def _put(document: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    parent: Any = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value


def _note(setting: Mapping[str, Any], version: int, unit: str) -> str:
    """Who set the value, and the source it departs from (kept through later clinic changes)."""
    note = f"set by the clinic in version {version}"
    if "source" in setting:
        was = shown(setting["value"], unit) or "not set"
        return f"{note}{_DEPARTS}{was} ({setting['source']})"
    departed = str(setting["note"]).partition(_DEPARTS)[2]
    return f"{note}{_DEPARTS}{departed}" if departed else note


def _blamed(err: InvalidProtocol, code: str, changed: Sequence[str]) -> FieldError:
    """The protocol's own refusal (``<code> dose: ...``), put on the changed field it concerns."""
    area, colon, rest = str(err).removeprefix(code).partition(": ")
    area = area.strip()
    prefix = {"dose": "dose.", "bolus": "bolus.", "": ""}.get(area, f"phase.{area}.")
    concerned = [n for n in changed if n.startswith(prefix) and (prefix or "." not in n)]
    message = rest[:1].upper() + rest[1:] if colon else str(err)
    return FieldError((concerned or list(changed))[0], message)
