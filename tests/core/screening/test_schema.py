"""The published intake schema (docs/intake.schema.json) matches INTAKE_SCHEMA and from_dict."""

from __future__ import annotations

import json
from pathlib import Path

from ketacare.core.screening import INTAKE_SCHEMA, IntakeFacts, evaluate, schema_json
from ketacare.core.screening.intake_fields import GROUPS, MEDICATION

DOC = Path(__file__).parents[3] / "docs" / "intake.schema.json"


def test_the_published_schema_file_equals_the_schema():
    assert DOC.read_text(encoding="utf-8") == schema_json()
    assert json.loads(DOC.read_text(encoding="utf-8")) == INTAKE_SCHEMA


def test_the_schema_examples_are_accepted_by_from_dict():
    examples = INTAKE_SCHEMA["examples"]
    assert isinstance(examples, list)
    assert len(examples) >= 2
    for example in examples:
        IntakeFacts.from_dict(example)


def test_the_partial_example_is_ineligible_for_esketamine():
    partial = INTAKE_SCHEMA["examples"][1]  # type: ignore[index]
    assert (
        evaluate(IntakeFacts.from_dict(partial), "esketamine_nasal").recommendation == "ineligible"
    )


def test_the_schema_describes_every_field_and_refuses_others():
    properties = INTAKE_SCHEMA["properties"]
    assert isinstance(properties, dict)
    for group, fields in GROUPS.items():
        assert properties[group]["additionalProperties"] is False
        for name, schema in properties[group]["properties"].items():
            assert schema["description"], name
        assert list(properties[group]["properties"]) == list(fields)
    items = properties["medications"]["items"]
    assert list(items["properties"]) == list(MEDICATION)
    assert items["required"] == ["name", "class"]
    assert INTAKE_SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_range_descriptions_say_they_are_not_clinical_thresholds():
    systolic = INTAKE_SCHEMA["properties"]["vitals"]["properties"]["systolic_mmHg"]  # type: ignore[index]
    assert (systolic["minimum"], systolic["maximum"]) == (50, 260)
    assert "not a clinical threshold" in systolic["description"]
