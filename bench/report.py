"""docs/benchmarks.md: one section per benchmark, each rewritten in place by its own run."""

from __future__ import annotations

from pathlib import Path

from bench.machine import Machine

REPORT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Run them with `make bench` (that is, `python -m bench`). Each benchmark builds its own throwaway
databases (SQLite always; PostgreSQL when a server answers at 127.0.0.1:5432, in a database created
for the run and dropped afterwards), fills them with seeded synthetic data, and rewrites its own
section below. Numbers from a shared or busy machine vary; compare runs on the same machine.
"""


def machine_lines(machine: Machine, postgres: str | None) -> list[str]:
    return [
        f"- CPU: {machine.cpu} ({machine.cores} cores), RAM {machine.ram_gb} GB",
        f"- System: {machine.system}; Python {machine.python}; SQLite {machine.sqlite}; "
        f"PostgreSQL {postgres or 'not reachable, skipped'}",
    ]


def update_section(key: str, body: str, path: Path = REPORT) -> None:
    """Replace the section marked ``key`` (or append it); other sections stay as they are."""
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    text = path.read_text() if path.exists() else HEADER
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        before, _, rest = text.partition(start)
        _, _, after = rest.partition(end)
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
