"""The intakes API: completing an intake with a bearer token, listing its versions, screening a
protocol, and 422 problem documents with field paths that store nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import AuditEvent, Intake
from tests.factories import Clinic, add_patient
from tests.services.assessment import CLEAN, with_facts
from tests.web.api_tokens import bearer, count, issue_token


@pytest.fixture
def nurse(sessions: sessionmaker[Session], clinic: Clinic) -> dict[str, str]:
    return bearer(issue_token(sessions, clinic.users[Role.NURSE]))


def field_paths(problem: dict[str, Any]) -> set[str]:
    return {e["field"] for e in problem["errors"]}


def test_an_intake_completed_over_the_api_is_listed_and_screened(
    app_client: TestClient, nurse: dict[str, str], sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    url = f"/api/v1/patients/{patient.id}/intakes"
    first = app_client.post(url, json=CLEAN, headers=nurse)
    assert first.status_code == 201
    assert (first.json()["version"], first.json()["status"]) == (1, "complete")
    assert first.json()["facts"]["vitals"]["weight_kg"] == "72.5"
    ich = with_facts(medical={"intracerebral_haemorrhage_history": True})
    assert app_client.post(url, json=ich, headers=nurse).json()["version"] == 2
    versions = app_client.get(url, headers=nurse).json()
    assert [(v["version"], v["status"]) for v in versions] == [(2, "complete"), (1, "complete")]
    assert versions[1]["facts"] == first.json()["facts"]
    screening = app_client.get(
        f"/api/v1/patients/{patient.id}/screening",
        params={"protocol": "esketamine_nasal"},
        headers=nurse,
    ).json()
    assert screening["recommendation"] == "ineligible"
    absolute = [f for f in screening["findings"] if f["kind"] == "absolute"]
    assert absolute
    assert all(f["source"] and f["message"] for f in absolute)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            with_facts(vitals={"systolic_mmHg": 400, "diastolic_mmHg": 20}),
            {"vitals.systolic_mmHg", "vitals.diastolic_mmHg"},
        ),
        (with_facts(vitals={"weight_kg": 0}), {"vitals.weight_kg"}),
        (with_facts(vitals={"measured_on": "2026-02-30"}), {"vitals.measured_on"}),
        (with_facts(vitals={"measured_on": "2999-01-01"}), {"vitals.measured_on"}),
        ({"vitalz": {}}, {"vitalz"}),
    ],
)
def test_bad_intake_data_is_a_422_problem_with_field_paths_and_stores_nothing(
    app_client: TestClient,
    nurse: dict[str, str],
    sessions,
    clinic: Clinic,
    body: dict[str, Any],
    fields: set[str],
):
    patient = add_patient(sessions, clinic.north_site_id)
    audit_rows = count(sessions, AuditEvent)
    response = app_client.post(f"/api/v1/patients/{patient.id}/intakes", json=body, headers=nurse)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert field_paths(response.json()) == fields
    assert count(sessions, Intake) == 0
    assert count(sessions, AuditEvent) == audit_rows


def test_screening_an_unknown_protocol_is_a_422_on_the_protocol_field(
    app_client: TestClient, nurse: dict[str, str], sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    app_client.post(f"/api/v1/patients/{patient.id}/intakes", json=CLEAN, headers=nurse)
    response = app_client.get(
        f"/api/v1/patients/{patient.id}/screening", params={"protocol": "nope"}, headers=nurse
    )
    assert response.status_code == 422
    assert field_paths(response.json()) == {"protocol"}


def test_screening_before_any_complete_intake_is_a_409(
    app_client: TestClient, nurse: dict[str, str], sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    response = app_client.get(
        f"/api/v1/patients/{patient.id}/screening",
        params={"protocol": "esketamine_nasal"},
        headers=nurse,
    )
    assert response.status_code == 409


def test_a_therapist_token_reads_intakes_but_cannot_record_one(
    app_client: TestClient, sessions, clinic: Clinic
):
    therapist = bearer(issue_token(sessions, clinic.users[Role.THERAPIST]))
    patient = add_patient(sessions, clinic.north_site_id)
    url = f"/api/v1/patients/{patient.id}/intakes"
    assert app_client.post(url, json=CLEAN, headers=therapist).status_code == 403
    assert app_client.get(url, headers=therapist).json() == []


def test_a_patient_at_a_site_the_token_user_does_not_work_at_is_not_found(
    app_client: TestClient, nurse: dict[str, str], sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.south_site_id)
    response = app_client.post(f"/api/v1/patients/{patient.id}/intakes", json=CLEAN, headers=nurse)
    assert response.status_code == 404
    assert count(sessions, Intake) == 0
