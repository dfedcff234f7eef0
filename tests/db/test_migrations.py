"""Migrations build the schema the models describe, from an empty database, on this run's backend
(SQLite, or PostgreSQL with KETACARE_TEST_DB=postgresql): one head, no drift between the models
and the migrated tables, every step upgrades, and a full downgrade then upgrade works."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

import ketacare.db.models  # noqa: F401  (registers every table on Base.metadata)
from ketacare.db.engine import make_engine, session_factory
from ketacare.db.migrate import MIGRATIONS_DIR, alembic_config, current_revision, upgrade
from ketacare.db.schema import Base
from tests.conftest import USE_POSTGRES, _admin_engine, _pg_url
from tests.factories import seed_clinic

SCRIPTS = ScriptDirectory(str(MIGRATIONS_DIR))
REVISIONS_OLDEST_FIRST = [r.revision for r in reversed(list(SCRIPTS.walk_revisions()))]


@pytest.fixture
def empty_engine(tmp_path: Path) -> Iterator[Engine]:
    """A database with no tables at all: never the seeded template."""
    if not USE_POSTGRES:
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    name = f"kc_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(_pg_url(name))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def drift(engine: Engine) -> list[object]:
    """What ``alembic check`` would report: differences between the models and the database."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_there_is_exactly_one_alembic_head():
    assert len(SCRIPTS.get_heads()) == 1


def test_an_empty_database_migrated_to_head_matches_the_models(empty_engine: Engine):
    upgrade(empty_engine)
    assert current_revision(empty_engine) == SCRIPTS.get_current_head()
    assert table_names(empty_engine) == set(Base.metadata.tables)
    assert drift(empty_engine) == []


def test_upgrading_a_database_at_head_again_changes_nothing(empty_engine: Engine):
    upgrade(empty_engine)
    upgrade(empty_engine)
    assert drift(empty_engine) == []


def test_every_revision_upgrades_step_by_step_from_empty(empty_engine: Engine):
    for revision in REVISIONS_OLDEST_FIRST:
        upgrade(empty_engine, revision)
        assert current_revision(empty_engine) == revision
    assert drift(empty_engine) == []


@pytest.mark.parametrize("revision", REVISIONS_OLDEST_FIRST)
def test_a_database_made_by_any_earlier_migration_upgrades_to_head_and_holds_a_clinic(
    empty_engine: Engine, revision: str
):
    upgrade(empty_engine, revision)
    upgrade(empty_engine)
    assert drift(empty_engine) == []
    seeded = seed_clinic(session_factory(empty_engine))
    assert seeded.users


def test_downgrading_to_base_removes_every_table_and_upgrading_again_rebuilds_them(
    empty_engine: Engine,
):
    upgrade(empty_engine)
    command.downgrade(alembic_config(empty_engine), "base")
    assert current_revision(empty_engine) is None
    assert table_names(empty_engine) == set()
    upgrade(empty_engine)
    assert drift(empty_engine) == []


def test_patient_name_search_indexes_support_prefix_scans(empty_engine: Engine):
    """On PostgreSQL, ``LIKE 'abc%'`` uses a btree index only with ``varchar_pattern_ops``
    (outside the C locale); SQLite's default index serves the range scan as it is."""
    upgrade(empty_engine)
    indexes = {i["name"] for i in inspect(empty_engine).get_indexes("patient")}
    assert {"ix_patient_search_family", "ix_patient_search_given"} <= indexes
    if USE_POSTGRES:
        with empty_engine.connect() as conn:
            definitions = (
                conn.execute(
                    text(
                        "SELECT indexdef FROM pg_indexes WHERE indexname LIKE 'ix_patient_search_%'"
                    )
                )
                .scalars()
                .all()
            )
        assert len(definitions) == 2
        assert all("varchar_pattern_ops" in d for d in definitions)
