"""One batch of monitor messages stored in one transaction: each message put on its treatment in
progress (or refused with a plain reason), its readings inserted, alerts raised, and every
message, accepted or not, kept in ``inbound_message``.

Runs on the monitor feed's writer thread; ``services/monitor_feed.py`` commits and answers, and
``monitor_identify`` finds each message's treatment. A message is stored whole or not at all: an
unknown code or unit refuses it (AE), so a resent message never doubles its readings. Readings
from monitors are not audited one by one: each keeps the id of the inbound message it came in
(the log of what arrived, from where, when, and the answer), and each alert raised is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from ketacare.db.models import InboundMessage, Reading, Treatment, VitalAlert
from ketacare.interop.hl7v2.errors import Hl7ErrorCode, MessageRejected
from ketacare.interop.hl7v2.parse import OruMessage, parse_oru, read_header
from ketacare.interop.hl7v2.vitals import MessageReadings, readings_of
from ketacare.services import vital_alerts
from ketacare.services.monitor_identify import Directory

Result = Literal["AA", "AE", "AR"]
Row = dict[str, Any]  # one row to insert, by column
SOURCE = "monitor"
CENT = Decimal("0.01")
VALUE_LIMIT = Decimal("1000000")  # reading.value is NUMERIC(8, 2)
UNKNOWN_KEY = Hl7ErrorCode.UNKNOWN_KEY_IDENTIFIER  # no patient or treatment to put it on
TABLE_VALUE_NOT_FOUND = Hl7ErrorCode.TABLE_VALUE_NOT_FOUND  # a code or unit ketacare cannot map
NEXT_IDS = text(
    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
)
CONTROL_ID_MAX, PEER_MAX, UNIT_MAX, DEVICE_MAX = 60, 100, 40, 32  # the columns' widths


@dataclass(frozen=True)
class Inbound:
    """One message as received: the raw bytes, who sent it, when, and what the parser made of it
    (``message`` and ``readings``; or ``rejected``, why it could not be read); ``zone`` is the
    time zone its times without an offset were read in."""

    raw: bytes
    peer: str
    received_at: datetime
    zone: str
    control_id: str = ""
    message: OruMessage | None = None
    readings: MessageReadings | None = None
    rejected: MessageRejected | None = None


@dataclass(frozen=True)
class Outcome:
    """The answer for one message, why (MSA-3 / ERR for AE and AR) and the HL7 table 0357 code
    for ERR-3 (None: the ACK builder's default for the answer)."""

    result: Result
    detail: str
    error: Hl7ErrorCode | None = None


@dataclass
class Stored:
    """What a batch stored: an outcome per message, in order, and the alerts raised."""

    outcomes: list[Outcome] = field(default_factory=list)
    alerts: list[VitalAlert] = field(default_factory=list)


def read(raw: bytes, peer: str, received_at: datetime, zone: str) -> Inbound:
    """Parse a message on the connection's task, before it queues for the writer."""
    try:
        message = parse_oru(raw, ZoneInfo(zone))
    except MessageRejected as rejected:
        control_id = _control_id(raw)
        return Inbound(raw, peer, received_at, zone, control_id, rejected=rejected)
    readings = readings_of(message)
    return Inbound(raw, peer, received_at, zone, message.control_id, message, readings)


def _control_id(raw: bytes) -> str:
    """MSH-10 of a message refused as a whole, when its header can be read at all."""
    try:
        return read_header(raw).control_id
    except MessageRejected:
        return ""


def store(db: Session, batch: Sequence[Inbound]) -> Stored:
    """Store ``batch`` in the caller's transaction (flushed, not committed). Rows go in as bulk
    inserts, the fastest the database takes them; the readings are handed to the alert rules
    as (unsaved) ``Reading`` objects carrying their new ids."""
    directory = Directory(db)
    found = [(inbound, *_identify(db, directory, inbound)) for inbound in batch]
    logged = [_logged(inbound, treatment, outcome) for inbound, treatment, outcome in found]
    message_ids = _inserted(db, InboundMessage, logged)
    groups: dict[int, tuple[Treatment, list[Row]]] = {}
    for (inbound, treatment, outcome), message_id in zip(found, message_ids, strict=True):
        sent = inbound.readings
        if outcome.result == "AA" and treatment is not None and sent is not None:
            values = directory.zone_readings(treatment, inbound.raw, sent, inbound.zone)
            rows = _reading_rows(values, treatment, message_id, inbound.received_at)
            groups.setdefault(treatment.id, (treatment, []))[1].extend(rows)
    reading_ids = iter(_inserted(db, Reading, [r for _, rows in groups.values() for r in rows]))
    stored = Stored([outcome for _, _, outcome in found])
    for treatment, rows in groups.values():
        readings = [Reading(id=next(reading_ids), **row) for row in rows]
        stored.alerts.extend(vital_alerts.raise_alerts(db, treatment, readings, _now(batch)))
    return stored


def _inserted(
    db: Session, model: type[InboundMessage] | type[Reading], rows: list[Row]
) -> list[int]:
    """Insert ``rows`` into ``model``'s table with one executemany; returns their ids in order."""
    if not rows:
        return []
    table = cast(Table, model.__table__)
    ids = _new_ids(db, table, len(rows))
    identified = [{**row, "id": id_} for row, id_ in zip(rows, ids, strict=True)]
    db.connection().execute(insert(table), identified)
    return ids


def _new_ids(db: Session, table: Table, count: int) -> list[int]:
    """Ids for ``count`` new rows, taken first so the rows go in without RETURNING (which both
    drivers do row by row): PostgreSQL draws them from the column's sequence; SQLite counts on
    from the highest, safe because the writer holds SQLite's one write lock (BEGIN IMMEDIATE)."""
    if db.get_bind().dialect.name == "postgresql":
        drawn = db.scalars(NEXT_IDS, {"table": table.name, "count": count})
        return list(drawn)
    highest = db.scalar(select(func.max(table.c.id))) or 0
    return list(range(highest + 1, highest + 1 + count))


def _now(batch: Sequence[Inbound]) -> datetime:
    return max(inbound.received_at for inbound in batch)


def _identify(
    db: Session, directory: Directory, inbound: Inbound
) -> tuple[Treatment | None, Outcome]:
    message, readings = inbound.message, inbound.readings
    if message is None or readings is None:
        rejected = inbound.rejected or MessageRejected("not read")
        return None, Outcome("AR", str(rejected), rejected.code)
    if readings.problems:
        return None, Outcome("AE", "; ".join(readings.problems), TABLE_VALUE_NOT_FOUND)
    treatment, refusal = directory.find(db, message, readings)
    if treatment is None:
        return None, Outcome("AE", refusal, UNKNOWN_KEY)
    invalid = sum(1 for r in readings.readings if not r.valid)
    detail = f"{len(readings.readings)} readings" + (f" ({invalid} invalid)" if invalid else "")
    return treatment, Outcome("AA", detail)


def _logged(inbound: Inbound, treatment: Treatment | None, outcome: Outcome) -> Row:
    return {
        "received_at": inbound.received_at,
        "peer": inbound.peer[:PEER_MAX],
        "control_id": inbound.control_id[:CONTROL_ID_MAX],
        "result": outcome.result,
        "detail": outcome.detail,
        "raw": raw_text(inbound.raw),
        "treatment_id": treatment.id if treatment is not None else None,
    }


def raw_text(raw: bytes) -> str:
    """The message as text for the log: UTF-8, else Latin-1 (as the parser reads it), without NUL
    characters, which PostgreSQL text cannot hold."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.replace("\x00", "\\x00")


def _reading_rows(
    readings: MessageReadings, treatment: Treatment, message_id: int, received_at: datetime
) -> list[Row]:
    rows = []
    for reading in readings.readings:
        value = _storable(reading.value)
        device = reading.device_id or readings.gateway_id or ""
        rows.append(
            {
                "treatment_id": treatment.id,
                "site_id": treatment.site_id,
                "location_id": treatment.location_id,
                "vital": reading.vital,
                "value": value,
                "valid": value is not None,
                "unit_received": reading.unit_received[:UNIT_MAX],
                "source": SOURCE,
                "device_id": device[:DEVICE_MAX],
                "observed_at": reading.observed_at,
                "received_at": received_at,
                "inbound_message_id": message_id,
            }
        )
    return rows


def _storable(value: Decimal | None) -> Decimal | None:
    """The value to two places, as the column keeps it; one too large for the column is no
    measurement (no vital comes near a million) and is stored as an invalid reading."""
    if value is None or abs(value) >= VALUE_LIMIT:
        return None
    return value.quantize(CENT)
