"""Registering, editing, viewing and searching patients, with every read and change audited."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ketacare.core.enums import Role
from ketacare.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ketacare.db.models import AuditEvent, BodyMeasurement, Patient
from ketacare.services import audit, patients, staff
from ketacare.services.context import Actor
from tests.factories import Clinic, add_patient, patient_details

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def actor_for(db: Session, email: str) -> Actor:
    return Actor(staff.principal_for(db, staff.by_email(db, email)), NOW, "10.0.0.5")


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_registering_a_patient_stores_it_and_audits_the_creation(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        patient = patients.register(
            db, nurse, clinic.organization_id, patient_details(clinic.north_site_id)
        )
    with sessions() as db:
        event = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert (event.action, event.entity, event.patient_id) == ("create", "patient", patient.id)
        assert event.ip_address == "10.0.0.5"


def test_future_date_of_birth_is_refused_and_nothing_is_stored(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        details = patient_details(clinic.north_site_id, date_of_birth=date(2027, 1, 1))
        with pytest.raises(ValidationFailed) as raised:
            patients.register(db, nurse, clinic.organization_id, details)
        assert "date_of_birth" in raised.value.by_field()
        assert count(db, Patient) == 0


def test_duplicate_mrn_is_a_conflict_on_the_mrn_field(sessions, clinic: Clinic):
    add_patient(sessions, clinic.north_site_id, mrn="A-1")
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        with pytest.raises(Conflict) as raised:
            patients.register(
                db, nurse, clinic.organization_id, patient_details(clinic.north_site_id, mrn="A-1")
            )
        assert raised.value.field == "mrn"


def test_viewing_a_chart_writes_a_view_event(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        chart = patients.view(db, actor_for(db, clinic.users[Role.THERAPIST]), patient.id)
        assert chart.patient.mrn == "MRN-0001"
    with sessions() as db:
        views = db.scalars(select(AuditEvent).where(AuditEvent.action == "view")).all()
        assert [v.patient_id for v in views] == [patient.id]


def test_staff_cannot_see_patients_at_sites_they_do_not_work_at(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        south_nurse = actor_for(db, clinic.south_nurse_email)
        with pytest.raises(NotFound):
            patients.view(db, south_nurse, patient.id)
        assert patients.search(db, south_nurse, clinic.organization_id, "Lovelace") == []


def test_therapist_may_read_but_not_register(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        therapist = actor_for(db, clinic.users[Role.THERAPIST])
        with pytest.raises(PermissionDenied):
            patients.register(
                db, therapist, clinic.organization_id, patient_details(clinic.north_site_id)
            )


@pytest.mark.parametrize(
    "typed",
    [
        "Lovelace",
        "love",
        "ada",
        "Ada Love",
        "lovelace, ad",
        "MRN-0001",
        "mrn-0001",
        "1985-12-10",
        "LOVELACE",
    ],
)
def test_search_finds_by_name_prefix_mrn_or_date_of_birth(sessions, clinic: Clinic, typed: str):
    patient = add_patient(sessions, clinic.north_site_id)
    add_patient(
        sessions,
        clinic.north_site_id,
        mrn="MRN-0002",
        given_name="Grace",
        family_name="Hopper",
        date_of_birth=date(1906, 12, 9),
    )
    with sessions() as db, db.begin():
        found = patients.search(
            db, actor_for(db, clinic.users[Role.FRONT_DESK]), clinic.organization_id, typed
        )
        assert [p.id for p in found] == [patient.id]


def test_search_folds_accents(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id, family_name="Núñez-O'Brien")
    with sessions() as db, db.begin():
        found = patients.search(
            db, actor_for(db, clinic.users[Role.NURSE]), clinic.organization_id, "nunezob"
        )
        assert [p.id for p in found] == [patient.id]


def test_weight_outside_one_to_four_hundred_kg_is_refused(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        with pytest.raises(ValidationFailed, match="between 1 and 400"):
            patients.record_measurement(
                db, nurse, patient.id, date(2026, 3, 1), Decimal("400.1"), None
            )
        patients.record_measurement(
            db, nurse, patient.id, date(2026, 3, 1), Decimal("400"), Decimal("170")
        )
        assert count(db, BodyMeasurement) == 1


def test_audit_chain_verifies_and_detects_an_altered_row(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        patients.view(db, actor_for(db, clinic.users[Role.NURSE]), patient.id)
    with sessions() as db, db.begin():
        checked, broken = audit.verify(db)
        assert checked > 10
        assert broken is None
        target = db.scalars(select(AuditEvent).where(AuditEvent.action == "view")).one()
        target.staff_user_id = None  # tamper: make the read look anonymous
    with sessions() as db, db.begin():
        _, broken = audit.verify(db)
        assert broken is not None
        assert broken.event_id == target.id
