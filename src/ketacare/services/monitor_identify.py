"""Which treatment a monitor message is about, found from the message alone (issue 6): the
patient's MRN (PID-3) when the monitor sends one, else the chair the PV1-3 point of care names,
else the chair a device id (OBX-18, or an EUI-64 in MSH-3) is bound to; in each case the one
treatment in progress there, or a plain reason why there is none (for the AE).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.db.models import Location, Patient, Site, Treatment
from ketacare.interop.hl7v2.parse import OruMessage, parse_oru
from ketacare.interop.hl7v2.vitals import MessageReadings, readings_of
from ketacare.services.treatments import IN_PROGRESS


class Directory:
    """The treatments in progress and the chairs' monitor names, read once per batch: a handful
    of rows in any clinic, where a query per message would cost more than the insert."""

    def __init__(self, db: Session) -> None:
        self.by_mrn: dict[str, list[Treatment]] = {}
        self.by_chair: dict[int, list[Treatment]] = {}
        self.zones: dict[int, str] = {}
        rows = db.execute(
            select(Treatment, Patient.mrn, Site.timezone)
            .join(Patient, Patient.id == Treatment.patient_id)
            .join(Site, Site.id == Treatment.site_id)
            .where(  # every site, so the (site, state) index finds them among years of visits
                Treatment.site_id.in_(select(Site.id)),
                Treatment.state.in_([state.value for state in IN_PROGRESS]),
            )
            .order_by(Treatment.id)
        )
        for treatment, mrn, zone in rows:
            self.by_mrn.setdefault(mrn, []).append(treatment)
            if treatment.location_id is not None:
                self.by_chair.setdefault(treatment.location_id, []).append(treatment)
            self.zones[treatment.id] = zone
        chairs = db.execute(
            select(
                Location.id,
                Location.name,
                Site.name,
                Location.point_of_care,
                Location.monitor_device,
            ).join(Site, Site.id == Location.site_id)
        )
        self.chair_names: dict[int, str] = {}
        self.by_code: dict[str, int] = {}
        self.by_device: dict[str, int] = {}
        for chair_id, name, site, code, device in chairs:
            self.chair_names[chair_id] = f"{name} at {site}"
            if code:
                self.by_code[code] = chair_id
            if device:
                self.by_device[device] = chair_id

    def find(
        self, db: Session, message: OruMessage, readings: MessageReadings
    ) -> tuple[Treatment | None, str]:
        """The treatment the message is about, or why there is none (for AE)."""
        mrn = _mrn(message)
        if mrn:
            return self._by_patient(db, mrn)
        code = readings.location_bed.strip()
        if code in self.by_code:
            return self._in_chair(self.by_code[code], f"point of care {code} (PV1-3)")
        devices = [*readings.device_ids, readings.gateway_id]
        chairs = {self.by_device[d] for d in devices if d in self.by_device}
        if len(chairs) == 1:
            return self._in_chair(chairs.pop(), "the monitor's device id")
        if chairs:
            return None, "the device ids name more than one chair"
        if code:
            return None, f"unknown point of care {code} (PV1-3) and no known device id"
        return None, "no patient identification: no MRN (PID-3), point of care (PV1-3) or device id"

    def _by_patient(self, db: Session, mrn: str) -> tuple[Treatment | None, str]:
        found = self.by_mrn.get(mrn, [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, "the patient (PID-3) has more than one treatment in progress"
        known = db.scalar(select(Patient.id).where(Patient.mrn == mrn).limit(1))
        if known is None:
            return None, "unknown patient (PID-3)"
        return None, "no treatment in progress for the patient (PID-3)"

    def _in_chair(self, chair_id: int, named_by: str) -> tuple[Treatment | None, str]:
        found = self.by_chair.get(chair_id, [])
        chair = self.chair_names[chair_id]
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, f"{chair}, named by {named_by}, has more than one treatment in progress"
        return None, f"no treatment in progress in {chair}, named by {named_by}"

    def zone_readings(
        self, treatment: Treatment, raw: bytes, readings: MessageReadings, read_in: str
    ) -> MessageReadings:
        """The readings with times read in the treatment's site zone: parsed again when the
        message was first read in another zone (``read_in``; a network spanning zones)."""
        zone = self.zones[treatment.id]
        if zone == read_in:
            return readings
        return readings_of(parse_oru(raw, ZoneInfo(zone)))


def _mrn(message: OruMessage) -> str | None:
    """PID-3's medical record number: the repetition typed MR, else the first with an id."""
    typed = next((p.id for p in message.patient_ids if p.id_type.strip().upper() == "MR"), None)
    return (typed or message.mrn or "").strip() or None
