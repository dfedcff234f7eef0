"""A real MLLP round trip: python-hl7's MLLP client sends ORU^R01 messages over a loopback socket
to the listener and the monitor feed; readings appear on the treatment, an alert reaches a
subscribed page, unknown patients get AE, garbage AR, and nothing one sender does (half frames,
huge frames, bytes outside frames, dawdling) stops the listener serving the others."""

from __future__ import annotations

import asyncio
import socket
import time
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from hl7.client import MLLPClient

from ketacare.core.enums import Vital
from ketacare.db.models import InboundMessage, Reading
from ketacare.services import live
from ketacare.services.monitor_simulator import oru_message
from ketacare.settings import Settings
from ketacare.web.app import create_app
from tests.factories import Clinic
from tests.services.monitoring import (
    alerts_of,
    count,
    fixture,
    listening,
    readings_of,
    set_limits,
    treatment_in_chair,
    unframed,
)
from tests.services.test_monitor_feed import AT, msa

HOST = "127.0.0.1"
READ_TIMEOUT_S = 1.0
MAX_FRAME_BYTES = 4096


@pytest.fixture
def small_limits(settings: Settings) -> Settings:
    """A short half-frame timeout and a small frame limit, so the tests run quickly."""
    return settings.model_copy(
        update={
            "mllp_read_timeout_seconds": READ_TIMEOUT_S,
            "mllp_max_frame_bytes": MAX_FRAME_BYTES,
        }
    )


def send(port: int, payload: bytes) -> tuple[str, str, str]:
    with MLLPClient(HOST, port) as client:
        return msa(unframed(client.send_message(payload)))


def spo2(control_id: str, value: int) -> bytes:
    return oru_message(
        control_id, AT, {Vital.SPO2_PERCENT: Decimal(value)}, point_of_care="CHAIR-03"
    )


def test_readings_sent_by_a_monitor_appear_on_the_treatment(sessions, settings, clinic: Clinic):
    chair = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-03")
    with listening(sessions, settings) as port, MLLPClient(HOST, port) as monitor:
        first = unframed(monitor.send_message(fixture("pcd01-v26-location-only.hl7")))
        second = unframed(monitor.send_message(spo2("NEXT-1", 97)))
    assert msa(first) == ("AA", "NW-000731", "")
    assert msa(second) == ("AA", "NEXT-1", "")
    assert len(readings_of(sessions, chair.treatment_id)) == 8


def test_an_spo2_of_85_raises_an_alert_a_subscribed_page_hears_within_a_second(
    sessions, settings, clinic: Clinic
):
    chair = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-03")
    set_limits(sessions, clinic, {"spo2_percent.act.low": "90"})  # the test's own limit
    broker = live.Broker()
    with listening(sessions, settings, broker) as port:

        async def hear() -> tuple[list[live.AlertEvent], float]:
            with broker.subscribe(chair.site_id) as subscription:
                sent = time.monotonic()
                await asyncio.to_thread(send, port, spo2("LOW-1", 85))
                events, _ = await subscription.next_batch(timeout_s=1)
                return events, time.monotonic() - sent

        events, waited_s = asyncio.run(hear())
    (alert,) = alerts_of(sessions, chair.treatment_id)
    assert events == [live.AlertEvent(alert.id, chair.site_id, "raised")]
    assert waited_s < 1


def test_an_unknown_patient_gets_ae_garbage_gets_ar_and_the_next_connection_is_served(
    sessions, settings, clinic: Clinic
):
    chair = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-03")
    with listening(sessions, settings) as port:
        unknown = send(port, fixture("v251-loinc-ucum.hl7"))
        garbage = send(port, b"\xff\xfe not HL7 at all")
        after = send(port, spo2("AFTER-1", 97))
    assert unknown == ("AE", "VH-99821", "unknown patient (PID-3)")
    assert garbage[0] == "AR"
    assert after == ("AA", "AFTER-1", "")
    assert len(readings_of(sessions, chair.treatment_id)) == 1
    assert count(sessions, InboundMessage) == 3


