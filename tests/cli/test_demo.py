"""``ketacare demo --no-serve``: build the synthetic clinic once, reuse it, rebuild on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from ketacare.core.enums import Role
from ketacare.db.engine import make_engine, session_factory
from ketacare.db.models import Organization, Patient
from ketacare.services import setup, staff
from tests.cli.conftest import Run, one_line
from tests.conftest import USE_POSTGRES


def counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    with session_factory(engine)() as db:
        found = (
            db.scalar(select(func.count()).select_from(Organization)) or 0,
            db.scalar(select(func.count()).select_from(Patient)) or 0,
        )
    engine.dispose()
    return found


def test_demo_builds_a_clinic_with_staff_of_every_role_and_prints_their_sign_ins(
    run: Run, empty_database_url: str
):
    result = run(empty_database_url, "demo", "--no-serve")
    assert result.exit_code == 0, result.output
    assert counts(empty_database_url) == (1, 300)
    for person in setup.demo_sign_ins():
        assert person.email in result.stdout
    assert setup.DEMO_PASSWORD in result.stdout
    engine = make_engine(empty_database_url)
    with session_factory(engine)() as db:
        roles = {
            role
            for person in setup.demo_sign_ins()
            for roles in staff.principal_for(db, staff.by_email(db, person.email)).grants.values()
            for role in roles
        }
        admin = staff.by_email(db, setup.demo_sign_ins()[0].email)
        assert staff.PASSWORDS.verify(setup.DEMO_PASSWORD, admin.password_hash)
    engine.dispose()
    assert roles == set(Role)


def test_running_the_demo_twice_reuses_the_data_and_reset_rebuilds_it(
    run: Run, empty_database_url: str
):
    assert run(empty_database_url, "demo", "--no-serve").exit_code == 0
    again = run(empty_database_url, "demo", "--no-serve")
    assert again.exit_code == 0, again.output
    assert "Reusing the demo clinic" in again.stdout
    assert counts(empty_database_url) == (1, 300)
    rebuilt = run(empty_database_url, "demo", "--no-serve", "--reset")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Built the demo clinic" in rebuilt.stdout
    assert counts(empty_database_url) == (1, 300)


def test_demo_refuses_a_database_that_holds_a_real_clinic(run: Run, database_url: str):
    # The seeded test clinic shares the demo's name, so rename it as a real clinic would be.
    engine = make_engine(database_url)
    with session_factory(engine)() as db, db.begin():
        db.execute(update(Organization).values(name="Riverside Health"))
    engine.dispose()
    for args in (("demo", "--no-serve"), ("demo", "--no-serve", "--reset")):
        result = run(database_url, *args)
        assert result.exit_code == 1
        assert "not the demo clinic" in one_line(result.stderr)
    assert counts(database_url)[0] == 1


@pytest.mark.skipif(USE_POSTGRES, reason="without KETACARE_DATABASE_URL the demo uses SQLite")
def test_demo_keeps_its_own_database_in_the_data_directory(run: Run, tmp_path: Path):
    result = run(None, "demo", "--no-serve")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "var" / "ketacare-demo.db").is_file()
