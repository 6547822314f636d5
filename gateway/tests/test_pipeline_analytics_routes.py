"""`/v1/pipeline-analytics/...` end to end over the hand-built dataset of
services/pipeline/tests/test_analytics_api.py (fiscal year from April)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

# The real case and analytics services behind the gateway, as for the case routes.
from .test_cases_routes import gateway_env, pipeline_api, pipeline_db, problem

__all__ = ["gateway_env", "pipeline_api", "pipeline_db"]

Headers = Callable[..., dict[str, str]]
Q1 = {"period": "FY2027-Q1"}


def manager(bearer: Headers) -> dict[str, str]:
    return bearer(roles=("manager",), regions=("EMEA",), subject="mgr-1")


def get(client: TestClient, path: str, headers: dict[str, str], **query: Any) -> dict[str, Any]:
    response = client.get(f"/v1/pipeline-analytics/{path}", params=query, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_funnel(client: TestClient, bearer: Headers) -> None:
    funnel = get(client, "funnel", manager(bearer), pipeline_id="nb", **Q1)
    assert funnel["cohort"] == 8
    assert funnel["period"] == {
        "code": "FY2027-Q1",
        "starts_at": "2026-04-01T00:00:00Z",
        "ends_at": "2026-07-01T00:00:00Z",
    }
    assert funnel["filter"]["pipeline_id"] == "nb" and funnel["filter"]["owner_id"] == ""
    assert [(s["stage_id"], s["reached"], s["conversion_to_next_bp"]) for s in funnel["steps"]] == [
        ("s1", 8, 7500),
        ("s2", 6, 6667),
        ("s3", 4, 10000),
        ("s4", 4, 10000),
        ("sw", 4, None),
    ]
    rep = bearer(roles=("rep",), regions=("EMEA",), subject="rep-a")
    mine = get(client, "funnel", rep, pipeline_id="nb", **Q1)
    assert mine["filter"]["owner_id"] == "rep-a" and mine["cohort"] == 3


def test_win_rate_and_deal_metrics_with_group_by(client: TestClient, bearer: Headers) -> None:
    rate = get(client, "win-rate", manager(bearer), group_by="owner", **Q1)
    assert rate["total"] == {"key": "", "won": 4, "lost": 3, "win_rate_bp": 5714}
    assert [(g["key"], g["win_rate_bp"]) for g in rate["groups"]] == [
        ("rep-a", 2500),
        ("rep-b", 10000),
    ]
    metrics = get(client, "deal-metrics", manager(bearer), group_by="pipeline", **Q1)
    assert metrics["total"]["average_cycle_days"] == 18
    assert metrics["total"]["deal_sizes"][0] == {
        "currency": "EUR",
        "won": 3,
        "total": {"currency": "EUR", "amount_minor": 170_001},
        "average": {"currency": "EUR", "amount_minor": 56_667},
    }
    assert metrics["groups"][0]["deal_sizes"][0]["average"]["amount_minor"] == 75_001


def test_time_in_stage_and_win_loss(client: TestClient, bearer: Headers) -> None:
    stages = get(client, "time-in-stage", manager(bearer), **Q1)["stages"]
    assert stages[0] == {
        "pipeline_id": "nb",
        "stage_id": "s1",
        "name": "S1",
        "position": 1,
        "stays": 8,
        "average_hours": 32,
    }
    breakdown = get(client, "win-loss", manager(bearer), **Q1)
    assert breakdown["loss_reasons"][0] == {"reason": "price", "lost": 2, "share_bp": 6667}
    assert breakdown["competitors"][0] == {
        "competitor": "Globex",
        "deals": 3,
        "won": 1,
        "lost": 2,
        "win_rate_bp": 3333,
        "lost_to": 1,
    }


def test_bad_queries_are_400_naming_the_parameter(client: TestClient, bearer: Headers) -> None:
    headers = manager(bearer)
    missing = client.get("/v1/pipeline-analytics/win-rate", headers=headers)
    assert problem(missing, 400, "invalid-argument")["errors"][0]["field"] == "period"
    malformed = client.get("/v1/pipeline-analytics/win-rate?period=2027", headers=headers)
    assert problem(malformed, 400, "invalid-argument")["errors"][0]["field"] == "period"
    no_pipeline = client.get("/v1/pipeline-analytics/funnel?period=FY2027", headers=headers)
    assert problem(no_pipeline, 400, "invalid-argument")["errors"][0]["field"] == "pipeline_id"
    by_colour = client.get(
        "/v1/pipeline-analytics/win-rate?period=FY2027&group_by=colour", headers=headers
    )
    assert problem(by_colour, 400, "invalid-argument")["errors"][0]["field"] == "group_by"
    platform = bearer(roles=("platform",), regions=("EMEA",), subject="ops")
    problem(
        client.get("/v1/pipeline-analytics/win-rate?period=FY2027", headers=platform),
        403,
        "permission-denied",
    )
