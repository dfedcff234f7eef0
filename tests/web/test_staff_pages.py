"""Staff management pages: admins add accounts with roles per site, change roles, disable."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import RoleGrant, StaffUser
from ketacare.services import staff
from tests.factories import PASSWORD, Clinic


def user_id(sessions: sessionmaker[Session], email: str) -> int:
    with sessions() as db:
        return staff.by_email(db, email).id


def grants_of(sessions: sessionmaker[Session], email: str) -> set[tuple[int, str]]:
    with sessions() as db:
        rows = db.scalars(
            select(RoleGrant).where(RoleGrant.staff_user_id == staff.by_email(db, email).id)
        )
        return {(g.site_id, g.role) for g in rows}


def new_staff_form(clinic: Clinic, **overrides: str) -> dict[str, str]:
    form = {
        "full_name": "Mary Seacole",
        "email": "mary@clinic.test",
        "password": PASSWORD,
        "grant": f"{clinic.south_site_id}:nurse",
    }
    form.update(overrides)
    return form


def test_the_staff_list_shows_each_account_with_roles_per_site(client_for, clinic: Clinic):
    page = client_for(Role.ADMIN).get("/staff")
    assert page.status_code == 200
    assert "south.nurse@clinic.test" in page.text
    assert "Test Prescriber" in page.text
    assert 'aria-current="page"' in page.text


def test_an_admin_adds_a_staff_user_with_roles_at_a_site(client_for, sessions, clinic: Clinic):
    added = client_for(Role.ADMIN).post_form("/staff", new_staff_form(clinic))
    assert added.status_code == 303
    assert added.headers["location"] == f"/staff/{user_id(sessions, 'mary@clinic.test')}"
    assert grants_of(sessions, "mary@clinic.test") == {(clinic.south_site_id, "nurse")}


def test_adding_with_a_short_password_and_no_roles_shows_both_and_stores_nothing(
    client_for, sessions, clinic: Clinic
):
    form = new_staff_form(clinic, password="short")
    del form["grant"]
    page = client_for(Role.ADMIN).post_form("/staff", form)
    assert page.status_code == 422
    assert 'id="e-password" class="field-error">Use at least 12 characters' in page.text
    assert 'id="e-grants" class="field-error">Tick at least one role' in page.text
    assert "short" not in page.text.split("<form", 1)[1]  # the password is never echoed
    with sessions() as db:
        assert db.scalar(select(StaffUser).where(StaffUser.email == "mary@clinic.test")) is None


def test_an_admin_changes_roles_and_disables_then_enables_an_account(
    client_for, sessions, clinic: Clinic
):
    target = user_id(sessions, clinic.south_nurse_email)
    admin = client_for(Role.ADMIN)
    grants = {"grant": f"{clinic.north_site_id}:therapist"}
    assert admin.post_form(f"/staff/{target}/grants", grants).status_code == 303
    assert grants_of(sessions, clinic.south_nurse_email) == {(clinic.north_site_id, "therapist")}
    assert admin.post_form(f"/staff/{target}/active", {"active": "false"}).status_code == 303
    with sessions() as db:
        assert db.get(StaffUser, target).active is False
    assert "Enable account" in admin.get(f"/staff/{target}").text
    admin.post_form(f"/staff/{target}/active", {"active": "true"})
    with sessions() as db:
        assert db.get(StaffUser, target).active is True


def test_a_disabled_account_is_signed_out_at_its_next_request(client_for, sessions, clinic: Clinic):
    south_nurse = client_for(clinic.south_nurse_email)
    assert south_nurse.get("/").status_code == 200
    target = user_id(sessions, clinic.south_nurse_email)
    client_for(Role.ADMIN).post_form(f"/staff/{target}/active", {"active": "false"})
    assert south_nurse.get("/").status_code == 303


def test_an_admin_cannot_disable_their_own_account(client_for, sessions, clinic: Clinic):
    me = user_id(sessions, clinic.users[Role.ADMIN])
    page = client_for(Role.ADMIN).post_form(f"/staff/{me}/active", {"active": "false"})
    assert page.status_code == 422
    assert "cannot disable your own account" in page.text
    with sessions() as db:
        assert db.get(StaffUser, me).active is True


def test_a_nurse_may_not_list_add_or_disable_staff(client_for, sessions, clinic: Clinic):
    nurse = client_for(Role.NURSE)
    target = user_id(sessions, clinic.south_nurse_email)
    assert nurse.get("/staff").status_code == 403
    assert nurse.get("/staff/new").status_code == 403
    assert nurse.post_form("/staff", new_staff_form(clinic)).status_code == 403
    assert nurse.post_form(f"/staff/{target}/active", {"active": "false"}).status_code == 403
    with sessions() as db:
        assert db.get(StaffUser, target).active is True
        assert db.scalar(select(StaffUser).where(StaffUser.email == "mary@clinic.test")) is None


def test_the_staff_pages_leave_the_mfa_policy_address_to_its_own_page(client_for):
    admin = client_for(Role.ADMIN)
    assert admin.get("/staff/mfa").status_code == 200
    assert admin.get("/staff/12345").status_code == 404


def test_an_admin_sets_a_new_password_for_someone_who_forgot_theirs(
    client_for, app_client, sessions, clinic: Clinic
):
    email = clinic.users[Role.THERAPIST]
    therapist = client_for(Role.THERAPIST)
    admin = client_for(Role.ADMIN)
    target = user_id(sessions, email)
    short = admin.post_form(f"/staff/{target}/password", {"new_password": "short"})
    assert short.status_code == 422
    assert "at least 12 characters" in short.text.lower()
    response = admin.post_form(
        f"/staff/{target}/password", {"new_password": "a brand new passphrase"}
    )
    assert response.status_code == 303
    assert therapist.get("/").status_code == 303  # the old sign-in has ended
    with sessions() as db:
        user = staff.by_email(db, email)
        assert staff.PASSWORDS.verify("a brand new passphrase", user.password_hash)
