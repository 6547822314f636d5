"""The customer archive, ownership and tier routes end to end: HTTP in, the real customers
api (on SQLite) behind real gRPC, with reps and contracts arriving as events."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.customers.tests.archive_support import ORG, contract_event, hired
from services.kit.db import Database

from .real_customers import (
    Headers,
    customers_client,
    customers_db,
    customers_settings,
    customers_target,
    customers_token,
    customers_worker,
)

__all__ = [
    "customers_client",
    "customers_db",
    "customers_settings",
    "customers_target",
    "customers_token",
    "customers_worker",
]


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def problem(response: Any, status: int, slug: str) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == f"urn:salesops:problem:{slug}"
    return body


def hire_org(worker: Any) -> None:
    for rep_id, region, team_id, manager_id in ORG:
        worker.on_rep_hired(hired(rep_id, region, team_id, manager_id))


ACME = {
    "region": "EMEA",
    "name": "Acme GmbH",
    "domain": "https://www.acme.de/",
    "tax_id": "DE811",
    "company_size": "120",
    "country": "DE",
    "address": {"street": "Hauptstr. 1", "city": "Berlin"},
    "potential": {"currency": "EUR", "amount_minor": 600_000},
    "tags": ["Key Account"],
}


def test_open_change_and_read_accounts(
    customers_client: TestClient, customers_token: Headers, customers_db: Database
) -> None:
    client, rep = customers_client, customers_token()
    created = client.post("/v1/customers", json=ACME, headers=rep)
    acme = ok(created, 201)
    assert created.headers["location"] == f"/v1/customers/{acme['customer_id']}"
    assert (acme["domain"], acme["company_size"], acme["status"], acme["tier"]) == (
        "acme.de",
        "50-249",
        "prospect",
        "unspecified",
    )
    assert acme["potential"] == {"currency": "EUR", "amount_minor": 600_000}
    assert acme["address"]["city"] == "Berlin" and acme["tags"] == ["key account"]
    assert acme["lifetime_value"] == [] and acme["merged_into"] == "" and acme["version"] == 1

    dup = problem(
        client.post("/v1/customers", json={**ACME, "name": "ACME AG", "domain": ""}, headers=rep),
        409,
        "already-exists",
    )
    assert dup["resources"] == [
        {
            "resource_type": "customer",
            "resource_name": acme["customer_id"],
            "owner": "rep-1",
            "description": "Acme GmbH: same tax id 'DE811'; same normalised name 'acme'",
        }
    ]
    confirmed = {**ACME, "name": "ACME AG", "confirm_not_duplicate": True}
    twin = ok(client.post("/v1/customers", json=confirmed, headers=rep), 201)

    path = f"/v1/customers/{acme['customer_id']}"
    changed = ok(client.patch(path, json={"status": "dormant", "version": 1}, headers=rep))
    assert (changed["status"], changed["version"], changed["name"]) == ("dormant", 2, "Acme GmbH")
    stale = problem(
        client.patch(path, json={"industry": "x", "version": 1}, headers=rep), 409, "aborted"
    )
    assert "read it again" in stale["detail"]
    bad = problem(
        client.patch(path, json={"status": "merged"}, headers=rep), 400, "invalid-argument"
    )
    assert bad["errors"][0]["field"] == "status"
    tagged = ok(
        client.post(f"{path}/tags", json={"add": ["dach"], "remove": ["key account"]}, headers=rep)
    )
    assert tagged["tags"] == ["dach"]

    listed = ok(client.get("/v1/customers", params={"tag": "dach"}, headers=rep))
    assert [c["customer_id"] for c in listed["customers"]] == [acme["customer_id"]]
    dormant = ok(client.get("/v1/customers", params={"status": "dormant"}, headers=rep))
    assert [c["name"] for c in dormant["customers"]] == ["Acme GmbH"]
    assert twin["customer_id"] != acme["customer_id"]

    other_region = customers_token("mgr-9", ("manager",), ("APAC",))
    problem(client.get(path, headers=other_region), 404, "not-found")


def test_merge_and_transfer(
    customers_client: TestClient, customers_token: Headers, customers_worker: Any
) -> None:
    hire_org(customers_worker)
    client, rep, manager = (
        customers_client,
        customers_token(),
        customers_token("mgr-1", ("manager",)),
    )
    acme = ok(client.post("/v1/customers", json=ACME, headers=rep), 201)
    twin = ok(
        client.post(
            "/v1/customers",
            json={"region": "EMEA", "name": "Acme AG", "confirm_not_duplicate": True},
            headers=rep,
        ),
        201,
    )
    customers_worker.revenue_contract_signed(
        contract_event("signed", "k-1", twin["customer_id"], 25_000)
    )
    merged = ok(
        client.post(
            f"/v1/customers/{acme['customer_id']}:merge",
            json={"merged_id": twin["customer_id"]},
            headers=manager,
        )
    )
    assert merged["survivor"]["lifetime_value"] == [{"currency": "EUR", "amount_minor": 25_000}]
    assert merged["survivor"]["status"] == "active"
    assert (merged["merged"]["status"], merged["merged"]["merged_into"]) == (
        "merged",
        acme["customer_id"],
    )
    assert merged["moved"] == [{"kind": "contract_revenue", "count": 1}]
    pointer = ok(client.get(f"/v1/customers/{twin['customer_id']}", headers=rep))
    assert pointer["merged_into"] == acme["customer_id"]

    path = f"/v1/customers/{acme['customer_id']}"
    problem(
        client.post(f"{path}:transfer", json={"to_owner_id": "rep-2"}, headers=rep),
        403,
        "permission-denied",
    )
    moved = ok(
        client.post(
            f"{path}:transfer", json={"to_owner_id": "rep-2", "reason": "cover"}, headers=manager
        )
    )
    assert moved["owner_id"] == "rep-2"
    unknown = problem(
        client.post(f"{path}:transfer", json={"to_owner_id": "ghost"}, headers=manager),
        400,
        "invalid-argument",
    )
    assert unknown["errors"][0]["field"] == "to_owner_id"
    history = ok(client.get(f"{path}/ownership-history", headers=manager))
    assert [(c["from_owner_id"], c["to_owner_id"]) for c in history["changes"]] == [
        ("rep-1", "rep-2"),
        ("", "rep-1"),
    ]


def test_transfer_requests(
    customers_client: TestClient, customers_token: Headers, customers_worker: Any
) -> None:
    hire_org(customers_worker)
    client = customers_client
    rep1, rep2 = customers_token("rep-1"), customers_token("rep-2")
    mgr1 = customers_token("mgr-1", ("manager",))
    mgr2 = customers_token("mgr-2", ("manager",))
    acme = ok(client.post("/v1/customers", json=ACME, headers=rep1), 201)

    asked = client.post(
        "/v1/transfer-requests",
        json={"customer_id": acme["customer_id"], "to_owner_id": "rep-2", "reason": "ours"},
        headers=rep2,
    )
    request = ok(asked, 201)
    assert asked.headers["location"] == f"/v1/transfer-requests/{request['transfer_id']}"
    assert (request["status"], request["from_owner_id"], request["requested_by"]) == (
        "pending",
        "rep-1",
        "rep-2",
    )
    path = f"/v1/transfer-requests/{request['transfer_id']}"
    assert ok(client.get(path, headers=rep1))["transfer_id"] == request["transfer_id"]
    pending = ok(client.get("/v1/transfer-requests", params={"status": "pending"}, headers=mgr1))
    assert [t["transfer_id"] for t in pending["transfers"]] == [request["transfer_id"]]

    problem(client.post(f"{path}:approve", headers=mgr2), 403, "permission-denied")
    problem(client.post(f"{path}:reject", json={}, headers=mgr1), 400, "invalid-argument")
    approved = ok(client.post(f"{path}:approve", json={"comment": "ok"}, headers=mgr1))
    assert approved["transfer"]["status"] == "approved"
    assert approved["transfer"]["decision_time"] is not None
    assert approved["customer"]["owner_id"] == "rep-2"
    again = problem(
        client.post(f"{path}:reject", json={"comment": "late"}, headers=mgr1),
        422,
        "failed-precondition",
    )
    assert again["violations"][0]["subject"] == f"transfer/{request['transfer_id']}"


def test_tier_thresholds(
    customers_client: TestClient, customers_token: Headers, customers_worker: Any
) -> None:
    client = customers_client
    rep = customers_token()
    admin = customers_token("adm-1", ("admin",), ("*",))
    acme = ok(client.post("/v1/customers", json=ACME, headers=rep), 201)
    thresholds = {
        "currency": "EUR",
        "a_revenue_minor": 100_000,
        "b_revenue_minor": 10_000,
        "a_potential_minor": 1_000_000,
        "b_potential_minor": 500_000,
    }
    problem(
        client.put("/v1/tier-thresholds", json=thresholds, headers=rep), 403, "permission-denied"
    )
    set_ = ok(client.put("/v1/tier-thresholds", json=thresholds, headers=admin))
    assert set_["retiered_customers"] == 1 and set_["thresholds"]["region"] == ""
    assert ok(client.get(f"/v1/customers/{acme['customer_id']}", headers=rep))["tier"] == "b"
    customers_worker.revenue_contract_signed(
        contract_event("signed", "k-1", acme["customer_id"], 100_000)
    )
    a_tier = ok(client.get("/v1/customers", params={"tier": "a"}, headers=rep))
    assert [c["customer_id"] for c in a_tier["customers"]] == [acme["customer_id"]]
    listed = ok(client.get("/v1/tier-thresholds", headers=rep))
    assert [t["currency"] for t in listed["thresholds"]] == ["EUR"]
    bad = problem(
        client.put("/v1/tier-thresholds", json={**thresholds, "b_revenue_minor": 0}, headers=admin),
        400,
        "invalid-argument",
    )
    assert bad["errors"] == [
        {"field": "thresholds.b_revenue_minor", "description": "must be positive"}
    ]
