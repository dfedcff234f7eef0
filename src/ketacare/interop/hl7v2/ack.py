"""Original-mode acknowledgements (HL7 v2.5 chapter 2): ACK^R01 with MSH, MSA and, for AE/AR, ERR.

``AA``: the message was stored; ``AE``: it was read but cannot be used (unknown patient, no
treatment in progress, unknown code), ``AR``: it could not be read at all. The ACK is written with
the standard delimiters ``|^~\\&`` whatever the inbound message used, in the inbound's HL7 version
so older monitors can read it; everything copied into it is escaped.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from ketacare.interop.hl7v2.encoding import CONTROL_CHARS, Encoding
from ketacare.interop.hl7v2.errors import Hl7ErrorCode, MessageRejected
from ketacare.interop.hl7v2.parse import Header, HierarchicDesignator, OruMessage, read_header

AckCode = Literal["AA", "AE", "AR"]
STANDARD = Encoding()
DEFAULT_VERSION = "2.6"  # when the inbound header could not be read: IHE PCD-01's version
MSA3_MAX_CHARS = 80  # MSA-3 is ST of length 80 up to v2.6
DEFAULT_ERRORS: dict[AckCode, Hl7ErrorCode] = {
    "AE": Hl7ErrorCode.APPLICATION_INTERNAL_ERROR,
    "AR": Hl7ErrorCode.DATA_TYPE_ERROR,
}
_NOBODY = HierarchicDesignator("")
_UNKNOWN_SENDER = Header(_NOBODY, _NOBODY, _NOBODY, _NOBODY, "", "", "", "", "")


def ack_for(
    inbound: bytes | str | OruMessage | Header,
    code: AckCode,
    text: str,
    now: datetime,
    *,
    error: Hl7ErrorCode | None = None,
    control_id: str | None = None,
) -> bytes:
    """The UTF-8 ACK (CR-terminated segments, not yet MLLP-framed) answering ``inbound``.

    Raw bytes that cannot be parsed still get an answer: their MSH is read as far as it goes,
    and with no usable MSH at all the ACK goes out with an empty MSA-2. ``text`` is the plain
    reason for AE/AR (MSA-3, cut to 80 characters, and ERR in full); ``error`` is the table 0357
    code (default 207 for AE, 102 for AR); ``control_id`` defaults to a fresh random one."""
    header, reason = _header_of(inbound), CONTROL_CHARS.sub(" ", text).strip()
    segments = [
        _msh(header, now, control_id or uuid.uuid4().hex[:20]),
        _join(
            "MSA",
            code,
            STANDARD.escaped(header.control_id),
            STANDARD.escaped(_short(reason)) if code != "AA" else "",
        ),
    ]
    if code != "AA":
        segments.append(_err(header.version, error or DEFAULT_ERRORS[code], reason))
    return ("\r".join(segments) + "\r").encode("utf-8")


def _header_of(inbound: bytes | str | OruMessage | Header) -> Header:
    if isinstance(inbound, OruMessage):
        return inbound.header
    if isinstance(inbound, Header):
        return inbound
    try:
        return read_header(inbound)
    except MessageRejected:
        return _loose_header(inbound)


def _loose_header(raw: bytes | str) -> Header:
    """MSH split on whatever its fourth character is, without components or unescaping: for a
    message whose encoding characters are unusable, enough to echo its control id."""
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    line = text.lstrip("\ufeff\r\n \t").replace("\n", "\r").split("\r", 1)[0]
    if not line.startswith("MSH") or len(line) < 4:
        return _UNKNOWN_SENDER
    fields = [*line.split(line[3]), *[""] * 12]
    send_app, send_facility, receive_app, receive_facility = (
        HierarchicDesignator(fields[n]) for n in (2, 3, 4, 5)
    )
    return Header(send_app, send_facility, receive_app, receive_facility, "", "", *fields[9:12])


def _msh(header: Header, now: datetime, control_id: str) -> str:
    """Sender and receiver swapped; same trigger event, processing id and version."""
    return "|".join(
        (
            "MSH",
            "^~\\&",
            _hd(header.receiving_application),
            _hd(header.receiving_facility),
            _hd(header.sending_application),
            _hd(header.sending_facility),
            hl7_timestamp(now),
            "",
            f"ACK^{STANDARD.escaped(header.trigger_event or 'R01')}^ACK",
            STANDARD.escaped(control_id),
            STANDARD.escaped(header.processing_id or "P"),
            STANDARD.escaped(header.version or DEFAULT_VERSION),
        )
    )


def _err(version: str, error: Hl7ErrorCode, reason: str) -> str:
    """v2.5 and later: ERR-3 (code), ERR-4 severity E, ERR-8 (user message). Earlier versions
    have only ERR-1 (ELD), whose fourth component carries the code and the text."""
    if _version(version or DEFAULT_VERSION) < (2, 5):
        text = STANDARD.escaped(reason or error.text)
        coded = "&".join((str(int(error)), text, "HL70357"))
        return _join("ERR", f"^^^{coded}")
    coded = "^".join((str(int(error)), STANDARD.escaped(error.text), "HL70357"))
    return _join("ERR", "", "", coded, "E", "", "", "", STANDARD.escaped(reason))


def _version(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (2, 5)


def _hd(hd: HierarchicDesignator) -> str:
    parts = (hd.namespace_id, hd.universal_id, hd.universal_id_type)
    return "^".join(STANDARD.escaped(p) for p in parts).rstrip("^")


def _short(reason: str) -> str:
    if len(reason) > MSA3_MAX_CHARS:
        return reason[: MSA3_MAX_CHARS - 3] + "..."
    return reason


def _join(name: str, *fields: str) -> str:
    return "|".join((name, *fields)).rstrip("|")


def hl7_timestamp(at: datetime) -> str:
    """An aware instant as an HL7 DTM in UTC with four fraction digits: 20261102093015.1250+0000."""
    if at.tzinfo is None:
        raise ValueError("an ACK time must be timezone-aware")
    utc = at.astimezone(UTC)
    return f"{utc:%Y%m%d%H%M%S}.{utc.microsecond // 100:04d}+0000"
