"""PHQ-9: bands 5/10/15/20 [PHQ-BANDS], item 9 > 0 flags ideation, difficulty item not counted."""

from __future__ import annotations

import pytest

from ketacare.core.instruments import INSTRUMENTS, SUICIDAL_IDEATION, InvalidAnswers, score
from tests.core.instruments.answers import summing_to


def _without_item9(total: int) -> list[int]:
    return [*summing_to(total, 8, 0, 3), 0]


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (24, "severe"),
    ],
)
def test_each_band_boundary_on_both_sides(total: int, band: str):
    result = score("phq9", _without_item9(total))
    assert (result.total, result.band) == (total, band)


def test_the_maximum_is_27_and_severe():
    result = score("phq9", [3] * 9)
    assert (result.total, result.band) == (27, "severe")


def test_the_example_from_the_issue_scores_11_moderate_with_ideation():
    result = score("phq9", [1, 2, 0, 3, 1, 0, 2, 1, 1])
    assert (result.total, result.band, result.flags) == (11, "moderate", {SUICIDAL_IDEATION})


@pytest.mark.parametrize(("item9", "flagged"), [(0, False), (1, True), (2, True), (3, True)])
def test_item9_above_zero_flags_suicidal_ideation(item9: int, flagged: bool):
    assert (SUICIDAL_IDEATION in score("phq9", [0] * 8 + [item9]).flags) is flagged


def test_the_difficulty_item_is_kept_but_not_counted():
    result = score("phq9", [1] * 9 + [3])
    assert (result.total, result.answers) == (9, (1,) * 9 + (3,))


def test_a_difficulty_answer_out_of_range_names_item_10():
    with pytest.raises(
        InvalidAnswers, match=r"PHQ-9 item 10: 4 is not allowed; choose 0, 1, 2 or 3"
    ):
        score("phq9", [1] * 9 + [4])


def test_the_form_carries_the_pfizer_notice_and_the_item_wording():
    phq9 = INSTRUMENTS["phq9"]
    assert "No permission required to reproduce" in phq9.licence_note
    assert phq9.items[8].text is not None
    assert phq9.items[8].text.startswith("Thoughts that you would be better off dead")
    assert (phq9.loinc_panel, phq9.loinc_total, phq9.items[8].loinc) == (
        "44249-1",
        "44261-6",
        "44260-8",
    )
    assert phq9.optional_items[0].loinc == "69722-7"
