"""The protocols API: each current version as its stored document, values tagged with their source
or the clinic's note, and what the clinic must still set."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ketacare.core.enums import Role
from ketacare.core.protocols.defaults import DEFAULT_PROTOCOLS
from ketacare.services import protocols
from tests.factories import Clinic
from tests.services.assessment import actor_for
from tests.web.api_tokens import bearer, issue_token


def test_the_current_protocols_are_listed_with_what_they_still_need(
    app_client: TestClient, sessions, clinic: Clinic
):
    nurse = bearer(issue_token(sessions, clinic.users[Role.NURSE]))
    listed = app_client.get("/api/v1/protocols", headers=nurse).json()
    assert [p["code"] for p in listed] == list(DEFAULT_PROTOCOLS)
    by_code = {p["code"]: p for p in listed}
    assert by_code["esketamine_nasal"]["needs_clinic_settings"] == []
    assert "observation time" in by_code["im_ketamine"]["needs_clinic_settings"]
    assert {p["version"] for p in listed} == {1}


def test_one_protocol_is_its_stored_document_with_sources_and_notes(
    app_client: TestClient, sessions, clinic: Clinic
):
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        org = clinic.organization_id
        protocols.save_version(
            db, prescriber, org, "esketamine_nasal", {"min_interval_hours": "72"}, "Longer gap"
        )
    token = bearer(issue_token(sessions, clinic.users[Role.THERAPIST]))
    body = app_client.get("/api/v1/protocols/esketamine_nasal", headers=token).json()
    assert (body["version"], body["change_note"], body["screening_code"]) == (
        2,
        "Longer gap",
        "esketamine_nasal",
    )
    document = body["document"]
    assert document["dose_rule"]["default"] == {
        "value": "56",
        "source": "§3.2 day 1: 56 mg [SPR-LIOBM] [SPR-MIMS-HK] [SPR-HCP]",
    }
    assert document["min_interval_hours"] == {"value": 72, "note": "set by the clinic in version 2"}


def test_an_unknown_protocol_is_a_problem_naming_the_known_codes(
    app_client: TestClient, sessions, clinic: Clinic
):
    token = bearer(issue_token(sessions, clinic.users[Role.PRESCRIBER]))
    response = app_client.get("/api/v1/protocols/ketamine_lozenge", headers=token)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "esketamine_nasal" in response.json()["detail"]


def test_front_desk_staff_may_not_read_protocols(app_client: TestClient, sessions, clinic: Clinic):
    front_desk = bearer(issue_token(sessions, clinic.users[Role.FRONT_DESK]))
    assert app_client.get("/api/v1/protocols", headers=front_desk).status_code == 403
