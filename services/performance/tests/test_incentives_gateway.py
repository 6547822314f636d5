"""Rewards and penalties over HTTP (gateway + real performance api)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from gateway.settings import GatewaySettings
from gateway.testing import bearer
from services.kit.db import Database, utcnow
from services.performance.tests.inspections_support import (
    add_opportunity,
    envelopes,
    gateway,
    this_month,
)

__all__ = ["gateway"]


def test_rewards_and_penalties_over_http(
    gateway: tuple[TestClient, GatewaySettings, Database],
) -> None:
    client, settings, db = gateway
    manager = bearer(settings, "mgr-a", "manager")
    director = bearer(settings, "dir-1", "director")
    other_director = bearer(settings, "dir-2", "director")
    rep = bearer(settings, "rep-1", "rep")
    rep_2 = bearer(settings, "rep-2", "rep")

    proposed = client.post(
        "/v1/rewards",
        json={
            "rep_id": "rep-1",
            "kind": "bonus",
            "reason": "Best quarter in the team.",
            "amount": {"currency": "EUR", "amount_minor": 75_000},
            "evidence": ["https://wiki/q3"],
        },
        headers=manager,
    )
    assert proposed.status_code == 201, proposed.text
    reward = proposed.json()
    assert proposed.headers["Location"] == f"/v1/rewards/{reward['incentive_id']}"
    assert (reward["category"], reward["kind"], reward["status"]) == ("reward", "bonus", "proposed")
    assert reward["amount"] == {"currency": "EUR", "amount_minor": 75_000}
    not_a_reward = client.post(
        "/v1/rewards",
        json={"rep_id": "rep-1", "kind": "penalty", "reason": "x"},
        headers=manager,
    )
    assert not_a_reward.status_code == 400 and "kind" in not_a_reward.text
    no_money = client.post(
        "/v1/rewards", json={"rep_id": "rep-1", "kind": "bonus", "reason": "x"}, headers=manager
    )
    assert no_money.status_code == 400, no_money.text
    assert no_money.headers["content-type"].startswith("application/problem+json")

    assert client.get(f"/v1/rewards/{reward['incentive_id']}", headers=rep).status_code == 200
    assert client.get(f"/v1/rewards/{reward['incentive_id']}", headers=rep_2).status_code == 404
    assert client.get(f"/v1/penalties/{reward['incentive_id']}", headers=rep).status_code == 404
    own = client.post(f"/v1/rewards/{reward['incentive_id']}:approve", headers=manager)
    assert own.status_code == 403
    granted = client.post(f"/v1/rewards/{reward['incentive_id']}:approve", headers=director)
    assert granted.status_code == 200, granted.text
    assert granted.json()["status"] == "granted"
    assert len(envelopes(db, "performance.reward.granted")) == 1
    listed = client.get("/v1/rewards?status=granted", headers=rep).json()
    assert [r["incentive_id"] for r in listed["rewards"]] == [reward["incentive_id"]]
    assert client.get("/v1/rewards", headers=rep_2).json()["rewards"] == []

    add_opportunity(db, "opp-idle", last_activity_at=utcnow() - timedelta(days=20))
    run = client.post(
        "/v1/inspections:run",
        json={"region": "EMEA", "period_code": this_month().code},
        headers=director,
    ).json()
    [violation] = run["recorded"]
    penalty = client.post(
        "/v1/penalties",
        json={
            "rep_id": "rep-1",
            "kind": "penalty",
            "reason": "Idle deal.",
            "points": 20,
            "violation_ids": [violation["violation_id"]],
        },
        headers=director,
    )
    assert penalty.status_code == 201, penalty.text
    penalty_id = penalty.json()["incentive_id"]
    self_approval = client.post(f"/v1/penalties/{penalty_id}:approve", headers=director)
    assert self_approval.status_code == 422
    assert "FOUR_EYES" in self_approval.text
    imposed = client.post(f"/v1/penalties/{penalty_id}:approve", headers=other_director)
    assert imposed.status_code == 200, imposed.text
    assert (imposed.json()["status"], imposed.json()["points"]) == ("imposed", 20)
    assert (
        client.get(f"/v1/violations/{violation['violation_id']}", headers=rep).json()["status"]
        == "penalised"
    )
    warning = client.post(
        "/v1/penalties",
        json={"rep_id": "rep-2", "kind": "warning", "reason": "Missed the forecast call."},
        headers=manager,
    ).json()
    rejected = client.post(
        f"/v1/penalties/{warning['incentive_id']}:reject",
        json={"reason": "First time."},
        headers=director,
    )
    assert rejected.status_code == 200 and rejected.json()["rejection_reason"] == "First time."
    penalties = client.get("/v1/penalties?kind=penalty", headers=rep).json()["penalties"]
    assert [p["incentive_id"] for p in penalties] == [penalty_id]
    [event] = envelopes(db, "performance.penalty.imposed")
    assert event["payload"]["violation_ids"] == [violation["violation_id"]]
