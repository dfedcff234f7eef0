"""OBX rows to readings: which vital each code names, in which unit, and which rows are invalid.

Only numeric (``NM``) rows become readings; device, channel and string rows are descriptive and
ignored. A row with no value, an invalid-value marker or a result status saying there is no usable
result becomes an *invalid* reading: kept and flagged, with no number, so it can neither raise nor
clear an alert. A numeric row whose code ketacare does not know, or whose unit it cannot read,
is reported in ``problems`` for the listener to answer ``AE``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Final, NamedTuple

from ketacare.core.enums import Vital
from ketacare.core.vitals.codes import VITALS, vital_for_loinc
from ketacare.interop.hl7v2.parse import Coded, EntityId, Observation, OruMessage
from ketacare.interop.hl7v2.units import Quantity, unit_of

QUANTITY_OF: Final[dict[Vital, Quantity]] = {
    **dict.fromkeys((Vital.SBP_MMHG, Vital.DBP_MMHG, Vital.MAP_MMHG), Quantity.PRESSURE),
    **dict.fromkeys((Vital.HR_BPM, Vital.PULSE_BPM, Vital.RR_PER_MIN), Quantity.RATE),
    Vital.SPO2_PERCENT: Quantity.PERCENT,
    Vital.TEMP_C: Quantity.TEMPERATURE,
}
# Percent and per-minute are the only units these vitals come in, so a row without units is
# read in them; a pressure (mmHg or kPa) or a temperature (Cel or degF) must say its unit.
UNIT_OPTIONAL: Final = frozenset(
    {Vital.SPO2_PERCENT, Vital.HR_BPM, Vital.PULSE_BPM, Vital.RR_PER_MIN}
)

# IEEE 11073-10101 nomenclature, context-free codes (partition 2, SCADA: 131072 + term code), as
# IHE PCD-01 monitors send them in OBX-3 with coding system "MDC". LOINC codes are mapped by
# core/vitals/codes.py (clinical reference §9.2).
MDC_CODES: Final[dict[str, Vital]] = {
    "150456": Vital.SPO2_PERCENT,  # MDC_PULS_OXIM_SAT_O2
    "147842": Vital.HR_BPM,  # MDC_ECG_HEART_RATE
    "149530": Vital.PULSE_BPM,  # MDC_PULS_OXIM_PULS_RATE
    "150021": Vital.SBP_MMHG,  # MDC_PRESS_BLD_NONINV_SYS
    "150022": Vital.DBP_MMHG,  # MDC_PRESS_BLD_NONINV_DIA
    "150023": Vital.MAP_MMHG,  # MDC_PRESS_BLD_NONINV_MEAN
    "150301": Vital.SBP_MMHG,  # MDC_PRESS_CUFF_SYS
    "150302": Vital.DBP_MMHG,  # MDC_PRESS_CUFF_DIA
    "150303": Vital.MAP_MMHG,  # MDC_PRESS_CUFF_MEAN
    "151562": Vital.RR_PER_MIN,  # MDC_RESP_RATE
    "150344": Vital.TEMP_C,  # MDC_TEMP
    "150364": Vital.TEMP_C,  # MDC_TEMP_BODY
}
MDC_SYSTEMS: Final = frozenset({"", "MDC"})
LOINC_SYSTEMS: Final = frozenset({"", "LN", "LOINC", "http://loinc.org"})

# Values monitors send in place of a measurement they could not make. None of these vitals can
# be negative either, so any value below zero is also invalid, as is one above the vital's
# physical ceiling when core/vitals/codes.py states one.
INVALID_SENTINELS: Final = frozenset(
    Decimal(v) for v in ("-999", "-9999", "-99999", "-99.9", "-99.99", "-999.9")
)
# OBX-11 result statuses (HL7 v2 table 0085) that carry no usable result.
INVALID_STATUSES: Final[dict[str, str]] = {
    "X": "result status X: the result cannot be obtained",
    "W": "result status W: the result was sent in error",
    "D": "result status D: the sender deleted the result",
    "N": "result status N: not asked",
    "I": "result status I: no result yet",
}
UNIT_NOT_UNDERSTOOD: Final = "unit not understood for this vital"
_EUI64 = re.compile("[0-9A-F]{16}")


class Reading(NamedTuple):
    """One vital-sign value from a monitor. ``value`` is ``None`` exactly when the reading is
    invalid, and ``invalid_reason`` then says why; ``unit_received`` is OBX-6 as sent."""

    vital: Vital
    value: Decimal | None
    observed_at: datetime
    unit_received: str
    device_id: str | None
    invalid_reason: str | None = None

    @property
    def valid(self) -> bool:
        return self.invalid_reason is None


@dataclass(frozen=True, slots=True)
class MessageReadings:
    """What one ORU^R01 says: who it is about, from where, the readings, and what was not
    understood (each problem a plain sentence for MSA-3/ERR)."""

    control_id: str
    mrn: str | None
    location_bed: str
    device_ids: tuple[str, ...]
    gateway_id: str | None
    readings: tuple[Reading, ...]
    problems: tuple[str, ...]


def readings_of(message: OruMessage) -> MessageReadings:
    """Map every numeric OBX row of ``message``. ``device_ids`` are the equipment ids in OBX-18
    (EUI-64s, by IHE PCD-01) in order of appearance; ``gateway_id`` is MSH-3's universal id when
    it is an EUI-64 (PCD-01 gateways)."""
    readings: list[Reading] = []
    problems: list[str] = []
    devices = _Devices()
    for row in message.observations:
        device_id = devices.of(row)
        vital = vital_of(row.identifier)
        if not _numeric(row, vital):
            continue
        if vital is None:
            problems.append(f"unknown code {row.identifier} (OBX {row.set_id})")
            continue
        reading = _reading(row, vital, device_id)
        if reading.invalid_reason == UNIT_NOT_UNDERSTOOD:
            unit = reading.unit_received
            problems.append(f"unit {unit!r} does not fit {vital} (OBX {row.set_id})")
        readings.append(reading)
    sender = message.header.sending_application
    gateway = sender.universal_id_type.strip().upper() == "EUI-64"
    return MessageReadings(
        message.control_id,
        message.mrn,
        message.location_bed,
        devices.seen(),
        _compact(sender.universal_id) if gateway else None,
        tuple(readings),
        tuple(problems),
    )


def vital_of(identifier: Coded) -> Vital | None:
    """The vital an OBX-3 code names, or ``None`` for a code ketacare does not map."""
    code, system = identifier.code.strip(), identifier.system.strip()
    vital = MDC_CODES.get(code) if system in MDC_SYSTEMS else None
    if vital is None and system in LOINC_SYSTEMS:
        vital = vital_for_loinc(code)
    return vital


def _numeric(row: Observation, vital: Vital | None) -> bool:
    """An ``NM`` row; or a row of a known vital with neither value type nor value, which OBX-2
    allows when OBX-5 is empty (a monitor reporting a measurement it could not make)."""
    if row.value_type == "NM":
        return True
    return row.value_type == "" and vital is not None and not row.value.strip()


def _reading(row: Observation, vital: Vital, device_id: str | None) -> Reading:
    unit_received = row.units.code or row.units.text
    value, invalid = _measured(row.status, row.value)
    if value is None:
        return Reading(vital, None, row.observed_at, unit_received, device_id, invalid)
    unit = unit_of(row.units.code, row.units.text)
    if unit is None and not unit_received and vital in UNIT_OPTIONAL:
        unit = unit_of("", "%" if vital == Vital.SPO2_PERCENT else "/min")
    if unit is None or unit.quantity != QUANTITY_OF[vital]:
        return Reading(vital, None, row.observed_at, unit_received, device_id, UNIT_NOT_UNDERSTOOD)
    if unit.convert is not None:
        value = unit.convert(value)
    most = VITALS[vital].most  # a physical ceiling (core/vitals/codes.py), e.g. SpO2 100 %
    if most is not None and value > most:
        reason = f"above the possible maximum {most}: {row.value.strip()}"
        return Reading(vital, None, row.observed_at, unit_received, device_id, reason)
    return Reading(vital, value, row.observed_at, unit_received, device_id)


def _measured(status: str, text: str) -> tuple[Decimal | None, str | None]:
    """The row's value, or ``None`` and why it is not a measurement."""
    if status in INVALID_STATUSES:
        return None, INVALID_STATUSES[status]
    text = text.strip()
    if not text:
        return None, "no value"
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, f"not a number: {text!r}"
    if not value.is_finite():  # Decimal reads "NaN" and "Infinity"
        return None, f"not a number: {text!r}"
    if value in INVALID_SENTINELS:
        return None, f"invalid-value marker {text}"
    if value < 0:
        return None, f"negative value {text}"
    return value, None


