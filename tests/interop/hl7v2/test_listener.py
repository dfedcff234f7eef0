"""The MLLP listener on real loopback sockets, with a handler that answers every frame: frames
answered in order per connection, connections isolated from each other (a stalled handler, a half
frame, a huge frame, garbage, a failing handler), and logs that never carry message content."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import pytest

from ketacare.interop.hl7v2.listener import MllpListener
from ketacare.interop.hl7v2.mllp import Frame, FrameDecoder, frame

Scenario = Callable[[MllpListener], Awaitable[None]]
SECRET = b"PID|||MRN-SECRET||DOE^JANE"


async def echo(payload: bytes, peer: str) -> bytes:
    """Answers each frame with its own text, reversed, so the tests see which frame it was."""
    if payload == b"boom":
        raise RuntimeError("the handler failed")
    return b"ACK " + payload[::-1]


def serve(scenario: Scenario, handle=echo, **options: object) -> None:  # type: ignore[no-untyped-def]
    async def main() -> None:
        async with MllpListener(handle, port=0, **options) as listener:  # type: ignore[arg-type]
            await asyncio.wait_for(scenario(listener), timeout=20)

    asyncio.run(main())


class Monitor:
    """One client connection that reads the listener's answers frame by frame."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.decoder = FrameDecoder(65_536)
        self.waiting: list[bytes] = []

    def send(self, data: bytes) -> None:
        self.writer.write(data)

    async def answer(self) -> bytes:
        """The payload of the next frame the listener sends (b"" when it closed instead)."""
        while not self.waiting:
            chunk = await self.reader.read(65_536)
            if not chunk:
                return b""
            self.waiting += [e.payload for e in self.decoder.feed(chunk) if isinstance(e, Frame)]
        return self.waiting.pop(0)

    def close(self) -> None:
        self.writer.close()


async def connect(listener: MllpListener) -> Monitor:
    return Monitor(*await asyncio.open_connection("127.0.0.1", listener.port))


async def ask(listener: MllpListener, payload: bytes) -> bytes:
    monitor = await connect(listener)
    monitor.send(frame(payload))
    got = await monitor.answer()
    monitor.close()
    return got


def test_port_zero_binds_a_free_port_and_frames_are_answered_in_order():
    async def scenario(listener: MllpListener) -> None:
        assert listener.port > 0
        monitor = await connect(listener)
        monitor.send(frame(b"one") + frame(b"two"))  # two frames in one write
        assert await monitor.answer() == b"ACK eno"
        assert await monitor.answer() == b"ACK owt"
        monitor.close()

    serve(scenario)


def test_a_handler_that_waits_on_one_connection_does_not_hold_up_another():
    release = asyncio.Event()

    async def slow_for_some(payload: bytes, peer: str) -> bytes:
        if payload == b"slow":
            await release.wait()
        return await echo(payload, peer)

    async def scenario(listener: MllpListener) -> None:
        slow = await connect(listener)
        slow.send(frame(b"slow"))
        assert await ask(listener, b"fast") == b"ACK tsaf"
        release.set()
        assert await slow.answer() == b"ACK wols"
        slow.close()

    serve(scenario, slow_for_some)


def test_a_half_frame_is_closed_after_the_read_timeout_but_an_idle_connection_stays_open():
    async def scenario(listener: MllpListener) -> None:
        half = await connect(listener)
        idle = await connect(listener)
        half.send(b"\x0bMSH|^~\\&|half")
        assert await asyncio.wait_for(half.answer(), timeout=5) == b""  # closed
        await asyncio.sleep(0.3)  # longer than the timeout, with nothing half sent
        idle.send(frame(b"still here"))
        assert await idle.answer() == b"ACK ereh llits"
        half.close()
        idle.close()

    serve(scenario, read_timeout_s=0.2)


def test_a_frame_over_the_limit_is_refused_through_the_hook_and_the_connection_goes_on():
    refused: list[tuple[str, str]] = []

    async def refuse(reason: str, peer: str) -> bytes:
        refused.append((reason, peer))
        return b"AR " + reason.encode()

    async def scenario(listener: MllpListener) -> None:
        monitor = await connect(listener)
        monitor.send(frame(b"x" * 5000) + frame(b"small"))
        assert await monitor.answer() == b"AR message larger than 4096 bytes"
        assert await monitor.answer() == b"ACK llams"
        monitor.close()

    serve(scenario, max_frame_bytes=4096, refuse=refuse)
    ((reason, peer),) = refused
    assert reason == "message larger than 4096 bytes"
    assert peer.startswith("127.0.0.1:")


def test_without_a_hook_a_frame_over_the_limit_gets_an_ar_all_the_same():
    async def scenario(listener: MllpListener) -> None:
        got = await ask(listener, b"y" * 5000)
        assert b"\rMSA|AR||message larger than 4096 bytes\r" in got

    serve(scenario, max_frame_bytes=4096)


def test_bytes_outside_frames_are_dropped_and_logged_by_size_only(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG, logger="ketacare.mllp")

    async def scenario(listener: MllpListener) -> None:
        monitor = await connect(listener)
        monitor.send(SECRET + frame(b"after"))
        assert await monitor.answer() == b"ACK retfa"
        monitor.close()

    serve(scenario)
    assert f"dropped {len(SECRET)} bytes outside any frame" in caplog.text
    assert "SECRET" not in caplog.text
    assert "DOE" not in caplog.text


def test_a_failing_handler_closes_its_own_connection_only(caplog: pytest.LogCaptureFixture):
    async def scenario(listener: MllpListener) -> None:
        failing = await connect(listener)
        failing.send(frame(b"boom"))
        assert await failing.answer() == b""  # closed without an ACK: the monitor sends again
        assert await ask(listener, b"next") == b"ACK txen"
        failing.close()

    serve(scenario)
    assert "closed the connection from 127.0.0.1:" in caplog.text


def test_closing_the_listener_ends_open_connections_and_refuses_new_ones():
    async def main() -> None:
        listener = MllpListener(echo, port=0)
        await listener.start()
        port = listener.port
        monitor = await connect(listener)
        monitor.send(b"\x0bhalf a fra")
        await asyncio.sleep(0.05)
        await asyncio.wait_for(listener.close(), timeout=5)
        assert await asyncio.wait_for(monitor.answer(), timeout=5) == b""
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection("127.0.0.1", port)
        monitor.close()

    asyncio.run(main())
