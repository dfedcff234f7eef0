"""Properties over every instrument: totals stay in range, and more symptoms never score lower."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ketacare.core.instruments import INSTRUMENTS, Instrument, score

SUMMED = sorted(code for code in INSTRUMENTS if code != "cssrs_screen")


@st.composite
def answered(draw: st.DrawFn) -> tuple[Instrument, list[int]]:
    instrument = INSTRUMENTS[draw(st.sampled_from(SUMMED))]
    answers = [draw(st.sampled_from(item.values)) for item in instrument.items]
    return instrument, answers


@st.composite
def cssrs_answers(draw: st.DrawFn) -> list[int | None]:
    first, second, behavior = (draw(st.sampled_from((0, 1))) for _ in range(3))
    if second:
        branch: list[int | None] = [draw(st.sampled_from((0, 1))) for _ in range(3)]
    else:
        branch = [None, None, None]
    return [first, second, *branch, behavior]


@given(answered())
def test_the_total_always_lies_within_the_total_range(case: tuple[Instrument, list[int]]):
    instrument, answers = case
    low, high = instrument.total_range
    assert low <= score(instrument.code, answers).total <= high


@given(answered(), st.data())
def test_raising_any_one_answer_never_lowers_the_total(
    case: tuple[Instrument, list[int]], data: st.DataObject
):
    instrument, answers = case
    index = data.draw(st.integers(0, len(answers) - 1))
    higher = [v for v in instrument.items[index].values if v > answers[index]]
    raised = list(answers)
    raised[index] = data.draw(st.sampled_from(higher)) if higher else answers[index]
    assert score(instrument.code, raised).total >= score(instrument.code, answers).total


@given(answered())
def test_every_banded_total_falls_in_exactly_one_band(case: tuple[Instrument, list[int]]):
    instrument, answers = case
    total = score(instrument.code, answers).total
    assert len([b for b in instrument.bands if b.low <= total <= b.high]) == (
        1 if instrument.bands else 0
    )


_TRIAGE_ORDER = ("none", "low", "moderate", "high")


@given(cssrs_answers(), st.data())
def test_cssrs_triage_never_falls_when_a_no_becomes_yes(
    answers: list[int | None], data: st.DataObject
):
    noes = [i for i, value in enumerate(answers) if value == 0]
    index = data.draw(st.sampled_from(noes)) if noes else None
    raised = list(answers)
    if index is not None:
        raised[index] = 1
        if index == 1:  # YES to item 2 opens items 3-5, asked and answered NO
            raised[2:5] = [0, 0, 0]
    before = score("cssrs_screen", answers)
    after = score("cssrs_screen", raised)
    assert _TRIAGE_ORDER.index(after.band) >= _TRIAGE_ORDER.index(before.band)
    assert 0 <= after.total <= 6
