"""GAD-7: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe [GAD7-FORM]."""

from __future__ import annotations

import pytest

from ketacare.core.instruments import INSTRUMENTS, score
from tests.core.instruments.answers import summing_to


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_each_band_boundary_on_both_sides(total: int, band: str):
    result = score("gad7", summing_to(total, 7, 0, 3))
    assert (result.total, result.band, result.flags) == (total, band, frozenset())


def test_the_form_shows_the_wording_the_notice_and_the_loinc_codes():
    gad7 = INSTRUMENTS["gad7"]
    assert all(item.text for item in gad7.items)
    assert "No permission required" in gad7.licence_note
    assert (gad7.loinc_total, gad7.items[0].loinc) == ("70274-6", "69725-0")
