"""PCL-5: total 0-80; probable PTSD at >= 33 by default (31-33 indicative) [PCL5-NCPTSD];
DSM-5 cluster part-scores B 1-5, C 6-7, D 8-14, E 15-20."""

from __future__ import annotations

import pytest

from ketacare.core.instruments import INSTRUMENTS, pcl5, score
from tests.core.instruments.answers import summing_to


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "below_cutoff"), (32, "below_cutoff"), (33, "probable_ptsd"), (80, "probable_ptsd")],
)
def test_the_default_cutoff_is_33(total: int, band: str):
    result = score("pcl5", summing_to(total, 20, 0, 4))
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(("total", "band"), [(30, "below_cutoff"), (31, "probable_ptsd")])
def test_a_clinic_may_screen_with_a_lower_cutoff(total: int, band: str):
    assert pcl5.score(summing_to(total, 20, 0, 4), cutoff=31).band == band


def test_bands_for_a_cutoff_split_the_range_there():
    low, high = pcl5.bands_for_cutoff(31)
    assert ((low.low, low.high), (high.low, high.high)) == ((0, 30), (31, 80))


def test_cluster_part_scores_follow_dsm5():
    answers = [1] * 5 + [2] * 2 + [3] * 7 + [4] * 6
    result = score("pcl5", answers)
    assert result.domains == (("B", 5), ("C", 4), ("D", 21), ("E", 24))
    assert result.domain("D") == 21
    assert result.total == 54


def test_the_public_domain_wording_is_shown():
    assert all(item.text for item in INSTRUMENTS["pcl5"].items)
    assert INSTRUMENTS["pcl5"].loinc_total == "101698-9"
