"""``ketacare backup`` on PostgreSQL: no copy, but a pointer to the tool that makes one."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Run, one_line


def test_backup_of_postgresql_points_to_pg_dump_with_the_password_masked(run: Run, tmp_path: Path):
    url = "postgresql+psycopg://clinic:s3cret@db.internal:5432/ketacare"
    result = run(url, "backup", str(tmp_path / "copy.dump"))
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert "pg_dump --format=custom" in line
    assert "postgresql://clinic:***@db.internal:5432/ketacare" in line
    assert "s3cret" not in result.output
    assert not (tmp_path / "copy.dump").exists()
