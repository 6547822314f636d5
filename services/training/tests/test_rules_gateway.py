"""Assignment rules over HTTP (the gateway in front of the real training api)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gateway.settings import GatewaySettings
from gateway.testing import bearer
from services.kit.db import Database
from services.training.tests.rules_support import gateway
from services.training.tests.training_support import add_course

__all__ = ["gateway"]


def test_assignment_rules_over_http(gateway: tuple[TestClient, GatewaySettings, Database]) -> None:
    client, settings, db = gateway
    admin = bearer(settings, "admin", "admin", "*")
    director = bearer(settings, "dir-1", "director")
    rep = bearer(settings, "rep-1", "rep")
    course = add_course(db, "NEG-101")

    bad = client.post(
        "/v1/assignment-rules",
        json={"name": "", "trigger": "gap_detected", "due_in_days": -3},
        headers=admin,
    )
    assert bad.status_code == 400, bad.text
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert {e["field"] for e in bad.json()["errors"]} == {
        "rule.name",
        "rule.due_in_days",
        "rule.learning_path_id",
    }
    created = client.post(
        "/v1/assignment-rules",
        json={
            "name": "Negotiation gaps",
            "trigger": "gap_detected",
            "match": "negotiation",
            "course_id": course,
            "due_in_days": 21,
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    rule = created.json()
    assert created.headers["Location"] == f"/v1/assignment-rules/{rule['rule_id']}"
    assert (rule["trigger"], rule["enabled"], rule["region"]) == ("gap_detected", True, "")
    assert (
        client.post(
            "/v1/assignment-rules",
            json={"name": "x", "trigger": "rep_hired", "course_id": course},
            headers=director,
        ).status_code
        == 403
    )
    listed = client.get("/v1/assignment-rules?trigger=gap_detected", headers=director).json()
    assert [r["rule_id"] for r in listed["rules"]] == [rule["rule_id"]]
    assert client.get("/v1/assignment-rules", headers=rep).json()["rules"] == []
    assert client.get(f"/v1/assignment-rules/{rule['rule_id']}", headers=rep).status_code == 404
    changed = client.put(
        f"/v1/assignment-rules/{rule['rule_id']}",
        json={
            "name": "Negotiation gaps",
            "match": "negotiation",
            "course_id": course,
            "enabled": False,
            "version": 1,
        },
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["enabled"], changed.json()["version"]) == (False, 2)
    stale = client.put(
        f"/v1/assignment-rules/{rule['rule_id']}",
        json={"name": "x", "course_id": course, "version": 1},
        headers=admin,
    )
    assert stale.status_code == 409
