"""`/v1/org-units`, `/v1/reps` and `/v1/territories` end to end: HTTP in, the real
OrganisationService (on SQLite) behind real gRPC, JSON or problem+json out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.kit.db import Database
from services.kit.grpc_server import ApiServer
from services.planning.api import organisation as organisation_api

from .conftest import Upstream

Headers = Callable[..., dict[str, str]]


@pytest.fixture
def planning_db(tmp_path: Any, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("planning", f"sqlite:///{tmp_path / 'planning.db'}")


@pytest.fixture
def planning_api(planning_db: Database) -> Iterator[str]:
    server = ApiServer(
        "planning",
        lambda s: organisation_api.register(s, planning_db),
        planning_db.ping,
        port=0,
        host="127.0.0.1",
    )
    server.start()
    yield f"127.0.0.1:{server.port}"
    server.stop(grace=1)


@pytest.fixture
def gateway_env(
    planning_api: str, pipeline_upstream: Upstream, customers_upstream: Upstream
) -> dict[str, str]:
    return {
        "SALESOPS_PIPELINE_TARGET": pipeline_upstream.target,
        "SALESOPS_CUSTOMERS_TARGET": customers_upstream.target,
        "SALESOPS_PLANNING_TARGET": planning_api,
        "SALESOPS_GATEWAY_UPSTREAM_TIMEOUT_SECONDS": "30",  # loaded CI machines
    }


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_the_organisation_over_http(client: TestClient, bearer: Headers) -> None:
    director = bearer(roles=("director",), regions=("EMEA",), subject="dir-1")
    admin = bearer(roles=("admin",), regions=("*",), subject="admin")
    apac = bearer(roles=("manager",), regions=("APAC",), subject="mgr-9")

    def create_unit(code: str, kind: str, region: str, parent: str = "") -> dict[str, Any]:
        body = {"code": code, "name": code, "kind": kind, "region": region, "parent_id": parent}
        response = client.post("/v1/org-units", json=body, headers=admin)
        unit: dict[str, Any] = ok(response, 201)
        assert response.headers["Location"] == f"/v1/org-units/{unit['unit_id']}"
        return unit

    company = create_unit("acme", "company", "GLOBAL")
    emea = create_unit("emea", "region", "EMEA", company["unit_id"])
    team = create_unit("berlin", "team", "EMEA", emea["unit_id"])
    cycle = client.patch(
        f"/v1/org-units/{emea['unit_id']}", json={"parent_id": team["unit_id"]}, headers=admin
    )
    assert cycle.status_code == 422, cycle.text
    assert cycle.json()["violations"][0]["type"] == "ORG_TREE_NO_CYCLE"
    assert client.get(f"/v1/org-units/{team['unit_id']}", headers=apac).status_code == 404

    hired = ok(
        client.post(
            "/v1/reps",
            json={
                "rep_id": "rep-1",
                "name": "Rita",
                "email": "rita@acme.example",
                "team_unit_id": team["unit_id"],
                "capacity": 12,
                "hire_date": "2027-01-04",
            },
            headers=director,
        ),
        201,
    )
    assert (hired["region"], hired["status"]) == ("EMEA", "active")
    assigned = ok(
        client.post(
            "/v1/reps/rep-1:assign",
            json={"capacity": 20, "effective_date": "2027-02-01"},
            headers=director,
        )
    )
    assert assigned["capacity"] == 20

    territory = ok(
        client.post(
            "/v1/territories",
            json={
                "name": "Berlin",
                "region": "EMEA",
                "countries": ["DE"],
                "rep_ids": ["rep-1"],
                "market_potential": {"currency": "EUR", "amount_minor": 900},
            },
            headers=director,
        ),
        201,
    )
    assert (territory["version"], territory["rep_ids"]) == (1, ["rep-1"])
    coverage = ok(client.get("/v1/territories/coverage?region=EMEA", headers=director))
    assert (coverage["headcount"], coverage["total_capacity"]) == (1, 20)
    assert coverage["potential_per_head"] == {"currency": "EUR", "amount_minor": 900}
    assert client.get("/v1/territories/coverage?region=EMEA", headers=apac).status_code == 404

    left = ok(
        client.post("/v1/reps/rep-1:leave", json={"left_date": "2027-05-31"}, headers=director)
    )
    assert left["status"] == "left"
    history = ok(client.get("/v1/reps/rep-1", headers=director))["assignments"]
    assert history == [
        {"unit_id": team["unit_id"], "effective_from": "2027-01-04", "effective_to": "2027-05-31"}
    ]
    removed = ok(client.delete(f"/v1/territories/{territory['territory_id']}", headers=director))
    # Version 2 came with rep-1 leaving the territory; removal is version 3.
    assert (removed["removed"], removed["version"], removed["rep_ids"]) == (True, 3, [])
    assert ok(client.get("/v1/territories", headers=director))["territories"] == []
