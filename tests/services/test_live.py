"""The in-process broker: events reach every subscriber of their site and no other, from any
thread, without ever blocking the publisher; a full buffer tells its subscriber to catch up; relayed
payloads carry ids only and come back to their own broker ignored."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from ketacare.db.models import VitalAlert
from ketacare.services import live
from ketacare.services.live import AlertEvent, Broker
from tests.factories import Clinic
from tests.services.alerting import measure
from tests.services.monitoring import set_limits, treatment_in_chair

NORTH, SOUTH = 1, 2
WAIT_S = 2.0


def run(main: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    return asyncio.run(asyncio.wait_for(main(), timeout=10))


class FakeRelay:
    """Stands in for NOTIFY: keeps what was sent (the PostgreSQL relay has its own test)."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.closed = False

    def send(self, payload: str) -> None:
        self.sent.append(payload)

    def close(self) -> None:
        self.closed = True


def test_an_event_reaches_every_subscriber_of_its_site_and_no_other():
    async def main() -> tuple[list[AlertEvent], list[AlertEvent], list[AlertEvent]]:
        broker = Broker()
        with (
            broker.subscribe(NORTH) as a,
            broker.subscribe(NORTH) as b,
            broker.subscribe(SOUTH) as c,
        ):
            broker.publish([AlertEvent(7, NORTH, "raised")])
            got_a, _ = await a.next_batch(WAIT_S)
            got_b, _ = await b.next_batch(WAIT_S)
            got_c, _ = await c.next_batch(0.05)
        return got_a, got_b, got_c

    a, b, c = run(main)
    assert a == b == [AlertEvent(7, NORTH, "raised")]
    assert c == []


def test_events_published_from_another_thread_arrive_in_order():
    async def main() -> list[AlertEvent]:
        broker = Broker()
        with broker.subscribe(NORTH) as sub:
            sent = [AlertEvent(i, NORTH, "raised") for i in range(1, 51)]
            worker = threading.Thread(target=lambda: [broker.publish([e]) for e in sent])
            worker.start()
            received: list[AlertEvent] = []
            while len(received) < len(sent):
                batch, missed = await sub.next_batch(WAIT_S)
                assert batch
                assert not missed
                received += batch
            worker.join()
        return received

    assert [e.alert_id for e in run(main)] == list(range(1, 51))


def test_a_full_buffer_never_blocks_the_publisher_and_tells_the_subscriber_it_missed_some():
    async def main() -> tuple[list[AlertEvent], bool]:
        broker = Broker(queue_size=3)
        with broker.subscribe(NORTH) as sub:
            broker.publish([AlertEvent(i, NORTH, "raised") for i in range(10)])
            return await sub.next_batch(WAIT_S)

    batch, missed = run(main)
    assert [e.alert_id for e in batch] == [0, 1, 2]
    assert missed


def test_nothing_waiting_returns_nothing_after_the_timeout():
    async def main() -> tuple[list[AlertEvent], bool]:
        with Broker().subscribe(NORTH) as sub:
            return await sub.next_batch(0.05)

    assert run(main) == ([], False)


def test_a_closed_subscription_is_forgotten():
    async def main() -> tuple[int, int]:
        broker = Broker()
        with broker.subscribe(NORTH):
            during = broker.subscribers(NORTH)
        return during, broker.subscribers(NORTH)

    assert run(main) == (1, 0)


def test_published_events_are_relayed_and_come_back_to_their_own_broker_ignored():
    async def main() -> tuple[list[AlertEvent], list[AlertEvent]]:
        relay = FakeRelay()
        mine, other = Broker(relay), Broker()
        with mine.subscribe(NORTH) as here, other.subscribe(NORTH) as there:
            mine.publish([AlertEvent(3, NORTH, "acknowledged")])
            await here.next_batch(WAIT_S)
            for payload in relay.sent:
                mine.receive(payload)
                other.receive(payload)
            again, _ = await here.next_batch(0.05)
            heard, _ = await there.next_batch(WAIT_S)
        return again, heard

    again, heard = run(main)
    assert again == []
    assert heard == [AlertEvent(3, NORTH, "acknowledged")]


def test_a_malformed_relayed_payload_is_ignored():
    async def main() -> list[AlertEvent]:
        broker = Broker()
        with broker.subscribe(NORTH) as sub:
            for payload in ("", "[]", '{"o": "x", "e": [[1, 1, "deleted"]]}', '{"o": 1, "e": []}'):
                broker.receive(payload)
            batch, _ = await sub.next_batch(0.05)
            return batch

    assert run(main) == []


def test_a_resync_tells_every_subscriber_to_catch_up():
    async def main() -> tuple[list[AlertEvent], bool]:
        broker = Broker()
        with broker.subscribe(SOUTH) as sub:
            broker.resync()
            return await sub.next_batch(WAIT_S)

    assert run(main) == ([], True)


events = st.lists(
    st.builds(
        AlertEvent,
        st.integers(1, 2**63 - 1),
        st.integers(1, 2**63 - 1),
        st.sampled_from(sorted(live.CHANGES)),
    ),
    max_size=450,
)


@given(events)
def test_payloads_carry_ids_only_fit_one_notify_and_decode_to_the_same_events(
    sent: list[AlertEvent],
):
    payloads = list(live.encode("f" * 32, sent))
    assert all(len(p.encode()) < 8000 for p in payloads)
    decoded = [e for p in payloads for e in live.decode(p)[1]]
    assert decoded == sent
    for payload in payloads:
        assert set(json.loads(payload)) == {"o", "e"}


def test_publish_after_commit_waits_for_the_commit_and_skips_a_rollback(
    sessions: sessionmaker[Session], clinic: Clinic
):
    chair = treatment_in_chair(sessions, clinic.north_site_id)
    set_limits(sessions, clinic, {"spo2_percent.act.low": "92"})
    at = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    [alert] = measure(sessions, chair, at, spo2_percent="85")
    relay = FakeRelay()
    broker = Broker(relay)
    with sessions() as db:
        with db.begin():
            row = db.get(VitalAlert, alert.id)
            assert row is not None
            live.publish_after_commit(db, broker, [row], "acknowledged")
            assert relay.sent == []
        assert len(relay.sent) == 1
        with db.begin():
            live.publish_after_commit(db, broker, [row], "escalated")
            db.rollback()
    assert [e.change for p in relay.sent for e in live.decode(p)[1]] == ["acknowledged"]
