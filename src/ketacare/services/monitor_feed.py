"""The bedside-monitor feed: every MLLP connection hands its parsed messages to ONE writer, which
stores what is queued in one transaction (group commit) and only then lets each connection answer.

``MonitorFeed.handle`` is the listener's handler (``interop/hl7v2/listener.py``): it parses the
message on the connection's task, queues it with a future and waits. The writer task takes
whatever is queued (up to ``max_batch``), stores the batch on its own thread
(``monitor_writer.store``), commits, then resolves the futures: ``AA`` goes out only for readings
already committed. With one message waiting it commits at once; under load the batch grows by
itself. Alerts the batch raised are published to open pages after the commit.

When a batch cannot be stored (the database refuses or is gone), each message is tried again
alone, so one bad message cannot sink the others; a message that still fails is answered ``AE``
("not stored; please resend") and nothing of it is kept. Logs carry control ids, answers and peer
addresses only: never a message's content, which is patient data.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.errors import ConfigurationError
from ketacare.db.engine import transaction
from ketacare.db.models import Site
from ketacare.interop.hl7v2.ack import ack_for
from ketacare.interop.hl7v2.errors import Hl7ErrorCode, MessageRejected
from ketacare.interop.hl7v2.listener import MllpListener
from ketacare.services import live
from ketacare.services.monitor_writer import Inbound, Outcome, Stored, read, store
from ketacare.settings import Settings

log = logging.getLogger("ketacare.monitor_feed")

MAX_BATCH = 500  # messages per transaction: bounds a commit's size and the wait behind it
MAX_WAITING = 10_000  # queued messages before connections wait to hand over more
NOT_STORED = "not stored (the database did not take it); please resend"
Clock = Callable[[], datetime]
Pending = tuple[Inbound, "asyncio.Future[Outcome]"]


def utc_now() -> datetime:
    return datetime.now(UTC)


class MonitorFeed:
    """The single writer of monitor readings. ``start`` on the event loop that runs the listener;
    ``stop`` answers what is queued, then ends the writer."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        broker: live.Broker | None = None,
        *,
        max_batch: int = MAX_BATCH,
        clock: Clock = utc_now,
    ) -> None:
        self._sessions = sessions
        self._broker = broker
        self._max_batch = max_batch
        self._clock = clock
        self._queue: asyncio.Queue[Pending | None] = asyncio.Queue(MAX_WAITING)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="monitor-writer")
        self._task: asyncio.Task[None] | None = None
        self._zone = "UTC"

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._zone = await loop.run_in_executor(self._executor, self._common_zone)
        self._task = asyncio.create_task(self._write(), name="monitor-writer")

    async def stop(self) -> None:
        if self._task is not None:
            await self._queue.put(None)
            await self._task
            self._task = None
        self._executor.shutdown(wait=True)

    async def handle(self, payload: bytes, peer: str) -> bytes:
        """The ACK for one MLLP payload, once the message is stored (or refused)."""
        return await self._answer(read(payload, peer, self._clock(), self._zone))

    async def refuse(self, reason: str, peer: str) -> bytes:
        """The AR for a frame the listener could not take whole (too large), logged like any
        message, with no raw text: it was never kept."""
        refused = MessageRejected(reason, Hl7ErrorCode.DATA_TYPE_ERROR)
        return await self._answer(Inbound(b"", peer, self._clock(), self._zone, rejected=refused))

    async def _answer(self, inbound: Inbound) -> bytes:
        outcome: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        await self._queue.put((inbound, outcome))
        answer = await outcome
        log.debug("%s %r from %s", answer.result, inbound.control_id, inbound.peer)
        if answer.result != "AA":
            log.info("answered %s to %r from %s", answer.result, inbound.control_id, inbound.peer)
        return _ack(inbound, answer, self._clock())

    async def _write(self) -> None:
        """Take what is queued, store it in one transaction, answer, publish; until stopped."""
        loop = asyncio.get_running_loop()
        stopping = False
        while not stopping:
            batch, stopping = await self._next_batch()
            if not batch:
                continue
            stored = await loop.run_in_executor(
                self._executor, self._store_all, [i for i, _ in batch]
            )
            for (_, waiting), outcome in zip(batch, stored.outcomes, strict=True):
                if not waiting.done():  # the connection may have gone meanwhile
                    waiting.set_result(outcome)
            if self._broker is not None and stored.alerts:
                live.publish(self._broker, stored.alerts)

    async def _next_batch(self) -> tuple[list[Pending], bool]:
        """The messages waiting (at least one, unless told to stop) and whether to stop after."""
        first = await self._queue.get()
        if first is None:
            return [], True
        batch = [first]
        while len(batch) < self._max_batch and not self._queue.empty():
            item = self._queue.get_nowait()
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    def _store_all(self, batch: Sequence[Inbound]) -> Stored:
        """On the writer thread: the batch in one transaction, or else each message alone."""
        try:
            return self._commit(batch)
        except Exception:  # the writer outlives any failure; the messages are answered AE
            if len(batch) == 1:
                log.exception("could not store message %r", batch[0].control_id)
                return Stored([Outcome("AE", NOT_STORED, Hl7ErrorCode.APPLICATION_INTERNAL_ERROR)])
            log.warning("a batch of %d messages failed; storing them one by one", len(batch))
        stored = Stored()
        for inbound in batch:
            one = self._store_all([inbound])
            stored.outcomes.extend(one.outcomes)
            stored.alerts.extend(one.alerts)
        return stored

    def _commit(self, batch: Sequence[Inbound]) -> Stored:
        with transaction(self._sessions) as db:
            return store(db, batch)

    def _common_zone(self) -> str:
        """The zone every site shares, to read message times in at once (else UTC, and the
        writer reads them again in the treatment's site zone)."""
        with self._sessions() as db:
            zones = set(db.scalars(select(Site.timezone).distinct()))
        return zones.pop() if len(zones) == 1 else "UTC"


def _ack(inbound: Inbound, outcome: Outcome, now: datetime) -> bytes:
    about = inbound.message if inbound.message is not None else inbound.raw
    return ack_for(about, outcome.result, outcome.detail, now, error=outcome.error)


@asynccontextmanager
async def running(
    sessions: sessionmaker[Session],
    broker: live.Broker | None,
    settings: Settings,
    *,
    port: int | None = None,
) -> AsyncIterator[MllpListener]:
    """The feed and its MLLP listener, serving while the block runs (``port``: instead of
    KETACARE_MLLP_PORT, e.g. 0 for a free one); on leaving, the listener stops taking messages
    and the writer answers what was queued."""
    feed = MonitorFeed(sessions, broker)
    await feed.start()
    listener = MllpListener(
        feed.handle,
        refuse=feed.refuse,
        host=settings.mllp_host,
        port=settings.mllp_port if port is None else port,
        max_frame_bytes=settings.mllp_max_frame_bytes,
        read_timeout_s=settings.mllp_read_timeout_seconds,
    )
    try:
        await _listen(listener)
        yield listener
    finally:
        await listener.close()
        await feed.stop()


async def _listen(listener: MllpListener) -> None:
    try:
        await listener.start()
    except OSError as error:
        where = f"{listener.host}:{listener.port}"
        raise ConfigurationError(
            f"Cannot listen for monitors on {where} ({error.strerror or error}); "
            "free the port or set KETACARE_MLLP_PORT (0 turns the listener off)"
        ) from None
