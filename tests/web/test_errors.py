"""What people and programs see when an address does not exist, and the health check."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from ketacare.core.enums import Role
from ketacare.db.models import AuditEvent
from ketacare.settings import Settings
from ketacare.web.app import create_app
from tests.web.api_tokens import count


def test_an_unknown_page_is_a_helpful_404_page(client_for):
    response = client_for(Role.NURSE).get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Page not found" in response.text
    assert 'href="/"' in response.text


def test_an_unknown_page_is_a_404_page_even_when_not_signed_in(app_client: TestClient):
    response = app_client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_an_unknown_api_path_is_a_404_problem_document(app_client: TestClient):
    response = app_client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "There is no API endpoint at this address; see /api/v1/openapi.json.",
    }


def test_a_wrong_method_on_an_api_path_is_a_405_problem_document(client_for):
    response = client_for(Role.ADMIN).delete("/api/v1/staff")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"


def test_health_is_ok_when_the_database_answers(app_client: TestClient):
    response = app_client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_health_is_unavailable_when_the_database_cannot_be_opened(settings: Settings, tmp_path):
    unopenable = create_engine(f"sqlite:///{tmp_path}")  # a directory is not a database file
    with TestClient(create_app(settings, unopenable)) as client:
        response = client.get("/healthz")
    unopenable.dispose()
    assert (response.status_code, response.json()) == (503, {"status": "unavailable"})


def test_the_health_check_is_not_audited(app_client: TestClient, sessions):
    before = count(sessions, AuditEvent)
    app_client.get("/healthz")
    assert count(sessions, AuditEvent) == before
