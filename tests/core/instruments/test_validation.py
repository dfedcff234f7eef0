"""Answers that cannot be scored are refused with a message naming the item and allowed values."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from ketacare.core.errors import KetacareError
from ketacare.core.instruments import INSTRUMENTS, InvalidAnswers, score

# code → (name, number of answers, lowest allowed, highest allowed, allowed in words)
SHAPES = {
    "phq9": ("PHQ-9", 9, 0, 3, "0, 1, 2 or 3"),
    "gad7": ("GAD-7", 7, 0, 3, "0, 1, 2 or 3"),
    "pcl5": ("PCL-5", 20, 0, 4, "0, 1, 2, 3 or 4"),
    "qids_sr16": ("QIDS-SR16", 16, 0, 3, "0, 1, 2 or 3"),
    "cssrs_screen": ("C-SSRS screener", 6, 0, 1, "0 or 1"),
    "nrs_pain": ("NRS pain", 1, 0, 10, "a whole number from 0 to 10"),
    "peg": ("PEG", 3, 0, 10, "a whole number from 0 to 10"),
    "madrs": ("MADRS", 10, 0, 6, "a whole number from 0 to 6"),
    "cadss": ("CADSS", 23, 0, 4, "0, 1, 2, 3 or 4"),
    "bprs_positive": ("BPRS positive", 4, 1, 7, "a whole number from 1 to 7"),
}
CODES = sorted(SHAPES)


def _lowest(code: str) -> list[object]:
    """The lowest valid answers; the C-SSRS screener skips items 3-5 after NO to item 2."""
    if code == "cssrs_screen":
        return [0, 0, None, None, None, 0]
    _, count, low, _, _ = SHAPES[code]
    return [low] * count


def test_every_registered_instrument_is_covered_by_these_tables():
    assert set(INSTRUMENTS) == set(SHAPES)


@pytest.mark.parametrize("code", CODES)
def test_the_lowest_answers_score_the_bottom_of_the_range(code: str):
    assert score(code, _lowest(code)).total == INSTRUMENTS[code].total_range[0]


@pytest.mark.parametrize("code", CODES)
def test_one_answer_too_few_is_refused_with_the_count(code: str):
    name, count, *_ = SHAPES[code]
    with pytest.raises(InvalidAnswers, match=rf"^{name} needs {count} answers?\b.*got {count - 1}"):
        score(code, _lowest(code)[:-1])


@pytest.mark.parametrize("code", CODES)
def test_one_answer_too_many_is_refused(code: str):
    answers = _lowest(code) * 2
    with pytest.raises(InvalidAnswers, match=rf"got {len(answers)}\.$"):
        score(code, answers)


def test_the_phq9_count_message_mentions_the_difficulty_item():
    with pytest.raises(InvalidAnswers) as caught:
        score("phq9", [0] * 8)
    assert str(caught.value) == "PHQ-9 needs 9 answers (10 with the difficulty item); got 8."


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("side", ["below", "above"])
def test_a_value_out_of_range_names_the_item_and_the_allowed_values(code: str, side: str):
    name, _, low, high, allowed = SHAPES[code]
    answers = _lowest(code)
    bad = low - 1 if side == "below" else high + 1
    answers[0] = bad
    message = f"{name} item 1: {bad} is not allowed; choose {allowed}."
    with pytest.raises(InvalidAnswers) as caught:
        score(code, answers)
    assert str(caught.value) == message


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("bad", [True, False, 1.0, Decimal(1), "1", None])
def test_non_integer_and_boolean_answers_are_refused(code: str, bad: object):
    name, count, *_ = SHAPES[code]
    answers = _lowest(code)
    answers[-1] = bad
    expected = re.escape(f"{name} item {count}: {bad!r} is not allowed")
    with pytest.raises(InvalidAnswers, match=f"^{expected}"):
        score(code, answers)


def test_an_unknown_instrument_names_the_known_ones():
    with pytest.raises(InvalidAnswers, match=r"Unknown instrument 'phq8'; known instruments: phq9"):
        score("phq8", [0] * 8)


def test_invalid_answers_are_a_ketacare_error():
    assert issubclass(InvalidAnswers, KetacareError)


def test_answers_may_come_from_any_iterable():
    assert score("gad7", iter([1] * 7)).total == 7
