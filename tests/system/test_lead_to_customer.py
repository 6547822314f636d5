"""A lead becomes a customer across real processes, and only its rightful readers see it.

Gateway (HTTP) -> pipeline api (gRPC, outbox) -> RabbitMQ -> customers worker
(inbox) -> customers database -> customers api -> gateway: every hop is a
real process on the session's PostgreSQL databases and vhost.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import httpx
import pytest

from tests.system import harness
from tests.system.harness import Platform, client, expect, issue

pytestmark = pytest.mark.system

APPEAR_WITHIN_SECONDS = 2.0


def wait_for_customer(http: httpx.Client, lead_id: str) -> tuple[dict[str, Any], float]:
    """Poll GET /v1/customers every 50 ms until the lead's account shows; (customer, seconds)."""
    started = time.monotonic()

    def find() -> dict[str, Any] | None:
        page = expect(http.get("/v1/customers", params={"page_size": 500}), 200)
        matches = [c for c in page["customers"] if c["source_lead_id"] == lead_id]
        return matches[0] if matches else None

    customer = harness.wait_until(
        find, APPEAR_WITHIN_SECONDS, 0.05, f"the customer of lead {lead_id} in GET /v1/customers"
    )
    return customer, time.monotonic() - started


def convert(http: httpx.Client, lead_id: str) -> dict[str, Any]:
    converted = expect(http.post(f"/v1/leads/{lead_id}:convert"), 200)
    assert converted["status"] == "converted", converted
    assert converted["convert_time"], converted
    return converted


@pytest.fixture(scope="module")
def manager(platform: Platform) -> tuple[str, httpx.Client]:
    subject = f"mgr-emea-{secrets.token_hex(3)}"
    return subject, client(platform, issue(platform, subject, ["manager"], ["EMEA"]))


@pytest.fixture(scope="module")
def converted_lead(manager: tuple[str, httpx.Client]) -> dict[str, Any]:
    """One EMEA lead taken through create, qualify and convert by the manager."""
    subject, http = manager
    body = harness.lead_body(contact_phone="+49 30 1234567", owner_id=subject)
    response = http.post("/v1/leads", json=body)
    lead = expect(response, 201)
    assert lead["status"] == "new"
    assert lead["owner_id"] == subject
    assert lead["region"] == "EMEA"
    assert response.headers["location"] == f"/v1/leads/{lead['lead_id']}"
    qualified = expect(http.post(f"/v1/leads/{lead['lead_id']}:qualify"), 200)
    assert qualified["status"] == "qualified"
    convert(http, lead["lead_id"])
    return {**lead, "body": body}


def test_converted_lead_becomes_exactly_one_customer(
    manager: tuple[str, httpx.Client], converted_lead: dict[str, Any]
) -> None:
    subject, http = manager
    lead_id = converted_lead["lead_id"]
    body = converted_lead["body"]

    customer, seconds = wait_for_customer(http, lead_id)
    print(f"customer of lead {lead_id} visible {seconds * 1000:.0f} ms after the convert returned")

    assert customer["name"] == body["company_name"]
    assert customer["region"] == "EMEA"
    assert customer["owner_id"] == subject
    assert customer["country"] == "DE"
    assert customer["industry"] == "manufacturing"
    assert customer["status"] == "prospect"
    assert len(customer["contacts"]) == 1
    contact = customer["contacts"][0]
    assert contact["name"] == body["contact_name"]
    assert contact["email"] == body["contact_email"]
    assert contact["phone"] == body["contact_phone"]
    assert contact["title"] == body["contact_title"]

    assert harness.customer_counts(http, {lead_id}) == {lead_id: 1}
    time.sleep(1.0)  # a late redelivery would open a second account now
    assert harness.customer_counts(http, {lead_id}) == {lead_id: 1}

    single = expect(http.get(f"/v1/customers/{customer['customer_id']}"), 200)
    assert single["customer_id"] == customer["customer_id"]
    assert single["source_lead_id"] == lead_id
    assert single["contacts"] == customer["contacts"]

    lead = expect(http.get(f"/v1/leads/{lead_id}"), 200)
    assert lead["status"] == "converted"


