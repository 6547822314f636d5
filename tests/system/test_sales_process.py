"""The sales process end to end through the gateway, with events crossing real processes.

A lead is routed by planning's territories to the rep with the most spare
capacity, converted (the customers service opens the account, whose event
feeds the pipeline's copy), then its opportunity is advanced through every
stage — refused once by a stage gate, then passing — a discounted quote goes
to the manager for approval, the deal is won, and a consumer bound to
RabbitMQ receives `pipeline.contract.signed` exactly once, with the splits.
Planning and training do not exist yet, so the test publishes their events.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from kombu import Connection, Queue

from tests.system import harness

pytestmark = pytest.mark.system

REGION = "EMEA"


@pytest.fixture
def contract_signed_queue(platform: harness.Platform) -> Iterator[tuple[Connection, Queue]]:
    """A queue of the test's own, bound to pipeline.contract.signed before anything is signed."""
    with harness.event_queue(platform, "pipeline.contract.signed") as bound:
        yield bound


def test_lead_to_signed_contract(
    platform: harness.Platform, contract_signed_queue: tuple[Connection, Queue]
) -> None:
    tag = secrets.token_hex(3)
    manager, busy_rep, free_rep = f"mgr-{tag}", f"rep-a-{tag}", f"rep-b-{tag}"
    team = f"team-{tag}"
    # Planning's people and territory (published as planning would).
    for rep, capacity in ((busy_rep, 1), (free_rep, 5)):
        harness.publish_event(
            platform,
            "planning.rep.hired",
            {
                "rep_id": rep,
                "name": rep,
                "email": f"{rep}@example.com",
                "region": REGION,
                "team_id": team,
                "manager_id": manager,
                "role": "rep",
                "capacity": capacity,
                "hire_date": "2027-01-04",
            },
            REGION,
        )
    harness.publish_event(
        platform,
        "planning.territory.changed",
        {
            "territory_id": f"dach-{tag}",
            "name": f"DACH {tag}",
            "region": REGION,
            "rules": {"countries": ["AT"], "industries": [f"robotics-{tag}"]},
            "rep_ids": [busy_rep, free_rep],
            "version": 1,
        },
        REGION,
    )
    manager_http = harness.client(platform, harness.issue(platform, manager, ["manager"], [REGION]))
    free_http = harness.client(platform, harness.issue(platform, free_rep, ["rep"], [REGION]))

    # Both reps work the territory; the one with the most spare capacity (5 against 1) wins.
    def routed_lead() -> dict[str, Any]:
        body = harness.lead_body(REGION, country="AT", industry=f"robotics-{tag}")
        return harness.expect(manager_http.post("/v1/leads", json=body), 201)

    # The hires and the territory reach the pipeline as events, in any order: until both
    # reps are known a lead may go to the busy one (the only one known) or to nobody.
    def routed_to_free_rep() -> dict[str, Any] | None:
        lead = routed_lead()
        return lead if lead["owner_id"] == free_rep else None

    lead = harness.wait_until(
        routed_to_free_rep, timeout=30, interval=0.3, what="routing to the freer rep"
    )
    assert "spare capacity" in lead["assignment_reason"], lead

    # The rep converts it; the customer account comes back to the pipeline as an event.
    harness.expect(free_http.post(f"/v1/leads/{lead['lead_id']}:qualify"), 200)
    harness.expect(free_http.post(f"/v1/leads/{lead['lead_id']}:convert"), 200)

    def customer_id() -> str | None:
        customers = harness.expect(free_http.get("/v1/customers"), 200)["customers"]
        match = [c for c in customers if c["source_lead_id"] == lead["lead_id"]]
        return match[0]["customer_id"] if match else None

    customer = harness.wait_until(customer_id, timeout=30, what="the customer account")

    def opened() -> dict[str, Any] | None:
        response = free_http.post(
            "/v1/opportunities",
            json={
                "customer_id": customer,
                "name": f"Robots for {tag}",
                "line_items": [
                    {
                        "product_line": "analytics",
                        "quantity": 4,
                        "unit_price": {"currency": "EUR", "amount_minor": 250_000},
                    }
                ],
                "competitors": ["Rival GmbH"],
            },
        )
        return response.json() if response.status_code == 201 else None

    opportunity = harness.wait_until(opened, timeout=30, what="the customer copy in the pipeline")
    opp = opportunity["opportunity_id"]
    assert opportunity["amount"] == {"currency": "EUR", "amount_minor": 1_000_000}

    def advance() -> Any:
        return free_http.post(f"/v1/opportunities/{opp}:advance", json={})

    # Prospecting needs an expected close date: the gate refuses and names the rule.
    refused = advance()
    assert refused.status_code == 422, refused.text
    assert [v["subject"] for v in refused.json()["violations"]] == [
        "stages/new_business.prospecting/field.expected_close_date"
    ]
    harness.expect(
        free_http.patch(f"/v1/opportunities/{opp}", json={"expected_close_date": "2027-06-30"}),
        200,
    )
    harness.expect(advance(), 200)  # -> discovery
    harness.expect(
        free_http.post(
            "/v1/activities",
            json={
                "type": "meeting",
                "subject": "Discovery with the CFO",
                "outcome": "budget confirmed",
                "opportunity_id": opp,
            },
        ),
        201,
    )
    harness.expect(advance(), 200)  # -> solution
    harness.expect(
        free_http.patch(f"/v1/opportunities/{opp}", json={"next_step": "send the quote"}), 200
    )
    harness.expect(advance(), 200)  # -> negotiation

    # 15 % is above a rep's 10 %: the manager has to approve it.
    quote = harness.expect(
        free_http.post(
            "/v1/quotes",
            json={
                "opportunity_id": opp,
                "lines": [
                    {
                        "product_line": "analytics",
                        "quantity": 4,
                        "unit_price": {"currency": "EUR", "amount_minor": 250_000},
                    }
                ],
                "discount_bp": 1500,
            },
        ),
        201,
    )
    submitted = harness.expect(
        free_http.post(f"/v1/quotes/{quote['quote_id']}:submit", json={}), 200
    )
    assert submitted["status"] == "pending_approval", submitted
    harness.expect(
        manager_http.post(f"/v1/quotes/{quote['quote_id']}:approve", json={"comment": "ok"}), 200
    )
    accepted = harness.expect(
        free_http.post(f"/v1/quotes/{quote['quote_id']}:accept", json={}), 200
    )
    assert accepted["total"] == {"currency": "EUR", "amount_minor": 850_000}

    won = harness.expect(
        free_http.post(f"/v1/opportunities/{opp}:win", json={"quote_id": quote["quote_id"]}), 200
    )
    assert won["opportunity"]["status"] == "won"
    contract = won["contract"]
    assert contract["value"] == {"currency": "EUR", "amount_minor": 850_000}

    connection, queue = contract_signed_queue
    messages = harness.received(connection, queue, seconds=3)
    signed = [m for m in messages if m["payload"]["contract_id"] == contract["contract_id"]]
    assert len(signed) == 1, messages
    event = signed[0]
    assert event["type"] == "pipeline.contract.signed" and event["region"] == REGION
    assert event["payload"]["opportunity_id"] == opp
    assert event["payload"]["customer_id"] == customer
    assert event["payload"]["splits"] == [
        {
            "rep_id": free_rep,
            "share_bp": 10000,
            "amount": {"currency": "EUR", "amount_minor": "850000"},
        }
    ]
