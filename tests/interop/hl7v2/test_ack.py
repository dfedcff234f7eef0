"""ACKs answer the sender in its own HL7 version with sender and receiver swapped, echo its
control id, carry AE/AR reasons in MSA-3 and ERR escaped so python-hl7 reads them back intact,
and still go out when the inbound message could not be parsed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import hl7
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.interop.hl7v2 import (
    Hl7ErrorCode,
    ack_for,
    frame,
    hl7_timestamp,
    parse_oru,
    read_header,
)
from tests.interop.hl7v2.fixtures import SITE_ZONE, fixture

NOW = datetime(2026, 11, 2, 14, 30, 15, 125000, tzinfo=UTC)


def ack(*args: Any, **kwargs: Any) -> Any:
    """The ACK bytes as python-hl7 reads them."""
    raw = ack_for(*args, **kwargs)
    assert raw.endswith(b"\r")
    return hl7.parse(raw.decode())


def field(message: Any, segment: str, *path: int) -> str:
    return str(message.segment(segment).extract_field(*(1, *path)))


def test_an_aa_swaps_sender_and_receiver_and_echoes_the_control_id() -> None:
    inbound = parse_oru(fixture("v231-spot-check-plain-units.hl7"), SITE_ZONE)
    reply = ack(inbound, "AA", "", NOW, control_id="KC-1")
    assert [field(reply, "MSH", n) for n in (3, 4, 5, 6)] == [
        "KETACARE",
        "CLINIC",
        "SPOTVS",
        "ROOM2",
    ]
    assert [field(reply, "MSH", 9, 1, c) for c in (1, 2, 3)] == ["ACK", "R01", "ACK"]
    assert [field(reply, "MSH", n) for n in (7, 10, 11, 12)] == [
        "20261102143015.1250+0000",
        "KC-1",
        "P",
        "2.3.1",
    ]
    assert [field(reply, "MSA", n) for n in (1, 2, 3)] == ["AA", "SV-20261102-0042", ""]
    assert [str(s[0]) for s in reply] == ["MSH", "MSA"]


def test_a_sender_identified_by_eui64_gets_its_full_application_id_back() -> None:
    reply = ack(fixture("pcd01-v26-location-only.hl7"), "AA", "", NOW, control_id="KC-2")
    assert [field(reply, "MSH", 5, 1, c) for c in (1, 2, 3)] == [
        "NORTHWIND_GW",
        "0012A4FFFE3B9C10",
        "EUI-64",
    ]


def test_an_ae_in_v25_and_later_carries_the_reason_in_msa3_and_err() -> None:
    reason = "unknown patient MRN-000917 (PID-3) | check ^ the chart & the bed ~ then \\ retry soon"
    assert len(reason) > 80
    reply = ack(
        fixture("v251-loinc-ucum.hl7"),
        "AE",
        reason,
        NOW,
        error=Hl7ErrorCode.UNKNOWN_KEY_IDENTIFIER,
    )
    assert [field(reply, "MSA", n) for n in (1, 2)] == ["AE", "VH-99821"]
    assert field(reply, "MSA", 3) == reason[:77] + "..."
    assert [field(reply, "ERR", 3, 1, c) for c in (1, 2, 3)] == [
        "204",
        "Unknown key identifier",
        "HL70357",
    ]
    assert (field(reply, "ERR", 4), field(reply, "ERR", 8)) == ("E", reason)


def test_an_ae_before_v25_carries_the_code_and_reason_in_err1() -> None:
    reply = ack(fixture("v231-spot-check-plain-units.hl7"), "AE", "no treatment in progress", NOW)
    err = reply.segment("ERR")
    assert [str(err.extract_field(1, 1, 1, 4, s)) for s in (1, 2, 3)] == [
        "207",
        "no treatment in progress",
        "HL70357",
    ]


def test_garbage_gets_an_ar_with_an_empty_msa2_in_the_default_version() -> None:
    reply = ack(b"\x00\xffnot hl7 at all", "AR", "not an HL7 v2 message", NOW)
    assert [field(reply, "MSA", n) for n in (1, 2, 3)] == ["AR", "", "not an HL7 v2 message"]
    assert field(reply, "MSH", 12) == "2.6"
    assert field(reply, "ERR", 3) == "102"


def test_a_message_with_broken_encoding_characters_still_gets_its_control_id_echoed() -> None:
    raw = b"MSH|^^\\&|MON|WARD|||20261102||ORU^R01|CTL-9|P|2.4\rOBX|1\r"
    reply = ack(raw, "AR", "bad encoding characters", NOW, error=Hl7ErrorCode.DATA_TYPE_ERROR)
    assert (field(reply, "MSA", 2), field(reply, "MSH", 5), field(reply, "MSH", 12)) == (
        "CTL-9",
        "MON",
        "2.4",
    )


def test_a_rejected_message_type_is_answered_with_its_own_trigger_event() -> None:
    raw = b"MSH|^~\\&|LAB|HOSP|KC|CLINIC|20261102||ADT^A01|77|T|2.5\r"
    reply = ack(
        read_header(raw), "AR", "only ORU^R01", NOW, error=Hl7ErrorCode.UNSUPPORTED_MESSAGE_TYPE
    )
    assert [field(reply, "MSH", 9, 1, 2), field(reply, "MSH", 11), field(reply, "ERR", 3)] == [
        "A01",
        "T",
        "200",
    ]


def test_every_ack_gets_a_fresh_control_id_unless_one_is_given() -> None:
    first, second = (ack(b"", "AR", "empty", NOW) for _ in range(2))
    ids = {field(first, "MSH", 10), field(second, "MSH", 10)}
    assert len(ids) == 2
    assert all(len(i) == 20 for i in ids)


def test_ack_times_are_written_in_utc_and_must_be_aware() -> None:
    assert (
        hl7_timestamp(NOW.astimezone(timezone(timedelta(hours=-5)))) == "20261102143015.1250+0000"
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        hl7_timestamp(datetime(2026, 11, 2))  # noqa: DTZ001


@given(st.text(st.characters(blacklist_categories=["Cs"]) | st.sampled_from("|^~\\&\r\n\x0b\x1c")))
def test_any_reason_survives_escaping_and_reads_back_in_msa3_and_err8(reason: str) -> None:
    raw = ack_for(fixture("v251-loinc-ucum.hl7"), "AE", reason, NOW, control_id="KC-3")
    assert frame(raw)  # no byte in it can break the MLLP framing
    reply = hl7.parse(raw.decode())
    expected = "".join(" " if ord(c) < 32 or c == "\x7f" else c for c in reason).strip()
    assert field(reply, "ERR", 8) == expected
    assert field(reply, "MSA", 3) == (expected if len(expected) <= 80 else expected[:77] + "...")
    assert field(reply, "MSA", 2) == "VH-99821"
    assert field(reply, "MSA", 2) == "VH-99821"
