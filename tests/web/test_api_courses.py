"""The courses API: propose a course (nothing stored), order it on confirmed slots, read it back,
and the refusals: a chair taken in between, a bad field, the wrong role or site."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import Appointment, AuditEvent, Course
from ketacare.services import staff
from tests.factories import Clinic, add_patient
from tests.web.api_tokens import bearer, count, issue_token

# Tokens act at the real time, so the course starts on a Monday safely ahead of it.
_SOON = datetime.now(UTC).date() + timedelta(days=14)
MONDAY = _SOON - timedelta(days=_SOON.weekday())


@pytest.fixture
def prescriber(sessions: sessionmaker[Session], clinic: Clinic) -> dict[str, str]:
    return bearer(issue_token(sessions, clinic.users[Role.PRESCRIBER]))


@pytest.fixture
def nurse(sessions: sessionmaker[Session], clinic: Clinic) -> dict[str, str]:
    return bearer(issue_token(sessions, clinic.users[Role.NURSE]))


def order(patient_id: int, site_id: int, **changes: Any) -> dict[str, Any]:
    """Esketamine 56 mg from MONDAY: the label's twice-weekly induction (reference §3.2)."""
    body: dict[str, Any] = {
        "patient_id": patient_id,
        "protocol_code": "esketamine_nasal",
        "site_id": site_id,
        "start_on": MONDAY.isoformat(),
        "dose": "56",
    }
    body.update(changes)
    return body


def propose(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    reply = client.post("/api/v1/course-proposals", json=body, headers=headers)
    assert reply.status_code == 200, reply.text
    proposal: dict[str, Any] = reply.json()
    return proposal


def confirm(proposal: dict[str, Any]) -> list[dict[str, Any]]:
    """The proposed slots as a client sends them back unchanged."""
    keys = ("location_id", "starts_at", "ends_at")
    return [{k: slot[k] for k in keys} for slot in proposal["slots"]]


def order_course(client: TestClient, headers: dict[str, str], patient_id: int, site_id: int) -> int:
    """Propose, confirm unchanged, and return the new course's id."""
    body = order(patient_id, site_id)
    slots = confirm(propose(client, headers, body))
    created = client.post("/api/v1/courses", json={"order": body, "slots": slots}, headers=headers)
    assert created.status_code == 201, created.text
    course_id: int = created.json()["id"]
    return course_id


def test_a_proposal_puts_each_induction_treatment_on_a_chair_and_stores_nothing(
    app_client: TestClient, prescriber, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    proposal = propose(app_client, prescriber, order(patient.id, clinic.north_site_id))
    days = [date.fromisoformat(s["starts_at"][:10]) for s in proposal["slots"]]
    assert [d.strftime("%a") for d in days] == ["Mon", "Thu"] * 4
    assert days[0] == MONDAY
    assert {s["location_name"] for s in proposal["slots"]} <= {"Chair 1", "Chair 2"}
    assert (proposal["protocol_code"], proposal["phase"]) == ("esketamine_nasal", "induction")
    assert proposal["protocol_version"] == 1
    # check-in, two devices 5 minutes apart (56 mg), then at least 2 hours' observation (§3.3-3.5)
    assert proposal["chair_min"] == 15 + 5 + 120
    assert all(s["starts_at"].endswith("Z") for s in proposal["slots"])
    assert count(sessions, Course) == 0
    assert count(sessions, Appointment) == 0


def test_a_confirmed_proposal_becomes_a_course_that_reads_back_the_same(
    app_client: TestClient, prescriber, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    body = order(patient.id, clinic.north_site_id, preferred_weekdays=[0, 3])
    proposal = propose(app_client, prescriber, body)
    created = app_client.post(
        "/api/v1/courses", json={"order": body, "slots": confirm(proposal)}, headers=prescriber
    )
    assert created.status_code == 201, created.text
    course = created.json()
    assert created.headers["location"] == f"/api/v1/courses/{course['id']}"
    assert (course["status"], course["phase"], course["dose"], course["dose_unit"]) == (
        "active",
        "induction",
        "56.000",
        "mg",
    )
    assert course["preferred_weekdays"] == [0, 3]
    assert [t["starts_at"] for t in course["treatments"]] == [
        s["starts_at"] for s in proposal["slots"]
    ]
    assert {(t["status"], t["phase"]) for t in course["treatments"]} == {("booked", "induction")}
    read = app_client.get(f"/api/v1/courses/{course['id']}", headers=prescriber)
    assert read.json() == course
    listed = app_client.get(f"/api/v1/patients/{patient.id}/courses", headers=prescriber).json()
    assert [(c["id"], c["protocol_code"], "treatments" in c) for c in listed] == [
        (course["id"], "esketamine_nasal", False)
    ]


def test_reading_a_course_is_audited_against_the_patient(
    app_client: TestClient, prescriber, nurse, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    course_id = order_course(app_client, prescriber, patient.id, clinic.north_site_id)
    assert app_client.get(f"/api/v1/courses/{course_id}", headers=nurse).status_code == 200
    with sessions() as db:
        nurse_id = staff.by_email(db, clinic.users[Role.NURSE]).id
        nurse_reads = db.execute(
            select(AuditEvent.entity, AuditEvent.entity_id, AuditEvent.patient_id).where(
                AuditEvent.staff_user_id == nurse_id, AuditEvent.action == "view"
            )
        ).all()
    assert [tuple(r) for r in nurse_reads] == [("course", str(course_id), patient.id)]


def test_a_chair_taken_between_proposal_and_confirmation_is_a_409_and_books_nothing(
    app_client: TestClient, prescriber, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    grace = add_patient(sessions, clinic.north_site_id, mrn="MRN-2", given_name="Grace")
    first, second = (order(p.id, clinic.north_site_id) for p in (ada, grace))
    first_slots = confirm(propose(app_client, prescriber, first))
    second_slots = confirm(propose(app_client, prescriber, second))
    assert first_slots == second_slots  # proposed from the same empty calendar
    booked = app_client.post(
        "/api/v1/courses", json={"order": first, "slots": first_slots}, headers=prescriber
    )
    assert booked.status_code == 201
    clash = app_client.post(
        "/api/v1/courses", json={"order": second, "slots": second_slots}, headers=prescriber
    )
    assert clash.status_code == 409
    assert clash.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in clash.json()["errors"]] == ["treatments"]
    assert count(sessions, Course) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"preferred_weekdays": [7]}, "preferred_weekdays.0"),
        ({"dose": "-5"}, "dose"),
        ({"start_on": "next monday"}, "start_on"),
        ({"sessions": 4}, "sessions"),
    ],
)
def test_a_bad_order_is_a_422_naming_the_field(
    app_client: TestClient, prescriber, sessions, clinic: Clinic, changes, field
):
    patient = add_patient(sessions, clinic.north_site_id)
    body = order(patient.id, clinic.north_site_id, **changes)
    reply = app_client.post("/api/v1/course-proposals", json=body, headers=prescriber)
    assert reply.status_code == 422
    assert field in [e["field"] for e in reply.json()["errors"]]


