"""Patient workflows: register, edit, view (audited), search, and record weight and height."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction
from ketacare.core.errors import Conflict, NotFound
from ketacare.core.patients import PatientDetails, validate_measurement, validate_patient
from ketacare.core.permissions import Action
from ketacare.core.search import parse_query, search_key
from ketacare.db import patients as patient_queries
from ketacare.db.models import Appointment, BodyMeasurement, Patient, Site
from ketacare.services import audit
from ketacare.services.context import Actor

_DETAIL_FIELDS = tuple(f for f in PatientDetails.__dataclass_fields__ if f != "site_id")


@dataclass(frozen=True)
class Chart:
    """What the chart page shows: the patient, measurements newest first, and appointments."""

    patient: Patient
    site: Site
    measurements: Sequence[BodyMeasurement]
    appointments: Sequence[Appointment]


def _today(actor: Actor) -> date:
    return actor.at.date()


def _check_site(db: Session, actor: Actor, site_id: int, organization_id: int) -> None:
    site = db.get(Site, site_id)
    if site is None or site.organization_id != organization_id:
        raise NotFound("That site does not exist.")
    actor.require(Action.WRITE_PATIENT, site_id)


def _ensure_unique_mrn(db: Session, organization_id: int, mrn: str, patient_id: int | None) -> None:
    clash = db.scalar(
        select(Patient.id).where(Patient.organization_id == organization_id, Patient.mrn == mrn)
    )
    if clash is not None and clash != patient_id:
        raise Conflict(f"MRN {mrn} already belongs to another patient.", field="mrn")


def _apply(patient: Patient, details: PatientDetails) -> None:
    for name in _DETAIL_FIELDS:
        setattr(patient, name, getattr(details, name))
    assert details.site_id is not None
    patient.site_id = details.site_id
    patient.search_given_name = search_key(details.given_name)
    patient.search_family_name = search_key(details.family_name)


def register(db: Session, actor: Actor, organization_id: int, details: PatientDetails) -> Patient:
    """Validate and store a new patient; raises ``ValidationFailed`` or ``Conflict`` storing nothing."""
    validate_patient(details, _today(actor))
    assert details.site_id is not None
    _check_site(db, actor, details.site_id, organization_id)
    _ensure_unique_mrn(db, organization_id, details.mrn, None)
    patient = Patient(organization_id=organization_id, created_at=actor.at, updated_at=actor.at)
    _apply(patient, details)
    db.add(patient)
    db.flush()
    audit.record(
        db,
        actor,
        AuditAction.CREATE,
        "patient",
        patient.id,
        patient_id=patient.id,
        site_id=patient.site_id,
    )
    return patient


def update(db: Session, actor: Actor, patient_id: int, details: PatientDetails) -> Patient:
    """Change demographics; the audit event names the fields changed (not their values)."""
    patient = _visible(db, actor, patient_id, Action.WRITE_PATIENT)
    validate_patient(details, _today(actor))
    assert details.site_id is not None
    _check_site(db, actor, details.site_id, patient.organization_id)
    _ensure_unique_mrn(db, patient.organization_id, details.mrn, patient.id)
    before = details_of(patient)
    _apply(patient, details)
    patient.updated_at = actor.at
    changed = sorted(k for k, v in asdict(details).items() if asdict(before)[k] != v)
    audit.record(
        db,
        actor,
        AuditAction.UPDATE,
        "patient",
        patient.id,
        patient_id=patient.id,
        site_id=patient.site_id,
        detail={"fields": changed},
    )
    return patient


def details_of(patient: Patient) -> PatientDetails:
    """The editable demographics of a stored patient, e.g. to pre-fill the edit form."""
    values = {name: getattr(patient, name) for name in _DETAIL_FIELDS}
    return PatientDetails(site_id=patient.site_id, **values)


def _visible(db: Session, actor: Actor, patient_id: int, action: Action) -> Patient:
    patient = db.get(Patient, patient_id)
    sites = actor.visible_sites(action)
    if patient is None or (sites is not None and patient.site_id not in sites):
        raise NotFound("No such patient, or the patient is at a site you do not work at.")
    return patient


def view(db: Session, actor: Actor, patient_id: int) -> Chart:
    """Load the chart and record the read on the audit trail in the same transaction."""
    patient = _visible(db, actor, patient_id, Action.READ_PATIENT)
    site = db.get(Site, patient.site_id)
    assert site is not None
    measurements = db.scalars(
        select(BodyMeasurement)
        .where(BodyMeasurement.patient_id == patient.id)
        .order_by(BodyMeasurement.measured_on.desc(), BodyMeasurement.id.desc())
    ).all()
    appointments = db.scalars(
        select(Appointment)
        .where(Appointment.patient_id == patient.id)
        .order_by(Appointment.starts_at.desc())
    ).all()
    audit.record(
        db,
        actor,
        AuditAction.VIEW,
        "patient",
        patient.id,
        patient_id=patient.id,
        site_id=patient.site_id,
    )
    return Chart(patient, site, measurements, appointments)


def search(db: Session, actor: Actor, organization_id: int, text: str) -> Sequence[Patient]:
    """Search by name, MRN or date of birth at the actor's sites; the hits are audited as reads."""
    actor.require(Action.SEARCH_PATIENTS)
    query = parse_query(text)
    if query.is_empty:
        return []
    sites = actor.visible_sites(Action.SEARCH_PATIENTS)
    found = patient_queries.search(db, organization_id, query, sites)
    audit.record(
        db, actor, AuditAction.SEARCH, "patient", detail={"patient_ids": [p.id for p in found]}
    )
    return found


def record_measurement(
    db: Session,
    actor: Actor,
    patient_id: int,
    measured_on: date | None,
    weight_kg: Decimal | None,
    height_cm: Decimal | None,
) -> BodyMeasurement:
    """Add a dated weight and/or height to the patient's history."""
    patient = _visible(db, actor, patient_id, Action.WRITE_PATIENT)
    validate_measurement(weight_kg, height_cm, measured_on, _today(actor))
    assert measured_on is not None
    row = BodyMeasurement(
        patient_id=patient.id,
        site_id=patient.site_id,
        measured_on=measured_on,
        weight_kg=weight_kg,
        height_cm=height_cm,
        recorded_by_id=actor.staff_user_id,
        recorded_at=actor.at,
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor,
        AuditAction.CREATE,
        "body_measurement",
        row.id,
        patient_id=patient.id,
        site_id=patient.site_id,
    )
    return row
