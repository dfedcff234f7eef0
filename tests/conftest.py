"""Shared fixtures: a real database per test (SQLite; PostgreSQL with KETACARE_TEST_DB=postgresql),
a seeded clinic, the app, and clients signed in as each role.

Each test gets its own copy of a migrated, seeded template database: a file copy on SQLite,
``CREATE DATABASE … TEMPLATE`` on PostgreSQL. Tests never share state and run in any order.
KETACARE_REQUIRE_ALL=1 (set by .ci/run) turns "PostgreSQL or Chromium missing" into a failure.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.engine import make_engine, session_factory
from ketacare.db.migrate import upgrade
from ketacare.services import auth, staff
from ketacare.services.context import Actor
from ketacare.settings import Settings
from ketacare.web import csrf
from ketacare.web.app import create_app
from ketacare.web.deps import SESSION_COOKIE
from tests.factories import Clinic, seed_clinic

POSTGRES_ADMIN_URL = os.environ.get(
    "KETACARE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
USE_POSTGRES = os.environ.get("KETACARE_TEST_DB", "sqlite") == "postgresql"
REQUIRE_ALL = os.environ.get("KETACARE_REQUIRE_ALL", "") == "1"
TEST_SECRET = "test-secret-key-that-is-long-enough-to-pass-checks"


def skip_or_fail(reason: str) -> None:
    """Skip with a visible reason on a laptop; fail under CI, where everything must run."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (KETACARE_REQUIRE_ALL=1 forbids skipping)")
    pytest.skip(reason)


def _admin_engine() -> Engine:
    return create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Clinic]]:
    """A migrated database holding the seeded clinic, copied for each test."""
    if not USE_POSTGRES:
        path = tmp_path_factory.mktemp("template") / "template.db"
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        upgrade(engine)
        seeded = seed_clinic(session_factory(engine))
        engine.dispose()
        with closing(sqlite3.connect(path)) as raw:  # fold the WAL in, so one file copy is whole
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        yield str(path), seeded
        return
    name = f"kc_tmpl_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(_pg_url(name))
    upgrade(engine)
    seeded = seed_clinic(session_factory(engine))
    engine.dispose()
    yield name, seeded
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(template_database: tuple[str, Clinic], tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the template database for this test alone."""
    source, _ = template_database
    if not USE_POSTGRES:
        target = tmp_path / "ketacare.db"
        shutil.copyfile(source, target)
        yield f"sqlite:///{target}"
        return
    name = f"kc_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
    yield _pg_url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def clinic(template_database: tuple[str, Clinic]) -> Clinic:
    return template_database[1]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        mode="test", database_url=database_url, secret_key=TEST_SECRET, data_dir=tmp_path
    )


@pytest.fixture
def app_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """A client that is not signed in."""
    with TestClient(create_app(settings, engine), follow_redirects=False) as client:
        yield client


class StaffClient(TestClient):
    """A TestClient signed in as one staff user; ``csrf`` is the token forms must send."""

    csrf: str = ""
    email: str = ""

    def post_form(self, url: str, data: dict[str, str]) -> object:
        return self.post(url, data={**data, csrf.FORM_FIELD: self.csrf})


def sign_in_directly(sessions: sessionmaker[Session], email: str) -> str:
    """Open a login session without the sign-in form (which has tests of its own)."""
    timeouts = auth.SessionTimeouts(timedelta(minutes=30), timedelta(hours=12))
    with sessions() as db, db.begin():
        user = staff.by_email(db, email)
        signed = auth.start_session(
            db, Actor(None, datetime.now(UTC)), user, timeouts, mfa_passed=True
        )
        return signed.token


@pytest.fixture
def client_for(settings: Settings, engine: Engine, sessions: sessionmaker[Session], clinic: Clinic):  # type: ignore[no-untyped-def]
    """``client_for(Role.NURSE)`` or ``client_for("someone@clinic.test")``: a signed-in client."""
    opened: list[StaffClient] = []

    def make(who: Role | str) -> StaffClient:
        email = clinic.users[who] if isinstance(who, Role) else who
        token = sign_in_directly(sessions, email)
        client = StaffClient(create_app(settings, engine), follow_redirects=False)
        client.__enter__()
        client.cookies.set(SESSION_COOKIE, token)
        client.csrf = csrf.token_for(TEST_SECRET, token)
        client.email = email
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)
