"""``ketacare db``: show the revision, and upgrade to this version's head."""

from __future__ import annotations

from ketacare.db.engine import make_engine
from ketacare.db.migrate import head_revision
from tests.cli.conftest import Run


def test_db_current_then_upgrade_brings_an_empty_database_to_head(
    run: Run, empty_database_url: str
):
    before = run(empty_database_url, "db", "current")
    assert before.exit_code == 0, before.output
    assert "none (empty database)" in before.stdout
    upgraded = run(empty_database_url, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    after = run(empty_database_url, "db", "current")
    engine = make_engine(empty_database_url)
    head = head_revision(engine)
    engine.dispose()
    assert f"Current revision: {head}" in after.stdout
    assert "up to date" in after.stdout


def test_db_upgrade_is_safe_to_repeat(run: Run, database_url: str):
    assert run(database_url, "db", "upgrade").exit_code == 0
    assert run(database_url, "db", "upgrade").exit_code == 0
