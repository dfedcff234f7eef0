"""``ketacare backup DEST``: an online copy of a SQLite database; PostgreSQL points to pg_dump."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.conftest import Run, one_line
from tests.conftest import USE_POSTGRES

pytestmark = pytest.mark.skipif(USE_POSTGRES, reason="the backup command copies SQLite files")


def staff_emails(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as db:
        return [row[0] for row in db.execute("SELECT email FROM staff_user ORDER BY email")]


def test_backup_writes_a_readable_copy_of_the_database(run: Run, database_url: str, tmp_path: Path):
    destination = tmp_path / "copy.db"
    result = run(database_url, "backup", str(destination))
    assert result.exit_code == 0, result.output
    source = Path(database_url.removeprefix("sqlite:///"))
    assert staff_emails(destination) == staff_emails(source)
    with closing(sqlite3.connect(destination)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not (tmp_path / "copy.db.partial").exists()


def test_backup_refuses_to_overwrite_a_file_unless_forced(
    run: Run, database_url: str, tmp_path: Path
):
    destination = tmp_path / "copy.db"
    destination.write_text("yesterday's notes")
    refused = run(database_url, "backup", str(destination))
    assert refused.exit_code == 1
    assert "already exists; pass --force" in one_line(refused.stderr)
    assert destination.read_text() == "yesterday's notes"
    forced = run(database_url, "backup", str(destination), "--force")
    assert forced.exit_code == 0, forced.output
    assert staff_emails(destination)


def test_backup_into_a_missing_folder_says_so_in_one_line(
    run: Run, database_url: str, tmp_path: Path
):
    result = run(database_url, "backup", str(tmp_path / "no-such-folder" / "copy.db"))
    assert result.exit_code == 1
    assert "does not exist" in one_line(result.stderr)
