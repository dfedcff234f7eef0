"""``ketacare jobs list`` shows the queue without patient data; ``ketacare jobs run`` sends what
is due, now, through the configured mail server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.db.models import Job
from ketacare.services import jobs, reminders
from tests.cli.conftest import Run
from tests.factories import Clinic, add_patient
from tests.interop.smtp import smtp_server
from tests.services.test_reminders import book

PRIVATE = ("Ada", "Lovelace", "ada@example.org", "1985")


def booked_next_week(sessions: sessionmaker[Session], clinic: Clinic) -> int:
    """A patient booked a week from now (no chair): an invitation due now, a reminder later."""
    patient = add_patient(sessions, clinic.north_site_id)
    now = datetime.now(UTC)
    appointment_id, _ = book(sessions, patient.id, None, now + timedelta(days=7), now=now)
    return appointment_id


def test_jobs_list_on_an_empty_queue_says_so(run: Run, database_url: str):
    result = run(database_url, "jobs", "list")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "No jobs."


def test_jobs_list_counts_by_kind_and_status_and_shows_failures_without_patient_data(
    run: Run, database_url: str, sessions: sessionmaker[Session], clinic: Clinic
):
    appointment_id = booked_next_week(sessions, clinic)
    with sessions() as db, db.begin():
        invitation = db.scalars(select(Job).where(Job.kind == reminders.INVITATION)).one()
        invitation.status, invitation.attempts = "failed", jobs.MAX_ATTEMPTS
        invitation.last_error = "The email was not sent: the mail server could not be reached."
        invitation.finished_at = datetime.now(UTC)
        next_due = db.scalars(select(Job).where(Job.kind == reminders.REMINDER)).one().run_at
    result = run(database_url, "jobs", "list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(line.split() == [reminders.REMINDER, "1", "0", "0", "0", "0"] for line in lines)
    assert any(line.split() == [reminders.INVITATION, "0", "0", "0", "1", "0"] for line in lines)
    assert f"Next due: {next_due.isoformat(timespec='seconds')}" in result.stdout
    assert f"appointment:{appointment_id}" in result.stdout
    assert "could not be reached" in result.stdout
    for private in PRIVATE:
        assert private not in result.stdout


def test_jobs_run_sends_the_due_invitation_now(
    run: Run,
    database_url: str,
    sessions: sessionmaker[Session],
    clinic: Clinic,
    monkeypatch: pytest.MonkeyPatch,
):
    booked_next_week(sessions, clinic)
    with smtp_server() as inbox:
        monkeypatch.setenv("KETACARE_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("KETACARE_SMTP_PORT", str(inbox.port))
        monkeypatch.setenv("KETACARE_SMTP_STARTTLS", "false")
        monkeypatch.setenv("KETACARE_MAIL_FROM", "appointments@clinic.test")
        result = run(database_url, "jobs", "run")
        assert result.exit_code == 0, result.output
        assert "Ran 1 due job(s)." in result.stdout
        [message] = inbox.messages
    assert message["To"] == "ada@example.org"
    for private in PRIVATE:
        assert private not in result.stdout
    again = run(database_url, "jobs", "run")
    assert again.stdout.strip() == "No job is due."
