"""Running ``ketacare`` in-process against a real database, configured the way an operator does:
through KETACARE_* environment variables, re-read on every call."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner, Result

from ketacare.cli.main import app
from ketacare.settings import get_settings
from tests.conftest import POSTGRES_ADMIN_URL, USE_POSTGRES

Run = Callable[..., Result]
PASSWORD = "a long enough password"


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Run]:
    """``run(url, "user", "list")``: invoke the command on the database at ``url`` (None: unset)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KETACARE_MODE", "test")
    monkeypatch.setenv("KETACARE_DATA_DIR", str(tmp_path / "var"))
    runner = CliRunner()

    def invoke(url: str | None, *args: str, input: str | None = None) -> Result:
        if url is None:
            monkeypatch.delenv("KETACARE_DATABASE_URL", raising=False)
        else:
            monkeypatch.setenv("KETACARE_DATABASE_URL", url)
        get_settings.cache_clear()
        return runner.invoke(app, list(args), input=input)

    yield invoke
    get_settings.cache_clear()


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password.txt"
    path.write_text(PASSWORD + "\n")
    return path


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all: a new SQLite file, or a new PostgreSQL database."""
    if not USE_POSTGRES:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"kc_empty_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def one_line(text: str) -> str:
    """The single line an error prints; fails when there is more (a traceback, a panel)."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]
