"""The customer relationship across services, through the gateway.

A converted lead opens an account; an activity and a service case logged in
the pipeline reach the account's timeline; the case's satisfaction score and
a survey move NPS, CSAT and the health score; merging two accounts repoints
the merged one's opportunity in the pipeline to the survivor.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

import pytest

from services.kit.fiscal import FiscalCalendar
from tests.system import harness

pytestmark = pytest.mark.system


def factor(health: dict[str, Any], word: str) -> dict[str, Any]:
    [found] = [f for f in health["factors"] if word in f["factor"].lower()]
    return found


def test_timeline_satisfaction_health_and_merge(platform: harness.Platform) -> None:
    tag = secrets.token_hex(3)
    region = f"S{tag.upper()}"  # a region of the test's own keeps its aggregates exact
    manager, rep = f"mgr-{tag}", f"rep-{tag}"
    harness.publish_event(  # planning announces the rep (planning is not built yet)
        platform,
        "planning.rep.hired",
        {
            "rep_id": rep,
            "name": rep,
            "region": region,
            "team_id": f"team-{tag}",
            "manager_id": manager,
            "role": "rep",
            "capacity": 10,
            "hire_date": "2027-01-04",
        },
        region,
    )
    boss = harness.client(platform, harness.issue(platform, manager, ["manager"], [region]))
    own = harness.client(platform, harness.issue(platform, rep, ["rep"], [region]))

    lead = harness.expect(boss.post("/v1/leads", json=harness.lead_body(region, owner_id=rep)), 201)
    harness.expect(boss.post(f"/v1/leads/{lead['lead_id']}:qualify"), 200)
    harness.expect(boss.post(f"/v1/leads/{lead['lead_id']}:convert"), 200)

    def account_of_lead() -> str | None:
        customers = harness.expect(own.get("/v1/customers"), 200)["customers"]
        found = [c["customer_id"] for c in customers if c["source_lead_id"] == lead["lead_id"]]
        return found[0] if found else None

    account = harness.wait_until(account_of_lead, timeout=30, what="the account")

    # The pipeline's activity and service case reach the customers timeline as events.
    # The pipeline learns of the account by an event too: until it has, the account is 404.
    def call_logged() -> dict[str, Any] | None:
        response = own.post(
            "/v1/activities",
            json={
                "type": "call",
                "subject": "Welcome call",
                "outcome": "onboarding planned",
                "customer_id": account,
            },
        )
        return None if response.status_code == 404 else harness.expect(response, 201)

    harness.wait_until(call_logged, timeout=30, what="the pipeline to know the account")

    def case_opened() -> dict[str, Any] | None:
        response = boss.post(
            "/v1/cases",
            json={
                "region": region,
                "customer_id": account,
                "type": "incident",
                "priority": "high",
                "subject": "Invoices are late",
            },
        )
        return response.json() if response.status_code == 201 else None

    case = harness.wait_until(case_opened, timeout=30, what="the pipeline's copy of the account")
    harness.expect(boss.post(f"/v1/cases/{case['case_id']}:start", json={}), 200)
    harness.expect(
        boss.post(
            f"/v1/cases/{case['case_id']}:resolve",
            json={"resolution_note": "Invoice job restarted", "satisfaction_score": 2},
        ),
        200,
    )

    def timeline_kinds() -> set[str] | None:
        entries = harness.expect(own.get(f"/v1/customers/{account}/timeline"), 200)["entries"]
        kinds = {e["ref_type"] for e in entries}
        return kinds if {"activity", "case"} <= kinds else None

    harness.wait_until(timeline_kinds, timeout=30, what="the activity and the case on the timeline")

    period = FiscalCalendar().periods_containing(datetime.now(UTC))[0].code

    def figures() -> dict[str, Any]:
        return harness.expect(own.get("/v1/nps", params={"period": period, "region": region}), 200)[
            "total"
        ]

    # The case's score arrives as a CSAT answer.
    harness.wait_until(
        lambda: figures()["csat_responses"] == 1, timeout=30, what="CSAT from the resolved case"
    )
    assert figures()["csat_score_sum"] == 2 and figures()["nps_responses"] == 0

    before = harness.expect(own.get(f"/v1/customers/{account}/health"), 200)
    harness.expect(
        own.post("/v1/surveys", json={"customer_id": account, "kind": "nps", "score": 10}), 201
    )
    after_survey = figures()
    assert (after_survey["nps_responses"], after_survey["promoters"], after_survey["nps_bp"]) == (
        1,
        1,
        10000,
    )
    after = harness.expect(own.get(f"/v1/customers/{account}/health"), 200)
    assert factor(after, "nps")["points"] > factor(before, "nps")["points"], (before, after)
    assert after["score"] > before["score"]
    assert all(f["reason"] for f in after["factors"])

    # A second account with a deal of its own, merged into the first.
    def other_opened() -> dict[str, Any] | None:
        # The customers service knows the rep once planning's event has arrived.
        response = boss.post(
            "/v1/customers",
            json={"region": region, "name": f"Other Works {tag}", "owner_id": rep},
        )
        return response.json() if response.status_code == 201 else None

    other = harness.wait_until(other_opened, timeout=30, what="the second account")

    def deal_opened() -> str | None:
        response = own.post(
            "/v1/opportunities",
            json={"customer_id": other["customer_id"], "name": f"Deal {tag}", "currency": "EUR"},
        )
        return response.json()["opportunity_id"] if response.status_code == 201 else None

    deal = harness.wait_until(deal_opened, timeout=30, what="the pipeline's copy of the account")
    merged = harness.expect(
        boss.post(f"/v1/customers/{account}:merge", json={"merged_id": other["customer_id"]}), 200
    )
    assert merged["merged"]["merged_into"] == account

    def repointed() -> bool:
        opportunity = harness.expect(own.get(f"/v1/opportunities/{deal}"), 200)
        return bool(opportunity["customer_id"] == account)

    harness.wait_until(repointed, timeout=30, what="the deal to point to the survivor")
