"""Period reviews and improvement actions over HTTP (gateway + real api)."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient

from gateway.settings import GatewaySettings
from gateway.testing import bearer
from services.kit.db import Database, utcnow
from services.planning.tests.market_support import add_fact, add_revenue_plan, gateway
from services.planning.tests.test_plans_api import envelopes

__all__ = ["gateway"]


def test_review_lifecycle_over_http(
    gateway: tuple[TestClient, GatewaySettings, Database],
) -> None:
    client, settings, db = gateway
    manager = bearer(settings, "mgr-a", "manager")
    rep = bearer(settings, "rep-1", "rep")
    add_revenue_plan(db, "team-a", "FY2026-Q2", 100_000)
    add_fact(db, "cust-1", 120_000, date(2026, 5, 5), unit_id="team-a")

    opened = client.post(
        "/v1/reviews", json={"org_unit_id": "team-a", "period_code": "FY2026-Q2"}, headers=manager
    )
    assert opened.status_code == 201, opened.text
    review = opened.json()["review"]
    assert opened.headers["Location"] == f"/v1/reviews/{review['review_id']}"
    assert review["status"] == "open"
    assert [(x["target"], x["actual"], x["status"]) for x in review["lines"]] == [
        (100_000, 120_000, "attained")
    ]
    again = client.post(
        "/v1/reviews", json={"org_unit_id": "team-a", "period_code": "FY2026-Q2"}, headers=manager
    )
    assert again.status_code == 409

    due = (utcnow().date() + timedelta(days=14)).isoformat()
    action = client.post(
        f"/v1/reviews/{review['review_id']}/actions",
        json={"title": "Share the June playbook", "owner_id": "rep-1", "due_date": due},
        headers=manager,
    )
    assert action.status_code == 201, action.text
    action_id = action.json()["action_id"]
    started = client.patch(
        f"/v1/improvement-actions/{action_id}", json={"status": "in_progress"}, headers=rep
    )
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "in_progress"
    skipped = client.patch(
        f"/v1/improvement-actions/{action_id}", json={"status": "open"}, headers=rep
    )
    assert skipped.status_code == 422, skipped.text

    findings = client.patch(
        f"/v1/reviews/{review['review_id']}", json={"findings": "Ahead by June."}, headers=manager
    )
    assert findings.status_code == 200 and findings.json()["findings"] == "Ahead by June."
    refreshed = client.post(f"/v1/reviews/{review['review_id']}:refresh", headers=manager)
    assert refreshed.status_code == 200, refreshed.text
    closed = client.post(f"/v1/reviews/{review['review_id']}:close", headers=manager)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert len(envelopes(db, "planning.review.closed")) == 1
    locked = client.patch(
        f"/v1/reviews/{review['review_id']}", json={"findings": "x"}, headers=manager
    )
    assert locked.status_code == 422
    assert locked.headers["content-type"].startswith("application/problem+json")

    got = client.get(f"/v1/reviews/{review['review_id']}", headers=rep).json()
    assert [a["action_id"] for a in got["actions"]] == [action_id]
    listed = client.get("/v1/improvement-actions?owner_id=rep-1&status=in_progress", headers=rep)
    assert [a["action_id"] for a in listed.json()["actions"]] == [action_id]
    of_review = client.get(f"/v1/reviews/{review['review_id']}/actions", headers=rep).json()
    assert [a["action_id"] for a in of_review["actions"]] == [action_id]
    reviews = client.get("/v1/reviews?period=FY2026-Q2&status=closed", headers=rep).json()
    assert [r["review_id"] for r in reviews["reviews"]] == [review["review_id"]]

    q3 = client.post(
        "/v1/reviews", json={"org_unit_id": "team-a", "period_code": "FY2026-Q3"}, headers=manager
    )
    assert [a["action_id"] for a in q3.json()["carried_actions"]] == [action_id]
