"""Throwaway databases to benchmark on: a SQLite file always, PostgreSQL when a server answers."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

POSTGRES_ADMIN_URL = os.environ.get(
    "KETACARE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@dataclass(frozen=True)
class Target:
    """One database to run on: a label for the report, its URL and the server's version."""

    label: str
    url: str
    version: str


@contextmanager
def sqlite_target() -> Iterator[Target]:
    import sqlite3

    with tempfile.TemporaryDirectory(prefix="ketacare-bench-") as folder:
        yield Target("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", sqlite3.sqlite_version)


def postgres_version() -> str | None:
    """The server's version, or None when no PostgreSQL answers at the admin URL."""
    engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            return str(conn.scalar(text("SHOW server_version")))
    except OperationalError:
        return None
    finally:
        engine.dispose()


@contextmanager
def postgres_target(version: str) -> Iterator[Target]:
    """A new database created for the run and dropped afterwards, whatever happens."""
    name = f"kc_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield Target("PostgreSQL", POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, version)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
