"""Safety alerts on Today and the chart: always shown until a prescriber, therapist or admin
acknowledges them with a note, which the audit trail keeps."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import AuditEvent, SafetyAlert
from ketacare.services import responses, staff
from ketacare.services.context import Actor
from tests.factories import Clinic, add_patient


def raise_alert(sessions: sessionmaker[Session], clinic: Clinic, site_id: int | None = None) -> int:
    """A PHQ-9 with item 9 answered 2 for a new patient; returns the patient id."""
    patient = add_patient(sessions, site_id or clinic.north_site_id)
    at = datetime.now(UTC) - timedelta(minutes=5)
    with sessions() as db, db.begin():
        responses.record_clinician_response(
            db, Actor(None, at), patient.id, "phq9", [1] * 8 + [2], "pre_dose", at
        )
    return patient.id


def alert_id(sessions: sessionmaker[Session]) -> int:
    with sessions() as db:
        return db.scalars(select(SafetyAlert.id)).one()


def test_today_shows_an_open_alert_at_the_top_with_a_link_to_the_chart(
    client_for, sessions, clinic: Clinic
):
    patient_id = raise_alert(sessions, clinic)
    page = client_for(Role.PRESCRIBER).get("/").text
    alert_at = page.index('class="safety-alerts"')
    assert alert_at < page.index('class="site-day"')
    assert "PHQ-9 item 9 answered 2" in page
    assert f'href="/patients/{patient_id}"' in page[alert_at:]
    assert f'action="/safety-alerts/{alert_id(sessions)}/acknowledge"' in page


def test_the_chart_shows_the_alert_above_everything_else(client_for, sessions, clinic: Clinic):
    patient_id = raise_alert(sessions, clinic)
    page = client_for(Role.THERAPIST).get(f"/patients/{patient_id}").text
    assert page.index('class="safety-alerts"') < page.index('class="chart-head"')
    assert "Acknowledge</button>" in page


def test_a_nurse_sees_the_alert_but_gets_no_acknowledge_form(client_for, sessions, clinic: Clinic):
    raise_alert(sessions, clinic)
    nurse = client_for(Role.NURSE)
    page = nurse.get("/").text
    assert "PHQ-9 item 9 answered 2" in page
    assert "Acknowledge</button>" not in page
    assert "A prescriber or therapist must acknowledge this alert" in page
    refused = nurse.post_form(
        f"/safety-alerts/{alert_id(sessions)}/acknowledge", {"action_note": "x"}
    )
    assert refused.status_code == 403


def test_an_alert_at_another_site_is_not_shown(client_for, sessions, clinic: Clinic):
    raise_alert(sessions, clinic, clinic.south_site_id)
    assert "safety-alerts" not in client_for(Role.PRESCRIBER).get("/").text


def test_acknowledging_without_a_note_is_refused_and_the_alert_stays_open(
    client_for, sessions, clinic: Clinic
):
    raise_alert(sessions, clinic)
    refused = client_for(Role.PRESCRIBER).post_form(
        f"/safety-alerts/{alert_id(sessions)}/acknowledge", {"action_note": "  ", "next": "/"}
    )
    assert refused.status_code == 422
    assert "Describe the action taken" in refused.text
    with sessions() as db:
        assert db.scalars(select(SafetyAlert.acknowledged_at)).one() is None


def test_acknowledging_with_a_note_closes_the_alert_and_audits_who_and_what(
    client_for, sessions, clinic: Clinic
):
    patient_id = raise_alert(sessions, clinic)
    prescriber = client_for(Role.PRESCRIBER)
    done = prescriber.post_form(
        f"/safety-alerts/{alert_id(sessions)}/acknowledge",
        {
            "action_note": "Called the patient; safety plan reviewed",
            "next": f"/patients/{patient_id}",
        },
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/patients/{patient_id}"
    assert "safety-alerts" not in prescriber.get("/").text
    with sessions() as db:
        me = staff.by_email(db, clinic.users[Role.PRESCRIBER])
        event = db.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "safety_alert", AuditEvent.action == "update"
            )
        ).one()
        assert event.staff_user_id == me.id
        assert json.loads(event.detail)["action_note"] == "Called the patient; safety plan reviewed"


def test_the_back_address_must_be_on_this_site(client_for, sessions, clinic: Clinic):
    raise_alert(sessions, clinic)
    done = client_for(Role.PRESCRIBER).post_form(
        f"/safety-alerts/{alert_id(sessions)}/acknowledge",
        {"action_note": "Seen", "next": "//evil.example/"},
    )
    assert done.headers["location"] == "/"
