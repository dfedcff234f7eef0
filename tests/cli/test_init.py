"""``ketacare init``: the first organization, site and admin, created once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from ketacare.core.enums import Role
from ketacare.db.engine import make_engine, session_factory
from ketacare.db.models import Organization
from ketacare.services import clinic, staff
from tests.cli.conftest import PASSWORD, Run, one_line


def test_init_creates_the_organization_its_site_and_an_admin_there(
    run: Run, empty_database_url: str, password_file: Path
):
    result = run(
        empty_database_url,
        "init",
        "--admin-email", "Boss@Example.org",
        "--password-file", str(password_file),
        "--organization", "Lakeside Clinic",
        "--site", "Downtown",
        "--site-code", "dt",
        "--timezone", "Europe/London",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    engine = make_engine(empty_database_url)
    with session_factory(engine)() as db:
        org = clinic.the_organization(db)
        (site,) = clinic.sites_of(db, org.id)
        admin = staff.by_email(db, "boss@example.org")
        principal = staff.principal_for(db, admin)
        assert (org.name, site.code, site.timezone) == ("Lakeside Clinic", "DT", "Europe/London")
        assert principal.grants == {site.id: frozenset({Role.ADMIN})}
        assert staff.PASSWORDS.verify(PASSWORD, admin.password_hash)
    engine.dispose()


def test_init_refuses_to_run_a_second_time(run: Run, empty_database_url: str, password_file: Path):
    args = ("init", "--admin-email", "boss@example.org", "--password-file", str(password_file))
    assert run(empty_database_url, *args).exit_code == 0
    again = run(empty_database_url, *args[:2], "other@example.org", *args[3:])
    assert again.exit_code == 1
    assert "already holds the organization" in one_line(again.stderr)
    engine = make_engine(empty_database_url)
    with session_factory(engine)() as db:
        assert db.scalar(select(func.count()).select_from(Organization)) == 1
    engine.dispose()


def test_init_asks_for_the_password_twice_when_no_file_is_given(run: Run, empty_database_url: str):
    typed = f"{PASSWORD}\n{PASSWORD}\n"
    result = run(empty_database_url, "init", "--admin-email", "boss@example.org", input=typed)
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output


def test_init_with_an_unknown_time_zone_says_so_in_one_line(
    run: Run, empty_database_url: str, password_file: Path
):
    result = run(
        empty_database_url,
        "init",
        "--admin-email", "boss@example.org",
        "--password-file", str(password_file),
        "--timezone", "Mars/Olympus_Mons",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "Unknown time zone" in one_line(result.stderr)
