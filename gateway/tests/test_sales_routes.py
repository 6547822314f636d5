"""Opportunities, pipelines, stage gates, activities, quotes and contracts through the gateway,
against the REAL pipeline api on a migrated SQLite database."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.kit.db import Database
from services.pipeline.tests.test_opportunities_api import seed_customer, seed_rep

from .real_pipeline import Headers, pipeline_db, pipeline_target, real_client, real_settings, token

__all__ = ["pipeline_db", "pipeline_target", "real_client", "real_settings", "token"]

DISCOVERY = "new_business.discovery"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def problem(response: Any, status: int, slug: str) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == f"urn:salesops:problem:{slug}"
    return body


def seed(db: Database) -> None:
    seed_customer(db)
    seed_rep(db, "rep-1")
    seed_rep(db, "rep-2")


NEW_DEAL = {
    "customer_id": "cus-1",
    "name": "Acme analytics",
    "line_items": [
        {
            "product_line": "analytics",
            "quantity": 3,
            "unit_price": {"currency": "EUR", "amount_minor": 33_333},
        }
    ],
    "expected_close_date": "2099-03-31",
    "team_members": [
        {"rep_id": "rep-1", "share_bp": 7000},
        {"rep_id": "rep-2", "role": "sales_engineer", "share_bp": 3000},
    ],
}


def test_a_deal_from_creation_to_contract(
    real_client: TestClient, token: Headers, pipeline_db: Database
) -> None:
    seed(pipeline_db)
    rep = token("rep-1", ("rep",))
    manager = token("mgr-1", ("manager",))
    client = real_client

    created = client.post("/v1/opportunities", json=NEW_DEAL, headers=rep)
    deal = ok(created, 201)
    assert created.headers["location"] == f"/v1/opportunities/{deal['opportunity_id']}"
    assert deal["amount"] == {"currency": "EUR", "amount_minor": 99_999}
    assert deal["status"] == "open" and deal["forecast_category"] == "pipeline"
    assert deal["stage_name"] == "Prospecting" and deal["close_time"] is None
    deal_id = deal["opportunity_id"]

    ok(client.post(f"/v1/opportunities/{deal_id}:advance", headers=rep))
    blocked = problem(
        client.post(f"/v1/opportunities/{deal_id}:advance", json={}, headers=rep),
        422,
        "failed-precondition",
    )
    assert blocked["violations"] == [
        {
            "type": "GATE",
            "subject": f"stages/{DISCOVERY}/activity.meeting",
            "description": "log 1 meeting(s) with an outcome on the opportunity before leaving "
            "Discovery (found 0)",
        }
    ]
    meeting = ok(
        client.post(
            "/v1/activities",
            json={
                "type": "meeting",
                "subject": "discovery",
                "outcome": "pain confirmed",
                "opportunity_id": deal_id,
            },
            headers=rep,
        ),
        201,
    )
    assert meeting["status"] == "completed" and meeting["type"] == "meeting"
    listed = ok(client.get("/v1/activities", params={"opportunity_id": deal_id}, headers=rep))
    assert [a["activity_id"] for a in listed["activities"]] == [meeting["activity_id"]]
    ok(client.post(f"/v1/opportunities/{deal_id}:advance", headers=rep))
    patched = ok(
        client.patch(
            f"/v1/opportunities/{deal_id}",
            json={"next_step": "negotiate", "competitors": ["Globex"]},
            headers=rep,
        )
    )
    assert patched["next_step"] == "negotiate" and patched["competitors"] == ["Globex"]
    assert patched["name"] == "Acme analytics"
    ok(client.post(f"/v1/opportunities/{deal_id}:advance", headers=rep))

    quote = ok(
        client.post(
            "/v1/quotes", json={"opportunity_id": deal_id, "discount_bp": 1500}, headers=rep
        ),
        201,
    )
    submitted = ok(client.post(f"/v1/quotes/{quote['quote_id']}:submit", headers=rep))
    assert submitted["status"] == "pending_approval"
    assert submitted["decisions"][0]["kind"] == "submitted_for_approval"
    pending = ok(client.get("/v1/quotes", params={"status": "pending_approval"}, headers=manager))
    assert [q["quote_id"] for q in pending["quotes"]] == [quote["quote_id"]]
    approved = ok(
        client.post(
            f"/v1/quotes/{quote['quote_id']}:approve", json={"comment": "ok"}, headers=manager
        )
    )
    assert approved["status"] == "approved"
    # 99999 at 15% = 84999.15 -> 84999
    assert approved["total"] == {"currency": "EUR", "amount_minor": 84_999}
    ok(client.post(f"/v1/quotes/{quote['quote_id']}:accept", headers=rep))

    won = ok(
        client.post(
            f"/v1/opportunities/{deal_id}:win",
            json={"contract_start_date": "2099-04-01", "term_months": 24},
            headers=rep,
        )
    )
    contract = won["contract"]
    assert won["opportunity"]["status"] == "won"
    assert (contract["start_date"], contract["end_date"], contract["status"]) == (
        "2099-04-01",
        "2101-03-31",
        "active",
    )
    assert [(s["rep_id"], s["amount"]["amount_minor"]) for s in contract["splits"]] == [
        ("rep-1", 59_499),
        ("rep-2", 25_500),
    ]
    history = ok(client.get(f"/v1/opportunities/{deal_id}/stage-history", headers=rep))
    assert [v["stage_name"] for v in history["visits"]] == [
        "Prospecting",
        "Discovery",
        "Solution",
        "Negotiation",
        "Closed Won",
    ]
    assert history["visits"][-1]["exit_time"] is None

    read = ok(client.get(f"/v1/contracts/{contract['contract_id']}", headers=rep))
    assert read == contract
    cancelled = ok(
        client.post(
            f"/v1/contracts/{contract['contract_id']}:cancel",
            json={"reason": "customer insolvent"},
            headers=manager,
        )
    )
    assert cancelled["status"] == "cancelled" and cancelled["cancel_time"]
    listed_contracts = ok(client.get("/v1/contracts", params={"status": "cancelled"}, headers=rep))
    assert len(listed_contracts["contracts"]) == 1


def test_stage_gates_pipelines_and_authority_configuration(
    real_client: TestClient, token: Headers, pipeline_db: Database
) -> None:
    seed(pipeline_db)
    admin = token("admin-1", ("admin",), ("*",))
    rep = token("rep-1", ("rep",))
    client = real_client

    pipelines = ok(client.get("/v1/pipelines", headers=rep))["pipelines"]
    assert {"new_business", "renewal"} <= {p["pipeline_id"] for p in pipelines}
    stages = ok(client.get("/v1/pipelines/renewal/stages", headers=rep))["stages"]
    assert [s["kind"] for s in stages] == ["open", "open", "open", "won", "lost"]

    created = client.post(
        "/v1/pipelines",
        json={
            "name": "Partner",
            "kind": "partner",
            "stages": [
                {"name": "Qualify", "probability_bp": 2000},
                {"name": "Won", "kind": "won"},
                {"name": "Lost", "kind": "lost"},
            ],
        },
        headers=admin,
    )
    pipeline = ok(created, 201)
    assert created.headers["location"] == f"/v1/pipelines/{pipeline['pipeline_id']}"
    problem(client.post("/v1/pipelines", json={}, headers=admin), 400, "invalid-argument")

    gate = ok(
        client.put(
            "/v1/stage-gates/new_business.prospecting",
            json={
                "criteria": [
                    {"required_field": {"field": "competitors"}},
                    {
                        "name": "calls",
                        "required_activity": {"activity_type": "call", "min_count": 2},
                    },
                    {"owner_certification": {}},
                ],
                "comment": "stricter",
            },
            headers=admin,
        )
    )
    assert gate["version"] == 2 and gate["created_by"] == "admin-1"
    assert gate["criteria"][0] == {
        "name": "field.competitors",
        "required_field": {"field": "competitors"},
        "required_activity": None,
        "approved_quote": None,
        "owner_certification": None,
    }
    assert gate["criteria"][1]["required_activity"] == {
        "activity_type": "call",
        "min_count": 2,
        "with_outcome": False,
    }
    assert gate["criteria"][2]["owner_certification"] == {}
    versions = ok(client.get("/v1/stage-gates/new_business.prospecting/versions", headers=rep))
    assert [g["version"] for g in versions["gates"]] == [2, 1]
    first = ok(
        client.get("/v1/stage-gates/new_business.prospecting", params={"version": 1}, headers=rep)
    )
    assert first["criteria"][0]["required_field"] == {"field": "expected_close_date"}
    two_rules = client.put(
        "/v1/stage-gates/new_business.prospecting",
        json={"criteria": [{"required_field": {"field": "x"}, "approved_quote": {}}]},
        headers=admin,
    )
    assert problem(two_rules, 400, "invalid-argument")["errors"][0]["field"] == "criteria.0"
    denied = client.put(
        "/v1/stage-gates/new_business.prospecting", json={"criteria": []}, headers=rep
    )
    problem(denied, 403, "permission-denied")

    deal = ok(client.post("/v1/opportunities", json=NEW_DEAL, headers=rep), 201)
    blocked = problem(
        client.post(f"/v1/opportunities/{deal['opportunity_id']}:advance", headers=rep),
        422,
        "failed-precondition",
    )
    assert [v["subject"] for v in blocked["violations"]] == [
        "stages/new_business.prospecting/field.competitors",
        "stages/new_business.prospecting/calls",
        "stages/new_business.prospecting/certification",
    ]

    authority = ok(client.get("/v1/discount-authority", headers=rep))["authorities"]
    assert {a["role"]: a["unlimited"] for a in authority} == {
        "director": True,
        "manager": False,
        "rep": False,
    }
    changed = ok(
        client.put("/v1/discount-authority/rep", json={"max_discount_bp": 1200}, headers=admin)
    )
    assert (changed["max_discount_bp"], changed["updated_by"]) == (1200, "admin-1")
    problem(
        client.put("/v1/discount-authority/rep", json={"max_discount_bp": 20000}, headers=admin),
        400,
        "invalid-argument",
    )


def test_scoping_reassignment_and_bad_input(
    real_client: TestClient, token: Headers, pipeline_db: Database
) -> None:
    seed(pipeline_db)
    seed_rep(pipeline_db, "rep-3", team_id="team-2", manager_id="mgr-2")
    rep = token("rep-1", ("rep",))
    client = real_client
    deal = ok(client.post("/v1/opportunities", json=NEW_DEAL, headers=rep), 201)
    deal_id = deal["opportunity_id"]

    apac = token("dir-9", ("director",), ("APAC",))
    problem(client.get(f"/v1/opportunities/{deal_id}", headers=apac), 404, "not-found")
    assert ok(client.get("/v1/opportunities", headers=apac))["opportunities"] == []
    stranger = token("rep-3", ("rep",))
    problem(client.get(f"/v1/opportunities/{deal_id}", headers=stranger), 404, "not-found")
    team_member = token("rep-2", ("rep",))
    assert ok(client.get(f"/v1/opportunities/{deal_id}", headers=team_member))["name"]

    split = dict(NEW_DEAL)
    split["team_members"] = [{"rep_id": "rep-1", "share_bp": 9999}]
    bad = problem(
        client.post("/v1/opportunities", json=split, headers=rep), 400, "invalid-argument"
    )
    assert bad["errors"][0]["field"] == "team_members"
    assert "sum to 9999" in bad["errors"][0]["description"]
    unknown = problem(
        client.post("/v1/opportunities", json={**NEW_DEAL, "colour": "red"}, headers=rep),
        400,
        "invalid-argument",
    )
    assert unknown["errors"][0]["field"] == "colour"

    manager = token("mgr-1", ("manager",))
    problem(
        client.post(
            f"/v1/opportunities/{deal_id}:reassign", json={"new_owner_id": "rep-3"}, headers=manager
        ),
        403,
        "permission-denied",
    )
    moved = ok(
        client.post(
            f"/v1/opportunities/{deal_id}:reassign", json={"new_owner_id": "rep-2"}, headers=manager
        )
    )
    assert moved["owner_id"] == "rep-2"
    lost = ok(
        client.post(
            f"/v1/opportunities/{deal_id}:lose",
            json={"reason": "price", "competitor": "Globex"},
            headers=manager,
        )
    )
    assert (lost["status"], lost["lost_to_competitor"]) == ("lost", "Globex")
    filtered = ok(client.get("/v1/opportunities", params={"status": "lost"}, headers=manager))
    assert [o["opportunity_id"] for o in filtered["opportunities"]] == [deal_id]
    problem(
        client.get("/v1/opportunities", params={"status": "unspecified"}, headers=manager),
        400,
        "invalid-argument",
    )

    task = ok(
        client.post(
            "/v1/activities",
            json={"type": "task", "subject": "follow up", "customer_id": "cus-1"},
            headers=rep,
        ),
        201,
    )
    assert task["status"] == "open"
    done = ok(
        client.post(
            f"/v1/activities/{task['activity_id']}:complete", json={"outcome": "done"}, headers=rep
        )
    )
    assert done["status"] == "completed" and done["complete_time"]
