"""`/v1/customers/{id}/contacts`, `/v1/contacts/...` and the timeline routes end to end:
HTTP in, the real ContactService and TimelineService (on SQLite) behind real gRPC."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.customers.tests.contacts_support import open_account, pipeline_event
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

JO = {
    "name": "Jo Doe",
    "title": "CFO",
    "email": "Jo.Doe@Acme.example",
    "phone": "+49 30 1234567",
    "buying_role": "decision_maker",
    "preferences": {"preferred_channel": "email", "language": "de"},
}


@pytest.fixture
def customer_id(customers_worker: Any, customers_db: Database) -> str:
    return open_account(customers_worker, customers_db, owner_id="rep-1")


@pytest.fixture
def client(customers_client: TestClient) -> TestClient:
    return customers_client


@pytest.fixture
def bearer(customers_token: Headers) -> Headers:
    def headers(
        roles: tuple[str, ...] = ("rep",),
        regions: tuple[str, ...] = ("EMEA",),
        subject: str = "rep-1",
    ) -> dict[str, str]:
        return customers_token(subject, roles, regions)

    return headers


def manager(bearer: Headers) -> dict[str, str]:
    return bearer(roles=("manager",), regions=("EMEA",), subject="mgr-1")


def rep(bearer: Headers) -> dict[str, str]:
    return bearer(roles=("rep",), regions=("EMEA",), subject="rep-1")


def problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:salesops:problem:{slug}"
    return body


def add_jo(client: TestClient, customer_id: str, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(f"/v1/customers/{customer_id}/contacts", json=JO, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert response.headers["location"] == f"/v1/contacts/{body['contact_id']}"
    return body


def test_contacts_are_added_read_listed_and_changed(
    client: TestClient, bearer: Headers, customer_id: str
) -> None:
    jo = add_jo(client, customer_id, rep(bearer))
    assert (jo["email"], jo["phone"], jo["buying_role"], jo["region"]) == (
        "jo.doe@acme.example",
        "+49301234567",
        "decision_maker",
        "EMEA",
    )
    assert jo["preferences"] == {
        "preferred_channel": "email",
        "language": "de",
        "do_not_contact": False,
    }
    assert jo["erased"] is False and jo["erase_time"] is None
    assert client.get(f"/v1/contacts/{jo['contact_id']}", headers=manager(bearer)).json() == jo
    listed = client.get(f"/v1/customers/{customer_id}/contacts", headers=manager(bearer)).json()
    assert [c["contact_id"] for c in listed["contacts"]] == [jo["contact_id"]]
    assert listed["next_page_token"] == ""
    patched = client.patch(
        f"/v1/contacts/{jo['contact_id']}",
        json={"title": "CEO", "preferences": {"do_not_contact": True}},
        headers=rep(bearer),
    )
    assert patched.status_code == 200, patched.text
    changed = patched.json()
    assert changed["title"] == "CEO" and changed["name"] == "Jo Doe"
    assert changed["preferences"] == {
        "preferred_channel": "email",
        "language": "de",
        "do_not_contact": True,
    }


def test_bad_contacts_are_problems_naming_the_field(
    client: TestClient, bearer: Headers, customer_id: str
) -> None:
    bad = client.post(
        f"/v1/customers/{customer_id}/contacts",
        json={"name": "", "email": "nope"},
        headers=manager(bearer),
    )
    body = problem(bad, 400, "invalid-argument")
    assert {e["field"] for e in body["errors"]} == {"name", "email"}
    add_jo(client, customer_id, manager(bearer))
    again = client.post(f"/v1/customers/{customer_id}/contacts", json=JO, headers=manager(bearer))
    problem(again, 409, "already-exists")
    unknown = client.post(
        f"/v1/customers/{customer_id}/contacts",
        json={"name": "Kim", "buying_role": "king"},
        headers=manager(bearer),
    )
    assert unknown.status_code == 400
    missing = client.get("/v1/customers/nope/contacts", headers=manager(bearer))
    problem(missing, 404, "not-found")
    elsewhere = client.get(
        f"/v1/customers/{customer_id}/contacts",
        headers=bearer(roles=("manager",), regions=("APAC",), subject="mgr-9"),
    )
    problem(elsewhere, 404, "not-found")


def test_consent_is_given_withdrawn_and_read(
    client: TestClient, bearer: Headers, customer_id: str
) -> None:
    jo = add_jo(client, customer_id, manager(bearer))
    url = f"/v1/contacts/{jo['contact_id']}/consent"
    missing_basis = client.post(url, json={"channel": "email"}, headers=rep(bearer))
    body = problem(missing_basis, 400, "invalid-argument")
    assert [e["field"] for e in body["errors"]] == ["lawful_basis"]
    given = client.post(
        url,
        json={"channel": "email", "lawful_basis": "consent", "source": "web form"},
        headers=rep(bearer),
    )
    assert given.status_code == 200, given.text
    withdrawn = client.post(
        url,
        json={"channel": "email", "status": "withdrawn", "effective_time": "2026-01-02T03:04:05Z"},
        headers=rep(bearer),
    )
    assert withdrawn.status_code == 200, withdrawn.text
    consent = client.get(url, headers=manager(bearer)).json()
    # The withdrawal is dated before the consent: the consent is the current state.
    assert [(s["channel"], s["status"], s["lawful_basis"]) for s in consent["current"]] == [
        ("email", "given", "consent")
    ]
    assert [s["status"] for s in consent["history"]] == ["given", "withdrawn"]
    assert consent["history"][1]["effective_time"] == "2026-01-02T03:04:05Z"


def test_export_and_erase_through_the_gateway(
    client: TestClient, bearer: Headers, customer_id: str
) -> None:
    jo = add_jo(client, customer_id, manager(bearer))
    client.post(
        f"/v1/customers/{customer_id}/notes",
        json={"text": "Jo Doe asked for a demo", "contact_id": jo["contact_id"]},
        headers=rep(bearer),
    )
    forbidden = client.post(f"/v1/contacts/{jo['contact_id']}:export", headers=rep(bearer))
    problem(forbidden, 403, "permission-denied")
    exported = client.post(
        f"/v1/contacts/{jo['contact_id']}:export",
        headers={**manager(bearer), "X-Request-ID": "dsr-42"},
    )
    assert exported.status_code == 200, exported.text
    assert "attachment" in exported.headers["content-disposition"]
    document = exported.json()
    assert document["contact"]["name"] == "Jo Doe"
    assert [e["summary"] for e in document["timeline"]] == ["Jo Doe asked for a demo"]
    assert document["audit"][0]["request_id"] == "dsr-42"

    erased = client.post(f"/v1/contacts/{jo['contact_id']}:erase", json={}, headers=manager(bearer))
    assert erased.status_code == 200, erased.text
    result = erased.json()
    assert result["already_erased"] is False and result["contact"]["erased"] is True
    assert result["contact"]["email"] == "" and result["contact"]["name"] == "Erased contact"
    again = client.post(f"/v1/contacts/{jo['contact_id']}:erase", headers=manager(bearer)).json()
    assert again["already_erased"] is True
    blocked = client.patch(
        f"/v1/contacts/{jo['contact_id']}", json={"name": "Jo"}, headers=manager(bearer)
    )
    problem(blocked, 422, "failed-precondition")
    timeline = client.get(f"/v1/customers/{customer_id}/timeline", headers=rep(bearer)).json()
    assert "Jo Doe" not in str(timeline)


def test_the_timeline_and_notes(
    client: TestClient, bearer: Headers, customer_id: str, customers_worker: Any
) -> None:
    customers_worker.timeline_case_opened(
        pipeline_event(
            "pipeline.case.opened",
            {"case_id": "case-1", "customer_id": customer_id, "subject": "Invoices missing"},
            occurred_at="2026-01-10T10:00:00Z",
        )
    )
    note = client.post(
        f"/v1/customers/{customer_id}/notes",
        json={"text": "Renewal talks start in March"},
        headers=rep(bearer),
    )
    assert note.status_code == 201, note.text
    assert note.json()["kind"] == "note" and note.json()["actor"] == "rep-1"
    page = client.get(
        f"/v1/customers/{customer_id}/timeline", params={"page_size": 1}, headers=rep(bearer)
    ).json()
    assert [e["summary"] for e in page["entries"]] == ["Renewal talks start in March"]
    rest = client.get(
        f"/v1/customers/{customer_id}/timeline",
        params={"page_size": 1, "page_token": page["next_page_token"]},
        headers=rep(bearer),
    ).json()
    [case] = rest["entries"]
    assert (case["kind"], case["action"], case["ref_type"], case["ref_id"]) == (
        "case",
        "opened",
        "case",
        "case-1",
    )
    assert case["occur_time"] == "2026-01-10T10:00:00Z" and rest["next_page_token"] == ""
    cases = client.get(
        f"/v1/customers/{customer_id}/timeline", params={"kind": "case"}, headers=rep(bearer)
    ).json()
    assert [e["ref_id"] for e in cases["entries"]] == ["case-1"]
    empty = client.post(
        f"/v1/customers/{customer_id}/notes", json={"text": " "}, headers=rep(bearer)
    )
    problem(empty, 400, "invalid-argument")
    executive = bearer(roles=("executive",), regions=("EMEA",), subject="exe-1")
    problem(
        client.post(f"/v1/customers/{customer_id}/notes", json={"text": "x"}, headers=executive),
        403,
        "permission-denied",
    )
    other_rep = bearer(roles=("rep",), regions=("EMEA",), subject="rep-2")
    problem(
        client.get(f"/v1/customers/{customer_id}/timeline", headers=other_rep), 404, "not-found"
    )
