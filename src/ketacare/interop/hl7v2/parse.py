"""A focused parser for ORU^R01 vital-sign messages from bedside monitors.

It reads what ingest needs from MSH, PID, PV1, OBR and OBX (HL7 v2.3.1 to v2.6, IHE PCD-01) and
skips every other segment unread, which keeps it far faster than a general parser: it is on the
hot path of the MLLP listener. ``tests/interop/hl7v2`` checks it field by field against
python-hl7. Segments may end in CR (the standard), LF or CRLF. Bytes are read as UTF-8, and as
Latin-1 when they are not valid UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import NamedTuple

from ketacare.interop.hl7v2.encoding import Encoding
from ketacare.interop.hl7v2.errors import Hl7ErrorCode, MessageRejected
from ketacare.interop.hl7v2.times import TimeReader


class Coded(NamedTuple):
    """A coded element (CE/CWE, first triplet): OBX-3 identifier or OBX-6 units."""

    code: str
    text: str
    system: str

    def __str__(self) -> str:
        return "^".join((self.code, self.text, self.system)).rstrip("^")


@dataclass(frozen=True, slots=True)
class HierarchicDesignator:
    """HD: an application or facility (MSH-3 to MSH-6)."""

    namespace_id: str
    universal_id: str = ""
    universal_id_type: str = ""


class PatientId(NamedTuple):
    """One repetition of PID-3 (CX): the id, its assigning authority and its type (MR, PI...)."""

    id: str
    authority: str
    id_type: str


class EntityId(NamedTuple):
    """One repetition of OBX-18 (EI): the equipment, by IHE PCD-01 an EUI-64."""

    entity_id: str
    namespace_id: str
    universal_id: str
    universal_id_type: str


@dataclass(frozen=True, slots=True)
class Header:
    """What MSH says about the message: enough to route it and to answer it."""

    sending_application: HierarchicDesignator
    sending_facility: HierarchicDesignator
    receiving_application: HierarchicDesignator
    receiving_facility: HierarchicDesignator
    message_code: str
    trigger_event: str
    control_id: str
    processing_id: str
    version: str


class ObservationRequest(NamedTuple):
    """One OBR group: OBR-1 and its observation time OBR-7 (``None`` when empty)."""

    set_id: str
    observed_at: datetime | None


class Observation(NamedTuple):
    """One OBX row. ``value`` is OBX-5 unescaped (its first component: a numeric row has one);
    ``observed_at`` is OBX-14, else its group's OBR-7, else MSH-7; ``request`` indexes
    ``OruMessage.requests`` (``None`` for a row before any OBR)."""

    set_id: str
    value_type: str
    identifier: Coded
    sub_id: str
    value: str
    units: Coded
    status: str
    observed_at: datetime
    equipment: tuple[EntityId, ...]
    request: int | None


@dataclass(frozen=True, slots=True)
class OruMessage:
    """An ORU^R01 as ingest sees it: header, patient keys, groups and rows in message order.
    ``patient_name`` is PID-5's first repetition (family, given, ...), ``location`` PV1-3's
    components (point of care, room, bed, facility, ...)."""

    header: Header
    sent_at: datetime
    patient_ids: tuple[PatientId, ...]
    patient_name: tuple[str, ...]
    location: tuple[str, ...]
    requests: tuple[ObservationRequest, ...]
    observations: tuple[Observation, ...]

    @property
    def control_id(self) -> str:
        """MSH-10, which the ACK's MSA-2 must echo."""
        return self.header.control_id

    @property
    def mrn(self) -> str | None:
        """PID-3: the first repetition that carries an id (many monitors send none)."""
        return self.patient_ids[0].id if self.patient_ids else None

    @property
    def location_bed(self) -> str:
        """PV1-3.3 (PL bed), where PCD-01 gateways put the chair's location code."""
        return self.location[2] if len(self.location) > 2 else ""


def read_header(raw: bytes | str) -> Header:
    """MSH alone, of any message type: what an ACK needs even when the rest is unusable."""
    segments = _segments(_text(raw))
    encoding = Encoding.declared(segments[0])
    return _header(segments[0].split(encoding.field), encoding)


def parse_oru(raw: bytes | str, default_zone: tzinfo) -> OruMessage:
    """Parse an ORU^R01; times without an offset are read in ``default_zone`` (the site's).
    ``MessageRejected`` says why a message cannot be used (answer ``AR``)."""
    segments = _segments(_text(raw))
    encoding = Encoding.declared(segments[0])
    msh = segments[0].split(encoding.field)
    header = _header(msh, encoding)
    if (header.message_code, header.trigger_event) != ("ORU", "R01"):
        kind = "^".join(filter(None, (header.message_code, header.trigger_event))) or "none"
        raise MessageRejected(
            f"only ORU^R01 messages are accepted, not {kind} (MSH-9)",
            Hl7ErrorCode.UNSUPPORTED_MESSAGE_TYPE,
        )
    times = TimeReader(default_zone)
    sent_at = _time(times, encoding.first(msh[6]) if len(msh) > 6 else "", "MSH-7")
    if sent_at is None:
        raise MessageRejected(
            "MSH-7 (message date/time) is empty", Hl7ErrorCode.REQUIRED_FIELD_MISSING
        )
    body = _Body(encoding, times, sent_at)
    for segment in segments[1:]:
        body.add(segment)
    return body.message(header)


