"""The treatment state machine (issue 6): the one path, abort from any state before discharged,
nothing out of discharged or aborted, and refusals that list what is missing."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.core.enums import TreatmentState
from ketacare.core.errors import KetacareError
from ketacare.core.treatments import (
    TreatmentError,
    allowed,
    checklist,
    missing,
    next_state,
    observation_ends_at,
    transition,
)
from tests.core.treatments.facts import ALL_MET, NOTHING, NOW, PATH

S = TreatmentState
states = st.sampled_from(list(TreatmentState))
TERMINAL = {S.DISCHARGED, S.ABORTED}


def test_a_treatment_with_every_fact_in_place_walks_the_whole_path():
    state = S.SCHEDULED
    for to in PATH[1:]:
        state = transition(state, to, ALL_MET)
    assert state == S.DISCHARGED


@pytest.mark.parametrize(("current", "after"), list(itertools.pairwise(PATH)))
def test_each_state_moves_only_to_the_next_or_aborted(current, after):
    assert next_state(current) == after
    assert allowed(current) == (after, S.ABORTED)


@pytest.mark.parametrize("final", sorted(TERMINAL))
def test_nothing_leaves_discharged_or_aborted(final):
    assert next_state(final) is None
    assert allowed(final) == ()


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (S.SCHEDULED, S.CLEARED),
        (S.CHECKED_IN, S.DOSING),
        (S.CLEARED, S.CHECKED_IN),
        (S.OBSERVATION, S.DISCHARGED),
        (S.DOSING, S.DOSING),
    ],
)
def test_skipping_going_back_or_standing_still_is_refused_without_a_missing_list(current, to):
    with pytest.raises(TreatmentError) as refused:
        transition(current, to, ALL_MET)
    assert refused.value.missing == ()
    assert str(refused.value) == (
        f"A treatment that is {current.value.replace('_', ' ')} cannot become "
        f"{to.value.replace('_', ' ')}."
    )


def test_a_refusal_names_every_missing_thing_in_one_message():
    with pytest.raises(TreatmentError) as refused:
        transition(S.CHECKED_IN, S.CLEARED, NOTHING)
    codes = [item.code for item in refused.value.missing]
    assert codes[:3] == ["eligibility", "consent", "order"]
    assert str(refused.value).startswith("This treatment cannot become cleared yet. ")
    assert "Consent for this protocol is not signed." in str(refused.value)
    assert isinstance(refused.value, KetacareError)


def test_check_in_needs_nothing_and_the_checklist_of_a_state_lists_met_lines_too():
    assert missing(S.CHECKED_IN, NOTHING) == ()
    lines = checklist(S.CLEARED, ALL_MET)
    assert lines
    assert all(line.met for line in lines)
    assert all(line.source for line in lines)


def test_observation_ends_after_the_protocols_minimum():
    assert observation_ends_at(NOW, 120) == NOW + timedelta(hours=2)


@given(states, states)
def test_no_transition_ever_leaves_a_terminal_state(final, to):
    if final in TERMINAL:
        with pytest.raises(TreatmentError):
            transition(final, to, ALL_MET)


@given(st.sampled_from([s for s in TreatmentState if s not in TERMINAL]))
def test_aborted_is_reachable_from_every_state_before_the_end_given_a_reason(current):
    assert transition(current, S.ABORTED, ALL_MET) == S.ABORTED
    with pytest.raises(TreatmentError) as refused:
        transition(current, S.ABORTED, replace(ALL_MET, abort_reason="  "))
    assert [item.code for item in refused.value.missing] == ["abort_reason"]


@given(states, states)
def test_a_transition_succeeds_exactly_when_allowed_and_nothing_is_missing(current, to):
    ok = to in allowed(current) and not missing(to, NOTHING)
    if ok:
        assert transition(current, to, NOTHING) == to
    else:
        with pytest.raises(TreatmentError):
            transition(current, to, NOTHING)
