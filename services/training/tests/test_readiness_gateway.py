"""Readiness over HTTP (the gateway in front of the real training api)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gateway.settings import GatewaySettings
from gateway.testing import bearer
from services.kit.db import Database
from services.training.tests.rules_support import gateway
from services.training.tests.test_readiness_api import complete
from services.training.tests.training_support import add_course, add_skill_profile

__all__ = ["gateway"]


def test_readiness_over_http(gateway: tuple[TestClient, GatewaySettings, Database]) -> None:
    client, settings, db = gateway
    manager = bearer(settings, "mgr-a", "manager")
    director = bearer(settings, "dir-1", "director")
    rep = bearer(settings, "rep-1", "rep")
    add_skill_profile(db, "rep", "negotiation", 2)
    add_skill_profile(db, "rep", "closing", 1)
    complete(db, "rep-1", add_course(db, "NEG-101", skills=["negotiation:2"]))

    mine = client.get("/v1/readiness?rep=rep-1", headers=rep)
    assert mine.status_code == 200, mine.text
    body = mine.json()["rep"]
    assert (body["readiness_index_bp"], body["held_skills"], body["required_skills"]) == (
        5000,
        1,
        2,
    )
    assert client.get("/v1/readiness?rep=rep-2", headers=rep).status_code == 404
    team = client.get("/v1/readiness?team=team-a", headers=manager).json()
    # rep-1 5000, rep-2 0; mgr-a has no profile.
    assert team["team"]["figures"]["average_readiness_index_bp"] == 2500
    assert [r["rep_id"] for r in team["reps"]] == ["mgr-a", "rep-1", "rep-2"]
    region = client.get("/v1/readiness?region=EMEA", headers=director).json()
    assert region["figures"]["completion_rate_bp"] == 10_000
    assert {t["team_id"] for t in region["teams"]} == {"emea", "team-a", "team-b"}
    both = client.get("/v1/readiness?rep=rep-1&team=team-a", headers=director)
    assert both.status_code == 400
    assert both.headers["content-type"].startswith("application/problem+json")
    assert client.get("/v1/readiness", headers=director).status_code == 400
