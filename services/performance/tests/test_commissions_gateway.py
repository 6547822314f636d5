"""Commission plans, statements and disputes over HTTP: the gateway in front of the real api."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.testing import bearer, upstream_settings
from services.kit.db import Database
from services.performance.tests.commissions_support import add_credit, add_quota, seed_reps


@pytest.fixture
def settings(tmp_path: Path, migrated: Callable[[str, str], Database]) -> Iterator[GatewaySettings]:
    db = migrated("performance", f"sqlite:///{tmp_path / 'performance.db'}")
    seed_reps(db)
    add_quota(db, "rep-1", "FY2027-Q2", 100_000)
    add_credit(db, "rep-1", 120_000, date(2027, 4, 10), credit_id="deal-1", product_line="widgets")
    with upstream_settings("performance", db) as settings:
        yield settings


@pytest.fixture
def client(settings: GatewaySettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def test_plan_statement_and_dispute_over_http(
    client: TestClient, settings: GatewaySettings
) -> None:
    manager = bearer(settings, "mgr-a", "manager")
    director = bearer(settings, "dir-1", "director")
    rep = bearer(settings, "rep-1", "rep")
    rules = {
        "base_rate_bp": 500,
        "tier_mode": "marginal",
        "tiers": [
            {"from_bp": 0, "to_bp": 10000, "rate_bp": 500},
            {"from_bp": 10000, "to_bp": 0, "rate_bp": 1000, "name": "accelerator"},
        ],
        "spiffs": [{"product_line": "widgets", "rate_bp": 100}],
    }
    bad = client.post(
        "/v1/commission-plans",
        json={
            "name": "",
            "role": "rep",
            "region": "EMEA",
            "currency": "EUR",
            "effective_from": "2027-01-01",
            "rules": {**rules, "base_rate_bp": -5},
        },
        headers=manager,
    )
    assert bad.status_code == 400, bad.text
    assert "rules.base_rate_bp" in bad.text and '"name"' in bad.text

    created = client.post(
        "/v1/commission-plans",
        json={
            "name": "EMEA reps",
            "role": "rep",
            "region": "EMEA",
            "currency": "EUR",
            "effective_from": "2027-01-01",
            "rules": rules,
        },
        headers=manager,
    )
    assert created.status_code == 201, created.text
    plan = created.json()
    assert created.headers["Location"] == f"/v1/commission-plans/{plan['plan_id']}"
    assert plan["status"] == "draft" and plan["rules"]["tiers"][1]["rate_bp"] == 1000
    approved = client.post(f"/v1/commission-plans/{plan['plan_id']}:approve", headers=director)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    read = client.get(f"/v1/commission-plans/{plan['plan_id']}", headers=rep).json()
    assert [v["plan_version"] for v in read["versions"]] == [1]

    run = client.post(
        "/v1/commission-statements:calculate",
        json={"period_code": "FY2027-Q2", "region": "EMEA"},
        headers=director,
    )
    assert run.status_code == 200, run.text
    mine = next(s for s in run.json()["statements"] if s["rep_id"] == "rep-1")
    # 100000 x 5% = 5000; 20000 x 10% = 2000; SPIFF 120000 x 1% = 1200.
    assert mine["total"] == {"currency": "EUR", "amount_minor": 8200}
    statement = client.get(f"/v1/commission-statements/{mine['statement_id']}", headers=rep)
    assert statement.status_code == 200, statement.text
    body = statement.json()
    assert [(line["kind"], line["amount"]["amount_minor"]) for line in body["lines"]] == [
        ("tier", 5000),
        ("accelerator", 2000),
        ("spiff", 1200),
    ]
    assert body["lines"][1]["explanation"]["credit_ids"] == ["deal-1"]
    listed = client.get("/v1/commission-statements?period=FY2027-Q2", headers=rep).json()
    assert [s["rep_id"] for s in listed["statements"]] == ["rep-1"]

    dispute = client.post(
        "/v1/disputes",
        json={"line_id": body["lines"][2]["line_id"], "reason": "SPIFF rate was 2%"},
        headers=rep,
    )
    assert dispute.status_code == 201, dispute.text
    dispute_id = dispute.json()["dispute_id"]
    resolved = client.post(
        f"/v1/disputes/{dispute_id}:resolve",
        json={
            "outcome": "accepted",
            "comment": "the SPIFF was 2% this quarter",
            "adjustment": {"currency": "EUR", "amount_minor": 1200},
        },
        headers=manager,
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "accepted"
    after = client.get(f"/v1/commission-statements/{mine['statement_id']}", headers=rep).json()
    assert after["total"]["amount_minor"] == 9400
    assert after["lines"][-1]["kind"] == "adjustment"
    open_ones = client.get("/v1/disputes?status=open", headers=manager).json()
    assert open_ones["disputes"] == []
    again = client.post(
        f"/v1/disputes/{dispute_id}:resolve",
        json={"outcome": "rejected", "comment": "no"},
        headers=manager,
    )
    assert again.status_code == 422, again.text
    assert again.headers["content-type"].startswith("application/problem+json")
