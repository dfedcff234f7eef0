"""``ketacare audit verify``: an intact trail passes; an edited row is named by its id."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ketacare.db.models import AuditEvent
from tests.cli.conftest import Run, one_line


def test_audit_verify_counts_every_event_and_reports_the_chain_intact(
    run: Run, database_url: str, sessions: sessionmaker[Session]
):
    with sessions() as db:
        events = db.scalar(select(func.count()).select_from(AuditEvent))
    result = run(database_url, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"{events} events verified, chain intact" in result.stdout


def test_audit_verify_fails_naming_the_event_whose_detail_was_edited(
    run: Run, database_url: str, engine: Engine
):
    with engine.begin() as conn:
        edited = conn.scalar(
            text("SELECT min(id) FROM audit_event WHERE detail <> '{}' AND id > 3")
        )
        conn.execute(text("UPDATE audit_event SET detail = '{}' WHERE id = :id"), {"id": edited})
    result = run(database_url, "audit", "verify")
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert line.startswith(f"audit trail broken at event {edited}:")
    assert "stored fields do not match" in line
