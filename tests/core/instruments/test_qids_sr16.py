"""QIDS-SR16: domain-maximum scoring max(1-4) + 5 + max(6-9) + 10 + 11 + 12 + 13 + 14 +
max(15-16) [QIDS-MILLI] [QIDS-IMPL]; bands 0-5/6-10/11-15/16-20/21-27 [QIDS-ORG]; item 12 flags."""

from __future__ import annotations

import pytest

from ketacare.core.instruments import INSTRUMENTS, SUICIDAL_IDEATION, qids_sr16, score
from tests.core.instruments.answers import summing_to

# First item of each of the nine domains, in domain order.
_DOMAIN_FIRST_ITEMS = (1, 5, 6, 10, 11, 12, 13, 14, 15)


def _with_domains(values: list[int]) -> list[int]:
    answers = [0] * 16
    for item, value in zip(_DOMAIN_FIRST_ITEMS, values, strict=True):
        answers[item - 1] = value
    return answers


def _without_item12(total: int) -> list[int]:
    values = summing_to(total, 8, 0, 3)
    return _with_domains([*values[:5], 0, *values[5:]])


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none"),
        (5, "none"),
        (6, "mild"),
        (10, "mild"),
        (11, "moderate"),
        (15, "moderate"),
        (16, "severe"),
        (20, "severe"),
        (21, "very_severe"),
        (24, "very_severe"),
    ],
)
def test_each_band_boundary_on_both_sides(total: int, band: str):
    result = score("qids_sr16", _without_item12(total))
    assert (result.total, result.band, result.flags) == (total, band, frozenset())


@pytest.mark.parametrize(
    ("answers", "total"),
    [
        ([0] * 16, 0),
        ([3] * 16, 27),
        ([3, 1, 2, 0] + [0] * 12, 3),  # sleep scores its highest item, not the sum (6)
        ([0] * 5 + [1, 2, 3, 1] + [0] * 7, 3),  # appetite/weight likewise
        ([0] * 14 + [2, 3], 3),  # psychomotor likewise
        ([1, 2, 3, 0, 2, 0, 1, 3, 0, 1, 2, 0, 1, 2, 0, 3], 17),  # plain sum would be 21
    ],
)
def test_domains_score_their_highest_item(answers: list[int], total: int):
    assert score("qids_sr16", answers).total == total


def test_the_nine_domains_are_reported_by_name():
    result = score("qids_sr16", [1, 2, 3, 0, 2, 0, 1, 3, 0, 1, 2, 0, 1, 2, 0, 3])
    assert result.domains == (
        ("sleep", 3),
        ("sad_mood", 2),
        ("appetite_weight", 3),
        ("concentration", 1),
        ("self_view", 2),
        ("suicidal_ideation", 0),
        ("interest", 1),
        ("energy", 2),
        ("psychomotor", 3),
    )


@pytest.mark.parametrize(("item12", "flagged"), [(0, False), (1, True), (3, True)])
def test_item12_at_or_above_one_flags_ideation_by_default(item12: int, flagged: bool):
    answers = [0] * 11 + [item12] + [0] * 4
    assert (SUICIDAL_IDEATION in score("qids_sr16", answers).flags) is flagged


@pytest.mark.parametrize(("item12", "flagged"), [(1, False), (2, True)])
def test_a_clinic_may_raise_the_item12_threshold(item12: int, flagged: bool):
    answers = [0] * 11 + [item12] + [0] * 4
    result = qids_sr16.score(answers, ideation_threshold=2)
    assert (SUICIDAL_IDEATION in result.flags) is flagged


def test_the_licence_is_unclear_so_only_labels_are_shown():
    qids = INSTRUMENTS["qids_sr16"]
    assert all(item.text is None for item in qids.items)
    assert qids.items[11].label == "Thoughts of death or suicide"
    assert "clinic supplies" in qids.licence_note
