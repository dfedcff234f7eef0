"""The patients API: token auth, the round trip, audited reads, and refusals that store nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import AuditEvent, BodyMeasurement, Patient
from ketacare.services import auth, staff
from ketacare.services.context import Actor
from tests.factories import Clinic, add_patient
from tests.web.api_tokens import bearer, count, issue_token

TODAY = datetime.now(UTC).date()


def new_patient(site_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "mrn": "MRN-0100",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": "1985-12-10",
        "sex_at_birth": "female",
        "site_id": site_id,
        "phone": "+1 555 0100",
        "email": "ada@example.org",
    }
    body.update(overrides)
    return body


@pytest.fixture
def nurse(sessions: sessionmaker[Session], clinic: Clinic) -> dict[str, str]:
    return bearer(issue_token(sessions, clinic.users[Role.NURSE]))


def field_paths(problem: dict[str, Any]) -> list[str]:
    return [e["field"] for e in problem["errors"]]


def test_a_patient_registered_over_the_api_can_be_read_searched_and_updated(
    app_client: TestClient, nurse: dict[str, str], clinic: Clinic
):
    created = app_client.post(
        "/api/v1/patients", json=new_patient(clinic.north_site_id), headers=nurse
    )
    assert created.status_code == 201
    patient = created.json()
    assert created.headers["location"] == f"/api/v1/patients/{patient['id']}"
    read = app_client.get(f"/api/v1/patients/{patient['id']}", headers=nurse).json()
    assert read == patient
    assert read["date_of_birth"] == "1985-12-10"
    assert read["created_at"].endswith("Z")
    found = app_client.get("/api/v1/patients", params={"q": "love"}, headers=nurse).json()
    assert [p["id"] for p in found] == [patient["id"]]
    changed = new_patient(clinic.north_site_id, family_name="King", allergies="latex")
    updated = app_client.put(f"/api/v1/patients/{patient['id']}", json=changed, headers=nurse)
    assert updated.status_code == 200
    assert (updated.json()["family_name"], updated.json()["allergies"]) == ("King", "latex")


def test_reading_a_patient_writes_a_view_event_to_the_audit_trail(
    app_client: TestClient, nurse: dict[str, str], sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    assert app_client.get(f"/api/v1/patients/{patient.id}", headers=nurse).status_code == 200
    with sessions() as db:
        views = db.scalars(select(AuditEvent).where(AuditEvent.action == "view")).all()
        nurse_id = staff.by_email(db, clinic.users[Role.NURSE]).id
    assert [(v.entity, v.patient_id, v.staff_user_id) for v in views] == [
        ("patient", patient.id, nurse_id)
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_of_birth": (TODAY + timedelta(days=2)).isoformat()}, "date_of_birth"),
        ({"date_of_birth": "1985-02-30"}, "date_of_birth"),
        ({"email": "ada-at-example"}, "email"),
        ({"emergency_contact_phone": "call me"}, "emergency_contact_phone"),
        ({"sex_at_birth": "f"}, "sex_at_birth"),
        ({"mrn": ""}, "mrn"),
        ({"dob": "1985-12-10"}, "dob"),
    ],
)
def test_bad_patient_input_is_a_422_problem_naming_the_field_and_stores_nothing(
    app_client: TestClient, nurse: dict[str, str], sessions, clinic: Clinic, overrides, field
):
    audit_rows = count(sessions, AuditEvent)
    response = app_client.post(
        "/api/v1/patients", json=new_patient(clinic.north_site_id, **overrides), headers=nurse
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert field_paths(response.json()) == [field]
    assert count(sessions, Patient) == 0
    assert count(sessions, AuditEvent) == audit_rows


def test_a_duplicate_mrn_is_a_409_on_the_mrn_field_and_stores_nothing(
    app_client: TestClient, nurse: dict[str, str], sessions, clinic: Clinic
):
    add_patient(sessions, clinic.north_site_id, mrn="MRN-0100")
    response = app_client.post(
        "/api/v1/patients", json=new_patient(clinic.north_site_id), headers=nurse
    )
    assert response.status_code == 409
    assert field_paths(response.json()) == ["mrn"]
    assert count(sessions, Patient) == 1


def test_an_update_to_another_patients_mrn_is_refused_and_changes_nothing(
    app_client: TestClient, nurse: dict[str, str], sessions, clinic: Clinic
):
    add_patient(sessions, clinic.north_site_id, mrn="A-1")
    other = add_patient(sessions, clinic.north_site_id, mrn="B-2", given_name="Grace")
    response = app_client.put(
        f"/api/v1/patients/{other.id}",
        json=new_patient(clinic.north_site_id, mrn="A-1", given_name="Changed"),
        headers=nurse,
    )
    assert response.status_code == 409
    with sessions() as db:
        stored = db.get(Patient, other.id)
        assert stored is not None
        assert (stored.mrn, stored.given_name) == ("B-2", "Grace")


def test_weight_and_height_round_trip_as_decimal_strings_with_a_bmi(
    app_client: TestClient, nurse: dict[str, str], sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    url = f"/api/v1/patients/{patient.id}/measurements"
    body = {"measured_on": TODAY.isoformat(), "weight_kg": "72.5", "height_cm": 170}
    created = app_client.post(url, json=body, headers=nurse)
    assert created.status_code == 201
    assert (created.json()["weight_kg"], created.json()["height_cm"]) == ("72.5", "170.0")
    listed = app_client.get(url, headers=nurse).json()
    assert listed == [created.json()]
    assert listed[0]["bmi"] == "25.1"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weight_kg": 500}, "weight_kg"),
        ({"weight_kg": "72.55"}, "weight_kg"),
        ({"height_cm": "tall"}, "height_cm"),
        ({"weight_kg": 70, "measured_on": "yesterday"}, "measured_on"),
    ],
)
def test_implausible_measurements_are_refused_and_nothing_is_stored(
    app_client: TestClient, nurse: dict[str, str], sessions, clinic: Clinic, body, field
):
    patient = add_patient(sessions, clinic.north_site_id)
    response = app_client.post(
        f"/api/v1/patients/{patient.id}/measurements",
        json={"measured_on": TODAY.isoformat(), **body},
        headers=nurse,
    )
    assert response.status_code == 422
    assert field_paths(response.json()) == [field]
    assert count(sessions, BodyMeasurement) == 0


def test_patients_at_a_site_the_staff_user_does_not_work_at_are_not_found(
    app_client: TestClient, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    south_nurse = bearer(issue_token(sessions, clinic.south_nurse_email))
    response = app_client.get(f"/api/v1/patients/{patient.id}", headers=south_nurse)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_a_request_without_a_token_is_401_with_a_bearer_challenge(app_client: TestClient):
    response = app_client.get("/api/v1/patients", params={"q": "love"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["status"] == 401


def test_a_revoked_token_stops_working_at_once(app_client: TestClient, sessions, clinic: Clinic):
    token = issue_token(sessions, clinic.users[Role.NURSE])
    assert app_client.get("/api/v1/patients", headers=bearer(token)).status_code == 200
    with sessions() as db, db.begin():
        user = staff.by_email(db, clinic.users[Role.NURSE])
        actor = Actor(staff.principal_for(db, user), datetime.now(UTC))
        (row,) = auth.access_tokens_of(db, user)
        auth.revoke_access_token(db, actor, user, row.id)
    assert app_client.get("/api/v1/patients", headers=bearer(token)).status_code == 401


def test_a_researcher_token_is_forbidden_from_patient_records(
    app_client: TestClient, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    researcher = bearer(issue_token(sessions, clinic.users[Role.RESEARCHER]))
    response = app_client.get(f"/api/v1/patients/{patient.id}", headers=researcher)
    assert response.status_code == 403
    assert response.json()["title"] == "Not allowed"


def test_a_signed_in_browser_may_write_only_with_the_csrf_header(client_for, clinic: Clinic):
    browser = client_for(Role.NURSE)
    body = new_patient(clinic.north_site_id)
    assert browser.post("/api/v1/patients", json=body).status_code == 403
    headers = {"X-CSRF-Token": browser.csrf}
    assert browser.post("/api/v1/patients", json=body, headers=headers).status_code == 201
