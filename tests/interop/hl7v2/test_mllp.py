"""MLLP framing: frames come out whole however the bytes are cut, garbage and oversized frames
are reported and skipped, and no input, however hostile, makes the decoder raise."""

from __future__ import annotations

from itertools import pairwise

import hl7.client
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.interop.hl7v2 import Frame, FrameDecoder, Garbage, Hl7Error, Oversize, frame
from ketacare.interop.hl7v2.mllp import Event
from tests.interop.hl7v2.fixtures import NAMES, fixture

PAYLOADS = [fixture(name) for name in NAMES]
STREAM = b"".join(frame(p) for p in PAYLOADS)


def decode(*chunks: bytes, max_frame_bytes: int = 10_000) -> list[Event]:
    decoder = FrameDecoder(max_frame_bytes)
    return [event for chunk in chunks for event in decoder.feed(chunk)]


def test_frame_wraps_a_payload_as_python_hl7s_client_does() -> None:
    payload = PAYLOADS[0]
    assert frame(payload) == hl7.client.SB + payload + hl7.client.EB + hl7.client.CR


@pytest.mark.parametrize("marker", [b"\x0b", b"\x1c"])
def test_frame_refuses_a_payload_that_would_break_the_framing(marker: bytes) -> None:
    with pytest.raises(Hl7Error, match="0x0B or 0x1C"):
        frame(b"MSH|" + marker)


def test_several_frames_in_one_chunk_come_out_in_order() -> None:
    assert decode(STREAM) == [Frame(p) for p in PAYLOADS]


def test_a_stream_cut_at_every_byte_position_gives_the_same_frames() -> None:
    for cut in range(len(STREAM) + 1):
        assert decode(STREAM[:cut], STREAM[cut:]) == [Frame(p) for p in PAYLOADS], cut


def test_a_stream_fed_one_byte_at_a_time_gives_the_same_frames() -> None:
    assert decode(*(bytes([b]) for b in STREAM)) == [Frame(p) for p in PAYLOADS]


def test_bytes_outside_frames_are_reported_as_garbage_with_a_sample() -> None:
    noise = b"GET / HTTP/1.1\r\n" * 10
    events = decode(noise + frame(b"MSH|one") + b"\r\n" + frame(b"MSH|two"))
    assert events == [
        Garbage(len(noise), noise[:64]),
        Frame(b"MSH|one"),
        Garbage(2, b"\r\n"),
        Frame(b"MSH|two"),
    ]


def test_a_frame_start_inside_a_frame_abandons_the_half_frame_as_garbage() -> None:
    events = decode(b"\x0bMSH|half" + frame(b"MSH|whole"))
    assert events == [Garbage(9, b"\x0bMSH|half"), Frame(b"MSH|whole")]


def test_a_frame_over_the_limit_is_reported_once_and_skipped_to_its_end() -> None:
    events = decode(frame(b"x" * 101), frame(b"y" * 100), max_frame_bytes=100)
    assert events == [Oversize(100), Frame(b"y" * 100)]


def test_an_oversized_frame_is_reported_as_soon_as_it_passes_the_limit() -> None:
    decoder = FrameDecoder(100)
    assert decoder.feed(b"\x0b" + b"x" * 60) == []
    assert decoder.feed(b"x" * 60) == [Oversize(100)]
    assert decoder.feed(b"x" * 10_000) == []
    assert decoder.in_frame
    assert decoder.feed(b"\x1c\r" + frame(b"ok")) == [Frame(b"ok")]
    assert not decoder.in_frame


def test_an_end_block_split_from_its_carriage_return_still_ends_the_frame() -> None:
    decoder = FrameDecoder(100)
    assert decoder.feed(b"\x0bMSH|a\x1c") == []
    assert decoder.in_frame
    assert decoder.feed(b"\r") == [Frame(b"MSH|a")]
    assert decoder.feed(b"\x0bMSH|b\x1c") == []
    assert decoder.feed(b"\x0bMSH|c\x1c\r") == [Frame(b"MSH|b"), Frame(b"MSH|c")]


def test_an_end_block_without_its_carriage_return_ends_the_frame_too() -> None:
    assert decode(b"\x0bMSH|a\x1c\x0bMSH|b\x1cjunk") == [
        Frame(b"MSH|a"),
        Frame(b"MSH|b"),
        Garbage(4, b"junk"),
    ]


def test_an_empty_chunk_changes_nothing() -> None:
    assert decode(b"\x0bMSH", b"", b"|a\x1c", b"", b"\r") == [Frame(b"MSH|a")]


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        FrameDecoder(0)


HOSTILE = st.binary(max_size=400) | st.lists(
    st.sampled_from([b"\x0b", b"\x1c", b"\r", b"\x1c\r", b"MSH|", b"x" * 50]), max_size=40
).map(b"".join)


def _summary(events: list[Event]) -> tuple[list[Event], int]:
    """Frames and oversize reports in order, and the total garbage (which chunking may split)."""
    kept = [e for e in events if not isinstance(e, Garbage)]
    return kept, sum(e.size_bytes for e in events if isinstance(e, Garbage))


@given(HOSTILE, st.lists(st.integers(0, 400), max_size=8))
def test_any_bytes_cut_anywhere_decode_the_same_and_never_raise(
    data: bytes, cuts: list[int]
) -> None:
    points = [0, *sorted(c for c in cuts if c <= len(data)), len(data)]
    chunks = [data[a:b] for a, b in pairwise(points)]
    whole, pieces = decode(data, max_frame_bytes=120), decode(*chunks, max_frame_bytes=120)
    assert _summary(pieces) == _summary(whole)
    for event in whole:
        if isinstance(event, Frame):
            assert len(event.payload) <= 120
            assert b"\x0b" not in event.payload
            assert b"\x1c" not in event.payload


@given(st.lists(st.binary(max_size=200).filter(lambda b: b"\x0b" not in b and b"\x1c" not in b)))
def test_framed_payloads_always_come_back_exactly(payloads: list[bytes]) -> None:
    assert decode(b"".join(frame(p) for p in payloads)) == [Frame(p) for p in payloads]
