"""``ketacare user``: add, list and disable staff accounts, and set a forgotten password."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.services import staff
from tests.cli.conftest import Run, one_line
from tests.factories import Clinic


def grants_of(sessions: sessionmaker[Session], email: str) -> dict[int, frozenset[Role]]:
    with sessions() as db:
        return dict(staff.principal_for(db, staff.by_email(db, email)).grants)


def test_user_add_grants_each_role_at_the_site_named_by_its_code(
    run: Run, database_url: str, sessions, clinic: Clinic, password_file: Path
):
    result = run(
        database_url,
        "user", "add", "new.nurse@clinic.test",
        "--name", "New Nurse",
        "--role", "nurse:S",
        "--role", "therapist:n",
        "--password-file", str(password_file),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert grants_of(sessions, "new.nurse@clinic.test") == {
        clinic.south_site_id: frozenset({Role.NURSE}),
        clinic.north_site_id: frozenset({Role.THERAPIST}),
    }


def test_user_add_without_a_site_code_grants_the_role_at_every_site(
    run: Run, database_url: str, sessions, clinic: Clinic, password_file: Path
):
    args = ("user", "add", "desk@clinic.test", "--name", "Desk", "--role", "front_desk")
    result = run(database_url, *args, "--password-file", str(password_file))
    assert result.exit_code == 0, result.output
    assert grants_of(sessions, "desk@clinic.test") == {
        clinic.north_site_id: frozenset({Role.FRONT_DESK}),
        clinic.south_site_id: frozenset({Role.FRONT_DESK}),
    }


def test_user_add_names_an_unknown_role_or_site_in_one_line(
    run: Run, database_url: str, password_file: Path
):
    base = ("user", "add", "x@clinic.test", "--name", "X", "--password-file", str(password_file))
    unknown_role = run(database_url, *base, "--role", "surgeon")
    unknown_site = run(database_url, *base, "--role", "nurse:ZZ")
    assert (unknown_role.exit_code, unknown_site.exit_code) == (1, 1)
    assert "Unknown role 'surgeon'" in one_line(unknown_role.stderr)
    assert "No site with code 'ZZ'" in one_line(unknown_site.stderr)


def test_user_add_refuses_an_email_that_already_has_an_account(
    run: Run, database_url: str, clinic: Clinic, password_file: Path
):
    taken = clinic.users[Role.NURSE]
    args = ("user", "add", taken, "--name", "Twin", "--role", "nurse")
    result = run(database_url, *args, "--password-file", str(password_file))
    assert result.exit_code == 1
    assert "already exists" in one_line(result.stderr)


def test_user_list_shows_every_staff_user_with_roles_by_site_code(
    run: Run, database_url: str, clinic: Clinic
):
    result = run(database_url, "user", "list")
    assert result.exit_code == 0, result.output
    for email in [*clinic.users.values(), clinic.south_nurse_email]:
        assert email in result.stdout
    assert "admin@N" in result.stdout
    assert "admin@S" in result.stdout


def test_user_disable_turns_the_account_off(run: Run, database_url: str, sessions, clinic: Clinic):
    email = clinic.users[Role.THERAPIST]
    result = run(database_url, "user", "disable", email)
    assert result.exit_code == 0, result.output
    with sessions() as db:
        assert staff.by_email(db, email).active is False
    listed = run(database_url, "user", "list")
    assert "disabled" in listed.stdout


def test_user_disable_of_an_unknown_email_says_so_in_one_line(run: Run, database_url: str):
    result = run(database_url, "user", "disable", "nobody@clinic.test")
    assert result.exit_code == 1
    assert "No staff account for nobody@clinic.test" in one_line(result.stderr)


def test_user_set_password_replaces_a_forgotten_password_and_lifts_a_lockout(
    run: Run, database_url: str, sessions, clinic: Clinic, tmp_path: Path
):
    email = clinic.users[Role.ADMIN]
    with sessions() as db, db.begin():
        staff.by_email(db, email).failed_sign_ins = 3
    new_password = tmp_path / "new-password"
    new_password.write_text("a fresh long passphrase\n")
    result = run(database_url, "user", "set-password", email, "--password-file", str(new_password))
    assert result.exit_code == 0, result.output
    with sessions() as db:
        user = staff.by_email(db, email)
        assert staff.PASSWORDS.verify("a fresh long passphrase", user.password_hash)
        assert user.failed_sign_ins == 0
