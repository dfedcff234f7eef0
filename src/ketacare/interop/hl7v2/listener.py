"""The MLLP listener bedside monitors connect to: an asyncio server, one task per connection.

Each connection reads MLLP frames (``mllp.FrameDecoder``) and hands every complete payload to the
``handle`` coroutine it was given, which answers with the ACK to send back (the monitor feed in
``services``: this package never imports services). Messages on one connection are answered in
order, one at a time, as monitors expect.

Nothing one sender does reaches another connection: garbage between frames is dropped and
logged by size; a frame larger than ``max_frame_bytes`` is skipped and answered ``AR`` (through
``refuse`` when given, so the feed can log it); a connection that stops halfway through a frame
for ``read_timeout_s`` is closed; a handler that fails closes only its own connection, without an
ACK, so the monitor sends again. An idle connection between messages stays open (monitors keep
theirs open between readings). Logs name the peer and sizes only, never message content.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from ketacare.interop.hl7v2.ack import ack_for
from ketacare.interop.hl7v2.errors import Hl7ErrorCode
from ketacare.interop.hl7v2.mllp import Frame, FrameDecoder, Garbage, Oversize, frame

log = logging.getLogger("ketacare.mllp")

Handler = Callable[[bytes, str], Awaitable[bytes]]
Refuser = Callable[[str, str], Awaitable[bytes]]
READ_CHUNK_BYTES = 65_536
DEFAULT_MAX_FRAME_BYTES = 1_048_576
DEFAULT_READ_TIMEOUT_S = 30.0


class MllpListener:
    """``async with MllpListener(handle, port=0) as listener:`` serves until the block ends;
    ``listener.port`` is the port bound (useful with port 0)."""

    def __init__(
        self,
        handle: Handler,
        *,
        host: str = "127.0.0.1",
        port: int = 2575,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        read_timeout_s: float = DEFAULT_READ_TIMEOUT_S,
        refuse: Refuser | None = None,
    ) -> None:
        self._handle = handle
        self._refuse = refuse or _refuse_unlogged
        self.host, self._port = host, port
        self.max_frame_bytes = max_frame_bytes
        self.read_timeout_s = read_timeout_s
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        """The port listened on: the one bound once started (``port=0`` picks a free one)."""
        if self._server is None or not self._server.sockets:
            return self._port
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._connection, self.host, self._port)
        log.info("listening for HL7 v2 over MLLP on %s:%d", self.host, self.port)

    async def close(self) -> None:
        """Stop accepting, end every connection (an unanswered message gets no ACK and is sent
        again by its monitor), and wait until they are gone."""
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> MllpListener:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        peer = _peer(writer)
        try:
            await self._serve(reader, writer, peer)
        except (ConnectionError, asyncio.IncompleteReadError):
            log.info("connection from %s dropped", peer)
        except asyncio.CancelledError:
            pass  # the listener is closing
        except Exception:  # a bug must not reach the other connections
            log.exception("closed the connection from %s after an error", peer)
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str
    ) -> None:
        decoder = FrameDecoder(self.max_frame_bytes)
        while True:
            chunk = await self._read(reader, decoder, peer)
            if not chunk:
                return
            for event in decoder.feed(chunk):
                answer = await self._answer(event, peer)
                if answer is not None:
                    writer.write(frame(answer))
                    await writer.drain()

    async def _read(self, reader: asyncio.StreamReader, decoder: FrameDecoder, peer: str) -> bytes:
        """The next chunk; b"" at the end of the stream or when a half frame timed out."""
        if not decoder.in_frame:
            return await reader.read(READ_CHUNK_BYTES)
        try:
            return await asyncio.wait_for(reader.read(READ_CHUNK_BYTES), self.read_timeout_s)
        except TimeoutError:
            log.warning(
                "closed the connection from %s: half a frame for %.0f s", peer, self.read_timeout_s
            )
            return b""

    async def _answer(self, event: Frame | Garbage | Oversize, peer: str) -> bytes | None:
        if isinstance(event, Frame):
            return await self._handle(event.payload, peer)
        if isinstance(event, Oversize):
            reason = f"message larger than {event.limit_bytes} bytes"
            log.warning("refused a frame from %s: %s", peer, reason)
            return await self._refuse(reason, peer)
        log.warning("dropped %d bytes outside any frame from %s", event.size_bytes, peer)
        return None


async def _refuse_unlogged(reason: str, _peer: str) -> bytes:
    """An AR with no MSA-2: the refused message's header was never kept."""
    return ack_for(b"", "AR", reason, datetime.now(UTC), error=Hl7ErrorCode.DATA_TYPE_ERROR)


def _peer(writer: asyncio.StreamWriter) -> str:
    address = writer.get_extra_info("peername")
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return str(address or "unknown")
