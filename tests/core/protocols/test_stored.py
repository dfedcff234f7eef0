"""Protocols as stored JSON documents: decimals as text, every value tagged with its source or the
clinic's note, read back exactly, and a bad document refused with the field at fault."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings

from ketacare.core.instruments.registry import INSTRUMENTS
from ketacare.core.protocols.adjust import adjust
from ketacare.core.protocols.defaults import DEFAULT_PROTOCOLS
from ketacare.core.protocols.model import InvalidProtocol, Protocol
from ketacare.core.protocols.stored import from_document, to_document
from tests.core.protocols.test_adjust import adjustments

IV = DEFAULT_PROTOCOLS["iv_ketamine_depression"]


def through_json(protocol: Protocol) -> Protocol:
    return from_document(json.loads(json.dumps(to_document(protocol))))


@pytest.mark.parametrize("code", list(DEFAULT_PROTOCOLS))
def test_every_shipped_protocol_reads_back_exactly(code: str) -> None:
    assert through_json(DEFAULT_PROTOCOLS[code]) == DEFAULT_PROTOCOLS[code]


@settings(max_examples=100, deadline=None)
@given(adjustments())
def test_every_adjusted_protocol_reads_back_exactly(case: tuple[Protocol, dict[str, str]]) -> None:
    protocol, changes = case
    adjusted = adjust(protocol, changes, version=2, instruments=INSTRUMENTS)
    assert through_json(adjusted) == adjusted


def test_sourced_values_carry_their_source_and_clinic_values_their_note() -> None:
    document = to_document(IV)
    assert document["dose_rule"]["default"] == {"value": "0.5", "source": "[SINGH] [DUNLOP]"}
    assert document["min_interval_hours"] == {
        "value": 48,
        "note": "§1.2 software rule example (>= 48 h), configurable",
    }
    assert document["min_observation_min"]["value"] is None  # the clinic must set it
    assert document["format"] == 1


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


@pytest.mark.parametrize("code", list(DEFAULT_PROTOCOLS))
def test_a_document_holds_no_float_and_no_decimal(code: str) -> None:
    found = leaves(to_document(DEFAULT_PROTOCOLS[code]))
    assert not [leaf for leaf in found if isinstance(leaf, float | Decimal)]


def edit(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = value

    return change


def drop(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        del parent[path[-1]]

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            edit(("dose_rule", "max", "value"), 0.8),
            "dose_rule.max.value: expected a number written as text; got 0.8.",
        ),
        (
            edit(("dose_rule", "max", "value"), "1e3"),
            "dose_rule.max.value: expected a number written as text; got '1e3'.",
        ),
        (
            edit(("dose_rule", "kind"), "mg"),
            "dose_rule.kind: expected one of 'mg_per_kg', 'fixed_mg', 'mg_per_kg_per_h'; got 'mg'.",
        ),
        (
            edit(("min_interval_hours", "value"), True),
            "min_interval_hours.value: expected a whole number; got True.",
        ),
        (
            edit(("min_interval_hours", "value"), "48"),
            "min_interval_hours.value: expected a whole number; got '48'.",
        ),
        (
            edit(("min_interval_hours", "source"), "x"),
            "min_interval_hours.note: not a field of Sourced.",
        ),
        (drop(("min_interval_hours", "note")), "min_interval_hours.source: missing."),
        (
            edit(("alert_thresholds", "sbp_mmhg", "value"), {"low": "90", "hi": None}),
            "alert_thresholds.sbp_mmhg.value.hi: not a field of Range.",
        ),
        (
            edit(("instruments_due", "value", "baseline"), "phq9"),
            "instruments_due.value.baseline: expected a list; got 'phq9'.",
        ),
        (
            edit(("phases", 1, "schedule"), {"notes": "x"}),
            "phases[1].schedule.notes: not a field of ByReview.",
        ),
        (
            edit(("prescriber_on_site", "value"), "yes"),
            "prescriber_on_site.value: expected true or false; got 'yes'.",
        ),
        (edit(("pre_checks",), {}), "pre_checks: expected a list; got {}."),
        (edit(("alert_thresholds",), []), "alert_thresholds: expected an object; got []."),
        (edit(("dose_rule",), "0.5"), "dose_rule: expected an object; got '0.5'."),
        (
            edit(("infusion_duration_min",), 40),
            "infusion_duration_min: expected an object; got 40.",
        ),
        (edit(("bolus",), {}), "bolus.kind: missing."),
        (drop(("name",)), "name: missing."),
        (edit(("colour",), "teal"), "colour: not a field of Protocol."),
        (edit(("format",), 2), "format: this ketacare reads protocol documents of format 1."),
        # A well-formed document still meets the protocol's own checks:
        (
            edit(("dose_rule", "max", "value"), "1.5"),
            "iv_ketamine_depression dose: max 1.5 mg/kg is above cap 1.0 mg/kg.",
        ),
    ],
)
def test_a_bad_document_is_refused_naming_the_field(
    change: Callable[[dict[str, Any]], None], message: str
) -> None:
    document = copy.deepcopy(to_document(IV))
    change(document)
    with pytest.raises(InvalidProtocol) as refused:
        from_document(document)
    assert str(refused.value) == message


def test_a_document_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidProtocol, match="the document: a protocol document must be"):
        from_document([])  # type: ignore[arg-type]


def test_a_field_added_later_with_a_default_may_be_absent_from_an_older_document() -> None:
    document = to_document(IV)
    del document["prescriber_on_site"], document["notes"]
    assert from_document(document) == IV