@lru_cache(maxsize=256)
def eui64(entity: EntityId) -> str | None:
    """The device id an OBX-18 repetition (EI) gives: the universal id when its type is EUI-64,
    else the entity id; EUI-64s are written as 16 upper-case hex digits."""
    if entity.universal_id_type.strip().upper() == "EUI-64" and entity.universal_id.strip():
        found = entity.universal_id
    else:
        found = entity.entity_id
    return _compact(found)


def _device_of(equipment: tuple[EntityId, ...]) -> str | None:
    """The first EUI-64 among a row's OBX-18 repetitions, else its first id of any kind."""
    typed = (e for e in equipment if e.universal_id_type.strip().upper() == "EUI-64")
    return next(filter(None, map(eui64, (*typed, *equipment))), None)


def _compact(device_id: str) -> str | None:
    """16 hex digits, upper case, without separators, when ``device_id`` is an EUI-64."""
    found = device_id.strip()
    compact = found.replace("-", "").replace(":", "").upper()
    return compact if _EUI64.fullmatch(compact) else found or None


class _Devices:
    """OBX-18 applies to its row and, by IHE PCD-01 containment (OBX-4 ``mds.vmd.chan.metric``),
    to the rows after it in the same OBR group and the same MDS."""

    def __init__(self) -> None:
        self._current: tuple[int | None, str, str | None] = (None, "", None)
        self._seen: dict[str, None] = {}

    def of(self, row: Observation) -> str | None:
        mds = row.sub_id.split(".", 1)[0]
        own = _device_of(row.equipment)
        if own is not None:
            self._seen.setdefault(own, None)
            self._current = (row.request, mds, own)
            return own
        request, current_mds, device = self._current
        return device if (request, current_mds) == (row.request, mds) and mds else None

    def seen(self) -> tuple[str, ...]:
        return tuple(self._seen)
