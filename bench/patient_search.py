"""Patient search on a large synthetic clinic, with the mix of queries typed at a front desk.

Target: median under 50 ms. The timed call is ``services.patients.search`` (which also writes its
audit event); the commit after it is not timed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from time import perf_counter

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from bench.databases import Target
from bench.timing import Timings
from ketacare.db.engine import make_engine, session_factory, transaction
from ketacare.db.migrate import upgrade
from ketacare.services import clinic, patients, setup, staff, synth
from ketacare.services.context import Actor

TARGET_MEDIAN_MS = 50.0
QUERY_SEED = 20240607
QUERY_MIX = (("name prefix", 80), ("family, given", 40), ("MRN", 40), ("date of birth", 40))
WARM_UP = 20


@dataclass(frozen=True)
class SearchRun:
    target: Target
    patients: int
    synth_seconds: float
    overall: Timings
    by_kind: dict[str, Timings]


@dataclass(frozen=True)
class _Clinic:
    sessions: sessionmaker[Session]
    actor: Actor
    organization_id: int


def _typed(rng: random.Random, kind: str, patients_count: int) -> str:
    if kind == "name prefix":
        return rng.choice(synth.GIVEN_NAMES + synth.FAMILY_NAMES)[: rng.randint(2, 5)]
    if kind == "family, given":
        given = rng.choice(synth.GIVEN_NAMES)[: rng.randint(1, 3)]
        return f"{rng.choice(synth.FAMILY_NAMES)}, {given}"
    if kind == "MRN":
        return f"{synth.MRN_PREFIX}{rng.randint(1, max(patients_count, 1)):07d}"
    return (date(1941, 1, 1) + timedelta(days=rng.randrange(24_000))).isoformat()


def typed_queries(patients_count: int) -> list[tuple[str, str]]:
    """About 200 (kind, text) queries, the same on every run."""
    rng = random.Random(QUERY_SEED)
    return [
        (kind, _typed(rng, kind, patients_count)) for kind, count in QUERY_MIX for _ in range(count)
    ]


def _build(target: Target, patients_count: int) -> tuple[_Clinic, float]:
    engine = make_engine(target.url)
    upgrade(engine)
    sessions = session_factory(engine)
    system = Actor(None, datetime.now(UTC))
    first = setup.FirstRun(
        "Bench Clinic",
        "North",
        "N",
        "UTC",
        "admin@example.org",
        "Bench Admin",
        "long-enough-password",
    )
    with transaction(sessions) as db:
        admin = setup.initialize(db, system, first)
        clinic.add_site(db, system, clinic.the_organization(db), "S", "South")
    started = perf_counter()
    with transaction(sessions) as db:
        synth.generate(db, system, admin.organization_id, patients_count, seed=1)
    synth_seconds = perf_counter() - started
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:  # what autovacuum does soon after a bulk load
            conn.execute(text("ANALYZE"))
    with sessions() as db:
        actor = Actor(staff.principal_for(db, staff.get(db, admin.id)), datetime.now(UTC))
    return _Clinic(sessions, actor, admin.organization_id), synth_seconds


def _time(built: _Clinic, query: str) -> float:
    with transaction(built.sessions) as db:
        started = perf_counter()
        patients.search(db, built.actor, built.organization_id, query)
        return perf_counter() - started


def run(target: Target, patients_count: int) -> SearchRun:
    """Build the clinic on ``target``, warm up, then time every query once."""
    built, synth_seconds = _build(target, patients_count)
    queries = typed_queries(patients_count)
    for _, query in queries[:WARM_UP]:
        _time(built, query)
    seconds: dict[str, list[float]] = {kind: [] for kind, _ in QUERY_MIX}
    for kind, query in queries:
        seconds[kind].append(_time(built, query))
    built.sessions.kw["bind"].dispose()
    every = [s for values in seconds.values() for s in values]
    by_kind = {kind: Timings.of(values) for kind, values in seconds.items()}
    return SearchRun(target, patients_count, synth_seconds, Timings.of(every), by_kind)


def _cell(t: Timings) -> str:
    text = f"{t.median_ms:.2f} / {t.p95_ms:.2f} / {t.max_ms:.2f}"
    return f"**{text}**" if t.median_ms >= TARGET_MEDIAN_MS else text


def report(runs: list[SearchRun], machine: str) -> str:
    """The markdown section for docs/benchmarks.md; ``machine`` says where and when it ran."""
    lines = [
        "## Patient search",
        "",
        machine,
        "",
        f"`services.patients.search` for {sum(c for _, c in QUERY_MIX)} typed queries "
        '(name prefixes of 2-5 letters, "family, given", MRNs, dates of birth) as an admin of '
        f"one of two sites. Target: median under {TARGET_MEDIAN_MS:.0f} ms.",
        "",
        "| Database | Patients | Synth time | Median | p95 | Max | Target met |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        met = "yes" if r.overall.median_ms < TARGET_MEDIAN_MS else "**no**"
        lines.append(
            f"| {r.target.label} {r.target.version.split()[0]} | {r.patients:,} "
            f"| {r.synth_seconds:.1f} s "
            f"| {r.overall.median_ms:.2f} ms | {r.overall.p95_ms:.2f} ms "
            f"| {r.overall.max_ms:.2f} ms | {met} |"
        )
    lines += ["", "By kind of query (median / p95 / max, ms; **bold**: median over target):", ""]
    lines += ["| Query | " + " | ".join(r.target.label for r in runs) + " |"]
    lines += ["|---|" + "---:|" * len(runs)]
    for kind, _ in QUERY_MIX:
        cells = [_cell(r.by_kind[kind]) for r in runs]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
