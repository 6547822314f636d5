"""Attainment, FX rates and target roll-ups over HTTP: the gateway in front of the real api."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import GatewaySettings
from gateway.testing import bearer, upstream_settings
from services.kit.db import Database
from services.planning.handlers.pipeline_contracts import book_signed, check_after_booking
from services.planning.tests.attainment_support import CALENDAR, seed_organisation, signed

AS_OF = "2027-02-15T00:00:00Z"


@pytest.fixture
def db(tmp_path: Path, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("planning", f"sqlite:///{tmp_path / 'planning.db'}")
    seed_organisation(database)
    return database


@pytest.fixture
def settings(db: Database) -> Iterator[GatewaySettings]:
    with upstream_settings("planning", db) as settings:
        yield settings


@pytest.fixture
def client(settings: GatewaySettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def book(db: Database, contract_id: str, value: int, owner: str, currency: str = "EUR") -> None:
    event = signed(
        contract_id, value=value, signed_date="2027-02-01", owner=owner, currency=currency
    )
    with db.transaction() as session:
        check_after_booking(session, CALENDAR, book_signed(session, event, CALENDAR))


def test_attainment_fx_and_roll_up_over_http(
    client: TestClient, settings: GatewaySettings, db: Database
) -> None:
    director = bearer(settings, "dir-1", "director")
    admin = bearer(settings, "admin-1", "admin", "*")
    rep_1 = bearer(settings, "rep-1", "rep")
    plan = client.post(
        "/v1/plans",
        json={
            "org_unit_id": "emea",
            "period_code": "FY2027-Q1",
            "owner_id": "dir-1",
            "currency": "EUR",
        },
        headers=director,
    ).json()
    target = client.post(
        f"/v1/plans/{plan['plan_id']}/targets",
        json={"metric": "revenue", "amount": {"currency": "EUR", "amount_minor": 90_000}},
        headers=director,
    ).json()
    target_id = target["target_id"]
    allocated = client.post(
        f"/v1/targets/{target_id}:allocate", json={"method": "equal"}, headers=director
    )
    assert allocated.status_code == 200, allocated.text
    client.post(f"/v1/plans/{plan['plan_id']}:submit", headers=director)
    assert client.post(f"/v1/plans/{plan['plan_id']}:approve", headers=director).status_code == 200

    # FX: admins set, everyone lists; a missing rate is a 422 naming the pair.
    book(db, "c-1", 30_000, "rep-1")
    book(db, "c-2", 10_000, "rep-3", currency="USD")
    missing = client.get(
        "/v1/attainment",
        params={"org_unit": "emea", "period": "FY2027-Q1", "as_of": AS_OF},
        headers=director,
    )
    assert missing.status_code == 422, missing.text
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert "USD to EUR" in missing.text
    refused = client.put("/v1/fx-rates/FY2027/USD/EUR", json={"rate": "0.9"}, headers=director)
    assert refused.status_code == 403, refused.text
    bad = client.put("/v1/fx-rates/FY2027/USD/EUR", json={"rate": "abc"}, headers=admin)
    assert bad.status_code == 400 and "rate" in bad.text
    put = client.put("/v1/fx-rates/FY2027/USD/EUR", json={"rate": "0.90"}, headers=admin)
    assert put.status_code == 200, put.text
    assert (put.json()["rate"], put.json()["period_code"]) == ("0.9", "FY2027")
    listed = client.get("/v1/fx-rates", params={"currency": "USD"}, headers=rep_1).json()
    assert [(r["from_currency"], r["to_currency"], r["rate"]) for r in listed["fx_rates"]] == [
        ("USD", "EUR", "0.9")
    ]

    # A rep's line, and a unit's with its children.
    mine = client.get(
        "/v1/attainment",
        params={"rep": "rep-1", "period": "FY2027-Q1", "as_of": AS_OF},
        headers=rep_1,
    )
    assert mine.status_code == 200, mine.text
    [line] = mine.json()["lines"]
    # 90000 equally to the two teams, team-a's 45000 to its two reps: rep-1 has 22500,
    # attained half-way through with 30000.
    assert line["metric"] == "revenue" and line["status"] == "attained"
    assert line["target"] == {"currency": "EUR", "amount_minor": 22_500}
    assert line["actual"] == {"currency": "EUR", "amount_minor": 30_000}
    assert line["expected"] == {"currency": "EUR", "amount_minor": 11_250}
    assert (line["percent_bp"], line["pace_bp"]) == (13_333, 26_666)
    region = client.get(
        "/v1/attainment",
        params={"org_unit": "emea", "period": "FY2027-Q1", "as_of": AS_OF},
        headers=director,
    ).json()
    assert region["lines"][0]["actual"]["amount_minor"] == 39_000  # 30000 + 10000 USD x 0.9
    assert region["period"]["code"] == "FY2027-Q1"
    assert sorted(c["unit_id"] for c in region["children"]) == ["team-a", "team-b"]

    # Exactly one of org_unit and rep; a colleague's attainment does not exist for a rep.
    both = client.get(
        "/v1/attainment",
        params={"org_unit": "emea", "rep": "rep-1", "period": "FY2027-Q1"},
        headers=director,
    )
    assert both.status_code == 400
    assert [e["field"] for e in both.json()["errors"]] == ["rep"]
    neither = client.get("/v1/attainment", params={"period": "FY2027-Q1"}, headers=director)
    assert [e["field"] for e in neither.json()["errors"]] == ["org_unit"]
    other = client.get(
        "/v1/attainment", params={"rep": "rep-2", "period": "FY2027-Q1"}, headers=rep_1
    )
    assert other.status_code == 404

    # Roll-up, a hand edit, and the checkpoint.
    roll_up = client.get(f"/v1/targets/{target_id}/roll-up", headers=director).json()
    assert roll_up["adds_up"] is True
    adjusted = client.post(
        f"/v1/targets/{target_id}:adjust-allocation",
        json={
            "rep_id": "rep-3",
            "amount": {"currency": "EUR", "amount_minor": 20_000},
            "reason": "ramping up",
        },
        headers=director,
    )
    assert adjusted.status_code == 200, adjusted.text
    body = adjusted.json()
    assert body["previous_value"] == 45_000 and body["adds_up"] is False
    team_b = next(line for line in body["lines"] if line["unit_id"] == "team-b")
    assert (team_b["children_sum"], team_b["difference"]) == (20_000, -25_000)
    checkpoint = client.post(
        "/v1/attainment:checkpoint", json={"as_of": "2027-02-20T00:00:00Z"}, headers=admin
    )
    assert checkpoint.status_code == 200, checkpoint.text
    # Day 50 of 90: emea 39000 of 50000 (78%), team-b 9000 of 25000 and rep-2 0 of 12500
    # are behind; rep-3 (9000 of its edited 20000 -> 11111, 81%) and team-a are not.
    behind = {(r["unit_id"] or r["rep_id"]) for r in checkpoint.json()["reports"]}
    assert behind == {"emea", "team-b", "rep-2"}
    assert client.post("/v1/attainment:checkpoint", headers=director).status_code == 403
