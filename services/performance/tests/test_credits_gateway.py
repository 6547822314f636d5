"""Credits and facts over HTTP: the gateway in front of the real performance api."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from nameko.testing.services import worker_factory

from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.testing import bearer, upstream_settings
from services.kit.db import Database
from services.performance.tests.facts_support import (
    contract_cancelled,
    contract_signed,
    quote_approved,
    seed_reps,
)
from services.performance.worker import Worker


@pytest.fixture
def db(tmp_path: Path, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("performance", f"sqlite:///{tmp_path / 'performance.db'}")
    seed_reps(database)
    worker = worker_factory(Worker, db=database)
    worker.facts_on_contract_signed(
        contract_signed(
            "c-1",
            value=1_000,
            signed_date="2027-01-10",
            lines=[("analytics", 2, 1_000)],
            splits=[("rep-1", 5_000), ("rep-2", 5_000)],
        )
    )
    worker.facts_on_contract_signed(
        contract_signed("c-2", value=400, signed_date="2027-02-01", customer="cust-2")
    )
    worker.facts_on_contract_cancelled(contract_cancelled("c-2", cancelled_date="2027-02-20"))
    worker.facts_on_quote_approved(quote_approved("q-1", discount_bp=2_500))
    return database


@pytest.fixture
def settings(db: Database) -> Iterator[GatewaySettings]:
    with upstream_settings("performance", db) as settings:
        yield settings


@pytest.fixture
def client(settings: GatewaySettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def test_credits_summary_and_facts_over_http(client: TestClient, settings: GatewaySettings) -> None:
    rep_1 = bearer(settings, "rep-1", "rep")
    manager = bearer(settings, "mgr-a", "manager")
    director = bearer(settings, "dir-1", "director")

    mine = client.get("/v1/credits", params={"period": "FY2027-Q1"}, headers=rep_1)
    assert mine.status_code == 200, mine.text
    credits = mine.json()["credits"]
    assert sorted(
        (c["contract_id"], c["kind"], c["amount"]["amount_minor"], c["credited_date"])
        for c in credits
    ) == [
        ("c-1", "direct", 500, "2027-01-10"),
        ("c-2", "direct", -400, "2027-02-20"),
        ("c-2", "direct", 400, "2027-02-01"),
    ]
    reversal = next(c for c in credits if c["reverses_credit_id"])
    assert reversal["reverses_credit_id"] in {c["credit_id"] for c in credits}
    assert all(c["event_id"] and c["rep_id"] == "rep-1" for c in credits)

    overlay = client.get(
        "/v1/credits", params={"kind": "overlay", "rep": "mgr-a", "page_size": 2}, headers=manager
    )
    assert overlay.status_code == 200, overlay.text
    page = overlay.json()
    assert len(page["credits"]) == 2 and page["next_page_token"]
    assert {c["kind"] for c in page["credits"]} == {"overlay"}
    rest = client.get(
        "/v1/credits",
        params={
            "kind": "overlay",
            "rep": "mgr-a",
            "page_size": 2,
            "page_token": page["next_page_token"],
        },
        headers=manager,
    ).json()
    # mgr-a: overlay of rep-1's and rep-2's c-1 shares, rep-1's c-2 and its reversal.
    assert len(page["credits"]) + len(rest["credits"]) == 4
    assert rest["next_page_token"] == ""

    summary = client.get(
        "/v1/credits:summary", params={"team": "team-a", "period": "FY2027-Q1"}, headers=director
    )
    assert summary.status_code == 200, summary.text
    [eur] = summary.json()["totals"]
    # Direct: 500 + 500 + 400; overlay (mgr-a, team-a): the same; reversed: -400 twice.
    assert (
        eur["direct"]["amount_minor"],
        eur["overlay"]["amount_minor"],
        eur["reversed"]["amount_minor"],
        eur["net"]["amount_minor"],
        eur["credit_count"],
    ) == (1_400, 1_400, -800, 2_000, 8)
    assert summary.json()["period"]["code"] == "FY2027-Q1"

    hidden = client.get(
        "/v1/credits:summary", params={"rep": "rep-2", "period": "FY2027-Q1"}, headers=rep_1
    )
    assert hidden.status_code == 404
    assert hidden.headers["content-type"].startswith("application/problem+json")
    missing = client.get("/v1/credits:summary", headers=director)
    assert missing.status_code == 400
    assert {e["field"] for e in missing.json()["errors"]} == {"rep", "period"}
    bad_period = client.get("/v1/credits", params={"period": "Q1"}, headers=director)
    assert bad_period.status_code == 400 and "period_code" in bad_period.text
    bad_kind = client.get("/v1/credits", params={"kind": "sideways"}, headers=director)
    assert bad_kind.status_code == 400
    assert [e["field"] for e in bad_kind.json()["errors"]] == ["kind"]

    facts = client.get("/v1/facts", params={"kind": "quote_discount"}, headers=manager)
    assert facts.status_code == 200, facts.text
    [fact] = facts.json()["facts"]
    assert (fact["event_type"], fact["subject_id"], fact["value_bp"], fact["detail"]) == (
        "pipeline.quote.approved",
        "q-1",
        2_500,
        "mgr-a",
    )
    assert (fact["approver_role"], fact["approver_authority_bp"]) == ("manager", 2_000)
    signed = client.get(
        "/v1/facts", params={"kind": "contract_signed", "rep": "rep-2"}, headers=rep_1
    ).json()
    assert signed["facts"] == []  # another rep's facts are absent
