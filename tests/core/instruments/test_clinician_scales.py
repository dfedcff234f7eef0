"""Clinician-rated scales: MADRS bands 0-6/7-19/20-34/35-60 [MADRS-WIKI] and the item 10 flag;
CADSS 23 items 0-92 with subjective/observer parts; BPRS positive 4 items 1-7, total 4-28."""

from __future__ import annotations

import pytest

from ketacare.core.instruments import INSTRUMENTS, SUICIDAL_IDEATION, InvalidAnswers, madrs, score
from tests.core.instruments.answers import summing_to


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "normal"),
        (6, "normal"),
        (7, "mild"),
        (19, "mild"),
        (20, "moderate"),
        (34, "moderate"),
        (35, "severe"),
        (54, "severe"),
    ],
)
def test_madrs_each_band_boundary_on_both_sides(total: int, band: str):
    result = score("madrs", [*summing_to(total, 9, 0, 6), 0])
    assert (result.total, result.band, result.flags) == (total, band, frozenset())


def test_madrs_maximum_is_60_severe():
    assert (score("madrs", [6] * 10).total, score("madrs", [6] * 10).band) == (60, "severe")


@pytest.mark.parametrize(("item10", "flagged"), [(3, False), (4, True), (6, True)])
def test_madrs_item10_at_or_above_four_flags_ideation(item10: int, flagged: bool):
    assert (SUICIDAL_IDEATION in score("madrs", [0] * 9 + [item10]).flags) is flagged


@pytest.mark.parametrize(("item10", "flagged"), [(1, False), (2, True)])
def test_madrs_item10_threshold_is_a_clinic_setting(item10: int, flagged: bool):
    result = madrs.score([0] * 9 + [item10], ideation_threshold=2)
    assert (SUICIDAL_IDEATION in result.flags) is flagged


@pytest.mark.parametrize(
    ("answers", "total", "subjective", "observer"),
    [([0] * 23, 0, 0, 0), ([4] * 23, 92, 76, 16), ([1] * 19 + [2] * 4, 27, 19, 8)],
)
def test_cadss_total_and_parts(answers: list[int], total: int, subjective: int, observer: int):
    result = score("cadss", answers)
    assert (result.total, result.band) == (total, "")
    assert (result.domain("subjective"), result.domain("observer")) == (subjective, observer)


@pytest.mark.parametrize(("answers", "total"), [([1] * 4, 4), ([7] * 4, 28), ([1, 2, 3, 4], 10)])
def test_bprs_positive_total_runs_from_4_to_28_without_bands(answers: list[int], total: int):
    result = score("bprs_positive", answers)
    assert (result.total, result.band, result.flags) == (total, "", frozenset())


def test_bprs_positive_refuses_zero_because_ratings_start_at_1():
    with pytest.raises(
        InvalidAnswers, match=r"BPRS positive item 2: 0 is not allowed; choose a whole"
    ):
        score("bprs_positive", [1, 0, 1, 1])


@pytest.mark.parametrize("code", ["madrs", "cadss", "bprs_positive"])
def test_clinician_scales_show_labels_only_and_say_the_clinic_supplies_the_wording(code: str):
    instrument = INSTRUMENTS[code]
    assert instrument.kind == "clinician"
    assert all(item.text is None and item.label for item in instrument.items)
    assert "clinic supplies" in instrument.licence_note


def test_bprs_positive_subscale_composition_is_marked_unverified():
    assert "UNVERIFIED" in INSTRUMENTS["bprs_positive"].source
    assert [item.label for item in INSTRUMENTS["bprs_positive"].items] == [
        "Conceptual disorganization",
        "Hallucinatory behavior",
        "Suspiciousness",
        "Unusual thought content",
    ]
