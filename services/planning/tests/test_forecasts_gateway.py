"""Forecasts over HTTP: the gateway routes in front of the real planning api."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from nameko.testing.services import worker_factory

from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.testing import bearer, upstream_settings
from services.kit.db import Database
from services.planning.tests.forecasts_support import (
    PERIOD,
    add_plan,
    opportunity_created,
    seed_org,
)
from services.planning.worker import Worker


@pytest.fixture
def planning_db(tmp_path: Path, migrated: Callable[[str, str], Database]) -> Database:
    db = migrated("planning", f"sqlite:///{tmp_path / 'planning.db'}")
    seed_org(db)
    return db


@pytest.fixture
def settings(planning_db: Database) -> Iterator[GatewaySettings]:
    with upstream_settings("planning", planning_db) as settings:
        yield settings


@pytest.fixture
def client(settings: GatewaySettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def money(amount: int) -> dict[str, Any]:
    return {"currency": "EUR", "amount_minor": amount}


def test_submit_adjust_list_and_roll_up_over_http(
    client: TestClient, settings: GatewaySettings, planning_db: Database
) -> None:
    rep = bearer(settings, "rep-1", "rep")
    manager = bearer(settings, "mgr-n1", "manager")
    created = client.post(
        "/v1/forecasts",
        json={
            "period_code": PERIOD,
            "commit": money(100),
            "best_case": money(150),
            "pipeline": money(400),
            "notes": "two deals",
        },
        headers=rep,
    )
    assert created.status_code == 201, created.text
    forecast = created.json()
    assert forecast["status"] == "submitted"
    assert forecast["adjusted"] is None
    assert created.headers["Location"] == f"/v1/forecasts/{forecast['forecast_id']}"
    forecast_id = forecast["forecast_id"]

    bad = client.post(
        "/v1/forecasts",
        json={
            "period_code": PERIOD,
            "commit": money(200),
            "best_case": money(100),
            "pipeline": money(0),
        },
        headers=rep,
    )
    assert bad.status_code == 422, bad.text
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "COMMIT_WITHIN_BEST_CASE" in bad.text

    refused = client.post(
        f"/v1/forecasts/{forecast_id}:adjust",
        json={"commit": money(1), "best_case": money(1), "pipeline": money(1), "reason": "x"},
        headers=rep,
    )
    assert refused.status_code == 403, refused.text
    adjusted = client.post(
        f"/v1/forecasts/{forecast_id}:adjust",
        json={
            "commit": money(80),
            "best_case": money(150),
            "pipeline": money(400),
            "reason": "slipping",
        },
        headers=manager,
    )
    assert adjusted.status_code == 200, adjusted.text
    body = adjusted.json()
    assert body["status"] == "adjusted"
    assert body["submitted"]["commit"]["amount_minor"] == 100
    assert body["adjusted"]["commit"]["amount_minor"] == 80
    assert body["adjustments"][0]["reason"] == "slipping"

    listed = client.get(f"/v1/forecasts?period={PERIOD}&status=adjusted", headers=manager).json()
    assert [f["forecast_id"] for f in listed["forecasts"]] == [forecast_id]
    versions = client.get(f"/v1/forecasts/{forecast_id}/versions", headers=rep).json()
    assert [v["forecast_version"] for v in versions["versions"]] == [1]
    other_region = bearer(settings, "dir-2", "director", "APAC")
    assert client.get(f"/v1/forecasts/{forecast_id}", headers=other_region).status_code == 404

    worker = worker_factory(Worker, db=planning_db)
    worker.opportunity_copy_created(
        opportunity_created(
            "opp-1", owner_id="rep-1", team_id="team-n1", amount=10_001, probability_bp=5_000
        )
    )
    add_plan(planning_db, unit_id="team-n1", target=5_000, shares={"r:rep-1": 3_000})

    roll_up = client.get(f"/v1/forecasts:roll-up?org_unit=team-n1&period={PERIOD}", headers=manager)
    assert roll_up.status_code == 200, roll_up.text
    total = roll_up.json()["total"]
    assert total["revenue_target"] == money(5_000)
    assert (total["reps"], total["reps_submitted"]) == (2, 1)
    (eur,) = total["figures"]
    assert eur["weighted_pipeline"] == money(5_001)
    assert eur["forecast"]["commit"] == money(80)
    assert eur["submitted"]["commit"] == money(100)
    assert eur["open_pipeline"]["pipeline"] == money(10_001)
    assert [c["rep_id"] for c in roll_up.json()["children"]] == ["rep-1", "rep-2"]

    mine = client.get(f"/v1/weighted-pipeline?rep=rep-1&period={PERIOD}", headers=rep)
    assert mine.status_code == 200, mine.text
    line = mine.json()["line"]
    assert line["revenue_target"] == money(3_000)
    assert line["figures"][0]["weighted_pipeline"] == money(5_001)
    both = client.get(
        f"/v1/weighted-pipeline?rep=rep-1&org_unit=team-n1&period={PERIOD}", headers=rep
    )
    assert both.status_code == 400, both.text
    assert "org_unit_id" in both.text