def test_other_region_sees_nothing(
    platform: Platform, manager: tuple[str, httpx.Client], converted_lead: dict[str, Any]
) -> None:
    _, emea = manager
    lead_id = converted_lead["lead_id"]
    customer, _ = wait_for_customer(emea, lead_id)
    apac = client(platform, issue(platform, "mgr-apac", ["manager"], ["APAC"]))

    for path in (f"/v1/leads/{lead_id}", f"/v1/customers/{customer['customer_id']}"):
        response = apac.get(path)
        expect(response, 404)
        assert response.headers["content-type"].startswith("application/problem+json")

    # Writes outside the caller's region are just as invisible.
    expect(apac.post(f"/v1/leads/{lead_id}:qualify"), 404)

    leads = expect(apac.get("/v1/leads", params={"page_size": 500}), 200)["leads"]
    assert lead_id not in {lead["lead_id"] for lead in leads}
    assert all(lead["region"] == "APAC" for lead in leads)
    # Asking for the region explicitly does not help either.
    leads = expect(apac.get("/v1/leads", params={"region": "EMEA"}), 200)["leads"]
    assert leads == []

    customers = harness.all_customers(apac)
    assert lead_id not in {c["source_lead_id"] for c in customers}
    assert all(c["region"] == "APAC" for c in customers)


def test_missing_or_expired_token_is_401(platform: Platform) -> None:
    anonymous = client(platform)
    for method, path in (("GET", "/v1/leads"), ("GET", "/v1/customers"), ("POST", "/v1/leads")):
        response = anonymous.request(method, path, json={} if method == "POST" else None)
        expect(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.headers["content-type"].startswith("application/problem+json")

    expired = client(platform, harness.expired_token(platform, "mgr-emea", ["manager"], ["EMEA"]))
    expect(expired.get("/v1/leads"), 401)
    expect(expired.post("/v1/leads", json=harness.lead_body()), 401)

    forged = client(platform, issue(platform, "mgr-emea", ["manager"], ["EMEA"]) + "x")
    expect(forged.get("/v1/leads"), 401)


def _error_fields(problem: dict[str, Any]) -> set[str]:
    return {error["field"] for error in problem.get("errors", [])}


def test_invalid_input_is_400_naming_the_fields(manager: tuple[str, httpx.Client]) -> None:
    _, http = manager
    body = harness.lead_body()
    del body["company_name"]
    response = http.post("/v1/leads", json=body)
    problem = expect(response, 400)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "company_name" in _error_fields(problem), problem

    # Values the pipeline service rejects: every bad field is named at once.
    response = http.post(
        "/v1/leads", json=harness.lead_body(company_name="  ", contact_email="not-an-email")
    )
    problem = expect(response, 400)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {"company_name", "contact_email"} <= _error_fields(problem), problem
    assert all(error["description"] for error in problem["errors"]), problem

    # Nothing was written: the manager's list holds no lead with the bad email.
    leads = expect(http.get("/v1/leads", params={"page_size": 500}), 200)["leads"]
    assert "not-an-email" not in {lead["contact_email"] for lead in leads}


def test_rep_sees_only_own_leads(platform: Platform, manager: tuple[str, httpx.Client]) -> None:
    manager_subject, manager_http = manager
    rep_subject = f"rep-emea-{secrets.token_hex(3)}"
    rep = client(platform, issue(platform, rep_subject, ["rep"], ["EMEA"]))

    own = expect(rep.post("/v1/leads", json=harness.lead_body()), 201)
    assert own["owner_id"] == rep_subject
    others = expect(
        manager_http.post("/v1/leads", json=harness.lead_body(owner_id=manager_subject)), 201
    )
    assert others["owner_id"] == manager_subject

    leads = expect(rep.get("/v1/leads", params={"page_size": 500}), 200)["leads"]
    assert [lead["lead_id"] for lead in leads] == [own["lead_id"]]
    expect(rep.get(f"/v1/leads/{others['lead_id']}"), 404)

    # The manager sees both.
    seen = {
        lead["lead_id"]
        for lead in expect(manager_http.get("/v1/leads", params={"page_size": 500}), 200)["leads"]
    }
    assert {own["lead_id"], others["lead_id"]} <= seen


def test_token_from_the_cli_drives_a_lead_to_a_customer(platform: Platform) -> None:
    subject = f"cli-mgr-{secrets.token_hex(3)}"
    result = platform.salesops(
        "token", "--subject", subject, "--roles", "manager", "--regions", "EMEA"
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token.count(".") == 2, result.stdout

    http = client(platform, token)
    lead = expect(http.post("/v1/leads", json=harness.lead_body(owner_id=subject)), 201)
    assert lead["owner_id"] == subject
    expect(http.post(f"/v1/leads/{lead['lead_id']}:qualify"), 200)
    convert(http, lead["lead_id"])
    customer, _ = wait_for_customer(http, lead["lead_id"])
    assert customer["owner_id"] == subject
