"""Routing, the unassigned queue, assignment, first contact and the SLA and routing settings
through the gateway, against the REAL pipeline api."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.kit.db import Database
from services.pipeline.tests.leads_support import hire, lead_fields, territory

from .real_pipeline import Headers, pipeline_db, pipeline_target, real_client, real_settings, token

__all__ = ["pipeline_db", "pipeline_target", "real_client", "real_settings", "token"]


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_a_routed_lead_and_the_unassigned_queue(
    real_client: TestClient, token: Headers, pipeline_db: Database
) -> None:
    hire(pipeline_db, "rep-a", capacity=10)
    territory(pipeline_db, "DACH-ENT", ["rep-a"], countries=("DE",))
    manager = token()
    routed = ok(real_client.post("/v1/leads", json=lead_fields(country="DE"), headers=manager), 201)
    assert routed["owner_id"] == "rep-a" and routed["territory_id"] == "DACH-ENT"
    assert routed["assignment_reason"] == "territory DACH-ENT: most spare capacity (10 of 10 free)"
    queued = ok(real_client.post("/v1/leads", json=lead_fields(country="FR"), headers=manager), 201)
    assert queued["owner_id"] == "" and queued["assign_time"] is None

    queue = ok(real_client.get("/v1/leads", params={"unassigned": True}, headers=manager))
    assert [lead["lead_id"] for lead in queue["leads"]] == [queued["lead_id"]]
    rep = token("rep-a", ("rep",), ("EMEA",))
    assert ok(real_client.get("/v1/leads", params={"unassigned": True}, headers=rep))["leads"] == []

    assigned = ok(
        real_client.post(
            f"/v1/leads/{queued['lead_id']}:assign",
            json={"owner_id": "rep-a", "note": "speaks French"},
            headers=manager,
        )
    )
    assert assigned["owner_id"] == "rep-a"
    assert assigned["assignment_reason"] == "assigned by mgr-1: speaks French"
    refused = real_client.post(
        f"/v1/leads/{queued['lead_id']}:assign", json={"owner_id": "rep-b"}, headers=rep
    )
    assert refused.status_code == 403, refused.text

    contacted = ok(real_client.post(f"/v1/leads/{queued['lead_id']}:mark-contacted", headers=rep))
    assert contacted["contacted_by"] == "rep-a" and contacted["contact_time"]


def test_a_duplicate_is_409_naming_the_open_lead(real_client: TestClient, token: Headers) -> None:
    fields = lead_fields()
    first = ok(real_client.post("/v1/leads", json=fields, headers=token()), 201)
    again = real_client.post("/v1/leads", json=fields, headers=token())
    assert again.status_code == 409, again.text
    assert first["lead_id"] in again.json()["detail"]
    allowed = {**fields, "allow_duplicate": True}
    ok(real_client.post("/v1/leads", json=allowed, headers=token()), 201)


def test_sla_policies_and_routing_strategy(
    real_client: TestClient, token: Headers, pipeline_db: Database
) -> None:
    admin = token("root", ("admin",), ("EMEA",))
    listed = ok(real_client.get("/v1/lead-sla-policies", headers=token()))
    assert listed == {"policies": [], "default_hours": 24, "next_page_token": ""}
    denied = real_client.put("/v1/lead-sla-policies/EMEA", json={"hours": 8}, headers=token())
    assert denied.status_code == 403, denied.text
    bad = real_client.put("/v1/lead-sla-policies/EMEA", json={"hours": 0}, headers=admin)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "hours"
    policy = ok(real_client.put("/v1/lead-sla-policies/EMEA", json={"hours": 8}, headers=admin))
    assert (policy["region"], policy["hours"], policy["audit"]["updated_by"]) == ("EMEA", 8, "root")
    assert ok(real_client.get("/v1/lead-sla-policies", headers=token()))["policies"] == [policy]

    territory(pipeline_db, "NORDICS", [])
    routing = ok(
        real_client.put("/v1/lead-routing/NORDICS", json={"strategy": "round_robin"}, headers=admin)
    )
    assert (routing["territory_id"], routing["strategy"]) == ("NORDICS", "round_robin")
    unknown = real_client.put(
        "/v1/lead-routing/NOWHERE", json={"strategy": "round_robin"}, headers=admin
    )
    assert unknown.status_code == 404, unknown.text
    wrong = real_client.put("/v1/lead-routing/NORDICS", json={"strategy": "fastest"}, headers=admin)
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "strategy"
