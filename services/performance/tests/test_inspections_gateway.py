"""Inspections, their rules, reports and violations over HTTP (gateway + real performance api)."""

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


def test_an_inspection_finds_a_stale_opportunity_over_http(
    gateway: tuple[TestClient, GatewaySettings, Database],
) -> None:
    client, settings, db = gateway
    director = bearer(settings, "dir-1", "director")
    rep = bearer(settings, "rep-1", "rep")
    month = this_month().code
    add_opportunity(db, "opp-stale", last_activity_at=utcnow() - timedelta(days=21))
    add_opportunity(db, "opp-fresh", last_activity_at=utcnow() - timedelta(days=14))

    rules = client.get("/v1/inspection-rules?region=EMEA", headers=rep)
    assert rules.status_code == 200, rules.text
    first = rules.json()["rules"][0]
    assert (first["rule"], first["stale_days"], first["configured"]) == (
        "stale_opportunity",
        14,
        False,
    )
    by_rep = client.post(
        "/v1/inspections:run", json={"region": "EMEA", "period_code": month}, headers=rep
    )
    assert by_rep.status_code == 403
    bad = client.post(
        "/v1/inspections:run", json={"region": "EMEA", "period_code": "March"}, headers=director
    )
    assert bad.status_code == 400 and "period_code" in bad.text

    ran = client.post(
        "/v1/inspections:run",
        json={"region": "EMEA", "period_code": month, "rules": ["stale_opportunity"]},
        headers=director,
    )
    assert ran.status_code == 201, ran.text
    body = ran.json()
    inspection_id = body["inspection"]["inspection_id"]
    assert ran.headers["Location"] == f"/v1/inspections/{inspection_id}"
    assert body["inspection"]["outcomes"] == [
        {"rule": "stale_opportunity", "findings": 1, "recorded": 1}
    ]
    [violation] = body["recorded"]
    since = (utcnow() - timedelta(days=21)).date().isoformat()
    assert violation["summary"] == f"no activity since {since} (21 days > 14)"
    assert (violation["rule"], violation["kind"], violation["status"]) == (
        "stale_opportunity",
        "process",
        "open",
    )
    assert violation["evidence"][0]["record_id"] == "opp-stale"
    assert len(envelopes(db, "performance.violation.recorded")) == 1

    assert client.get(f"/v1/inspections/{inspection_id}", headers=director).status_code == 200
    assert client.get(f"/v1/inspections/{inspection_id}", headers=rep).status_code == 404
    listed = client.get("/v1/inspections?trigger=on_demand", headers=director).json()
    assert [i["inspection_id"] for i in listed["inspections"]] == [inspection_id]
    mine = client.get("/v1/violations?rule=stale_opportunity", headers=rep).json()
    assert [v["subject_id"] for v in mine["violations"]] == ["opp-stale"]

    changed = client.put(
        "/v1/inspection-rules/stale_opportunity",
        json={"region": "EMEA", "stale_days": 30, "severity": "medium"},
        headers=director,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["stale_days"], changed.json()["configured"]) == (30, True)

    dismissed = client.post(
        f"/v1/violations/{violation['violation_id']}:dismiss",
        json={"reason": "Customer asked to pause until April."},
        headers=director,
    )
    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["status"] == "dismissed"
    report = client.get(f"/v1/inspection-reports?region=EMEA&period={month}", headers=director)
    assert report.status_code == 200, report.text
    counts = report.json()
    assert counts["totals"] == {"key": "", "total": 1, "open": 0, "dismissed": 1, "penalised": 0}
    assert [(c["key"], c["dismissed"]) for c in counts["by_team"]] == [("team-a", 1)]
    assert [i["inspection_id"] for i in counts["inspections"]] == [inspection_id]
