"""Plans and targets over HTTP: the gateway routes in front of the real planning api."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.testing import bearer, upstream_settings
from services.kit.db import Database
from services.planning.tests.test_plans_api import seed_units
from services.planning.tests.test_plans_targets_api import seed_people


@pytest.fixture
def settings(tmp_path: Path, migrated: Callable[[str, str], Database]) -> Iterator[GatewaySettings]:
    db = migrated("planning", f"sqlite:///{tmp_path / 'planning.db'}")
    seed_units(db)
    seed_people(db)
    with upstream_settings("planning", db) as settings:
        yield settings


@pytest.fixture
def client(settings: GatewaySettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def test_plan_lifecycle_and_allocation_over_http(
    client: TestClient, settings: GatewaySettings
) -> None:
    director = bearer(settings, "dir-1", "director")
    created = client.post(
        "/v1/plans",
        json={
            "org_unit_id": "emea",
            "period_code": "FY2027",
            "strategy": "Grow",
            "owner_id": "dir-1",
            "currency": "EUR",
        },
        headers=director,
    )
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["status"] == "draft"
    assert created.headers["Location"] == f"/v1/plans/{plan['plan_id']}"
    plan_id = plan["plan_id"]

    target = client.post(
        f"/v1/plans/{plan_id}/targets",
        json={"metric": "revenue", "amount": {"currency": "EUR", "amount_minor": 100}},
        headers=director,
    )
    assert target.status_code == 201, target.text
    target_id = target.json()["target_id"]
    listed = client.get(f"/v1/plans/{plan_id}/targets", headers=director).json()
    assert [t["target_id"] for t in listed["targets"]] == [target_id]

    allocated = client.post(
        f"/v1/targets/{target_id}:allocate",
        json={"method": "equal", "over_allocation_bp": 11000},
        headers=director,
    )
    assert allocated.status_code == 200, allocated.text
    body = allocated.json()
    assert body["allocated_total"] == 110
    by_id = {
        (a["unit_id"] or a["rep_id"]): a["amount"]["amount_minor"] for a in body["allocations"]
    }
    assert by_id == {"team-a": 55, "team-b": 55, "rep-1": 28, "rep-2": 27, "rep-3": 55}

    bad = client.post(
        f"/v1/targets/{target_id}:allocate",
        json={"method": "weights", "weights": {"team-a": 0, "team-b": 1}, "depth": 1},
        headers=director,
    )
    assert bad.status_code == 400, bad.text
    assert "weights[team-a]" in bad.text

    assert client.post(f"/v1/plans/{plan_id}:submit", headers=director).status_code == 200
    rejected = client.post(f"/v1/plans/{plan_id}:reject", json={"reason": "thin"}, headers=director)
    assert rejected.json()["status"] == "draft"
    assert rejected.json()["rejection_reason"] == "thin"
    client.post(f"/v1/plans/{plan_id}:submit", headers=director)
    approved = client.post(f"/v1/plans/{plan_id}:approve", headers=director)
    assert approved.json()["status"] == "approved", approved.text

    locked = client.post(
        f"/v1/plans/{plan_id}/targets",
        json={"metric": "units", "quantity": 5},
        headers=director,
    )
    assert locked.status_code != 201
    assert locked.headers["content-type"].startswith("application/problem+json")

    amended = client.post(f"/v1/plans/{plan_id}:amend", json={"strategy": "More"}, headers=director)
    assert amended.status_code == 201, amended.text
    assert amended.json()["plan_version"] == 2
    read = client.get(f"/v1/plans/{plan_id}", headers=director).json()
    assert read["status"] == "approved"
    assert read["carried_actions"] == []  # no earlier review of the unit
    plans = client.get("/v1/plans?period=FY2027", headers=director).json()["plans"]
    assert len(plans) == 2
