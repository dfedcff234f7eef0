"""Signing in with a password, lockout, CSRF before sign-in, signing out and session timeouts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import AuditEvent, LoginSession, StaffUser
from ketacare.settings import Settings
from ketacare.web.deps import SESSION_COOKIE
from tests.factories import PASSWORD, Clinic

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(page: Response) -> str:
    found = _TOKEN.search(page.text)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(
    client: TestClient, email: str, password: str = PASSWORD, next_url: str = "/"
) -> Response:
    """Open the sign-in page (for its pre-session cookie and token), then post the form."""
    token = form_token(client.get("/login", params={"next": next_url}))
    data = {"email": email, "password": password, "next": next_url, "csrf_token": token}
    return client.post("/login", data=data)


def session_cookie_header(response: Response) -> str:
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE)]
    assert len(headers) == 1
    return headers[0]


def login_sessions(sessions: sessionmaker[Session]) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(LoginSession)) or 0


def test_sign_in_page_is_a_form_with_a_pre_session_cookie(app_client: TestClient):
    page = app_client.get("/login")
    assert page.status_code == 200
    assert 'for="email"' in page.text
    assert 'type="password"' in page.text
    pre = [h for h in page.headers.get_list("set-cookie") if h.startswith("ketacare_pre=")]
    assert len(pre) == 1
    assert "httponly" in pre[0].lower()
    assert "samesite=lax" in pre[0].lower()


def test_signing_in_sets_an_httponly_lax_cookie_and_lands_on_next(
    app_client: TestClient, clinic: Clinic
):
    response = sign_in(app_client, clinic.users[Role.NURSE], next_url="/account?done=x")
    assert response.status_code == 303
    assert response.headers["location"] == "/account?done=x"
    cookie = session_cookie_header(response).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie
    assert app_client.get("/account").status_code == 200


@pytest.mark.parametrize(
    "next_url", ["//evil.example/", "https://evil.example/", "/\\evil.example", "account"]
)
def test_a_next_address_off_the_site_lands_on_today_instead(
    app_client: TestClient, clinic: Clinic, next_url: str
):
    response = sign_in(app_client, clinic.users[Role.NURSE], next_url=next_url)
    assert response.headers["location"] == "/"


def test_a_wrong_password_redraws_the_form_with_the_generic_message(
    app_client: TestClient, clinic: Clinic, sessions: sessionmaker[Session]
):
    response = sign_in(app_client, clinic.users[Role.NURSE], password="not the password")
    assert response.status_code == 401
    assert "The email or password is not right" in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'class="field-error"' in response.text
    assert login_sessions(sessions) == 0


def test_an_unknown_email_gets_the_same_message_as_a_wrong_password(app_client: TestClient):
    response = sign_in(app_client, "nobody@clinic.test")
    assert response.status_code == 401
    assert "The email or password is not right" in response.text


def test_sign_in_success_and_failure_are_audited(
    app_client: TestClient, clinic: Clinic, sessions: sessionmaker[Session]
):
    sign_in(app_client, clinic.users[Role.NURSE], password="wrong wrong wrong")
    sign_in(app_client, clinic.users[Role.NURSE])
    with sessions() as db:
        actions = db.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("sign_in%"))
        ).all()
    assert actions == ["sign_in_failed", "sign_in"]


def fail_until_locked(client: TestClient, email: str, settings: Settings) -> Response:
    response = None
    for _ in range(settings.lockout_threshold):
        response = sign_in(client, email, password="a wrong guess here")
    assert response is not None
    return response


def locked_until(sessions: sessionmaker[Session], email: str) -> datetime | None:
    with sessions() as db:
        return db.scalar(select(StaffUser.locked_until).where(StaffUser.email == email))


def test_repeated_failures_lock_the_account_and_say_when_it_unlocks(
    app_client: TestClient, clinic: Clinic, settings: Settings, sessions: sessionmaker[Session]
):
    email = clinic.users[Role.NURSE]
    response = fail_until_locked(app_client, email, settings)
    until = locked_until(sessions, email)
    assert until is not None
    assert until - datetime.now(UTC) <= timedelta(minutes=settings.lockout_minutes)
    assert response.status_code == 423
    assert "locked" in response.text
    assert f"{until:%Y-%m-%d %H:%M} UTC" in response.text


def test_a_locked_account_refuses_even_the_right_password(
    app_client: TestClient, clinic: Clinic, settings: Settings, sessions: sessionmaker[Session]
):
    email = clinic.users[Role.NURSE]
    fail_until_locked(app_client, email, settings)
    response = sign_in(app_client, email)
    assert response.status_code == 423
    assert "It unlocks at" in response.text
    assert login_sessions(sessions) == 0


def test_sign_in_works_again_once_the_lock_has_expired(
    app_client: TestClient, clinic: Clinic, settings: Settings, sessions: sessionmaker[Session]
):
    email = clinic.users[Role.NURSE]
    fail_until_locked(app_client, email, settings)
    with sessions() as db, db.begin():
        past = datetime.now(UTC) - timedelta(seconds=1)
        db.execute(update(StaffUser).where(StaffUser.email == email).values(locked_until=past))
    assert sign_in(app_client, email).status_code == 303


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_a_login_post_without_a_valid_csrf_token_is_refused_and_opens_no_session(
    app_client: TestClient, clinic: Clinic, sessions: sessionmaker[Session], token: str | None
):
    app_client.get("/login")
    data = {"email": clinic.users[Role.NURSE], "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = app_client.post("/login", data=data)
    assert response.status_code == 403
    assert "Form expired" in response.text
    assert login_sessions(sessions) == 0


def test_a_login_post_without_the_pre_session_cookie_is_refused(
    app_client: TestClient, clinic: Clinic, sessions: sessionmaker[Session]
):
    token = form_token(app_client.get("/login"))
    app_client.cookies.clear()
    data = {"email": clinic.users[Role.NURSE], "password": PASSWORD, "csrf_token": token}
    assert app_client.post("/login", data=data).status_code == 403
    assert login_sessions(sessions) == 0


def test_signing_out_ends_the_session_so_the_old_cookie_no_longer_works(
    app_client: TestClient, clinic: Clinic
):
    sign_in(app_client, clinic.users[Role.NURSE])
    cookie = app_client.cookies[SESSION_COOKIE]
    token = form_token(app_client.get("/account"))
    response = app_client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    app_client.cookies.set(SESSION_COOKIE, cookie)
    assert app_client.get("/account").status_code == 303


def test_sign_out_needs_a_valid_csrf_token(app_client: TestClient, clinic: Clinic):
    sign_in(app_client, clinic.users[Role.NURSE])
    assert app_client.post("/logout", data={"csrf_token": "stale"}).status_code == 403
    assert app_client.get("/account").status_code == 200


@pytest.mark.parametrize(
    ("column", "shift"),
    [("last_seen_at", timedelta(minutes=-31)), ("expires_at", timedelta(seconds=-1))],
)
def test_a_session_idle_too_long_or_past_its_lifetime_no_longer_works(
    app_client: TestClient,
    clinic: Clinic,
    sessions: sessionmaker[Session],
    column: str,
    shift: timedelta,
):
    sign_in(app_client, clinic.users[Role.NURSE])
    with sessions() as db, db.begin():
        db.execute(update(LoginSession).values({column: datetime.now(UTC) + shift}))
    response = app_client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_an_admin_unlocks_a_locked_account_and_the_person_signs_in(
    app_client: TestClient, client_for, sessions, settings: Settings, clinic: Clinic
):
    email = clinic.users[Role.NURSE]
    fail_until_locked(app_client, email, settings)
    admin = client_for(Role.ADMIN)
    with sessions() as db:
        nurse_id = db.scalar(select(StaffUser.id).where(StaffUser.email == email))
    assert "Unlock now" in admin.get(f"/staff/{nurse_id}").text
    assert admin.post_form(f"/staff/{nurse_id}/unlock", {}).status_code == 303
    assert locked_until(sessions, email) is None
    assert sign_in(app_client, email).status_code == 303
    with sessions() as db:
        unlocks = db.scalars(select(AuditEvent.detail).where(AuditEvent.entity_id == str(nurse_id)))
        assert any('"unlocked": true' in d for d in unlocks)
