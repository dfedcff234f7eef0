"""A questionnaire link is refused once spent, locked or expired, in that order of telling; a wrong
date of birth counts down to a lock; answers are kept slot by slot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ketacare.core.portal import (
    CONFIRMATION_WINDOW,
    MAX_DOB_ATTEMPTS,
    DateOfBirthMismatch,
    LinkExpired,
    LinkFacts,
    LinkLocked,
    LinkRefused,
    LinkSpent,
    answers_to_score,
    check_usable,
    confirmed_until,
    empty_draft,
    is_confirmed,
    refuse_wrong_dob,
    with_answer,
)

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
EXPIRES = AT + timedelta(hours=72)


def link(**overrides: object) -> LinkFacts:
    values: dict[str, object] = {
        "expires_at": EXPIRES,
        "spent_at": None,
        "failed_dob_attempts": 0,
        "dob_confirmed_until": None,
    }
    values.update(overrides)
    return LinkFacts(**values)  # type: ignore[arg-type]


def test_a_fresh_link_is_usable_until_the_instant_it_expires():
    check_usable(link(), EXPIRES - timedelta(microseconds=1))
    with pytest.raises(LinkExpired, match=r"expired\. Please contact the clinic"):
        check_usable(link(), EXPIRES)


def test_a_spent_link_says_so_even_after_it_has_expired():
    with pytest.raises(LinkSpent, match="already been sent"):
        check_usable(link(spent_at=AT), EXPIRES + timedelta(days=1))


def test_a_link_locks_at_the_last_allowed_wrong_date_of_birth():
    check_usable(link(failed_dob_attempts=MAX_DOB_ATTEMPTS - 1), AT)
    with pytest.raises(LinkLocked, match="locked"):
        check_usable(link(failed_dob_attempts=MAX_DOB_ATTEMPTS), AT)


@pytest.mark.parametrize(
    ("failures", "left"), [(1, 4), (MAX_DOB_ATTEMPTS - 1, 1), (MAX_DOB_ATTEMPTS, 0)]
)
def test_a_wrong_date_of_birth_counts_down_then_locks(failures: int, left: int):
    refusal = refuse_wrong_dob(failures)
    if left == 0:
        assert isinstance(refusal, LinkLocked)
    else:
        assert isinstance(refusal, DateOfBirthMismatch)
        assert refusal.attempts_left == left
        assert f"{left} tr" in str(refusal)


def test_confirmation_lasts_its_window_but_never_past_the_link():
    assert confirmed_until(AT, EXPIRES) == AT + CONFIRMATION_WINDOW
    assert confirmed_until(EXPIRES - timedelta(minutes=5), EXPIRES) == EXPIRES
    confirmed = link(dob_confirmed_until=AT + CONFIRMATION_WINDOW)
    assert is_confirmed(confirmed, AT)
    assert not is_confirmed(confirmed, AT + CONFIRMATION_WINDOW)
    assert not is_confirmed(link(), AT)


def test_an_answer_fills_one_slot_and_leaves_the_draft_it_came_from_alone():
    draft = empty_draft({"phq9": 10, "gad7": 7})
    updated = with_answer(draft, "phq9", 8, 1)
    assert updated["phq9"][8] == 1
    assert draft["phq9"][8] is None
    assert with_answer(updated, "phq9", 8, None)["phq9"][8] is None


@pytest.mark.parametrize(("code", "index"), [("pcl5", 0), ("phq9", 10), ("phq9", -1)])
def test_an_answer_outside_the_link_is_refused(code: str, index: int):
    with pytest.raises(LinkRefused, match="not part of this link"):
        with_answer(empty_draft({"phq9": 10}), code, index, 1)


def test_an_unanswered_optional_item_is_left_out_of_scoring():
    answered = [1] * 9
    assert answers_to_score([*answered, None], 9) == answered
    assert answers_to_score([*answered, 2], 9) == [*answered, 2]
    assert answers_to_score([1, None, 0], 3) == [1, None, 0]
