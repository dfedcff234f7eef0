"""The ingest pieces together over a real TCP socket, with python-hl7's MLLP client as the
monitor: a tiny threaded server decodes frames, parses, maps and answers AA, AE or AR."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import hl7
import pytest
from hl7.client import MLLPClient

from ketacare.interop.hl7v2 import (
    Frame,
    FrameDecoder,
    MessageRejected,
    ack_for,
    frame,
    parse_oru,
    readings_of,
)
from tests.interop.hl7v2.fixtures import NAMES, SITE_ZONE, fixture


def answer(payload: bytes) -> bytes:
    now = datetime.now(UTC)
    try:
        message = parse_oru(payload, SITE_ZONE)
    except MessageRejected as rejected:
        return ack_for(payload, "AR", str(rejected), now, error=rejected.code)
    problems = readings_of(message).problems
    return ack_for(message, "AE" if problems else "AA", "; ".join(problems), now)


class Monitors(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        decoder = FrameDecoder(64 * 1024)
        while data := self.request.recv(4096):
            for event in decoder.feed(data):
                if isinstance(event, Frame):
                    self.request.sendall(frame(answer(event.payload)))


@pytest.fixture
def port() -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Monitors)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join()


def send(port: int, payload: bytes) -> hl7.Message:
    with MLLPClient("127.0.0.1", port) as client:
        reply = client.send_message(payload)
    assert reply.startswith(b"\x0b")
    assert reply.endswith(b"\x1c\r")
    return hl7.parse(reply[1:-2].decode())


def codes(reply: hl7.Message) -> list[str]:
    msa = reply.segment("MSA")
    return [str(msa.extract_field(1, n)) for n in (1, 2, 3)]


@pytest.mark.parametrize("name", NAMES)
def test_every_fixture_is_accepted_with_aa(port: int, name: str) -> None:
    control_id = parse_oru(fixture(name), SITE_ZONE).control_id
    assert codes(send(port, fixture(name))) == ["AA", control_id, ""]


def test_an_unknown_code_gets_ae_naming_it(port: int) -> None:
    raw = fixture("v251-loinc-ucum.hl7").replace(b"9279-1^Respiratory rate", b"12345-6^Mystery")
    assert codes(send(port, raw)) == ["AE", "VH-99821", "unknown code 12345-6^Mystery^LN (OBX 5)"]


def test_garbage_gets_ar_and_the_next_connection_is_still_served(port: int) -> None:
    assert codes(send(port, b"\x00\x01 definitely not HL7")) == [
        "AR",
        "",
        "not an HL7 v2 message: it has no MSH segment",
    ]
    raw = fixture("pcd01-v26-location-only.hl7")
    assert codes(send(port, raw)) == ["AA", "NW-000731", ""]