def test_a_half_frame_is_dropped_after_the_read_timeout_without_stalling_others(
    sessions, small_limits, clinic: Clinic
):
    treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-03")
    with listening(sessions, small_limits) as port:
        stalled = socket.create_connection((HOST, port))
        stalled.sendall(b"\x0b" + spo2("HALF-1", 97)[:60])  # and then nothing more
        started = time.monotonic()
        assert send(port, spo2("OTHER-1", 97))[0] == "AA"
        assert time.monotonic() - started < READ_TIMEOUT_S  # answered while the other waits
        stalled.settimeout(5)
        assert stalled.recv(100) == b""  # closed by the listener after the timeout
        assert time.monotonic() - started >= READ_TIMEOUT_S * 0.9
        stalled.close()
    assert count(sessions, InboundMessage) == 1  # the half frame was never a message


def test_a_frame_over_the_size_limit_gets_ar_and_the_connection_goes_on(
    sessions, small_limits, clinic: Clinic
):
    chair = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-03")
    huge = spo2("HUGE-1", 97) + b"NTE|1||" + b"x" * MAX_FRAME_BYTES + b"\r"
    with listening(sessions, small_limits) as port, MLLPClient(HOST, port) as monitor:
        refused = msa(unframed(monitor.send_message(huge)))
        after = msa(unframed(monitor.send_message(spo2("AFTER-2", 97))))
    assert refused == ("AR", "", f"message larger than {MAX_FRAME_BYTES} bytes")
    assert after == ("AA", "AFTER-2", "")
    assert len(readings_of(sessions, chair.treatment_id)) == 1


def test_bytes_outside_frames_are_dropped_and_a_frame_sent_a_byte_at_a_time_is_answered(
    sessions, settings, clinic: Clinic
):
    treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-03")
    framed = b"\x0b" + spo2("SLOW-1", 97) + b"\x1c\r"
    with listening(sessions, settings) as port, socket.create_connection((HOST, port)) as slow:
        slow.sendall(b"noise before the frame\r\n")
        for index in range(len(framed)):
            slow.sendall(framed[index : index + 1])
            if index % 100 == 0:
                assert send(port, spo2(f"FAST-{index}", 97))[0] == "AA"  # others go on
        slow.settimeout(5)
        assert msa(unframed(slow.recv(4096)))[:2] == ("AA", "SLOW-1")
    assert count(sessions, Reading) == 1 + len(range(0, len(framed), 100))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def test_the_app_listens_for_monitors_while_it_serves_and_its_pages_hear_the_alerts(
    sessions, settings, engine, clinic: Clinic
):
    chair = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-03")
    set_limits(sessions, clinic, {"spo2_percent.act.low": "90"})  # the test's own limit
    port = free_port()
    serving = settings.model_copy(update={"mode": "demo", "mllp_port": port})
    app = create_app(serving, engine)
    with TestClient(app):  # runs the lifespan: the listener is up while the app serves
        broker: live.Broker = app.state.broker

        async def hear() -> list[live.AlertEvent]:
            with broker.subscribe(chair.site_id) as subscription:
                await asyncio.to_thread(send, port, spo2("LOW-2", 85))
                events, _ = await subscription.next_batch(timeout_s=1)
                return events

        events = asyncio.run(hear())
    (alert,) = alerts_of(sessions, chair.treatment_id)
    assert events == [live.AlertEvent(alert.id, chair.site_id, "raised")]
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((HOST, port), timeout=2)  # and stops with it


def test_port_zero_or_test_mode_keeps_the_listener_off(settings):
    assert not settings.runs_mllp_listener  # test mode: tests start their own
    assert not settings.model_copy(update={"mode": "demo", "mllp_port": 0}).runs_mllp_listener
    assert settings.model_copy(update={"mode": "production"}).runs_mllp_listener
