"""Summaries of many timed calls: median, 95th percentile and maximum, in milliseconds."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Timings:
    count: int
    median_ms: float
    p95_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> Timings:
        ms = sorted(s * 1000 for s in seconds)
        p95 = statistics.quantiles(ms, n=20, method="inclusive")[-1] if len(ms) > 1 else ms[0]
        return cls(len(ms), statistics.median(ms), p95, ms[-1])
