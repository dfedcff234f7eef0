"""MLLP framing (HL7 v2 Minimal Lower Layer Protocol): ``0x0B`` payload ``0x1C 0x0D``.

Pure, no sockets: the listener feeds whatever bytes arrive and gets back complete frames and
reports of what was thrown away. Nothing a sender does makes the decoder raise or hold more
than ``max_frame_bytes``: bytes outside a frame come back as ``Garbage``, a frame cut short by a
new start byte comes back as ``Garbage`` too, and a frame that grows past the limit is reported
once as ``Oversize`` and skipped to its end. A lone ``0x1C`` followed by anything but ``0x0D`` also
ends a frame (some senders omit the CR); ``0x1C`` never occurs inside HL7 text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, auto

from ketacare.interop.hl7v2.errors import Hl7Error

START_BLOCK = b"\x0b"
END_BLOCK = b"\x1c"
CARRIAGE_RETURN = b"\x0d"
GARBAGE_SAMPLE_BYTES = 64
_MARKER = re.compile(b"[\x0b\x1c]")


@dataclass(frozen=True, slots=True)
class Frame:
    """One complete message, without its framing bytes."""

    payload: bytes


@dataclass(frozen=True, slots=True)
class Garbage:
    """Bytes that belong to no complete frame: how many, and the first few for the log."""

    size_bytes: int
    sample: bytes


@dataclass(frozen=True, slots=True)
class Oversize:
    """A frame passed ``limit_bytes``; its bytes are dropped up to its end block."""

    limit_bytes: int


Event = Frame | Garbage | Oversize


def frame(payload: bytes) -> bytes:
    """``payload`` wrapped for sending; refuses a payload that would break the framing."""
    if START_BLOCK in payload or END_BLOCK in payload:
        raise Hl7Error("an MLLP payload cannot contain the bytes 0x0B or 0x1C")
    return START_BLOCK + payload + END_BLOCK + CARRIAGE_RETURN


class _State(Enum):
    OUTSIDE = auto()
    INSIDE = auto()
    SKIPPING = auto()


class FrameDecoder:
    """Incremental decoder for one connection; ``feed`` it each chunk read from the socket."""

    def __init__(self, max_frame_bytes: int) -> None:
        if max_frame_bytes < 1:
            raise ValueError("max_frame_bytes must be positive")
        self.max_frame_bytes = max_frame_bytes
        self._state = _State.OUTSIDE
        self._buffer = bytearray()
        self._end_pending = False  # the last byte fed was 0x1C; is 0x0D next?

    @property
    def in_frame(self) -> bool:
        """A frame has started and not ended: the listener's half-frame timeout applies."""
        return self._state is not _State.OUTSIDE

    def feed(self, data: bytes) -> list[Event]:
        """Everything ``data`` completes, in order."""
        events: list[Event] = []
        position = 0
        if self._end_pending and data:
            self._end_pending = False
            position = 1 if data[:1] == CARRIAGE_RETURN else 0
            self._finish(events)
        while position < len(data):
            if self._state is _State.OUTSIDE:
                position = self._outside(data, position, events)
            else:
                position = self._inside(data, position, events)
        return events

    def _outside(self, data: bytes, position: int, events: list[Event]) -> int:
        start = data.find(START_BLOCK, position)
        end = len(data) if start < 0 else start
        if end > position:
            events.append(_garbage(data[position:end]))
        if start >= 0:
            self._state, self._buffer = _State.INSIDE, bytearray()
        return end + 1

    def _inside(self, data: bytes, position: int, events: list[Event]) -> int:
        marker = _MARKER.search(data, position)
        stop = len(data) if marker is None else marker.start()
        self._keep(data[position:stop], events)
        if marker is None:
            return stop
        if data[stop : stop + 1] == START_BLOCK:
            if self._state is _State.INSIDE:
                events.append(_garbage(START_BLOCK + self._buffer))
            self._state, self._buffer = _State.INSIDE, bytearray()
            return stop + 1
        if stop + 1 == len(data):
            self._end_pending = True
            return stop + 1
        self._finish(events)
        return stop + 2 if data[stop + 1 : stop + 2] == CARRIAGE_RETURN else stop + 1

    def _keep(self, chunk: bytes, events: list[Event]) -> None:
        if self._state is _State.SKIPPING:
            return
        if len(self._buffer) + len(chunk) > self.max_frame_bytes:
            events.append(Oversize(self.max_frame_bytes))
            self._state, self._buffer = _State.SKIPPING, bytearray()
            return
        self._buffer += chunk

    def _finish(self, events: list[Event]) -> None:
        if self._state is _State.INSIDE:
            events.append(Frame(bytes(self._buffer)))
        self._state, self._buffer = _State.OUTSIDE, bytearray()


def _garbage(data: bytes | bytearray) -> Garbage:
    return Garbage(len(data), bytes(data[:GARBAGE_SAMPLE_BYTES]))
