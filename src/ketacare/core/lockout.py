"""When repeated failed sign-ins lock an account, and for how long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockoutPolicy:
    """Lock after ``threshold`` consecutive failures for ``minutes`` (clinic setting)."""

    threshold: int
    minutes: int


def after_failure(
    failures_before: int, at: datetime, policy: LockoutPolicy
) -> tuple[int, datetime | None]:
    """The new failure count, and the lock expiry when this failure reaches the threshold."""
    failures = failures_before + 1
    if failures >= policy.threshold:
        return 0, at + timedelta(minutes=policy.minutes)
    return failures, None


def is_locked(locked_until: datetime | None, at: datetime) -> bool:
    return locked_until is not None and at < locked_until
