"""The account page: password change, one-time codes, access tokens, and the admin's MFA policy."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import AccessToken, AuditEvent, LoginSession, RoleMfaPolicy
from ketacare.services import mfa, staff
from ketacare.services.context import Actor
from tests.conftest import StaffClient
from tests.factories import PASSWORD, Clinic
from tests.web.test_sign_in import sign_in

NEW_PASSWORD = "a brand new passphrase for me"


def password_hash(sessions: sessionmaker[Session], email: str) -> str:
    with sessions() as db:
        return staff.by_email(db, email).password_hash


def test_the_account_page_shows_the_signed_in_user(client_for):
    page = client_for(Role.NURSE).get("/account")
    assert page.status_code == 200
    assert "nurse@clinic.test" in page.text
    assert 'aria-current="page"' in page.text


def test_changing_the_password_lets_the_new_one_sign_in_and_ends_other_sessions(
    client_for, app_client: TestClient, clinic: Clinic
):
    email = clinic.users[Role.NURSE]
    elsewhere = client_for(Role.NURSE)
    here = client_for(Role.NURSE)
    response = here.post_form(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303
    assert "password is changed" in here.get(response.headers["location"]).text
    assert elsewhere.get("/account").status_code == 303
    assert sign_in(app_client, email).status_code == 401
    assert sign_in(app_client, email, password=NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field", "message"),
    [
        ("wrong current password", NEW_PASSWORD, NEW_PASSWORD, "current_password", "not right"),
        (PASSWORD, "short", "short", "new_password", "at least 12"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "confirm_password", "do not match"),
    ],
)
def test_a_bad_password_change_shows_the_message_by_its_field_and_changes_nothing(
    client_for, sessions, clinic: Clinic, current, new, confirm, field, message
):
    before = password_hash(sessions, clinic.users[Role.NURSE])
    data = {"current_password": current, "new_password": new, "confirm_password": confirm}
    response = client_for(Role.NURSE).post_form("/account/password", data)
    assert response.status_code == 422
    assert re.search(
        rf'id="{field}"[^>]*aria-invalid="true".*?id="{field}-error" class="field-error">[^<]*'
        + message,
        response.text,
        re.S,
    )
    assert password_hash(sessions, clinic.users[Role.NURSE]) == before


@pytest.mark.parametrize("token", ["", "stale-or-forged"])
def test_a_password_change_with_a_bad_csrf_token_is_refused_and_changes_nothing(
    client_for, sessions, clinic: Clinic, token: str
):
    before = password_hash(sessions, clinic.users[Role.NURSE])
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    data |= {"confirm_password": NEW_PASSWORD, "csrf_token": token}
    response = client_for(Role.NURSE).post("/account/password", data=data)
    assert response.status_code == 403
    assert password_hash(sessions, clinic.users[Role.NURSE]) == before


def test_turning_codes_on_from_the_account_page_needs_a_confirming_code(
    client_for, sessions, clinic: Clinic
):
    client = client_for(Role.NURSE)
    assert client.post_form("/account/totp", {}).status_code == 303
    page = client.get("/account")
    with sessions() as db:
        user = staff.by_email(db, clinic.users[Role.NURSE])
    assert user.totp_secret is not None
    assert not user.totp_enabled
    assert "<svg" in page.text
    assert user.totp_secret in page.text
    wrong = client.post_form("/account/totp/confirm", {"code": "999999x"})
    assert wrong.status_code == 422
    code = pyotp.TOTP(user.totp_secret).now()
    assert client.post_form("/account/totp/confirm", {"code": code}).status_code == 303
    with sessions() as db:
        assert staff.by_email(db, clinic.users[Role.NURSE]).totp_enabled


def enable_codes(client: StaffClient, sessions: sessionmaker[Session], email: str) -> None:
    client.post_form("/account/totp", {})
    with sessions() as db:
        secret = staff.by_email(db, email).totp_secret
    assert secret is not None
    client.post_form("/account/totp/confirm", {"code": pyotp.TOTP(secret).now()})


def test_turning_codes_off_needs_the_password(client_for, sessions, clinic: Clinic):
    email = clinic.users[Role.NURSE]
    client = client_for(Role.NURSE)
    enable_codes(client, sessions, email)
    refused = client.post_form("/account/totp/disable", {"disable_password": "not it"})
    assert refused.status_code == 422
    assert "password is not right" in refused.text
    done = client.post_form("/account/totp/disable", {"disable_password": PASSWORD})
    assert done.status_code == 303
    with sessions() as db:
        assert not staff.by_email(db, email).totp_enabled


def test_codes_cannot_be_turned_off_while_the_role_requires_them(
    client_for, sessions, clinic: Clinic
):
    email = clinic.users[Role.NURSE]
    client = client_for(Role.NURSE)
    enable_codes(client, sessions, email)
    client_for(Role.ADMIN).post_form("/staff/mfa", {"role": "nurse"})
    refused = client.post_form("/account/totp/disable", {"disable_password": PASSWORD})
    assert refused.status_code == 422
    assert "cannot be turned off" in refused.text


def test_a_new_access_token_is_shown_once_and_works_as_a_bearer_until_revoked(
    client_for, app_client: TestClient, sessions
):
    client = client_for(Role.NURSE)
    created = client.post_form("/account/tokens", {"name": "reporting"})
    assert created.status_code == 200
    token = re.search(r'id="new-token">(kc_[^<]+)<', created.text).group(1)
    listed = client.get("/account").text
    assert token not in listed
    assert token[:10] in listed
    bearer = {"Authorization": f"Bearer {token}"}
    assert app_client.get("/account", headers=bearer).status_code == 200
    with sessions() as db:
        row = db.scalars(select(AccessToken)).one()
        assert row.last_used_at is not None
    assert client.post_form(f"/account/tokens/{row.id}/revoke", {}).status_code == 303
    assert app_client.get("/account", headers=bearer).status_code == 303


def test_a_token_needs_a_name(client_for, sessions):
    response = client_for(Role.NURSE).post_form("/account/tokens", {"name": "  "})
    assert response.status_code == 422
    assert 'id="name-error" class="field-error"' in response.text
    with sessions() as db:
        assert db.scalars(select(AccessToken)).all() == []


def test_a_staff_user_cannot_revoke_someone_elses_token(client_for, sessions, clinic: Clinic):
    client_for(Role.NURSE).post_form("/account/tokens", {"name": "mine"})
    with sessions() as db:
        token_id = db.scalars(select(AccessToken.id)).one()
    other = client_for(Role.PRESCRIBER)
    assert other.post_form(f"/account/tokens/{token_id}/revoke", {}).status_code == 404
    with sessions() as db:
        assert db.scalars(select(AccessToken.revoked_at)).one() is None


def test_an_admin_sets_which_roles_need_codes_and_the_change_is_audited(
    client_for, sessions, clinic: Clinic
):
    admin = client_for(Role.ADMIN)
    assert admin.get("/staff/mfa").status_code == 200
    saved = admin.post(
        "/staff/mfa", data={"role": ["nurse", "prescriber"], "csrf_token": admin.csrf}
    )
    assert saved.status_code == 303
    page = admin.get(saved.headers["location"]).text
    assert re.search(r'value="nurse"\s+checked', page)
    assert not re.search(r'value="therapist"\s+checked', page)
    admin.post_form("/staff/mfa", {"role": "nurse"})
    with sessions() as db:
        assert mfa.policy_roles(db, clinic.organization_id) == {Role.NURSE}
        events = db.scalars(select(AuditEvent).where(AuditEvent.entity == "role_mfa_policy"))
        assert [e.detail for e in events] == [
            '{"required_for": ["nurse", "prescriber"]}',
            '{"required_for": ["nurse"]}',
        ]


def test_only_an_admin_may_open_the_mfa_policy(client_for, sessions):
    nurse = client_for(Role.NURSE)
    assert nurse.get("/staff/mfa").status_code == 403
    assert nurse.post_form("/staff/mfa", {"role": "nurse"}).status_code == 403
    with sessions() as db:
        assert db.scalars(select(RoleMfaPolicy)).all() == []


def test_signing_out_from_the_account_page_ends_the_login_session(client_for, sessions):
    client = client_for(Role.NURSE)
    assert client.post_form("/logout", {}).status_code == 303
    with sessions() as db:
        assert db.scalar(select(LoginSession.ended_at)) is not None
    assert client.get("/account").status_code == 303


def test_an_enrolled_user_signing_in_from_the_policy_needs_no_new_set_up(
    app_client: TestClient, sessions, clinic: Clinic
):
    with sessions() as db, db.begin():
        admin = staff.by_email(db, clinic.users[Role.ADMIN])
        actor = Actor(staff.principal_for(db, admin), datetime.now(UTC))
        mfa.set_policy(db, actor, clinic.organization_id, [Role.ADMIN])
        assert mfa.required_by_policy(db, admin)
    response = sign_in(app_client, clinic.users[Role.ADMIN])
    assert response.headers["location"].startswith("/login/enrol")
