"""The staff API lists accounts with their roles and never a secret."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ketacare.core.enums import Role
from tests.factories import Clinic
from tests.web.api_tokens import bearer, issue_token


def test_staff_are_listed_with_their_roles_per_site(
    app_client: TestClient, sessions, clinic: Clinic
):
    nurse = bearer(issue_token(sessions, clinic.users[Role.NURSE]))
    listed = app_client.get("/api/v1/staff", headers=nurse).json()
    admin = next(s for s in listed if s["email"] == clinic.users[Role.ADMIN])
    assert admin["roles"] == [
        {"site_id": clinic.north_site_id, "role": "admin"},
        {"site_id": clinic.south_site_id, "role": "admin"},
    ]
    assert len(listed) == len(Role) + 1


def test_the_staff_list_carries_no_password_hash_or_one_time_code_secret(
    app_client: TestClient, sessions, clinic: Clinic
):
    admin = bearer(issue_token(sessions, clinic.users[Role.ADMIN]))
    response = app_client.get("/api/v1/staff", headers=admin)
    assert set(response.json()[0]) == {"id", "email", "full_name", "active", "mfa_enabled", "roles"}
    assert "argon2" not in response.text
    assert "password" not in response.text
    assert "totp" not in response.text


def test_a_researcher_may_not_list_staff(app_client: TestClient, sessions, clinic: Clinic):
    researcher = bearer(issue_token(sessions, clinic.users[Role.RESEARCHER]))
    assert app_client.get("/api/v1/staff", headers=researcher).status_code == 403
