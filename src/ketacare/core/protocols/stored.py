"""A protocol as a JSON document, and back: how the clinic's protocol versions are stored.

``to_document`` writes every field of the dataclasses: decimals as strings (no float ever touches a
dose), tuples as lists, and each setting as ``{"value": ..., "source": ...}`` when the reference
gives it (``Sourced``) or ``{"value": ..., "note": ...}`` when the clinic sets it
(``ClinicDefault``), so a reader always sees where a value comes from.

``from_document`` is strict and guided by the dataclasses' own type hints: a wrong type, an unknown
key or a missing field raises ``InvalidProtocol`` naming the field (``dose_rule.max.value``); the
protocol's own checks then run as for any protocol. A field added to the model with a default may
be absent from an older document and takes its default.
"""

from __future__ import annotations

import dataclasses
import re
import types
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from ketacare.core.protocols.model import InvalidProtocol, Protocol

FORMAT = 1
"""The document layout's version, stored as ``format``; bumped when a stored layout changes."""

NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")
"""A plain decimal number as text: no exponent, no infinity, no NaN."""


class _Refused(InvalidProtocol):
    """A document value that does not read as its field's type; ``path`` names the field."""

    def __init__(self, path: str, message: str, *, shape: bool = False) -> None:
        self.path = path
        self.shape = shape  # an object with keys of another kind (a note where a source goes)
        super().__init__(f"{path or 'the document'}: {message}")

    @property
    def progress(self) -> tuple[int, bool]:
        return self.path.count(".") + self.path.count("["), not self.shape


def to_document(protocol: Protocol) -> dict[str, Any]:
    """The protocol as JSON-safe data: only dicts, lists, strings, ints, booleans and None."""
    document: dict[str, Any] = {"format": FORMAT}
    document.update(_encoded(protocol))
    return document


def from_document(document: Mapping[str, Any]) -> Protocol:
    """The protocol a document describes; ``InvalidProtocol`` names the first field at fault."""
    if not isinstance(document, Mapping):
        raise _Refused("", "a protocol document must be a JSON object.")
    body = dict(document)
    if body.pop("format", None) != FORMAT:
        raise _Refused("format", f"this ketacare reads protocol documents of format {FORMAT}.")
    decoded: Protocol = _decoded(Protocol, body, "")
    return decoded


def _encoded(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encoded(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_encoded(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _encoded(item) for key, item in value.items()}
    return value


def _decoded(hint: Any, raw: Any, path: str) -> Any:
    """``raw`` read as the type ``hint`` describes, or ``InvalidProtocol`` naming ``path``."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return _one_of(get_args(hint), raw, path)
    if origin is Literal:
        return _literal(get_args(hint), raw, path)
    if origin is tuple:
        return tuple(
            _decoded(get_args(hint)[0], item, f"{path}[{i}]") for i, item in _listed(raw, path)
        )
    if origin is Mapping:
        return types.MappingProxyType(_mapping(get_args(hint)[1], raw, path))
    if dataclasses.is_dataclass(origin or hint):
        return _dataclass(hint, raw, path)
    return _scalar(hint, raw, path)


def _one_of(options: tuple[Any, ...], raw: Any, path: str) -> Any:
    """The first option that reads; else the refusal that got furthest into the document."""
    refusals: list[_Refused] = []
    for option in options:
        try:
            return _decoded(option, raw, path)
        except _Refused as refused:
            refusals.append(refused)
    raise max(refusals, key=lambda refused: refused.progress)


def _literal(allowed: tuple[Any, ...], raw: Any, path: str) -> Any:
    if isinstance(raw, bool) or raw not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise _Refused(path, f"expected one of {shown}; got {raw!r}.")
    return raw


def _listed(raw: Any, path: str) -> list[tuple[int, Any]]:
    if not isinstance(raw, list):
        raise _Refused(path, f"expected a list; got {raw!r}.")
    return list(enumerate(raw))


def _mapping(hint: Any, raw: Any, path: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or not all(isinstance(key, str) for key in raw):
        raise _Refused(path, f"expected an object; got {raw!r}.")
    return {key: _decoded(hint, item, f"{path}.{key}") for key, item in raw.items()}


def _dataclass(hint: Any, raw: Any, path: str) -> Any:
    cls = get_origin(hint) or hint
    if not isinstance(raw, dict):
        raise _Refused(path, f"expected an object; got {raw!r}.")
    hints = _field_hints(cls)
    unknown = sorted(set(raw) - set(hints))
    if unknown:
        where = _joined(path, unknown[0])
        raise _Refused(where, f"not a field of {cls.__name__}.", shape=True)
    bound = dict(zip(getattr(cls, "__parameters__", ()), get_args(hint), strict=False))
    values = {}
    for name, field_hint in hints.items():
        if name in raw:
            values[name] = _decoded(_bind(field_hint, bound), raw[name], _joined(path, name))
        elif _required(cls, name):
            raise _Refused(_joined(path, name), "missing.")
    return cls(**values)


def _scalar(hint: Any, raw: Any, path: str) -> Any:
    if hint is type(None):
        if raw is not None:
            raise _Refused(path, f"expected nothing (null); got {raw!r}.")
        return None
    if hint is Decimal:
        return _decimal(raw, path)
    if hint is bool and isinstance(raw, bool):
        return raw
    if hint in (int, str) and isinstance(raw, hint) and not isinstance(raw, bool):
        return raw
    wanted = {bool: "true or false", int: "a whole number", str: "text"}.get(hint, str(hint))
    raise _Refused(path, f"expected {wanted}; got {raw!r}.")


def _decimal(raw: Any, path: str) -> Decimal:
    """Decimals travel as strings (``"0.5"``) so no float rounding can creep into a dose."""
    if not isinstance(raw, str) or not NUMBER.fullmatch(raw):
        raise _Refused(path, f"expected a number written as text; got {raw!r}.")
    return Decimal(raw)


@cache
def _field_hints(cls: type) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return {name: hint for name, hint in get_type_hints(cls).items() if name in names}


def _required(cls: type, name: str) -> bool:
    field = next(f for f in dataclasses.fields(cls) if f.name == name)
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def _bind(hint: Any, bound: Mapping[Any, Any]) -> Any:
    """A generic field's hint with its type variables bound (``T | None`` -> ``Range | None``)."""
    if isinstance(hint, TypeVar):
        return bound[hint]
    parameters = getattr(hint, "__parameters__", ())
    return hint[tuple(bound[p] for p in parameters)] if parameters else hint


def _joined(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
