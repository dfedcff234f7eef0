"""The appointments API: booking, a site's day, and status changes, each behind its role."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import Appointment, AuditEvent, Location
from tests.factories import Clinic, add_patient
from tests.web.api_tokens import bearer, count, issue_token

DAY = "2026-03-02"


@pytest.fixture
def nurse(sessions: sessionmaker[Session], clinic: Clinic) -> dict[str, str]:
    return bearer(issue_token(sessions, clinic.users[Role.NURSE]))


def chair_at(sessions: sessionmaker[Session], site_id: int) -> Location:
    with sessions() as db:
        chair = db.scalars(select(Location).where(Location.site_id == site_id)).first()
    assert chair is not None
    return chair


def booking(patient_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "patient_id": patient_id,
        "starts_at": f"{DAY}T09:00:00+00:00",
        "ends_at": f"{DAY}T11:00:00+00:00",
        "kind": "treatment",
    }
    body.update(overrides)
    return body


def test_a_booked_appointment_shows_on_the_sites_day_with_patient_and_chair(
    app_client: TestClient, nurse: dict[str, str], sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    chair = chair_at(sessions, clinic.north_site_id)
    created = app_client.post(
        "/api/v1/appointments", json=booking(patient.id, location_id=chair.id), headers=nurse
    )
    assert created.status_code == 201
    assert created.json()["starts_at"] == f"{DAY}T09:00:00Z"
    day = app_client.get(
        "/api/v1/appointments", params={"site_id": clinic.north_site_id, "on": DAY}, headers=nurse
    ).json()
    assert [(a["id"], a["patient"]["id"], a["location_name"]) for a in day] == [
        (created.json()["id"], patient.id, chair.name)
    ]


def test_times_given_with_an_offset_are_stored_and_returned_in_utc(
    app_client: TestClient, nurse: dict[str, str], sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    body = booking(patient.id, starts_at=f"{DAY}T10:00:00+01:00", ends_at=f"{DAY}T11:00:00+01:00")
    created = app_client.post("/api/v1/appointments", json=body, headers=nurse).json()
    assert (created["starts_at"], created["ends_at"]) == (f"{DAY}T09:00:00Z", f"{DAY}T10:00:00Z")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_at": f"{DAY}T09:00:00"}, "starts_at"),
        ({"ends_at": f"{DAY}T08:00:00+00:00"}, "ends_at"),
        ({"kind": "massage"}, "kind"),
    ],
)
def test_a_bad_booking_is_a_422_naming_the_field_and_stores_nothing(
    app_client: TestClient, nurse: dict[str, str], sessions, clinic: Clinic, overrides, field
):
    patient = add_patient(sessions, clinic.north_site_id)
    response = app_client.post(
        "/api/v1/appointments", json=booking(patient.id, **overrides), headers=nurse
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert count(sessions, Appointment) == 0


def test_marking_an_appointment_arrived_is_stored_and_audited(
    app_client: TestClient, nurse: dict[str, str], sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    created = app_client.post("/api/v1/appointments", json=booking(patient.id), headers=nurse)
    url = f"/api/v1/appointments/{created.json()['id']}"
    response = app_client.patch(url, json={"status": "arrived"}, headers=nurse)
    assert response.json()["status"] == "arrived"
    with sessions() as db:
        event = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert (event.action, event.detail) == ("update", '{"status": "arrived"}')
    refused = app_client.patch(url, json={"status": "teleported"}, headers=nurse)
    assert [e["field"] for e in refused.json()["errors"]] == ["status"]


def test_a_therapist_may_read_the_day_but_not_book(
    app_client: TestClient, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    therapist = bearer(issue_token(sessions, clinic.users[Role.THERAPIST]))
    day = {"site_id": clinic.north_site_id, "on": DAY}
    assert app_client.get("/api/v1/appointments", params=day, headers=therapist).status_code == 200
    response = app_client.post("/api/v1/appointments", json=booking(patient.id), headers=therapist)
    assert response.status_code == 403


def test_the_day_at_a_site_the_staff_user_does_not_work_at_is_forbidden(
    app_client: TestClient, nurse: dict[str, str], clinic: Clinic
):
    day = {"site_id": clinic.south_site_id, "on": DAY}
    response = app_client.get("/api/v1/appointments", params=day, headers=nurse)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


def test_the_day_needs_a_site_and_a_date(app_client: TestClient, nurse: dict[str, str]):
    response = app_client.get("/api/v1/appointments", params={"on": "02/03/2026"}, headers=nurse)
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == ["on", "site_id"]
