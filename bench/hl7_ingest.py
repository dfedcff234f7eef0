"""Ingesting monitor messages end to end: MLLP in, parse, identify the treatment, store readings,
evaluate alerts, commit, and only then AA back; what a clinic's monitors wait for.

Targets (issue 6): at least 2,000 messages per second sustained, and an ACK p99 of at most 50 ms
at 800 messages per second offered. The server is the real listener and monitor feed (one writer,
group commit) on an event loop in this process; the monitors are asyncio connections in a second
process (``hl7_load``), one message in flight per connection as real monitors do. The clinic: one
site with 30 chairs, each named by its point of care, a treatment in dosing in each, and the demo
clinic's alert limits, so every reading is evaluated. Each message is a PCD-01 style ORU^R01 from
the simulator (SpO2, heart rate, respiratory rate and a cuff reading: 6 readings, about 1 KB).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from bench import treatment_day
from bench.databases import Target
from bench.hl7_load import Load, Plan, run_in_child
from ketacare.core.enums import Vital
from ketacare.db.engine import make_engine, session_factory
from ketacare.db.migrate import upgrade
from ketacare.interop.hl7v2.mllp import frame
from ketacare.services import monitor_feed
from ketacare.services.monitor_simulator import oru_message
from ketacare.settings import Settings

TARGET_PER_S = 2_000
TARGET_ACK_P99_MS = 50.0
OFFERED_PER_S = 800
CHAIRS = 30
SINGLE_MESSAGES = 2_000
MANY_MESSAGES_EACH = 400  # x 30 connections
PACED_SECONDS = 10
WARM_UP_EACH = 20
AT = treatment_day.AT
VALUES = {
    Vital.SPO2_PERCENT: Decimal(97),
    Vital.HR_BPM: Decimal(74),
    Vital.RR_PER_MIN: Decimal(14),
    Vital.SBP_MMHG: Decimal(128),
    Vital.DBP_MMHG: Decimal(79),
    Vital.MAP_MMHG: Decimal(95),
}


@dataclass(frozen=True)
class Rate:
    connections: int
    messages: int
    seconds: float

    @property
    def per_s(self) -> float:
        return self.messages / self.seconds


@dataclass(frozen=True)
class Latency:
    offered_per_s: int
    achieved_per_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float


@dataclass(frozen=True)
class IngestRun:
    target: Target
    message_bytes: int
    single: Rate
    many: Rate
    paced: Latency
    not_aa: int


def run(target: Target) -> IngestRun:
    engine = make_engine(target.url)
    try:
        upgrade(engine)
        sessions = session_factory(engine)
        with sessions() as db, db.begin():
            codes = [chair.point_of_care for chair in treatment_day.seed(db, CHAIRS)]
        return asyncio.run(_measure(target, sessions, codes))
    finally:
        engine.dispose()


async def _measure(target: Target, sessions: sessionmaker[Session], codes: list[str]) -> IngestRun:
    async with monitor_feed.running(sessions, None, Settings(mode="test"), port=0) as listener:
        port = listener.port
        await _load(Plan(port, _frames(codes, WARM_UP_EACH, "W")))
        single = await _load(Plan(port, _frames(codes[:1], SINGLE_MESSAGES, "S")))
        many = await _load(Plan(port, _frames(codes, MANY_MESSAGES_EACH, "M")))
        each = OFFERED_PER_S * PACED_SECONDS // CHAIRS
        paced = await _load(Plan(port, _frames(codes, each, "P"), OFFERED_PER_S))
    ms = sorted(s * 1000 for s in paced.latencies_s)
    return IngestRun(
        target,
        len(oru_message("P0-0", AT, VALUES, point_of_care=codes[0])),
        Rate(1, SINGLE_MESSAGES, single.seconds),
        Rate(CHAIRS, MANY_MESSAGES_EACH * CHAIRS, many.seconds),
        Latency(
            OFFERED_PER_S,
            len(ms) / paced.seconds,
            statistics.median(ms),
            statistics.quantiles(ms, n=100, method="inclusive")[98],
            ms[-1],
        ),
        single.not_aa + many.not_aa + paced.not_aa,
    )


def _frames(codes: list[str], each: int, tag: str) -> list[list[bytes]]:
    return [
        [frame(oru_message(f"{tag}{c}-{n}", AT, VALUES, point_of_care=code)) for n in range(each)]
        for c, code in enumerate(codes)
    ]


async def _load(plan: Plan) -> Load:
    """Run ``plan`` in a child process while this event loop serves it."""
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=run_in_child, args=(plan, sending))
    child.start()
    sending.close()
    load: Load = await asyncio.to_thread(receiving.recv)
    await asyncio.to_thread(child.join)
    return load


def report(runs: list[IngestRun], machine: str) -> str:
    """The markdown section for docs/benchmarks.md."""
    table = [
        "| Database | 1 connection | 30 connections | ACK p50 at 800/s | ACK p99 at 800/s "
        "| Max | Not AA | Targets met |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        met = run.many.per_s >= TARGET_PER_S and run.paced.p99_ms <= TARGET_ACK_P99_MS
        table.append(
            f"| {run.target.label} {run.target.version} | {run.single.per_s:,.0f} msg/s "
            f"| {run.many.per_s:,.0f} msg/s | {run.paced.p50_ms:.1f} ms "
            f"| {run.paced.p99_ms:.1f} ms | {run.paced.max_ms:.1f} ms | {run.not_aa} "
            f"| {'yes' if met else '**no**'} |"
        )
    size = runs[0].message_bytes if runs else 0
    notes = (
        f"Messages of {size:,} bytes, 6 readings each. 1 connection: {SINGLE_MESSAGES:,} messages "
        f"back to back; 30 connections: {MANY_MESSAGES_EACH} each at once; paced: "
        f"{OFFERED_PER_S}/s offered over {PACED_SECONDS} s from 30 connections, each ACK timed "
        "from when its message was due. Targets: at least "
        f"{TARGET_PER_S:,} messages/s (30 connections) and ACK p99 at most {TARGET_ACK_P99_MS:.0f}"
        " ms at 800/s. SQLite runs in WAL mode with synchronous=NORMAL (the default)."
    )
    return "\n\n".join(["## HL7 ingest (MLLP to committed readings)", machine, __doc__ or "",
                        notes, "\n".join(table)])  # fmt: skip
