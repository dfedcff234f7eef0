"""Streaming the simulated monitors (``monitor_simulator``) to an MLLP listener: one connection per
chair with a treatment in dosing or observation, one message at a time, each waiting for its ACK
as real monitors do. The set of chairs is read again every ``refresh_s``: a treatment that starts
dosing joins, one that leaves observation stops. A lost connection is opened again."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Vital
from ketacare.interop.hl7v2.mllp import Frame, FrameDecoder, frame
from ketacare.services.monitor_simulator import Bed, SimulatedMonitor, beds, oru_message

ACK_TIMEOUT_S = 10.0
RECONNECT_S = 2.0
MAX_ACK_BYTES = 65_536
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ChairTally:
    """What one chair's simulated monitor has sent and the answers it got."""

    chair: str
    sent: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    last: dict[Vital, Decimal] = field(default_factory=dict)
    problem: str = ""


Tallies = dict[int, ChairTally]  # by treatment id


async def simulate(
    sessions: sessionmaker[Session],
    host: str,
    port: int,
    tallies: Tallies,
    *,
    rate_per_s: float = 0.5,
    duration_s: float | None = None,
    refresh_s: float = 15.0,
    clock: Clock = utc_now,
) -> Tallies:
    """Stream until ``duration_s`` has passed (or until cancelled when None), filling
    ``tallies`` as answers come back; returns them."""
    loop = asyncio.get_running_loop()
    deadline = None if duration_s is None else loop.time() + duration_s
    streams: dict[int, asyncio.Task[None]] = {}
    try:
        while True:
            current = {bed.treatment_id: bed for bed in await asyncio.to_thread(_beds, sessions)}
            for gone in set(streams) - set(current):
                streams.pop(gone).cancel()
            for treatment_id, bed in current.items():
                if treatment_id not in streams:
                    tally = tallies.setdefault(treatment_id, ChairTally(bed.chair))
                    stream = _stream(bed, host, port, rate_per_s, tally, clock)
                    streams[treatment_id] = asyncio.create_task(stream)
            wait = refresh_s if deadline is None else min(refresh_s, deadline - loop.time())
            if wait <= 0:
                return tallies
            await asyncio.sleep(wait)
    finally:
        for task in streams.values():
            task.cancel()
        await asyncio.gather(*streams.values(), return_exceptions=True)


def _beds(sessions: sessionmaker[Session]) -> list[Bed]:
    with sessions() as db:
        return beds(db)


async def _stream(
    bed: Bed, host: str, port: int, rate_per_s: float, tally: ChairTally, clock: Clock
) -> None:
    """One chair's monitor: connect, send, wait for each ACK; connect again when cut off."""
    monitor = SimulatedMonitor(bed)
    while True:
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError as error:
            tally.problem = f"cannot connect to {host}:{port} ({error.strerror or error})"
            await asyncio.sleep(RECONNECT_S)
            continue
        tally.problem = ""
        try:
            await _send(reader, writer, monitor, rate_per_s, tally, clock)
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            tally.problem = "connection lost; connecting again"
        finally:
            writer.close()
        await asyncio.sleep(RECONNECT_S)


async def _send(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    monitor: SimulatedMonitor,
    rate_per_s: float,
    tally: ChairTally,
    clock: Clock,
) -> None:
    bed, decoder = monitor.bed, FrameDecoder(MAX_ACK_BYTES)
    while True:
        at = clock()
        values = monitor.next_values(at)
        control_id = f"SIM{bed.treatment_id}-{monitor.sent}"
        named = {"point_of_care": bed.point_of_care} if bed.point_of_care else {"mrn": bed.mrn}
        writer.write(frame(oru_message(control_id, at, values, **named)))
        await writer.drain()
        answer = await asyncio.wait_for(_answer(reader, decoder), ACK_TIMEOUT_S)
        tally.sent += 1
        tally.answers[answer] += 1
        tally.last.update(values)
        await asyncio.sleep(1 / rate_per_s)


async def _answer(reader: asyncio.StreamReader, decoder: FrameDecoder) -> str:
    """MSA-1 of the next ACK frame (AA, AE or AR)."""
    while True:
        chunk = await reader.read(MAX_ACK_BYTES)
        if not chunk:
            raise asyncio.IncompleteReadError(b"", None)
        for event in decoder.feed(chunk):
            if isinstance(event, Frame):
                return acknowledgement_code(event.payload)


def acknowledgement_code(ack: bytes) -> str:
    """MSA-1 of an ACK message, or "?" when it has none."""
    for segment in ack.decode("utf-8", "replace").split("\r"):
        if segment.startswith("MSA"):
            fields = segment.split(segment[3:4] or "|")
            return fields[1] if len(fields) > 1 else "?"
    return "?"
