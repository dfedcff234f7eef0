"""What a treatment's record answers on the SPRAVATO REMS Patient Monitoring Form, and where each
answer comes from, so the clinician can check it before signing (clinical-reference §3.9).

Read only, no audit: ``services.rems`` audits the form it shows. The prospective signer is the
monitoring provider; the clinic's address and the provider's telephone, which the record does not
hold, come from the last form signed at the site and by that provider.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from ketacare.core import rems
from ketacare.core.enums import RemsFormStatus
from ketacare.core.protocols.model import value_of
from ketacare.core.vitals.model import Reading as CoreReading
from ketacare.core.vitals.model import usable_value
from ketacare.db.models import (
    Administration,
    AdministrationEvent,
    AdverseEvent,
    Patient,
    ProtocolVersion,
    Reading,
    RemsEnrolment,
    RemsForm,
    Site,
    StaffUser,
    Treatment,
)
from ketacare.services import intake, protocols

DEVICE = "device"  # an AdministrationEvent for one nasal device (services/treatment_administration)
RESOLVED = ("resolved", "resolved_with_sequelae")  # adverse-event outcomes that ended the event
SIGNED = (RemsFormStatus.SIGNED, RemsFormStatus.SUBMITTED)
SETTING_FIELDS = ("setting_address_1", "setting_address_2", "setting_city", "setting_state")
REMEMBERED_AT_SITE = (*SETTING_FIELDS, "setting_zip")


@dataclass
class Prefill:
    """The record's answers and, per answer, a note of where it came from."""

    values: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def add(self, answers: Mapping[str, str], source: str) -> None:
        for key, value in answers.items():
            if value:
                self.values[key] = value
                self.sources[key] = source


def first_device_at(db: Session, treatment_id: int) -> datetime | None:
    """When the treatment's first nasal device was given; None before any (or not esketamine)."""
    return db.scalar(
        select(AdministrationEvent.at)
        .join(Administration, Administration.id == AdministrationEvent.administration_id)
        .where(Administration.treatment_id == treatment_id, AdministrationEvent.kind == DEVICE)
        .order_by(AdministrationEvent.at)
        .limit(1)
    )


def is_esketamine(db: Session, treatment: Treatment) -> bool:
    """True for a protocol given by nasal device (the shipped esketamine protocol or a copy)."""
    row = db.get(ProtocolVersion, treatment.protocol_version_id)
    return row is not None and protocols.load(row).device is not None


def site_day(site: Site, at: datetime) -> date:
    return at.astimezone(ZoneInfo(site.timezone)).date()


def signed_values(row: RemsForm) -> dict[str, str]:
    """The answers frozen when the form was signed (empty for a draft)."""
    values: dict[str, str] = json.loads(row.data or "{}").get("values", {})
    return values


def prefill(
    db: Session, treatment: Treatment, site: Site, first_at: datetime, signer: StaffUser | None
) -> Prefill:
    """Every answer the record gives for this treatment, with its source."""
    found = Prefill()
    patient = db.get(Patient, treatment.patient_id)
    assert patient is not None
    _patient(db, found, patient, treatment, first_at, site_day(site, first_at))
    _medicines(db, found, patient.id)
    _provider(db, found, signer)
    _setting(db, found, site)
    _treatment(db, found, treatment, site, first_at)
    _pressures(db, found, treatment, site, first_at)
    events = db.scalars(select(AdverseEvent).where(AdverseEvent.treatment_id == treatment.id))
    answers = rems.event_answers(rems.Event(e.category, e.outcome in RESOLVED) for e in events)
    found.add(answers, "Adverse events recorded on the treatment")
    return found


def _patient(
    db: Session,
    found: Prefill,
    patient: Patient,
    treatment: Treatment,
    first_at: datetime,
    treatment_on: date,
) -> None:
    found.add(
        {
            "first_name": patient.given_name,
            "last_name": patient.family_name,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "sex": rems.sex_answer(patient.sex_at_birth),
        },
        "Patient record",
    )
    earlier = db.scalar(
        select(AdministrationEvent.id)
        .join(Administration, Administration.id == AdministrationEvent.administration_id)
        .join(Treatment, Treatment.id == Administration.treatment_id)
        .where(
            Treatment.patient_id == patient.id,
            Treatment.id != treatment.id,
            AdministrationEvent.kind == DEVICE,
            AdministrationEvent.at < first_at,
        )
        .limit(1)
    )
    first = rems.NO if earlier is not None else rems.YES
    found.add({"first_treatment": first}, "Esketamine treatments recorded for the patient")
    enrolment = db.scalar(select(RemsEnrolment).where(RemsEnrolment.patient_id == patient.id))
    enrolled = enrolment is not None and enrolment.enrolled_on <= treatment_on
    found.add({"enrolled": rems.YES if enrolled else rems.NO}, "REMS enrolment on the patient")


