"""Patient workflows: register, edit, view (audited), search, and record weight and height."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction
from ketacare.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from ketacare.core.patients import PatientDetails, validate_measurement, validate_patient
from ketacare.core.permissions import Action
from ketacare.core.search import parse_query, search_key
from ketacare.db import patients as patient_queries
from ketacare.db.models import Appointment, BodyMeasurement, Location, Patient, Site
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
    location_names: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    """A weight and/or height as typed, and the day it was measured."""

    measured_on: date | None
    weight_kg: Decimal | None = None
    height_cm: Decimal | None = None

    @property
    def is_blank(self) -> bool:
        return self.weight_kg is None and self.height_cm is None


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


def _validate_new(details: PatientDetails, first: Measurement | None, today: date) -> None:
    """Every field message at once, demographics and first measurement together."""
    errors: list[FieldError] = []
    try:
        validate_patient(details, today)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    if first is not None and not first.is_blank:
        try:
            validate_measurement(first.weight_kg, first.height_cm, first.measured_on, today)
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationFailed(errors)


def register(
    db: Session,
    actor: Actor,
    organization_id: int,
    details: PatientDetails,
    first_measurement: Measurement | None = None,
) -> Patient:
    """Validate and store a new patient, with the weight/height taken at registration if given.

    Raises ``ValidationFailed`` or ``Conflict`` before storing anything.
    """
    _validate_new(details, first_measurement, _today(actor))
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
    if first_measurement is not None and not first_measurement.is_blank:
        _store_measurement(db, actor, patient, first_measurement)
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


def open_for_edit(db: Session, actor: Actor, patient_id: int) -> tuple[Patient, PatientDetails]:
    """The patient and their demographics to pre-fill an edit form; the read is audited."""
    patient = _visible(db, actor, patient_id, Action.WRITE_PATIENT)
    audit.record(
        db,
        actor,
        AuditAction.VIEW,
        "patient",
        patient.id,
        patient_id=patient.id,
        site_id=patient.site_id,
        detail={"purpose": "edit"},
    )
    return patient, details_of(patient)


def site_of(db: Session, actor: Actor, patient_id: int) -> Site:
    """The patient's home site (whose clock a booking form is read in); no patient data is read."""
    patient = _visible(db, actor, patient_id, Action.READ_PATIENT)
    site = db.get(Site, patient.site_id)
    assert site is not None
    return site


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
    locations = db.scalars(select(Location).where(Location.site_id == site.id)).all()
    audit.record(
        db,
        actor,
        AuditAction.VIEW,
        "patient",
        patient.id,
        patient_id=patient.id,
        site_id=patient.site_id,
    )
    names = {loc.id: loc.name for loc in locations}
    return Chart(patient, site, measurements, appointments, names)


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
    return _store_measurement(db, actor, patient, Measurement(measured_on, weight_kg, height_cm))


def _store_measurement(
    db: Session, actor: Actor, patient: Patient, measurement: Measurement
) -> BodyMeasurement:
    assert measurement.measured_on is not None
    row = BodyMeasurement(
        patient_id=patient.id,
        site_id=patient.site_id,
        measured_on=measurement.measured_on,
        weight_kg=measurement.weight_kg,
        height_cm=measurement.height_cm,
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
