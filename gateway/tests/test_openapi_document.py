"""The OpenAPI document: valid, complete, and the same as the committed docs/openapi.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from gateway.app import create_app
from gateway.openapi import document_json, example_for
from gateway.problems import GRPC_TO_HTTP, PRECONDITION_FAILED
from gateway.settings import GatewaySettings

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
# Probes and metrics answer without a token, on purpose (kubelets and Prometheus).
UNAUTHENTICATED = {("/healthz", "get"), ("/readyz", "get"), ("/metrics", "get")}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(GatewaySettings.from_env({})).openapi()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def test_the_committed_document_is_the_one_the_gateway_serves() -> None:
    app = create_app(GatewaySettings.from_env({}))
    current = document_json(app)
    assert COMMITTED.exists(), "docs/openapi.json is missing: run `make openapi`"
    assert COMMITTED.read_text(encoding="utf-8") == current, (
        "docs/openapi.json is stale: run `make openapi` and commit the result"
    )
    with TestClient(app) as client:
        served = client.get("/openapi.json")
    assert served.status_code == 200
    assert served.json() == json.loads(current)


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)  # raises with the offending pointer when it is not


def test_every_component_schema_has_an_example_that_conforms_to_it(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]
    failures = []
    for name, schema in schemas.items():
        assert schema.get("examples"), f"{name} has no example"
        # $refs point at #/components/schemas/...: validate against a root that has them.
        validator = Draft202012Validator({**schema, "components": {"schemas": schemas}})
        errors = list(validator.iter_errors(schema["examples"][0]))
        failures += [f"{name}: {e.json_path}: {e.message}" for e in errors[:1]]
    assert not failures, "\n".join(failures)


def test_every_business_operation_requires_the_bearer_token(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["HTTPBearer"]["description"],
    }
    unsecured = [
        f"{method.upper()} {path}"
        for path, method, operation in operations(document)
        if (path, method) not in UNAUTHENTICATED and not operation.get("security")
    ]
    assert unsecured == []
    for path, method in UNAUTHENTICATED:
        assert not document["paths"][path][method].get("security")


def test_every_operation_is_described_and_documents_its_errors(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids)), "operationIds must be unique (SDKs name methods by them)"
    for path, method, operation in operations(document):
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), f"{where} has no summary"
        assert operation.get("tags"), f"{where} has no tag"
        if (path, method) in UNAUTHENTICATED:
            continue
        for status in ("400", "401", "403"):
            problem = operation["responses"][status]["content"]["application/problem+json"]
            assert problem["schema"] == {"$ref": "#/components/schemas/ProblemDetails"}, where
            reference = problem["examples"]["problem"]["$ref"].rsplit("/", 1)[-1]
            assert document["components"]["examples"][reference]["value"]["status"] == int(
                status
            ), where


def test_every_tag_is_described_from_its_route_module(document: dict[str, Any]) -> None:
    tags = {tag["name"]: tag.get("description", "") for tag in document["tags"]}
    used = {tag for _, _, operation in operations(document) for tag in operation["tags"]}
    assert set(tags) == used
    assert tags["opportunities"].startswith("`/v1/opportunities`")
    assert [name for name, description in tags.items() if not description] == []


@pytest.mark.parametrize(
    ("schema", "name", "expected"),
    [
        ({"type": "string"}, "region", "north"),
        ({"type": "string"}, "home_region", "north"),
        ({"type": "string", "pattern": "^FY\\d{4}-Q[1-4]$"}, "target_period", "FY2027-Q1"),
        ({"type": "string", "format": "date-time"}, "whenever", "2027-02-15T09:30:00Z"),
        ({"type": "string"}, "customer_id", "customer-0001"),
        ({"type": "string", "maxLength": 3}, "title", "Key"),
        ({"type": "integer", "minimum": 0, "maximum": 10000}, "share_bp", 2500),
        ({"type": "integer", "maximum": 100}, "amount_minor", 100),
        ({"enum": ["unspecified", "open", "won"]}, "status", "open"),
        ({"anyOf": [{"type": "null"}, {"type": "boolean"}]}, "flag", True),
    ],
)
def test_examples_are_meaningful_and_within_the_schema(
    schema: dict[str, Any], name: str, expected: Any
) -> None:
    assert example_for(schema, {}, name) == expected


def test_problem_examples_use_the_types_the_gateway_answers_with(
    document: dict[str, Any],
) -> None:
    answered = {kind.type_uri for kind in GRPC_TO_HTTP.values()} | {PRECONDITION_FAILED.type_uri}
    examples = document["components"]["examples"]
    assert examples, "error responses have no shared problem examples"
    for name, example in examples.items():
        assert example["value"]["type"] in answered, name
        assert name == f"Problem{example['value']['status']}"
