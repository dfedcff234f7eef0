"""SQLite is set up for a clinic's workload: WAL journal, foreign keys enforced, a busy timeout,
and write transactions that take the write lock when they begin."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from ketacare.db.engine import make_engine, read_only_transaction, session_factory, transaction
from ketacare.db.migrate import upgrade


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "ketacare.db"


@pytest.fixture
def sqlite_engine(sqlite_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{sqlite_path}")
    yield engine
    engine.dispose()


def pragma(engine: Engine, name: str) -> object:
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_make_engine_creates_the_database_directory(sqlite_engine: Engine, sqlite_path: Path):
    assert sqlite_path.parent.is_dir()


@pytest.mark.parametrize(
    ("name", "value"),
    [("journal_mode", "wal"), ("foreign_keys", 1), ("busy_timeout", 10000), ("synchronous", 1)],
)
def test_sqlite_pragmas(sqlite_engine: Engine, name: str, value: object):
    assert pragma(sqlite_engine, name) == value


def test_synchronous_full_is_available_for_clinics_that_ask_for_it(sqlite_path: Path):
    engine = make_engine(f"sqlite:///{sqlite_path}", sqlite_synchronous="FULL")
    assert pragma(engine, "synchronous") == 2
    engine.dispose()


def test_foreign_keys_are_enforced(sqlite_engine: Engine):
    upgrade(sqlite_engine)
    orphan = (
        "INSERT INTO site (organization_id, code, name, timezone) VALUES (999, 'X', 'X', 'UTC')"
    )
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), sqlite_engine.begin() as conn:
        conn.execute(text(orphan))


def test_a_transaction_holds_the_write_lock_from_its_first_statement(
    sqlite_engine: Engine, sqlite_path: Path
):
    """BEGIN IMMEDIATE: a second writer is turned away at once, not after both have read."""
    upgrade(sqlite_engine)
    other = sqlite3.connect(sqlite_path, timeout=0, isolation_level=None)
    with closing(other), sqlite_engine.begin() as conn:
        conn.execute(text("SELECT 1"))
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")


def test_a_read_only_transaction_does_not_block_a_writer(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'ro.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    factory = session_factory(engine)
    with read_only_transaction(factory) as reader:
        reader.execute(text("SELECT count(*) FROM t")).scalar_one()
        with transaction(factory) as writer:  # would wait out busy_timeout, then fail, if blocked
            writer.execute(text("INSERT INTO t VALUES (1)"))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar_one() == 1
