"""Account lockout: the threshold-th consecutive failure locks, the lock lasts the set minutes,
and the account unlocks at exactly that instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.core.lockout import LockoutPolicy, after_failure, is_locked

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
POLICY = LockoutPolicy(threshold=5, minutes=15)


@pytest.mark.parametrize(
    ("failures_before", "count", "locked_until"),
    [
        (0, 1, None),
        (3, 4, None),
        (4, 0, AT + timedelta(minutes=15)),
        (9, 0, AT + timedelta(minutes=15)),
    ],
)
def test_after_failure(failures_before: int, count: int, locked_until: datetime | None):
    assert after_failure(failures_before, AT, POLICY) == (count, locked_until)


def test_a_threshold_of_one_locks_on_the_first_failure():
    assert after_failure(0, AT, LockoutPolicy(1, 5)) == (0, AT + timedelta(minutes=5))


@pytest.mark.parametrize(
    ("locked_until", "at", "locked"),
    [
        (None, AT, False),
        (AT + timedelta(minutes=15), AT, True),
        (AT + timedelta(minutes=15), AT + timedelta(minutes=15) - timedelta(microseconds=1), True),
        (AT + timedelta(minutes=15), AT + timedelta(minutes=15), False),
        (AT + timedelta(minutes=15), AT + timedelta(hours=1), False),
    ],
)
def test_is_locked_until_the_unlock_instant(
    locked_until: datetime | None, at: datetime, locked: bool
):
    assert is_locked(locked_until, at) is locked


@given(threshold=st.integers(min_value=1, max_value=20), minutes=st.integers(1, 1440))
def test_exactly_threshold_consecutive_failures_lock_the_account(threshold: int, minutes: int):
    policy = LockoutPolicy(threshold, minutes)
    failures, locked_until = 0, None
    for attempt in range(1, threshold + 1):
        assert locked_until is None, f"locked early, at attempt {attempt - 1}"
        failures, locked_until = after_failure(failures, AT, policy)
    assert (failures, locked_until) == (0, AT + timedelta(minutes=minutes))
    assert is_locked(locked_until, AT)