def _medicines(db: Session, found: Prefill, patient_id: int) -> None:
    row = intake.latest_complete(db, patient_id)
    if row is None:
        return
    medications = intake.read_facts(row).medications
    classes = None if medications is None else [m.drug_class for m in medications]
    on = row.completed_at.date().isoformat() if row.completed_at else "?"
    found.add(rems.concomitant(classes), f"Intake version {row.version}, completed {on}")


def _provider(db: Session, found: Prefill, signer: StaffUser | None) -> None:
    if signer is None:
        return
    first, last = rems.split_name(signer.full_name)
    values = {"provider_first_name": first, "provider_last_name": last}
    found.add({**values, "provider_email": signer.email}, "The signing clinician's account")
    last_form = _last_signed(db, RemsForm.signed_by_id == signer.id)
    phone = {"provider_phone": last_form.get("provider_phone", "")}
    found.add(phone, "The signing clinician's last signed form")


def _setting(db: Session, found: Prefill, site: Site) -> None:
    found.add({"setting_name": site.name}, "Site")
    last_form = _last_signed(db, Treatment.site_id == site.id)
    remembered = {key: last_form.get(key, "") for key in REMEMBERED_AT_SITE}
    found.add(remembered, "The last form signed at this site")


def _last_signed(db: Session, *where: ColumnElement[bool]) -> dict[str, str]:
    row = db.scalar(
        select(RemsForm)
        .join(Treatment, Treatment.id == RemsForm.treatment_id)
        .where(RemsForm.status.in_(SIGNED), *where)
        .order_by(RemsForm.signed_at.desc(), RemsForm.id.desc())
        .limit(1)
    )
    return signed_values(row) if row is not None else {}


def _treatment(
    db: Session, found: Prefill, treatment: Treatment, site: Site, first_at: datetime
) -> None:
    found.add({"treatment_on": site_day(site, first_at).isoformat()}, "Day of the first device")
    given = list(
        db.scalars(select(Administration).where(Administration.treatment_id == treatment.id))
    )
    lots = sorted({a.lot_number for a in given if a.lot_number})
    found.add({"lot_numbers": ", ".join(lots)}, "Lot recorded with the administration")
    _dose(db, found, treatment, given)
    end_at = treatment.ready_at or treatment.discharged_at
    duration = rems.duration_min(first_at, end_at) if end_at is not None else None
    if duration is not None:
        ended = "ready for discharge" if treatment.ready_at else "discharge"
        found.add({"duration_min": str(duration)}, f"First device to {ended}")


def _dose(db: Session, found: Prefill, treatment: Treatment, given: list[Administration]) -> None:
    """The devices recorded times the protocol's mg per device (§3.3), else the dose recorded."""
    ids = [a.id for a in given]
    devices = db.scalars(
        select(AdministrationEvent.id).where(
            AdministrationEvent.administration_id.in_(ids), AdministrationEvent.kind == DEVICE
        )
    ).all()
    row = db.get(ProtocolVersion, treatment.protocol_version_id)
    device = protocols.load(row).device if row is not None else None
    mg_per_device = value_of(device.mg_per_device) if device is not None else None
    if devices and mg_per_device:
        dose_mg = Decimal(len(devices) * mg_per_device)
        source = f"{len(devices)} device(s) recorded, {mg_per_device} mg each"
    elif given:
        dose_mg, source = sum((a.dose_mg for a in given), Decimal(0)), "Dose recorded"
    else:
        return
    found.add(rems.dose_answer(dose_mg), source)


def _pressures(
    db: Session, found: Prefill, treatment: Treatment, site: Site, first_at: datetime
) -> None:
    """The three blood pressures from the nearest valid readings, each naming the reading."""
    rows = db.scalars(select(Reading).where(Reading.treatment_id == treatment.id))
    valid = [
        rems.Observation(r.vital, number, r.observed_at)
        for r in rows
        if (number := usable_value(CoreReading(r.vital, r.value, r.observed_at, r.valid)))
        is not None
    ]
    end_at = treatment.ready_at or treatment.discharged_at
    points = rems.checkpoints(rems.blood_pressures(valid), first_at, end_at)
    zone = ZoneInfo(site.timezone)
    for key, pressure in (
        ("bp_before", points.before),
        ("bp_40_min", points.after_40_min),
        ("bp_at_end", points.at_end),
    ):
        if pressure is not None:
            found.add({key: pressure.text}, _reading_note(pressure.at, first_at, zone))


def _reading_note(at: datetime, first_at: datetime, zone: ZoneInfo) -> str:
    offset = rems.minutes_after(first_at, at)
    when = f"{abs(offset)} min {'after' if offset >= 0 else 'before'} the first device"
    return f"Reading at {at.astimezone(zone):%H:%M} ({when})"