def _text(raw: bytes | str) -> str:
    text = _decoded(raw) if isinstance(raw, bytes) else raw
    if "\n" in text:
        text = text.replace("\r\n", "\r").replace("\n", "\r")
    text = text.lstrip("\ufeff\r \t")
    if not text.startswith("MSH"):
        where = "does not begin with an" if "MSH" in text else "has no"
        raise MessageRejected(
            f"not an HL7 v2 message: it {where} MSH segment",
            Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR,
        )
    return text


def _decoded(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _segments(text: str) -> list[str]:
    return [segment for segment in text.split("\r") if segment]


def _hd(encoding: Encoding, field: str) -> HierarchicDesignator:
    parts = encoding.components(field)
    return HierarchicDesignator(*_padded(parts, 3)[:3])


def _header(msh: list[str], encoding: Encoding) -> Header:
    """MSH-n is ``msh[n - 1]``: MSH-1, the field separator, is the split itself."""
    fields = _padded(msh, 12)
    message_type = _padded(encoding.components(fields[8]), 2)
    return Header(
        _hd(encoding, fields[2]),
        _hd(encoding, fields[3]),
        _hd(encoding, fields[4]),
        _hd(encoding, fields[5]),
        message_type[0],
        message_type[1],
        encoding.first(fields[9]),
        encoding.first(fields[10]),
        encoding.first(fields[11]),
    )


def _time(times: TimeReader, text: str, field: str, number: int = 1) -> datetime | None:
    """``text`` read by ``times``; ``field`` and the segment ``number`` name it in a refusal."""
    try:
        return times.read(text)
    except ValueError:
        where = field if field.startswith("MSH") else f"{field} of {field[:3]} {number}"
        raise MessageRejected(
            f"{where} is not an HL7 date/time: {text!r}", Hl7ErrorCode.DATA_TYPE_ERROR
        ) from None


# A monitor sends the same codes, units and equipment ids in every message: each distinct field
# text (with the delimiters it was written in) is read once.
@lru_cache(maxsize=4096)
def _coded(delimiters: str, field: str) -> Coded:
    return Coded(*_padded(Encoding(*delimiters).components(field), 3)[:3])


@lru_cache(maxsize=1024)
def _equipment(delimiters: str, field: str) -> tuple[EntityId, ...]:
    reps = (_padded(parts, 4) for parts in Encoding(*delimiters).repetitions(field))
    return tuple(EntityId(*parts[:4]) for parts in reps)


def _padded(parts: list[str], size: int) -> list[str]:
    return parts + [""] * (size - len(parts)) if len(parts) < size else parts


class _Body:
    """Collects PID, PV1, OBR and OBX as they come; other segments are skipped unread."""

    def __init__(self, encoding: Encoding, times: TimeReader, sent_at: datetime) -> None:
        self.encoding, self.times, self.sent_at = encoding, times, sent_at
        self.patient_ids: tuple[PatientId, ...] | None = None
        self.patient_name: tuple[str, ...] = ()
        self.location: tuple[str, ...] = ()
        self.requests: list[ObservationRequest] = []
        self.observations: list[Observation] = []
        self.delimiters = "".join(encoding.characters)
        self.padding = encoding.field * 18  # so OBX-1 to OBX-18 are always there to index

    def add(self, segment: str) -> None:
        kind = segment[:3]
        if kind == "OBX":
            self._obx((segment + self.padding).split(self.encoding.field))
        elif kind == "OBR":
            fields = (segment + self.padding).split(self.encoding.field)
            number = len(self.requests) + 1
            observed_at = _time(self.times, self.encoding.first(fields[7]), "OBR-7", number)
            self.requests.append(ObservationRequest(self.encoding.first(fields[1]), observed_at))
        elif kind == "PID":
            self._pid((segment + self.padding).split(self.encoding.field))
        elif kind == "PV1" and not self.location:
            fields = (segment + self.padding).split(self.encoding.field)
            self.location = tuple(self.encoding.components(fields[3]))

    def _pid(self, fields: list[str]) -> None:
        if self.patient_ids is not None:
            raise MessageRejected(
                "more than one patient (PID) in one message is not accepted",
                Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR,
            )
        ids = (_padded(parts, 5) for parts in self.encoding.repetitions(fields[3]))
        self.patient_ids = tuple(PatientId(p[0], p[3], p[4]) for p in ids if p[0])
        self.patient_name = tuple(self.encoding.components(fields[5]))

    def _obx(self, fields: list[str]) -> None:
        first = self.encoding.first
        request = len(self.requests) - 1 if self.requests else None
        observed_at = (
            _time(self.times, first(fields[14]), "OBX-14", len(self.observations) + 1)
            or (self.requests[request].observed_at if request is not None else None)
            or self.sent_at
        )
        self.observations.append(
            Observation(
                first(fields[1]),
                first(fields[2]),
                _coded(self.delimiters, fields[3]),
                first(fields[4]),
                first(fields[5]),
                _coded(self.delimiters, fields[6]),
                first(fields[11]),
                observed_at,
                _equipment(self.delimiters, fields[18]) if fields[18] else (),
                request,
            )
        )

    def message(self, header: Header) -> OruMessage:
        return OruMessage(
            header,
            self.sent_at,
            self.patient_ids or (),
            self.patient_name,
            self.location,
            tuple(self.requests),
            tuple(self.observations),
        )
