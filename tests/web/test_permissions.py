"""The route-by-role matrix: every route has one guard, and every guard holds for every role.

Routes are discovered from ``create_app`` when the tests are collected, so a route added anywhere
is covered without touching this file: it fails here if it has no guard (or two), if a role the
permission map refuses can reach it, if a role the map allows is turned away, or if it answers
someone who is not signed in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from starlette.routing import Mount

from ketacare.core.enums import Role
from ketacare.core.permissions import ROLE_ACTIONS, Action
from ketacare.services import appointments, staff
from ketacare.services.context import Actor
from ketacare.settings import Settings
from ketacare.web import csrf
from ketacare.web.app import create_app
from tests.conftest import TEST_SECRET
from tests.factories import Clinic, add_patient

DAY = "2026-03-02"


def _discovery_app() -> FastAPI:
    """The real app, built only to read its routes (its engine never connects)."""
    settings = Settings(mode="test", database_url="sqlite://", secret_key=TEST_SECRET)
    return create_app(settings, create_engine("sqlite://"))


APP = _discovery_app()
DOCS_PATHS = {APP.openapi_url, APP.docs_url, APP.redoc_url, APP.swagger_ui_oauth2_redirect_url}


def dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from dependants(sub)


def guards_of(route: RouteContext) -> list[Callable[..., Any]]:
    """Each distinct guard callable anywhere in the route's dependency tree."""
    found: dict[int, Callable[..., Any]] = {}
    for dependant in dependants(route.dependant):
        call = dependant.call
        if call is not None and (hasattr(call, "action") or getattr(call, "public", False)):
            found[id(call)] = call
    return list(found.values())


def needs_guard(route: RouteContext) -> bool:
    """Everything but the static files and FastAPI's own documentation routes."""
    if isinstance(route.original_route, Mount) and route.path == "/static":
        return False
    return isinstance(route.original_route, APIRoute) or route.path not in DOCS_PATHS


@dataclass(frozen=True)
class Endpoint:
    """One method of one guarded route, and the action its guard requires."""

    method: str
    route: RouteContext
    action: Action

    def __str__(self) -> str:
        return f"{self.method} {self.route.path}"

    @property
    def is_api(self) -> bool:
        return self.route.path.startswith("/api/")


def guarded_endpoints(routes: list[RouteContext]) -> list[Endpoint]:
    endpoints = []
    for route in routes:
        if not isinstance(route.original_route, APIRoute):
            continue
        guards = guards_of(route)
        if len(guards) == 1 and hasattr(guards[0], "action"):
            action: Action = guards[0].action  # type: ignore[attr-defined]
            endpoints.extend(Endpoint(m, route, action) for m in sorted(route.methods or ()))
    return endpoints


# Every route as served, with router prefixes and router-level dependencies applied.
ROUTES = [r for r in iter_route_contexts(APP.routes) if needs_guard(r)]
ENDPOINTS = guarded_endpoints(ROUTES)
MATRIX = [(e, role) for e in ENDPOINTS for role in Role]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{sorted(r.methods or [])} {r.path}")
def test_every_route_declares_exactly_one_guard(route: RouteContext):
    assert isinstance(route.original_route, APIRoute), "only FastAPI routes can declare a guard"
    guards = guards_of(route)
    assert len(guards) == 1, f"{route.path} has {len(guards)} guards; declare exactly one"


def test_route_discovery_sees_routes_inside_included_routers():
    """Guards against a silently empty matrix if FastAPI changes how routers are included."""
    paths = {str(e) for e in ENDPOINTS}
    assert {
        "GET /api/v1/patients/{patient_id}",
        "PATCH /api/v1/appointments/{appointment_id}",
    } <= paths
    assert "/healthz" in {r.path for r in ROUTES}


def fill(endpoint: Endpoint, values: dict[str, object]) -> tuple[str, dict[str, str]]:
    """The route's URL with its path parameters filled, and the query parameters we can fill."""
    path = re.sub(
        r"{(\w+)(?::\w+)?}", lambda m: str(values.get(m.group(1), 1)), endpoint.route.path
    )
    query = {
        param.alias: str(values[param.alias])
        for dependant in dependants(endpoint.route.dependant)
        for param in dependant.query_params
        if param.alias in values
    }
    return path, query


def send(client: TestClient, endpoint: Endpoint, values: dict[str, object], token: str) -> Any:
    path, query = fill(endpoint, values)
    if endpoint.method in {"GET", "HEAD", "OPTIONS"}:
        return client.request(endpoint.method, path, params=query)
    return client.request(
        endpoint.method, path, params=query, json={}, headers={csrf.HEADER: token}
    )


@pytest.fixture
def existing(sessions, clinic: Clinic) -> dict[str, object]:
    """Ids of real records at North, where every role's user works, to fill path parameters."""
    patient = add_patient(sessions, clinic.north_site_id)
    system = Actor(None, datetime(2026, 3, 1, tzinfo=UTC))
    with sessions() as db, db.begin():
        booking = appointments.Booking(
            patient_id=patient.id,
            location_id=None,
            starts_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
            ends_at=datetime(2026, 3, 2, 10, tzinfo=UTC),
            kind="treatment",
        )
        appointment = appointments.book(db, system, booking)
        nurse = staff.by_email(db, clinic.users[Role.NURSE])
    return {
        "patient_id": patient.id,
        "appointment_id": appointment.id,
        "staff_id": nurse.id,
        "staff_user_id": nurse.id,
        "site_id": clinic.north_site_id,
        "on": DAY,
        "q": "Lovelace",
    }


@pytest.mark.parametrize(("endpoint", "role"), MATRIX, ids=[f"{e} as {role}" for e, role in MATRIX])
def test_each_role_reaches_exactly_the_routes_its_actions_allow(
    client_for, existing: dict[str, object], endpoint: Endpoint, role: Role
):
    client = client_for(role)
    response = send(client, endpoint, existing, client.csrf)
    if endpoint.action not in ROLE_ACTIONS[role]:
        assert response.status_code == 403, f"{role} must not reach {endpoint}"
        return
    assert response.status_code not in (401, 403), f"{role} may {endpoint.action}: {endpoint}"
    # The guard sends pages to "/login?next=…"; signing out may itself lead to plain "/login".
    assert not response.headers.get("location", "").startswith("/login?next=")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_every_guarded_route_turns_away_someone_not_signed_in(
    app_client: TestClient, existing: dict[str, object], endpoint: Endpoint
):
    response = send(app_client, endpoint, existing, token="")
    if endpoint.is_api:
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    else:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
