"""Patients see licence notices without the reference keys that staff pages cite."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ketacare.core.instruments import INSTRUMENTS
from ketacare.web.templating import at_site, without_source_keys


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("© Pfizer Inc. [PHQ-HIST]. No permission required. [PFIZER-2010]",
         "© Pfizer Inc. No permission required."),
        ("Public domain [PCL5-PD].", "Public domain."),
        ("No keys here.", "No keys here."),
    ],
)  # fmt: skip
def test_reference_keys_are_dropped_from_text_for_patients(text: str, shown: str):
    assert without_source_keys(text) == shown


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_no_licence_note_keeps_a_bracketed_key_for_patients(code: str):
    assert "[" not in without_source_keys(INSTRUMENTS[code].licence_note)


def test_times_are_shown_on_the_site_clock_with_its_zone():
    instant = datetime(2026, 1, 15, 14, 30, tzinfo=UTC)
    assert at_site(instant, "America/New_York") == "2026-01-15 09:30 EST"
    assert at_site(instant, "UTC") == "2026-01-15 14:30 UTC"
