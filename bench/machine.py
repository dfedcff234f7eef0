"""A description of the machine a benchmark ran on, so numbers can be compared fairly."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    ram_gb: float
    system: str
    python: str
    sqlite: str


def _first_value(path: str, key: str) -> str | None:
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        name, _, value = line.partition(":")
        if name.strip() == key:
            return value.strip()
    return None


def describe() -> Machine:
    """CPU model and RAM from /proc (Linux), with portable fall-backs elsewhere."""
    mem_kb = _first_value("/proc/meminfo", "MemTotal")
    ram_gb = int(mem_kb.split()[0]) / 1024 / 1024 if mem_kb else 0.0
    return Machine(
        cpu=_first_value("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        cores=os.cpu_count() or 1,
        ram_gb=round(ram_gb, 1),
        system=platform.platform(terse=True),
        python=platform.python_version(),
        sqlite=sqlite3.sqlite_version,
    )