def test_an_unknown_protocol_is_a_404_naming_it(
    app_client: TestClient, prescriber, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    body = order(patient.id, clinic.north_site_id, protocol_code="ketamine_tea")
    reply = app_client.post("/api/v1/course-proposals", json=body, headers=prescriber)
    assert reply.status_code == 404
    assert "'ketamine_tea'" in reply.json()["detail"]


def test_a_nurse_reads_courses_but_may_neither_propose_nor_order_one(
    app_client: TestClient, nurse, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    body = order(patient.id, clinic.north_site_id)
    assert app_client.post("/api/v1/course-proposals", json=body, headers=nurse).status_code == 403
    slot = {"location_id": 1, "starts_at": f"{MONDAY}T09:00:00Z", "ends_at": f"{MONDAY}T11:20:00Z"}
    ordered = app_client.post(
        "/api/v1/courses", json={"order": body, "slots": [slot]}, headers=nurse
    )
    assert ordered.status_code == 403
    listed = app_client.get(f"/api/v1/patients/{patient.id}/courses", headers=nurse)
    assert (listed.status_code, listed.json()) == (200, [])
    with sessions() as db:
        reads = db.scalars(
            select(AuditEvent.entity).where(
                AuditEvent.action == "view", AuditEvent.patient_id == patient.id
            )
        ).all()
    assert reads == ["course_list"]  # even an empty list is a read of the patient's record


def test_courses_of_a_patient_at_another_site_are_not_found(
    app_client: TestClient, prescriber, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    course_id = order_course(app_client, prescriber, patient.id, clinic.north_site_id)
    south = bearer(issue_token(sessions, clinic.south_nurse_email))
    assert app_client.get(f"/api/v1/courses/{course_id}", headers=south).status_code == 404
    listed = app_client.get(f"/api/v1/patients/{patient.id}/courses", headers=south)
    assert listed.status_code == 404
    assert json.loads(listed.text)["title"] == "Not found"


def test_an_order_without_slots_is_refused(app_client: TestClient, prescriber, sessions, clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    body = {"order": order(patient.id, clinic.north_site_id), "slots": []}
    reply = app_client.post("/api/v1/courses", json=body, headers=prescriber)
    assert reply.status_code == 422
    assert [e["field"] for e in reply.json()["errors"]] == ["slots"]
