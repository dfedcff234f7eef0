"""The OpenAPI document: served, self-consistent, bearer-secured, and free of secret fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture
def spec(app_client: TestClient) -> dict[str, Any]:
    response = app_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def api_operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        if path.startswith("/api/v1/"):
            for method, operation in item.items():
                if method in METHODS:
                    yield path, method, operation


def refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def test_every_reference_in_the_document_resolves(spec: dict[str, Any]):
    assert spec["openapi"].startswith("3.")
    schemas = spec["components"]["schemas"]
    found = list(refs(spec))
    assert found
    for ref in found:
        assert ref.startswith("#/components/schemas/")
        assert ref.removeprefix("#/components/schemas/") in schemas


def test_every_api_operation_is_secured_by_a_bearer_token(spec: dict[str, Any]):
    scheme = spec["components"]["securitySchemes"]["personal_access_token"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    operations = list(api_operations(spec))
    assert len(operations) >= 7
    for path, method, operation in operations:
        assert operation["security"] == [{"personal_access_token": []}], (method, path)


def test_every_api_operation_documents_its_problem_responses(spec: dict[str, Any]):
    for path, method, operation in api_operations(spec):
        for status in ("401", "403", "422"):
            content = operation["responses"][status]["content"]
            problem = content["application/problem+json"]["schema"]
            assert problem == {"$ref": "#/components/schemas/Problem"}, (method, path, status)


def test_no_schema_exposes_a_password_hash_or_one_time_code_secret(spec: dict[str, Any]):
    for name, schema in spec["components"]["schemas"].items():
        fields = set(schema.get("properties", {}))
        assert not fields & {"password_hash", "totp_secret", "token_hash"}, name


def test_weights_are_documented_as_decimal_strings(spec: dict[str, Any]):
    weight = spec["components"]["schemas"]["MeasurementOut"]["properties"]["weight_kg"]
    assert weight["anyOf"] == [{"type": "string"}, {"type": "null"}]
