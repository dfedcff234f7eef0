"""Pain: NRS 0-10 with bands 1-3/4-6/7-10 [HL7EU-PAIN]; PEG = mean of three 0-10 ratings (Krebs
2009), a Decimal rounded half-up to two places."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacare.core.instruments import INSTRUMENTS, InvalidAnswers, score


@pytest.mark.parametrize(
    ("rating", "band"),
    [
        (0, "none"),
        (1, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (6, "moderate"),
        (7, "severe"),
        (10, "severe"),
    ],
)
def test_nrs_bands_on_both_sides_of_each_boundary(rating: int, band: str):
    result = score("nrs_pain", [rating])
    assert (result.total, result.band) == (rating, band)


def test_nrs_carries_its_loinc_code():
    assert INSTRUMENTS["nrs_pain"].loinc_total == "72514-3"


def test_nrs_needs_exactly_one_answer():
    with pytest.raises(InvalidAnswers, match=r"NRS pain needs 1 answer; got 2\."):
        score("nrs_pain", [1, 2])


@pytest.mark.parametrize(
    ("answers", "mean"),
    [
        ([0, 0, 0], Decimal("0.00")),
        ([10, 10, 10], Decimal("10.00")),
        ([3, 6, 9], Decimal("6.00")),
        ([1, 0, 0], Decimal("0.33")),  # 0.333... rounds down
        ([2, 0, 0], Decimal("0.67")),  # 0.666... rounds up
        ([5, 5, 6], Decimal("5.33")),
        ([5, 6, 6], Decimal("5.67")),
    ],
)
def test_peg_is_the_mean_rounded_half_up_to_two_places(answers: list[int], mean: Decimal):
    result = score("peg", answers)
    assert (result.total, str(result.total), result.band) == (mean, str(mean), "")
