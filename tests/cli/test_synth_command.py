"""``ketacare synth``: seeded synthetic patients through the command line."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.db.models import AuditEvent, Patient
from tests.cli.conftest import Run, one_line


def test_synth_adds_the_patients_and_records_one_audit_event(
    run: Run, database_url: str, sessions: sessionmaker[Session]
):
    result = run(database_url, "synth", "--patients", "40", "--seed", "7")
    assert result.exit_code == 0, result.output
    assert "Added 40 patients" in result.stdout
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(Patient)) == 40
        events = db.scalars(select(AuditEvent).where(AuditEvent.entity == "synthetic_data")).all()
    assert len(events) == 1
    assert json.loads(events[0].detail)["patients"] == 40


def test_synth_refuses_a_negative_count(run: Run, database_url: str):
    result = run(database_url, "synth", "--patients", "-1")
    assert result.exit_code == 2  # a usage error, caught before anything runs
    assert "Traceback" not in result.output


def test_synth_without_a_clinic_says_to_run_init(run: Run, empty_database_url: str):
    assert run(empty_database_url, "db", "upgrade").exit_code == 0
    result = run(empty_database_url, "synth", "--patients", "5")
    assert result.exit_code == 1
    assert "ketacare init" in one_line(result.stderr)
