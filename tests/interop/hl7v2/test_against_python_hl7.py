"""Differential tests: on the fixtures and on generated ORU^R01 messages (random values,
components, subcomponents, repetitions, escape sequences and encoding characters), ketacare's
focused parser extracts exactly what python-hl7 does, and what the generator wrote."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketacare.interop.hl7v2 import parse_oru
from tests.interop.hl7v2.fixtures import NAMES, SITE_ZONE, fixture
from tests.interop.hl7v2.generated import oru_messages
from tests.interop.hl7v2.reference import ketacare_view, python_hl7_view, with_instants


@pytest.mark.parametrize("name", NAMES)
def test_every_fixture_reads_the_same_as_with_python_hl7(name: str) -> None:
    raw = fixture(name)
    reference = with_instants(python_hl7_view(raw.decode()), SITE_ZONE)
    assert ketacare_view(parse_oru(raw, SITE_ZONE)) == reference


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(oru_messages())
def test_generated_messages_read_the_same_as_with_python_hl7(generated: Any) -> None:
    raw, expected = generated
    ours = ketacare_view(parse_oru(raw.encode(), UTC))
    assert ours == with_instants(python_hl7_view(raw), UTC)
    assert ours["patient_ids"] == expected["patient_ids"]
    assert ours["location"] == expected["location"]
    assert [o[2:6] for o in ours["observations"]] == expected["rows"]


@given(st.sampled_from(NAMES), st.sampled_from(["\n", "\r\n"]))
def test_line_endings_do_not_change_what_a_fixture_says(name: str, newline: str) -> None:
    raw = fixture(name)
    assert parse_oru(raw.replace(b"\r", newline.encode()), SITE_ZONE) == parse_oru(raw, SITE_ZONE)
