"""The load side of the ingest benchmark: monitors as asyncio connections in a process of their
own, each sending one message and waiting for its ACK before the next, as monitors do.

Without an offered rate the connections send as fast as ACKs come back (throughput). With one,
each connection sends on a fixed schedule (the connections staggered across the interval) and
each ACK is timed from the moment its message was due, so a slow server cannot hide its delay by
holding up the next send (no coordinated omission).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from time import perf_counter

from ketacare.interop.hl7v2.mllp import Frame, FrameDecoder

MAX_ACK_BYTES = 65_536
ACCEPTED = b"\rMSA|AA|"


@dataclass(frozen=True)
class Plan:
    """What the load process does: per connection, the MLLP frames it sends in order; paced at
    ``offered_per_s`` in total when given, else as fast as possible."""

    port: int
    frames: Sequence[Sequence[bytes]]
    offered_per_s: float | None = None


@dataclass
class Load:
    """Seconds from the first send to the last ACK, every ACK's latency (seconds) and how many
    answers were not AA."""

    seconds: float = 0.0
    latencies_s: list[float] = field(default_factory=list)
    not_aa: int = 0


def run_in_child(plan: Plan, answer: Connection) -> None:
    """The child process's entry point: run ``plan`` and send the ``Load`` back."""
    answer.send(asyncio.run(_run(plan)))
    answer.close()


async def _run(plan: Plan) -> Load:
    opened = [await asyncio.open_connection("127.0.0.1", plan.port) for _ in plan.frames]
    count, load = len(opened), Load()
    interval_s = None if plan.offered_per_s is None else count / plan.offered_per_s
    started = perf_counter()
    monitors = [
        _monitor(reader, writer, frames, started, interval_s, n / count, load)
        for n, ((reader, writer), frames) in enumerate(zip(opened, plan.frames, strict=True))
    ]
    await asyncio.gather(*monitors)
    load.seconds = perf_counter() - started
    for _, writer in opened:
        writer.close()
    return load


async def _monitor(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    frames: Sequence[bytes],
    started: float,
    interval_s: float | None,
    stagger: float,
    load: Load,
) -> None:
    """One connection: send, wait for the ACK, record it; on schedule when ``interval_s``."""
    decoder = FrameDecoder(MAX_ACK_BYTES)
    for index, payload in enumerate(frames):
        due = perf_counter()
        if interval_s is not None:
            due = started + (index + stagger) * interval_s
            await asyncio.sleep(max(0.0, due - perf_counter()))
        writer.write(payload)
        await writer.drain()
        if ACCEPTED not in await _ack(reader, decoder):
            load.not_aa += 1
        load.latencies_s.append(perf_counter() - due)


async def _ack(reader: asyncio.StreamReader, decoder: FrameDecoder) -> bytes:
    while True:
        chunk = await reader.read(MAX_ACK_BYTES)
        if not chunk:
            raise ConnectionError("the listener closed the connection")
        for event in decoder.feed(chunk):
            if isinstance(event, Frame):
                return event.payload
