"""Safety alerts: which answers raise one and at what level, who may acknowledge it, and that an
open alert is always listed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import Role
from ketacare.core.errors import Conflict, PermissionDenied, ValidationFailed
from ketacare.db.models import AuditEvent, SafetyAlert
from ketacare.services import responses, safety, staff
from ketacare.services.context import Actor
from tests.factories import Clinic, add_patient

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
NO_RISK = [0, 0, None, None, None, 0]


def actor_for(db: Session, email: str, at: datetime = NOW) -> Actor:
    return Actor(staff.principal_for(db, staff.by_email(db, email)), at, "10.0.0.5")


def record(sessions, clinic: Clinic, patient_id: int, code: str, answers: list) -> int | None:
    """Record as the North nurse; the id of the alert raised, if any."""
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        row = responses.record_clinician_response(
            db, nurse, patient_id, code, answers, "pre_dose", NOW
        )
        return db.scalar(select(SafetyAlert.id).where(SafetyAlert.response_id == row.id))


@pytest.mark.parametrize(
    ("answers", "level", "reason"),
    [
        ([1, 1, 0, 1, 0, 0], "high", "C-SSRS screener: high risk (YES to item 1, 2, 4)"),
        ([0, 0, None, None, None, 1], "high", "C-SSRS screener: high risk (YES to item 6)"),
        ([0, 1, 1, 0, 0, 0], "moderate", "C-SSRS screener: moderate risk (YES to item 2, 3)"),
        ([1, 0, None, None, None, 0], "ideation", "C-SSRS screener: low risk (YES to item 1)"),
    ],
)
def test_cssrs_triage_sets_the_alert_level(
    sessions, clinic: Clinic, answers: list, level: str, reason: str
):
    patient = add_patient(sessions, clinic.north_site_id)
    alert_id = record(sessions, clinic, patient.id, "cssrs_screen", answers)
    with sessions() as db:
        alert = db.get(SafetyAlert, alert_id)
        assert alert is not None
        assert (alert.level, alert.reason) == (level, reason)


@pytest.mark.parametrize(
    ("code", "answers"),
    [
        ("cssrs_screen", NO_RISK),
        ("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0]),
        ("madrs", [6, 6, 6, 6, 6, 6, 6, 6, 6, 3]),
    ],
)
def test_high_scores_without_a_safety_answer_raise_no_alert(
    sessions, clinic: Clinic, code: str, answers: list
):
    patient = add_patient(sessions, clinic.north_site_id)
    assert record(sessions, clinic, patient.id, code, answers) is None


def test_madrs_item_10_at_4_raises_an_ideation_alert(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    alert_id = record(sessions, clinic, patient.id, "madrs", [0] * 9 + [4])
    with sessions() as db:
        alert = db.get(SafetyAlert, alert_id)
        assert alert is not None
        assert (alert.level, alert.reason) == ("ideation", "MADRS item 10 answered 4")


def test_open_alerts_list_most_urgent_first_and_never_drop_an_old_one(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    ideation = record(sessions, clinic, patient.id, "phq9", [0] * 8 + [1])
    high = record(sessions, clinic, patient.id, "cssrs_screen", [0, 0, None, None, None, 1])
    a_year_later = NOW + timedelta(days=365)
    with sessions() as db, db.begin():
        therapist = actor_for(db, clinic.users[Role.THERAPIST], a_year_later)
        rows = safety.open_alerts(db, therapist)
        assert [r.alert.id for r in rows] == [high, ideation]
        assert rows[0].patient.id == patient.id
        event = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert (event.action, event.entity) == ("view", "safety_alert")
        assert json.loads(event.detail)["patient_ids"] == [patient.id]


def test_open_alerts_are_limited_to_the_sites_asked_for_and_allowed(sessions, clinic: Clinic):
    north = add_patient(sessions, clinic.north_site_id, mrn="N-1")
    record(sessions, clinic, north.id, "phq9", [0] * 8 + [1])
    with sessions() as db, db.begin():
        south_nurse = actor_for(db, clinic.south_nurse_email)
        assert safety.open_alerts(db, south_nurse) == []
        desk = actor_for(db, clinic.users[Role.FRONT_DESK])
        assert safety.open_alerts(db, desk) == []
        admin = actor_for(db, clinic.users[Role.ADMIN])
        assert safety.open_alerts(db, admin, site_ids=[clinic.south_site_id]) == []
        assert len(safety.open_alerts(db, admin, patient_id=north.id)) == 1


@pytest.mark.parametrize("role", [Role.PRESCRIBER, Role.THERAPIST, Role.ADMIN])
def test_a_prescriber_therapist_or_admin_acknowledges_with_a_note_and_it_is_audited(
    sessions, clinic: Clinic, role: Role
):
    patient = add_patient(sessions, clinic.north_site_id)
    alert_id = record(sessions, clinic, patient.id, "phq9", [0] * 8 + [1])
    assert alert_id is not None
    with sessions() as db, db.begin():
        clinician = actor_for(db, clinic.users[role])
        safety.acknowledge(db, clinician, alert_id, "  Called patient; safety plan reviewed. ")
        assert safety.open_alerts(db, clinician) == []
    with sessions() as db:
        alert = db.get(SafetyAlert, alert_id)
        assert alert is not None
        assert alert.action_note == "Called patient; safety plan reviewed."
        assert alert.acknowledged_by_id == staff.by_email(db, clinic.users[role]).id
        event = db.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "safety_alert", AuditEvent.action == "update"
            )
        ).one()
        assert event.staff_user_id == alert.acknowledged_by_id
        assert json.loads(event.detail)["action_note"] == alert.action_note


def test_acknowledging_needs_a_note_a_clinician_and_an_open_alert(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    alert_id = record(sessions, clinic, patient.id, "phq9", [0] * 8 + [1])
    assert alert_id is not None
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        with pytest.raises(PermissionDenied):
            safety.acknowledge(db, nurse, alert_id, "Spoke with patient.")
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        with pytest.raises(ValidationFailed) as raised:
            safety.acknowledge(db, prescriber, alert_id, "   ")
        assert "action_note" in raised.value.by_field()
        assert len(safety.open_alerts(db, prescriber)) == 1
        safety.acknowledge(db, prescriber, alert_id, "Spoke with patient.")
        with pytest.raises(Conflict):
            safety.acknowledge(db, prescriber, alert_id, "Again.")


def test_a_patients_alert_history_keeps_acknowledged_alerts(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    alert_id = record(sessions, clinic, patient.id, "phq9", [0] * 8 + [1])
    assert alert_id is not None
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        safety.acknowledge(db, prescriber, alert_id, "Spoke with patient.")
        assert [a.id for a in safety.alerts_of(db, prescriber, patient.id)] == [alert_id]
