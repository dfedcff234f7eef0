"""C-SSRS screener (since last contact) [CSSRS-SLC], §5.2: branching (3-5 only after YES to 2),
triage from the most severe positive answer, no numeric sum."""

from __future__ import annotations

import pytest

from ketacare.core.instruments import (
    INSTRUMENTS,
    SUICIDAL_BEHAVIOR,
    SUICIDAL_IDEATION,
    InvalidAnswers,
    score,
)

N = None
IDEATION = frozenset({SUICIDAL_IDEATION})
BEHAVIOR = frozenset({SUICIDAL_BEHAVIOR})
BOTH = IDEATION | BEHAVIOR


@pytest.mark.parametrize(
    ("answers", "total", "band", "flags"),
    [
        ([0, 0, N, N, N, 0], 0, "none", frozenset()),
        ([1, 0, N, N, N, 0], 1, "low", IDEATION),
        ([0, 1, 0, 0, 0, 0], 2, "low", IDEATION),
        ([1, 1, 0, 0, 0, 0], 2, "low", IDEATION),
        ([1, 1, 1, 0, 0, 0], 3, "moderate", IDEATION),
        ([1, 1, 0, 1, 0, 0], 4, "high", IDEATION),
        ([1, 1, 1, 1, 1, 0], 5, "high", IDEATION),
        ([0, 1, 0, 0, 1, 0], 5, "high", IDEATION),
        ([0, 0, N, N, N, 1], 6, "high", BEHAVIOR),
        ([1, 1, 1, 1, 1, 1], 6, "high", BOTH),
    ],
)
def test_triage_follows_the_most_severe_positive_answer(
    answers: list[int | None], total: int, band: str, flags: frozenset[str]
):
    result = score("cssrs_screen", answers)
    assert (result.total, result.band, result.flags) == (total, band, flags)


def test_items_skipped_by_branching_are_stored_as_not_asked():
    assert score("cssrs_screen", [1, 0, N, N, N, 0]).answers == (1, 0, N, N, N, 0)


@pytest.mark.parametrize("item", [3, 4, 5])
def test_an_item_answered_although_item2_is_no_is_an_impossible_branch(item: int):
    answers: list[int | None] = [1, 0, N, N, N, 0]
    answers[item - 1] = 0
    with pytest.raises(
        InvalidAnswers, match=rf"item {item}: 0 is not allowed because item 2 is NO"
    ):
        score("cssrs_screen", answers)


@pytest.mark.parametrize("item", [3, 4, 5])
def test_an_item_left_unasked_although_item2_is_yes_is_refused(item: int):
    answers: list[int | None] = [0, 1, 0, 0, 0, 0]
    answers[item - 1] = None
    with pytest.raises(InvalidAnswers, match=rf"item {item}: not answered.*choose 0 or 1"):
        score("cssrs_screen", answers)


@pytest.mark.parametrize("item", [1, 2, 6])
def test_items_always_asked_cannot_be_left_unanswered(item: int):
    answers: list[int | None] = [0, 0, N, N, N, 0]
    answers[item - 1] = None
    with pytest.raises(InvalidAnswers, match=rf"item {item}: None is not allowed; choose 0 or 1"):
        score("cssrs_screen", answers)


def test_a_branch_item_out_of_range_names_the_allowed_values():
    with pytest.raises(InvalidAnswers, match=r"item 4: 2 is not allowed; choose 0 or 1"):
        score("cssrs_screen", [0, 1, 0, 2, 0, 0])


def test_the_columbia_wording_and_notice_are_shown():
    cssrs = INSTRUMENTS["cssrs_screen"]
    assert cssrs.items[1].text == "Have you actually had any thoughts of killing yourself?"
    assert "Research Foundation for Mental Hygiene" in cssrs.licence_note
    assert cssrs.window == "since last contact"
