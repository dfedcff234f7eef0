"""Building answer lists with a chosen total, so band tables can name totals, not answer lists."""

from __future__ import annotations


def summing_to(total: int, count: int, low: int, high: int) -> list[int]:
    """``count`` answers between ``low`` and ``high`` whose plain sum is ``total``."""
    assert count * low <= total <= count * high, "total out of reach"
    answers = [low] * count
    rest = total - count * low
    for i in range(count):
        step = min(rest, high - low)
        answers[i] += step
        rest -= step
    return answers
