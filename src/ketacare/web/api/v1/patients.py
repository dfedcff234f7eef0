"""Patients over the API: search, read (audited), register, update, and weight/height history."""

from __future__ import annotations

from fastapi import Depends, Response
from sqlalchemy.orm import Session

from ketacare.core.patients import PatientDetails, bmi
from ketacare.core.permissions import Action
from ketacare.db.models import BodyMeasurement
from ketacare.services import patients
from ketacare.web.api.v1.routing import PREFIX, api_router
from ketacare.web.api.v1.schemas import (
    MeasurementIn,
    MeasurementOut,
    PatientIn,
    PatientOut,
    PatientSummary,
)
from ketacare.web.deps import Viewer, get_db, requires

router = api_router("patients")


def _details(body: PatientIn) -> PatientDetails:
    return PatientDetails(**{**body.model_dump(), "sex_at_birth": body.sex_at_birth.value})


def _measurement(row: BodyMeasurement) -> MeasurementOut:
    body_mass_index = None
    if row.weight_kg is not None and row.height_cm is not None:
        body_mass_index = bmi(row.weight_kg, row.height_cm)
    return MeasurementOut(
        id=row.id,
        measured_on=row.measured_on,
        weight_kg=row.weight_kg,
        height_cm=row.height_cm,
        bmi=body_mass_index,
        recorded_at=row.recorded_at,
    )


@router.get("/patients", summary="Search patients")
def search_patients(
    q: str = "",
    viewer: Viewer = Depends(requires(Action.SEARCH_PATIENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> list[PatientSummary]:
    """Search by name prefix (``love``, ``Lovelace, Ada``), MRN or date of birth (``YYYY-MM-DD``)
    at the sites where the staff user works. An empty ``q`` finds nothing."""
    found = patients.search(db, viewer.actor, viewer.principal.organization_id, q)
    return [PatientSummary.model_validate(p) for p in found]


@router.get("/patients/{patient_id}", summary="Read a patient")
def read_patient(
    patient_id: int,
    viewer: Viewer = Depends(requires(Action.READ_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> PatientOut:
    """The patient's demographics; the read is recorded on the audit trail."""
    chart = patients.view(db, viewer.actor, patient_id)
    return PatientOut.model_validate(chart.patient)


@router.post("/patients", status_code=201, summary="Register a patient")
def register_patient(
    body: PatientIn,
    response: Response,
    viewer: Viewer = Depends(requires(Action.WRITE_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> PatientOut:
    """Store a new patient; a duplicate MRN is a 409 naming the ``mrn`` field, and nothing is
    stored when any field is refused."""
    patient = patients.register(db, viewer.actor, viewer.principal.organization_id, _details(body))
    response.headers["Location"] = f"{PREFIX}/patients/{patient.id}"
    return PatientOut.model_validate(patient)


@router.put("/patients/{patient_id}", summary="Replace a patient's demographics")
def update_patient(
    patient_id: int,
    body: PatientIn,
    viewer: Viewer = Depends(requires(Action.WRITE_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> PatientOut:
    """Every field is replaced; omitted optional fields become empty."""
    patient = patients.update(db, viewer.actor, patient_id, _details(body))
    return PatientOut.model_validate(patient)


@router.get("/patients/{patient_id}/measurements", summary="Weight and height history")
def list_measurements(
    patient_id: int,
    viewer: Viewer = Depends(requires(Action.READ_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> list[MeasurementOut]:
    """Newest first; reading them is a read of the patient's record, so it is audited."""
    chart = patients.view(db, viewer.actor, patient_id)
    return [_measurement(row) for row in chart.measurements]


@router.post(
    "/patients/{patient_id}/measurements", status_code=201, summary="Record weight and height"
)
def record_measurement(
    patient_id: int,
    body: MeasurementIn,
    viewer: Viewer = Depends(requires(Action.WRITE_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> MeasurementOut:
    """Weight from 1 to 400 kg and height from 30 to 260 cm; at least one of them."""
    row = patients.record_measurement(
        db, viewer.actor, patient_id, body.measured_on, body.weight_kg, body.height_cm
    )
    return _measurement(row)
