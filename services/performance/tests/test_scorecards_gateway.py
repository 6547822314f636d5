"""KPIs, scorecards, leaderboards and evaluations over HTTP (the gateway + the real api)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gateway.settings import GatewaySettings
from gateway.testing import bearer
from services.kit.db import Database
from services.performance.tests.scorecards_support import (
    CLOSED,
    add_fact,
    envelopes,
    gateway,
)

__all__ = ["gateway"]

ACTIVITIES = {
    "code": "activities",
    "name": "Activities",
    "source": "activity_volume",
    "target_value": 10,
    "floor_bp": 5000,
    "stretch_bp": 15000,
    "weight_bp": 10000,
}


def test_kpis_scorecards_leaderboards_and_evaluations_over_http(
    gateway: tuple[TestClient, GatewaySettings, Database],
) -> None:
    client, settings, db = gateway
    admin = bearer(settings, "admin-1", "admin", "*")
    director = bearer(settings, "dir-1", "director")
    manager = bearer(settings, "mgr-a", "manager")
    rep = bearer(settings, "rep-1", "rep")

    unbalanced = client.post(
        "/v1/kpis",
        json={
            "role": "rep",
            "effective_from": "FY2026",
            "kpis": [{**ACTIVITIES, "weight_bp": 9000}],
        },
        headers=admin,
    )
    assert unbalanced.status_code == 422, unbalanced.text
    assert unbalanced.headers["content-type"].startswith("application/problem+json")
    assert "KPI_WEIGHTS_SUM" in unbalanced.text
    defined = client.post(
        "/v1/kpis",
        json={"role": "rep", "effective_from": "FY2026", "kpis": [ACTIVITIES]},
        headers=admin,
    )
    assert defined.status_code == 201, defined.text
    kpi_set = defined.json()
    assert defined.headers["Location"] == f"/v1/kpis/{kpi_set['kpi_set_id']}"
    assert kpi_set["kpis"][0]["source"] == "activity_volume"
    assert kpi_set["kpis"][0]["direction"] == "higher_is_better"
    assert kpi_set["kpis"][0]["skill_area"] == "prospecting"
    in_effect = client.get(
        "/v1/kpis:effective",
        params={"role": "rep", "region": "EMEA", "period": CLOSED},
        headers=rep,
    )
    assert in_effect.json()["kpi_set_id"] == kpi_set["kpi_set_id"]
    assert client.get(f"/v1/kpis/{kpi_set['kpi_set_id']}", headers=rep).status_code == 200
    assert len(client.get("/v1/kpis?role=rep", headers=rep).json()["kpi_sets"]) == 2

    for n in range(12):
        add_fact(db, "activity", subject_id=f"r1-{n}")
    preview = client.get(f"/v1/scorecards/rep-1/{CLOSED}", headers=rep)
    assert preview.status_code == 200, preview.text
    assert preview.json()["published"] is False
    assert [(x["value"], x["score"]) for x in preview.json()["lines"]] == [(12, 88)]
    assert client.get(f"/v1/scorecards/rep-2/{CLOSED}", headers=rep).status_code == 404

    published = client.post(
        "/v1/scorecards:publish", json={"period_code": CLOSED, "team_id": "team-a"}, headers=manager
    )
    assert published.status_code == 200, published.text
    assert [s["rep_id"] for s in published.json()["scorecards"]] == ["rep-1", "rep-2"]
    assert len(envelopes(db, "performance.scorecard.published")) == 2
    assert [e["payload"]["rep_id"] for e in envelopes(db, "performance.gap.detected")] == ["rep-2"]
    early = client.post(
        "/v1/scorecards:publish", json={"period_code": "FY2099", "region": "EMEA"}, headers=director
    )
    assert early.status_code == 422 and "PERIOD_NOT_CLOSED" in early.text
    running = client.post(
        "/v1/scorecards:detect-gaps",
        json={"period_code": "FY2099", "region": "EMEA"},
        headers=director,
    )
    assert running.status_code == 422 and "PERIOD_NOT_RUNNING" in running.text
    mine = client.get(f"/v1/scorecards?period={CLOSED}", headers=rep).json()
    assert [s["rep_id"] for s in mine["scorecards"]] == ["rep-1"]
    assert mine["scorecards"][0]["total_points"] == 880_000

    board = client.get(
        "/v1/leaderboards", params={"period": CLOSED, "team_id": "team-a"}, headers=rep
    )
    assert board.status_code == 200, board.text
    assert [(e["rank"], e["rep_id"]) for e in board.json()["entries"]] == [
        (1, "rep-1"),
        (2, "mgr-a"),
        (2, "rep-2"),
    ]
    assert (
        client.get(
            "/v1/leaderboards", params={"period": CLOSED, "region": "EMEA"}, headers=rep
        ).status_code
        == 403
    )

    created = client.post(
        "/v1/evaluations",
        json={"rep_id": "rep-1", "period_code": CLOSED, "rating": 4, "comments": "Busy quarter."},
        headers=manager,
    )
    assert created.status_code == 201, created.text
    evaluation = created.json()
    key = evaluation["evaluation_id"]
    assert created.headers["Location"] == f"/v1/evaluations/{key}"
    assert (evaluation["status"], evaluation["score_total"], evaluation["appeal_outcome"]) == (
        "draft",
        88,
        "unspecified",
    )
    patched = client.patch(f"/v1/evaluations/{key}", json={"comments": "Busy."}, headers=manager)
    assert patched.json()["comments"] == "Busy."
    calibrated = client.post(
        "/v1/evaluations:calibrate",
        json={
            "team_id": "team-a",
            "period_code": CLOSED,
            "adjustments": [{"evaluation_id": key, "rating": 3, "reason": "Team curve."}],
        },
        headers=director,
    )
    assert calibrated.status_code == 200, calibrated.text
    assert [c["count"] for c in calibrated.json()["distribution"]] == [0, 0, 1, 0, 0]
    too_early = client.post(f"/v1/evaluations/{key}:acknowledge", headers=manager)
    assert too_early.status_code == 403
    assert client.post(f"/v1/evaluations/{key}:share", headers=manager).status_code == 200
    acknowledged = client.post(f"/v1/evaluations/{key}:acknowledge", headers=rep)
    assert acknowledged.json()["status"] == "acknowledged"
    again = client.post(f"/v1/evaluations/{key}:share", headers=manager)
    assert again.status_code == 422 and "cannot become shared" in again.text
    appealed = client.post(
        f"/v1/evaluations/{key}:appeal", json={"reason": "Calibrated down."}, headers=rep
    )
    assert appealed.json()["status"] == "appealed"
    resolved = client.post(
        f"/v1/evaluations/{key}:resolve",
        json={"outcome": "changed", "new_rating": 4, "comment": "Restored."},
        headers=director,
    )
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["status"], resolved.json()["rating"]) == ("resolved", 4)
    assert resolved.json()["appeal_outcome"] == "changed"
    listed = client.get("/v1/evaluations?status=resolved", headers=rep).json()
    assert [e["evaluation_id"] for e in listed["evaluations"]] == [key]
    assert client.get(f"/v1/evaluations/{key}", headers=rep).json()["rating"] == 4
