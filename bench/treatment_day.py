"""A bench clinic on its treatment day: one site, chairs named by point of care, a treatment in
dosing in each, and the demo clinic's alert limits, so every reading is evaluated (the treatment
benchmarks share it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from ketacare.core.enums import LocationKind, TreatmentState
from ketacare.core.patients import PatientDetails
from ketacare.db.models import Site, Treatment
from ketacare.services import alert_settings, chair_monitors, clinic, patients, protocols
from ketacare.services.context import Actor

PROTOCOL = "iv_ketamine_depression"
AT = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
SYSTEM = Actor(None, AT)


@dataclass(frozen=True)
class Chair:
    """One chair of the bench site and the treatment in dosing in it."""

    site_id: int
    location_id: int
    point_of_care: str
    treatment_id: int


def seed(db: Session, chairs: int) -> list[Chair]:
    """The bench organization and site with ``chairs`` chairs (CHAIR-01, ...), in the caller's
    transaction."""
    org = clinic.create_organization(db, SYSTEM, "Bench clinic")
    site = clinic.add_site(db, SYSTEM, org, "B", "Bench")
    alert_settings.seed_demo_thresholds(db, SYSTEM, org.id)
    return [_chair(db, site, n) for n in range(1, chairs + 1)]


def _chair(db: Session, site: Site, number: int) -> Chair:
    code = f"CHAIR-{number:02d}"
    chair = clinic.add_location(db, SYSTEM, site, f"Chair {number}", LocationKind.CHAIR)
    chair_monitors.name_monitor(db, SYSTEM, chair.id, code, "")
    details = PatientDetails(
        f"B-{number:04d}", "Bench", f"Patient {number}", date(1980, 1, 1), "female", site.id
    )
    patient = patients.register(db, SYSTEM, site.organization_id, details)
    version = protocols.current_version(db, site.organization_id, PROTOCOL, actor=SYSTEM)
    treatment = Treatment(
        organization_id=site.organization_id,
        site_id=site.id,
        patient_id=patient.id,
        protocol_version_id=version.id,
        location_id=chair.id,
        state=TreatmentState.DOSING.value,
        created_at=AT,
        dosing_started_at=AT,
        updated_at=AT,
    )
    db.add(treatment)
    db.flush()
    return Chair(site.id, chair.id, code, treatment.id)
