"""One API, one set of conventions: checked over every operation of the OpenAPI document.

Resource paths in lower kebab case with custom actions as `:verb`, the same
pagination on every list, RFC 3339 instants, money always as
`{currency, amount_minor}`, and every RPC of every service reachable through
some route.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import pytest

from gateway.access import ROUTES
from gateway.app import create_app
from gateway.settings import GatewaySettings
from services.kit.config import SERVICES

SEGMENT = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
VERB = re.compile(r"^[a-z]+(-[a-z]+)*$")
PARAMETER = re.compile(r"^\{[a-z_]+\}$")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(GatewaySettings.from_env({})).openapi()


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def test_paths_are_resources_in_kebab_case_with_custom_verbs(document: dict[str, Any]) -> None:
    wrong = []
    for path in document["paths"]:
        if not path.startswith("/v1/"):
            continue
        for segment in path.removeprefix("/v1/").split("/"):
            resource, _, verb = segment.partition(":")
            if not (SEGMENT.match(resource) or PARAMETER.match(resource)):
                wrong.append(f"{path}: segment {resource!r}")
            if verb and not VERB.match(verb):
                wrong.append(f"{path}: verb {verb!r}")
    assert wrong == []


def test_every_list_pages_the_same_way(document: dict[str, Any]) -> None:
    lists = 0
    for path, methods in document["paths"].items():
        operation = methods.get("get")
        if operation is None:
            continue
        content = operation["responses"]["200"].get("content", {}).get("application/json")
        body = resolve(document, content["schema"]) if content else {}
        paged = "next_page_token" in body.get("properties", {})
        parameters = {p["name"]: p for p in operation.get("parameters", [])}
        assert paged == ("page_size" in parameters), f"GET {path}: page_size without paging"
        if not paged:
            continue
        lists += 1
        size = parameters["page_size"]["schema"]["anyOf"][0]
        assert (size["type"], size["minimum"], size["maximum"]) == ("integer", 1, 500), path
        assert parameters["page_token"]["schema"]["type"] == "string", path
        assert body["properties"]["next_page_token"]["type"] == "string", path
        assert "next_page_token" in body.get("required", []), path
    assert lists >= 50  # the platform has over fifty collections; a drop means lost routes


def test_instants_are_rfc3339_date_times(document: dict[str, Any]) -> None:
    wrong = []
    for name, schema in document["components"]["schemas"].items():
        for field, spec in schema.get("properties", {}).items():
            if field.endswith(("_time", "_at")):
                options = spec.get("anyOf", [spec])
                if not any(option.get("format") == "date-time" for option in options):
                    wrong.append(f"{name}.{field}")
    assert wrong == []


def test_money_has_one_shape(document: dict[str, Any]) -> None:
    shapes = [
        name
        for name, schema in document["components"]["schemas"].items()
        if {"currency", "amount_minor"} <= set(schema.get("properties", {}))
    ]
    assert sorted(shapes) == ["Money", "MoneyInput"]
    money = document["components"]["schemas"]["Money"]
    assert money["properties"]["amount_minor"]["type"] == "integer"  # never a float
    assert set(money["required"]) == {"currency", "amount_minor"}


def service_rpcs() -> list[tuple[str, str]]:
    """Every (service, RPC) declared in the protos of the five services."""
    found = []
    for service in SERVICES:
        package = importlib.import_module(f"salesops.{service}.v1")
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.endswith("_pb2"):
                module = importlib.import_module(f"{package.__name__}.{info.name}")
                for descriptor in module.DESCRIPTOR.services_by_name.values():
                    found += [(service, method.name) for method in descriptor.methods]
    return sorted(found)


def test_every_rpc_of_every_service_is_reachable_through_a_route() -> None:
    # gateway.access names the RPC behind every route (its own test checks that the
    # routes really call them); here: no RPC is left without a route.
    served = {(row.upstream, rpc) for row in ROUTES for rpc in (row.rpc, *row.alternatives)}
    unreachable = [
        f"{service}.{rpc}" for service, rpc in service_rpcs() if (service, rpc) not in served
    ]
    assert len(service_rpcs()) > 150
    assert unreachable == []
