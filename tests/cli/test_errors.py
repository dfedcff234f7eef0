"""Mistakes print one clear line and exit non-zero; never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import Run, one_line


def test_a_command_on_a_database_not_set_up_says_to_run_init(run: Run, empty_database_url: str):
    result = run(empty_database_url, "user", "list")
    assert result.exit_code == 1
    assert "not set up yet; run: ketacare init" in one_line(result.stderr)


def test_serve_refuses_a_placeholder_secret_before_touching_the_database(
    run: Run, monkeypatch, tmp_path: Path
):
    monkeypatch.setenv("KETACARE_MODE", "production")
    monkeypatch.setenv("KETACARE_SECRET_KEY", "change-me")
    database = tmp_path / "never-created.db"
    result = run(f"sqlite:///{database}", "serve")
    assert result.exit_code == 1
    assert "KETACARE_SECRET_KEY" in one_line(result.stderr)
    assert not database.exists()


def test_a_bad_setting_names_the_variable_in_one_line(run: Run, monkeypatch):
    monkeypatch.setenv("KETACARE_PORT", "0")
    result = run("sqlite:///unused.db", "serve")
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith("KETACARE_PORT:")


def test_a_weak_password_is_refused_in_one_line(run: Run, empty_database_url: str, tmp_path: Path):
    short = tmp_path / "short.txt"
    short.write_text("tiny\n")
    args = ("init", "--admin-email", "boss@example.org", "--password-file", str(short))
    result = run(empty_database_url, *args)
    assert result.exit_code == 1
    assert "password: Use at least 12 characters." in one_line(result.stderr)


def test_an_unreachable_database_is_one_line(run: Run):
    result = run("postgresql+psycopg://postgres@127.0.0.1:1/ketacare", "user", "list")
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith("Cannot use the database:")


def test_the_installed_command_prints_one_line_without_a_traceback(tmp_path: Path):
    command = Path(sys.executable).parent / "ketacare"
    env = {"KETACARE_DATABASE_URL": f"sqlite:///{tmp_path / 'missing.db'}", "PATH": "/usr/bin"}
    done = subprocess.run(
        [str(command), "audit", "verify"], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "not set up yet" in one_line(done.stderr)
