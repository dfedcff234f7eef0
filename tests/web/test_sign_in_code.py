"""The one-time code step of signing in, and enrolment forced by the clinic's MFA policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import AuditEvent, LoginSession, StaffUser
from ketacare.services import mfa, staff
from ketacare.services.context import Actor
from ketacare.settings import Settings
from ketacare.web.deps import SESSION_COOKIE
from tests.factories import Clinic
from tests.web.test_sign_in import form_token, sign_in

AN_HOUR_AGO = datetime.now(UTC) - timedelta(hours=1)


def turn_codes_on(sessions: sessionmaker[Session], email: str) -> str:
    """Enrol ``email`` an hour ago, so the code showing now has not been used."""
    with sessions() as db, db.begin():
        user = staff.by_email(db, email)
        actor = Actor(staff.principal_for(db, user), AN_HOUR_AGO)
        secret = mfa.begin_enrolment(db, actor, user)
        mfa.confirm_enrolment(db, actor, user, pyotp.TOTP(secret).at(AN_HOUR_AGO))
    return secret


def post_code(client: TestClient, code: str, page: str = "/login/code") -> Response:
    token = form_token(client.get(page, params={"next": "/account"}))
    return client.post(page, data={"code": code, "next": "/account", "csrf_token": token})


def stored_user(sessions: sessionmaker[Session], email: str) -> StaffUser:
    with sessions() as db:
        return staff.by_email(db, email)


def test_a_user_with_codes_on_is_asked_for_one_after_the_password(
    app_client: TestClient, clinic: Clinic, sessions: sessionmaker[Session]
):
    email = clinic.users[Role.PRESCRIBER]
    secret = turn_codes_on(sessions, email)
    response = sign_in(app_client, email, next_url="/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/login/code?next=/account"
    pending_cookie = app_client.cookies[SESSION_COOKIE]
    assert app_client.get("/account").status_code == 303  # not usable before the code
    done = post_code(app_client, pyotp.TOTP(secret).now())
    assert done.status_code == 303
    assert done.headers["location"] == "/account"
    assert app_client.cookies[SESSION_COOKIE] != pending_cookie
    assert app_client.get("/account").status_code == 200
    with sessions() as db:
        actions = db.scalars(select(AuditEvent.action).where(AuditEvent.action == "sign_in"))
        assert len(actions.all()) == 1


def test_the_cookie_from_before_the_code_never_becomes_a_full_session(
    app_client: TestClient, clinic: Clinic, sessions: sessionmaker[Session]
):
    email = clinic.users[Role.PRESCRIBER]
    secret = turn_codes_on(sessions, email)
    sign_in(app_client, email)
    pending_cookie = app_client.cookies[SESSION_COOKIE]
    post_code(app_client, pyotp.TOTP(secret).now())
    app_client.cookies.clear()
    app_client.cookies.set(SESSION_COOKIE, pending_cookie)
    assert app_client.get("/account").status_code == 303


def test_a_wrong_code_is_refused_and_counted(
    app_client: TestClient, clinic: Clinic, sessions: sessionmaker[Session]
):
    email = clinic.users[Role.PRESCRIBER]
    secret = turn_codes_on(sessions, email)
    sign_in(app_client, email)
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    response = post_code(app_client, wrong)
    assert response.status_code == 401
    assert "That code is not right" in response.text
    assert 'aria-invalid="true"' in response.text
    assert stored_user(sessions, email).failed_sign_ins == 1


def test_a_code_cannot_be_used_twice(
    app_client: TestClient, clinic: Clinic, sessions: sessionmaker[Session]
):
    email = clinic.users[Role.PRESCRIBER]
    secret = turn_codes_on(sessions, email)
    code = pyotp.TOTP(secret).now()
    sign_in(app_client, email)
    assert post_code(app_client, code).status_code == 303
    app_client.cookies.clear()
    sign_in(app_client, email)
    again = post_code(app_client, code)
    assert again.status_code == 401
    assert "already used" in again.text


def test_wrong_codes_lock_the_account_and_end_the_pending_session(
    app_client: TestClient, clinic: Clinic, sessions: sessionmaker[Session], settings: Settings
):
    email = clinic.users[Role.PRESCRIBER]
    secret = turn_codes_on(sessions, email)
    sign_in(app_client, email)
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    for _ in range(settings.lockout_threshold - 1):
        post_code(app_client, wrong)
    locked = post_code(app_client, wrong)
    assert locked.status_code == 423
    assert "It unlocks at" in locked.text
    assert SESSION_COOKIE not in app_client.cookies
    with sessions() as db:
        assert db.scalar(select(LoginSession.ended_at)) is not None
    assert sign_in(app_client, email).status_code == 423


def test_a_code_post_with_a_forged_csrf_token_is_refused(
    app_client: TestClient, clinic: Clinic, sessions: sessionmaker[Session]
):
    email = clinic.users[Role.PRESCRIBER]
    secret = turn_codes_on(sessions, email)
    sign_in(app_client, email)
    data = {"code": pyotp.TOTP(secret).now(), "csrf_token": "forged"}
    assert app_client.post("/login/code", data=data).status_code == 403
    with sessions() as db:
        assert db.scalar(select(LoginSession.mfa_passed)) is False


def test_the_code_page_without_a_pending_session_goes_back_to_sign_in(app_client: TestClient):
    response = app_client.get("/login/code", params={"next": "/account"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account"


def require_codes_for(sessions: sessionmaker[Session], clinic: Clinic, role: Role) -> None:
    with sessions() as db, db.begin():
        admin = staff.by_email(db, clinic.users[Role.ADMIN])
        actor = Actor(staff.principal_for(db, admin), datetime.now(UTC))
        mfa.set_policy(db, actor, clinic.organization_id, [role])


def test_a_role_requiring_codes_forces_enrolment_before_anything_else(
    app_client: TestClient, clinic: Clinic, sessions: sessionmaker[Session]
):
    require_codes_for(sessions, clinic, Role.NURSE)
    email = clinic.users[Role.NURSE]
    response = sign_in(app_client, email, next_url="/account")
    assert response.headers["location"] == "/login/enrol?next=/account"
    assert app_client.get("/account").status_code == 303
    page = app_client.get("/login/enrol")
    secret = stored_user(sessions, email).totp_secret
    assert secret is not None
    assert "<svg" in page.text
    assert secret in page.text
    refused = post_code(app_client, "12345x", page="/login/enrol")
    assert refused.status_code == 422
    done = post_code(app_client, pyotp.TOTP(secret).now(), page="/login/enrol")
    assert done.headers["location"] == "/account"
    assert app_client.get("/account").status_code == 200
    assert stored_user(sessions, email).totp_enabled


def test_a_role_without_the_policy_signs_in_with_the_password_alone(
    app_client: TestClient, clinic: Clinic, sessions: sessionmaker[Session]
):
    require_codes_for(sessions, clinic, Role.NURSE)
    response = sign_in(app_client, clinic.users[Role.THERAPIST], next_url="/account")
    assert response.headers["location"] == "/account"
