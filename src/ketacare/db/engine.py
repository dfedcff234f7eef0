"""Engine and database sessions, with SQLite set up for a clinic's workload.

SQLite runs in WAL mode with foreign keys on and a busy timeout; write transactions begin
IMMEDIATE so two writers never both read a stale audit-chain head and one then fails late.
Statement logging never carries values: bound parameters are hidden (also in error messages)
and result rows are dropped, because both hold patient data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker


class _DropResultRows(logging.Filter):
    """SQLAlchemy logs every fetched row at DEBUG; rows are patient records, so never log them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != "Row %r"


_DROP_RESULT_ROWS = _DropResultRows()


READ_ONLY_OPTION = "ketacare_read_only"


def make_engine(url: str, *, sqlite_synchronous: str = "NORMAL", echo: bool = False) -> Engine:
    """An engine for ``url``; creates the SQLite file's directory when needed."""
    logging.getLogger("sqlalchemy.engine.Engine").addFilter(_DROP_RESULT_ROWS)  # idempotent
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, echo=echo, hide_parameters=True, connect_args={"check_same_thread": False}
    )
    _configure_sqlite(engine, sqlite_synchronous)
    return engine


def _configure_sqlite(engine: Engine, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY_OPTION, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def read_only_transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A long read (audit verification, reports) that never holds SQLite's write lock.

    Nothing may be written in it; on SQLite a write would fail with "database is locked".
    """
    with factory() as db_session, db_session.begin():
        db_session.connection(execution_options={READ_ONLY_OPTION: True})
        yield db_session


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as db_session, db_session.begin():
        yield db_session
