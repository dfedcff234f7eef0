"""Live fan-out of alert changes to the staff pages that are open.

The ``vital_alert`` table is the source of truth. An event carries only an alert's id, its site
and what changed; a page re-reads the row. In one server process the ``Broker`` hands each event
to every subscriber of that site. A subscriber's buffer is bounded and never blocks the publisher:
when it is full the subscriber is told it missed events and catches up from the table. On
PostgreSQL the broker also sends each event through a relay (NOTIFY, see ``live_postgres``) and a
LISTEN task in every process feeds its own broker, so pages served by other processes hear it too.

``publish`` may be called from any thread (a page's worker thread, the monitor writer) or from the
event loop itself; subscribers live on the event loop that serves their stream.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, get_args

from sqlalchemy import event as orm_events
from sqlalchemy.orm import Session

from ketacare.db.models import VitalAlert

log = logging.getLogger("ketacare.live")

Change = Literal["raised", "acknowledged", "escalated"]
CHANGES: frozenset[str] = frozenset(get_args(Change))
QUEUE_SIZE = 256
# PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; an event encodes to at most 64 bytes
# (two 19-digit ids and "acknowledged"), so 100 events and the origin always fit.
EVENTS_PER_PAYLOAD = 100


@dataclass(frozen=True)
class AlertEvent:
    """An alert was raised, acknowledged or escalated; readers fetch the row by ``alert_id``."""

    alert_id: int
    site_id: int
    change: Change


class Relay(Protocol):
    """Carries events to the brokers of other processes (PostgreSQL NOTIFY)."""

    def send(self, payload: str) -> None: ...

    def close(self) -> None: ...


class Subscription:
    """One open page's view of a site's events: a bounded buffer on the subscriber's event loop.

    Use as a context manager; ``next_batch`` waits for events and returns them with ``missed``
    set when some were dropped (the buffer was full, or a relay reconnected), so the reader
    catches up from the alerts table."""

    def __init__(self, broker: Broker, site_id: int, size: int) -> None:
        self.site_id = site_id
        self._broker = broker
        self._loop = asyncio.get_running_loop()
        self._size = size
        self._events: deque[AlertEvent] = deque()
        self._missed = False
        self._wake = asyncio.Event()

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._broker._remove(self)

    async def next_batch(self, timeout_s: float) -> tuple[list[AlertEvent], bool]:
        """Every event waiting (at least one unless ``timeout_s`` passes) and whether any were
        missed."""
        try:
            await asyncio.wait_for(self._wake.wait(), timeout_s)
        except TimeoutError:
            return [], False
        self._wake.clear()
        events, missed = list(self._events), self._missed
        self._events.clear()
        self._missed = False
        return events, missed

    def _hand(self, events: Sequence[AlertEvent]) -> None:
        """Queue ``events`` from any thread without waiting."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._offer(events)
        else:
            self._call_soon(self._offer, events)

    def _call_soon(self, callback: Callable[..., None], *args: object) -> None:
        try:
            self._loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:  # the subscriber's loop has closed: nobody is listening any more
            self.close()

    def _offer(self, events: Sequence[AlertEvent]) -> None:
        for event in events:
            if len(self._events) >= self._size:
                self._missed = True
                break
            self._events.append(event)
        self._wake.set()

    def _flag_missed(self) -> None:
        self._missed = True
        self._wake.set()


