"""The focused ORU^R01 parser reads each fixture's header, patient keys, groups and rows, times
converted to UTC, and refuses what it cannot use with a reason naming the field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ketacare.interop.hl7v2 import (
    Coded,
    EntityId,
    Hl7ErrorCode,
    MessageRejected,
    PatientId,
    parse_oru,
    read_header,
)
from tests.interop.hl7v2.fixtures import SITE_ZONE, fixture

PCD01 = "pcd01-v26-location-only.hl7"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "control_id", "version", "sent_at", "mrn", "bed"),
    [
        (PCD01, "NW-000731", "2.6", utc(2026, 11, 2, 8, 30, 15, 125000), None, "CHAIR-03"),
        ("v24-device-rows-and-sentinels.hl7", "4471", "2.4", utc(2026, 11, 2, 15, 15), None,
         "CHAIR-07"),
        ("v231-spot-check-plain-units.hl7", "SV-20261102-0042", "2.3.1",
         utc(2026, 11, 2, 16, 12, 4), "MRN-004218", "CHAIR-01"),
        ("v251-loinc-ucum.hl7", "VH-99821", "2.5.1", utc(2026, 11, 2, 17), "MRN-000917",
         "CHAIR-02"),
        ("escapes-repetitions-two-obr.hl7", "NW-000900", "2.6", utc(2026, 11, 2, 13),
         "MRN-000055", "CHAIR-05"),
    ],
)  # fmt: skip
def test_each_fixture_gives_its_control_id_version_time_patient_and_chair(
    name: str, control_id: str, version: str, sent_at: datetime, mrn: str | None, bed: str
) -> None:
    message = parse_oru(fixture(name), SITE_ZONE)
    assert (message.control_id, message.header.version, message.sent_at) == (
        control_id,
        version,
        sent_at,
    )
    assert (message.mrn, message.location_bed) == (mrn, bed)


def test_a_pcd01_gateway_message_gives_its_sender_location_and_device_rows() -> None:
    message = parse_oru(fixture(PCD01), SITE_ZONE)
    sender = message.header.sending_application
    assert (sender.namespace_id, sender.universal_id, sender.universal_id_type) == (
        "NORTHWIND_GW",
        "0012A4FFFE3B9C10",
        "EUI-64",
    )
    assert message.patient_ids == ()
    assert message.location == (
        "INF",
        "",
        "CHAIR-03",
        "MAINSITE",
        "",
        "",
        "",
        "",
        "0012A4FFFE3B9C10",
    )
    first, *_, nibp_mean = message.observations
    assert first.identifier == Coded("150456", "MDC_PULS_OXIM_SAT_O2", "MDC")
    assert (first.sub_id, first.value, first.units.code, first.status) == (
        "1.3.1.150456",
        "96",
        "262688",
        "R",
    )
    assert first.equipment == (EntityId("0012A4FFFE3B9C11", "", "0012A4FFFE3B9C11", "EUI-64"),)
    # The aperiodic cuff pressure carries its own time: 09:29 at +0100.
    assert nibp_mean.observed_at == utc(2026, 11, 2, 8, 29)
    assert [o.set_id for o in message.observations] == [str(n) for n in range(1, 8)]


def test_escapes_are_decoded_in_names_and_ids_and_every_pid3_id_is_kept() -> None:
    message = parse_oru(fixture("escapes-repetitions-two-obr.hl7"), SITE_ZONE)
    assert message.patient_ids == (
        PatientId("MRN-000055", "CLINIC", "MR"),
        PatientId("A&B-77", "OTHER", "PI"),
    )
    assert message.patient_name[:2] == ("SMITH^JONES", "MARY|ANN")


def test_rows_take_their_own_group_time_when_obx14_is_empty() -> None:
    raw = fixture("escapes-repetitions-two-obr.hl7").replace(b"|20261102125800+0000|||", b"||||")
    message = parse_oru(raw, SITE_ZONE)
    assert [r.observed_at for r in message.requests] == [
        utc(2026, 11, 2, 13),
        utc(2026, 11, 2, 12, 58),
    ]
    assert [(o.set_id, o.request, o.observed_at) for o in message.observations] == [
        ("1", 0, utc(2026, 11, 2, 13)),
        ("2", 0, utc(2026, 11, 2, 13)),
        ("3", 1, utc(2026, 11, 2, 12, 58)),
        ("4", 1, utc(2026, 11, 2, 12, 58)),
        ("5", 1, utc(2026, 11, 2, 12, 58)),
    ]


def test_rows_with_neither_obx14_nor_obr7_take_the_message_time() -> None:
    raw = (
        b"MSH|^~\\&|MON||||20261102101500+0200||ORU^R01|7|P|2.5\r"
        b"OBX|1|NM|150456^^MDC||97|%|||||F\r"
        b"OBR|1||||||\r"
        b"OBX|2|NM|150456^^MDC||96|%|||||F\r"
    )
    message = parse_oru(raw, SITE_ZONE)
    assert [(o.request, o.observed_at) for o in message.observations] == [
        (None, utc(2026, 11, 2, 8, 15)),
        (0, utc(2026, 11, 2, 8, 15)),
    ]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_segments_ending_in_lf_or_crlf_parse_like_cr(newline: bytes) -> None:
    raw = fixture("v251-loinc-ucum.hl7")
    assert parse_oru(raw.replace(b"\r", newline), SITE_ZONE) == parse_oru(raw, SITE_ZONE)


def test_custom_encoding_characters_declared_in_msh2_are_honoured() -> None:
    raw = (
        "MSH#$*@%#MON#FAC###20261102101500+0000##ORU$R01#42#P#2.5\r"
        "PID###MRN-1$$$CLINIC$MR*MRN-2$$$OTHER$PI##O@S@NEIL$ANN\r"
        "PV1##O#INF$$CHAIR-09\r"
        "OBX#1#NM#150456$SAT@T@ O2$MDC##97#%#####F\r"
    )
    message = parse_oru(raw, SITE_ZONE)
    assert message.header.message_code == "ORU"
    assert [p.id for p in message.patient_ids] == ["MRN-1", "MRN-2"]
    assert message.patient_name[:2] == ("O$NEIL", "ANN")
    assert message.location_bed == "CHAIR-09"
    assert message.observations[0].identifier == Coded("150456", "SAT% O2", "MDC")


def test_segments_other_than_msh_pid_pv1_obr_obx_are_skipped() -> None:
    raw = fixture("v251-loinc-ucum.hl7") + b"NTE|1||free text with | anything\rZXT|1|x\r"
    assert len(parse_oru(raw, SITE_ZONE).observations) == 5


@pytest.mark.parametrize(
    ("raw", "reason", "code"),
    [
        (b"", "has no MSH segment", Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR),
        (b"hello there", "has no MSH segment", Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR),
        (b"PID|1\rMSH|^~\\&|", "does not begin with an MSH", Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR),
        (b"MSH|^~|A", "encoding characters", Hl7ErrorCode.DATA_TYPE_ERROR),
        (b"MSH|^^\\&|A", "encoding characters", Hl7ErrorCode.DATA_TYPE_ERROR),
        (b"MSHA^~\\&A", "encoding characters", Hl7ErrorCode.DATA_TYPE_ERROR),
        (b"MSH", "encoding characters", Hl7ErrorCode.DATA_TYPE_ERROR),
        (b"MSH|^~\\&|A||||20261102||ADT^A01|1|P|2.5\r", "not ADT^A01",
         Hl7ErrorCode.UNSUPPORTED_MESSAGE_TYPE),
        (b"MSH|^~\\&|A||||20261102|||1|P|2.5\r", "not none", Hl7ErrorCode.UNSUPPORTED_MESSAGE_TYPE),
        (b"MSH|^~\\&|A||||||ORU^R01|1|P|2.5\r", "MSH-7", Hl7ErrorCode.REQUIRED_FIELD_MISSING),
        (b"MSH|^~\\&|A||||2026-11-02||ORU^R01|1|P|2.5\r", "MSH-7 is not an HL7",
         Hl7ErrorCode.DATA_TYPE_ERROR),
        (b"MSH|^~\\&|A||||20261102||ORU^R01|1|P|2.5\rOBX|1|NM|1||2||||||F|||202613\r",
         "OBX-14 of OBX 1", Hl7ErrorCode.DATA_TYPE_ERROR),
        (b"MSH|^~\\&|A||||20261102||ORU^R01|1|P|2.5\rOBR|1||||||2026110\r", "OBR-7 of OBR 1",
         Hl7ErrorCode.DATA_TYPE_ERROR),
        (b"MSH|^~\\&|A||||20261102||ORU^R01|1|P|2.5\rPID|||A\rPID|||B\r", "more than one patient",
         Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR),
    ],
)  # fmt: skip
def test_unusable_messages_are_rejected_with_a_reason_and_an_hl7_error_code(
    raw: bytes, reason: str, code: Hl7ErrorCode
) -> None:
    with pytest.raises(MessageRejected, match=reason.replace("^", r"\^")) as caught:
        parse_oru(raw, SITE_ZONE)
    assert caught.value.code is code


def test_a_header_of_any_message_type_can_be_read_for_an_ack() -> None:
    header = read_header(b"MSH|^~\\&|LAB|HOSP|KC|CLINIC|20261102||ADT^A01|77|T|2.4\rPID|||1\r")
    assert (header.message_code, header.trigger_event, header.control_id) == ("ADT", "A01", "77")
    assert (header.processing_id, header.sending_facility.namespace_id) == ("T", "HOSP")


def test_bytes_that_are_not_utf8_are_read_as_latin1() -> None:
    raw = b"MSH|^~\\&|A||||20261102||ORU^R01|1|P|2.5\rPID|||M1||M\xfcller^J\r"
    assert parse_oru(raw, SITE_ZONE).patient_name[0] == "Müller"
