"""Live alert events across server processes through PostgreSQL NOTIFY / LISTEN.

Each process's broker sends its events with NOTIFY on one channel (from a thread of its own, so a
publisher never waits on the database) and a LISTEN task hands what other processes sent to the
local broker. Payloads hold alert ids, site ids and the kind of change only. NOTIFY is not
durable: while the LISTEN connection is down events are lost, so after reconnecting every
subscriber is told to catch up from the alerts table, which stays the source of truth.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from ketacare.services.live import Broker

log = logging.getLogger("ketacare.live")

CHANNEL = "ketacare_alerts"
RETRY_SECONDS = 1.0


class PostgresRelay:
    """Sends NOTIFYs on ``CHANNEL`` from a background thread (started by the first send), in
    the order given."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._payloads: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="ketacare-notify", daemon=True)
        self._start = threading.Lock()

    def send(self, payload: str) -> None:
        self._payloads.put(payload)
        with self._start:
            if self._thread.ident is None:
                self._thread.start()

    def close(self) -> None:
        """Send what is queued, then stop."""
        with self._start:
            if self._thread.ident is None:
                return
        self._payloads.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            batch = [self._payloads.get()]
            while not self._payloads.empty() and batch[-1] is not None:
                batch.append(self._payloads.get())
            payloads = [p for p in batch if p is not None]
            if payloads:
                self._notify(payloads)
            if batch[-1] is None:
                return

    def _notify(self, payloads: list[str]) -> None:
        try:
            with self._engine.begin() as conn:
                for payload in payloads:
                    conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": payload})
        except Exception:  # a lost NOTIFY only delays other processes' pages; never crash
            log.exception("could not send %d live alert notification(s)", len(payloads))


def conninfo(database_url: str) -> str:
    """A libpq connection string for psycopg from ketacare's SQLAlchemy database URL."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def listen(broker: Broker, database_url: str, ready: threading.Event | None = None) -> None:
    """LISTEN on ``CHANNEL`` and feed ``broker`` until cancelled, reconnecting after a failure.

    ``ready`` is set while a LISTEN is in place (cleared when the connection is lost)."""
    connected_before = False
    while True:
        try:
            conn = await psycopg.AsyncConnection.connect(conninfo(database_url), autocommit=True)
            async with conn:
                await conn.execute(f"LISTEN {CHANNEL}")
                if connected_before:
                    broker.resync()
                connected_before = True
                if ready is not None:
                    ready.set()
                async for note in conn.notifies():
                    broker.receive(note.payload)
        except psycopg.Error as err:
            if ready is not None:
                ready.clear()
            log.warning("live alert LISTEN connection lost (%s); retrying", type(err).__name__)
        await asyncio.sleep(RETRY_SECONDS)
