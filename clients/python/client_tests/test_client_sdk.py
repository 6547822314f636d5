"""The SDK against a real gateway (uvicorn, real HTTP) in front of the real pipeline api."""

from __future__ import annotations

import secrets
import time
from typing import Any

import pytest
from salesops.client import (
    Client,
    Forbidden,
    NotFound,
    PreconditionFailed,
    RuleViolated,
    Unauthorized,
    ValidationFailed,
)
from salesops.client.resources import CreateLeadRequest

from services.pipeline.tests.test_opportunities_api import seed_customer, seed_rep

from .conftest import ServedGateway


def new_lead(owner: str = "mgr-1", **overrides: Any) -> CreateLeadRequest:
    tag = secrets.token_hex(3)
    body: CreateLeadRequest = {
        "region": "EMEA",
        "company_name": f"Acme {tag} GmbH",
        "contact_name": f"Ada {tag}",
        "contact_email": f"ada.{tag}@acme.example",
        "source": "web",
        "owner_id": owner,
    }
    body.update(overrides)  # type: ignore[typeddict-item]
    return body


def test_typed_methods_create_read_list_and_act(gateway: ServedGateway) -> None:
    with Client(gateway.url, gateway.token()) as client:
        created = client.leads.create(new_lead())
        assert created["status"] == "new"
        assert created["region"] == "EMEA"

        read = client.leads.get(created["lead_id"])
        assert read["company_name"] == created["company_name"]

        qualified = client.leads.qualify(created["lead_id"])
        assert qualified["status"] == "qualified"

        page = client.leads.list(status="qualified")
        assert [lead["lead_id"] for lead in page["leads"]] == [created["lead_id"]]
        assert page["next_page_token"] == ""
        assert client.leads.list(status="new")["leads"] == []


def test_iterators_walk_every_page(gateway: ServedGateway) -> None:
    with Client(gateway.url, gateway.token()) as client:
        made = {client.leads.create(new_lead())["lead_id"] for _ in range(5)}
        first = client.leads.list(page_size=2)
        assert len(first["leads"]) == 2 and first["next_page_token"]

        seen = [lead["lead_id"] for lead in client.leads.list_all(page_size=2)]

    assert sorted(seen) == sorted(made)  # every lead once, across three pages


def test_problems_become_typed_exceptions_with_their_details(gateway: ServedGateway) -> None:
    with Client(gateway.url, gateway.token()) as client:
        with pytest.raises(NotFound) as missing:
            client.leads.get("no-such-lead")
        assert missing.value.status == 404
        assert missing.value.type == "urn:salesops:problem:not-found"
        assert missing.value.request_id
        assert missing.value.instance == "/v1/leads/no-such-lead"

        with pytest.raises(ValidationFailed) as invalid:
            client.leads.create({"region": "EMEA", "company_name": "Acme"} | {"bogus": 1})  # type: ignore[typeddict-unknown-key]
        assert invalid.value.status == 400
        assert [error.field for error in invalid.value.errors] == ["bogus"]

        lead = client.leads.create(new_lead())
        with pytest.raises(RuleViolated) as refused:
            client.leads.convert(lead["lead_id"])
        assert refused.value.status == 422
        assert refused.value.violations, refused.value
        assert "qualified" in str(refused.value)

    with Client(gateway.url, "not-a-jwt") as client, pytest.raises(Unauthorized) as denied:
        client.leads.list()
    assert denied.value.status == 401
    assert "token" in denied.value.detail


def test_a_role_the_service_refuses_is_forbidden(gateway: ServedGateway) -> None:
    with (
        Client(gateway.url, gateway.token("rep-1", "rep")) as client,
        pytest.raises(Forbidden) as refused,
    ):
        client.lead_sla_policies.update("EMEA", {"hours": 4})
    assert refused.value.status == 403
    assert refused.value.type == "urn:salesops:problem:permission-denied"

    with Client(gateway.url, gateway.token("admin-1", "admin")) as client:
        assert client.lead_sla_policies.update("EMEA", {"hours": 4})["hours"] == 4


def test_csv_import_through_the_sdk_reports_each_row(gateway: ServedGateway) -> None:
    tag = secrets.token_hex(3)
    csv = (
        "region,company_name,contact_name,contact_email,owner_id\n"
        f"EMEA,Good {tag},Ann,ann.{tag}@good.example,mgr-1\n"
        f"EMEA,Bad {tag},Bob,not-an-email,mgr-1\n"
    )
    with Client(gateway.url, gateway.token()) as client:
        result = client.leads.import_(csv)
    assert (result["created"], result["invalid"]) == (1, 1)
    bad = [row for row in result["results"] if row["outcome"] == "invalid"]
    assert [row["row"] for row in bad] == [3]
    assert [error["field"] for error in bad[0].get("errors", [])] == ["contact_email"]


def test_an_idempotency_key_makes_a_repeated_create_return_the_first_lead(
    gateway: ServedGateway,
) -> None:
    body = new_lead()
    with Client(gateway.url, gateway.token()) as client:
        first = client.leads.create(body, idempotency_key="capture-acme-1")
        again = client.leads.create(body, idempotency_key="capture-acme-1")
        other = client.leads.create(new_lead())  # a key of its own: a new lead
        listed = {lead["lead_id"] for lead in client.leads.list_all()}
    assert again == first
    assert listed == {first["lead_id"], other["lead_id"]}


def test_the_sdk_waits_out_the_gateways_rate_limit(rate_limited_gateway: ServedGateway) -> None:
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    with Client(rate_limited_gateway.url, rate_limited_gateway.token(), sleep=sleep) as client:
        lead = client.leads.create(new_lead())
        # The bucket is empty now: the gateway answers 429 with Retry-After, the SDK waits
        # that long and retries - the POST with the same Idempotency-Key.
        assert client.leads.get(lead["lead_id"])["lead_id"] == lead["lead_id"]
        created = client.leads.create(new_lead())
        listed = [item["lead_id"] for item in client.leads.list_all()]
    assert slept and all(seconds >= 1 for seconds in slept)
    # Each retried POST created its lead once.
    assert sorted(listed) == sorted([lead["lead_id"], created["lead_id"]])


def test_if_match_with_a_stale_version_is_precondition_failed(gateway: ServedGateway) -> None:
    seed_customer(gateway.pipeline_db)
    seed_rep(gateway.pipeline_db, "rep-1")
    with Client(gateway.url, gateway.token("rep-1", "rep")) as client:
        deal = client.opportunities.create(
            {"customer_id": "cus-1", "name": "Acme analytics", "currency": "EUR"}
        )
        read_version = deal["version"]
        changed = client.opportunities.update(
            deal["opportunity_id"], {"next_step": "demo"}, if_match=read_version
        )
        assert changed["version"] > read_version
        with pytest.raises(PreconditionFailed) as stale:
            client.opportunities.update(
                deal["opportunity_id"], {"next_step": "call"}, if_match=read_version
            )
        assert stale.value.status == 412
        assert client.opportunities.get(deal["opportunity_id"])["next_step"] == "demo"