class Broker:
    """In-process publish/subscribe of alert events by site, with an optional relay to other
    processes. ``origin`` tells this broker's own relayed events apart when they come back."""

    def __init__(self, relay: Relay | None = None, queue_size: int = QUEUE_SIZE) -> None:
        self.origin = uuid.uuid4().hex
        self._relay = relay
        self._queue_size = queue_size
        self._lock = threading.Lock()
        self._by_site: dict[int, set[Subscription]] = {}

    def subscribe(self, site_id: int) -> Subscription:
        """A subscription to ``site_id``'s events; call on the event loop that will read it."""
        subscription = Subscription(self, site_id, self._queue_size)
        with self._lock:
            self._by_site.setdefault(site_id, set()).add(subscription)
        return subscription

    def subscribers(self, site_id: int) -> int:
        with self._lock:
            return len(self._by_site.get(site_id, ()))

    def publish(self, events: Sequence[AlertEvent]) -> None:
        """Deliver ``events`` here and, through the relay, to every other process."""
        if not events:
            return
        self.deliver(events)
        if self._relay is not None:
            for payload in encode(self.origin, events):
                self._relay.send(payload)

    def deliver(self, events: Iterable[AlertEvent]) -> None:
        """Hand events to this process's subscribers only."""
        by_site: dict[int, list[AlertEvent]] = {}
        for event in events:
            by_site.setdefault(event.site_id, []).append(event)
        with self._lock:
            targets = [(s, by_site[site]) for site in by_site for s in self._by_site.get(site, ())]
        for subscription, batch in targets:
            subscription._hand(batch)

    def receive(self, payload: str) -> None:
        """Deliver the events a relay brought from another process (its own are skipped)."""
        try:
            origin, events = decode(payload)
        except ValueError:
            log.warning("ignored a malformed live alert notification")
            return
        if origin != self.origin:
            self.deliver(events)

    def resync(self) -> None:
        """Tell every subscriber it may have missed events (a relay was down for a while)."""
        with self._lock:
            everyone = [s for subscriptions in self._by_site.values() for s in subscriptions]
        for subscription in everyone:
            subscription._call_soon(subscription._flag_missed)

    def close(self) -> None:
        if self._relay is not None:
            self._relay.close()

    def _remove(self, subscription: Subscription) -> None:
        with self._lock:
            subscriptions = self._by_site.get(subscription.site_id, set())
            subscriptions.discard(subscription)
            if not subscriptions:
                self._by_site.pop(subscription.site_id, None)


def publish(broker: Broker, alerts: Iterable[VitalAlert], change: Change = "raised") -> None:
    """Tell open pages about ``alerts`` after the transaction that stored them has committed."""
    broker.publish([AlertEvent(alert.id, alert.site_id, change) for alert in alerts])


def encode(origin: str, events: Sequence[AlertEvent]) -> Iterator[str]:
    """Compact JSON payloads of ids only (no patient data), each small enough for one NOTIFY."""
    chunk: list[list[object]] = []
    for event in events:
        chunk.append([event.alert_id, event.site_id, event.change])
        if len(chunk) == EVENTS_PER_PAYLOAD:
            yield _payload(origin, chunk)
            chunk = []
    if chunk:
        yield _payload(origin, chunk)


def _payload(origin: str, chunk: list[list[object]]) -> str:
    return json.dumps({"o": origin, "e": chunk}, separators=(",", ":"))


def decode(payload: str) -> tuple[str, list[AlertEvent]]:
    """The origin and events of a payload ``encode`` made; ``ValueError`` for anything else."""
    try:
        body = json.loads(payload)
        origin = body["o"]
        events = [_event(*item) for item in body["e"]]
    except (TypeError, KeyError, json.JSONDecodeError) as err:
        raise ValueError("not a live alert payload") from err
    if not isinstance(origin, str):
        raise ValueError("not a live alert payload")
    return origin, events


def _event(alert_id: object, site_id: object, change: object) -> AlertEvent:
    if not (isinstance(alert_id, int) and isinstance(site_id, int) and change in CHANGES):
        raise TypeError("not an alert event")
    return AlertEvent(alert_id, site_id, change)  # type: ignore[arg-type]


def publish_after_commit(
    db: Session, broker: Broker, alerts: Iterable[VitalAlert], change: Change = "raised"
) -> None:
    """Publish ``alerts`` once ``db``'s transaction commits (nothing if it rolls back), for a
    page whose request transaction commits after the handler returns. Call after a flush."""
    events = [AlertEvent(alert.id, alert.site_id, change) for alert in alerts]
    if events:
        orm_events.listen(db, "after_commit", lambda _db: broker.publish(events), once=True)
