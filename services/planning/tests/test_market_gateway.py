"""Market segments, market share, competitors and intelligence over HTTP (gateway + real api)."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from gateway.settings import GatewaySettings
from gateway.testing import bearer
from services.kit.db import Database
from services.planning.tests.market_support import (
    DACH,
    add_customer,
    add_fact,
    gateway,
)

__all__ = ["gateway"]


def test_market_research_over_http(
    gateway: tuple[TestClient, GatewaySettings, Database],
) -> None:
    client, settings, db = gateway
    manager = bearer(settings, "mgr-region", "manager")
    rep = bearer(settings, "rep-1", "rep")
    apac = bearer(settings, "dir-2", "director", "APAC")
    add_customer(db, "c-1", country="DE", industry="retail")
    add_fact(db, "c-1", 250_000, date(2026, 8, 1))

    created = client.post(
        "/v1/market-segments",
        json={
            "territory_id": DACH,
            "period_code": "FY2026-Q3",
            "name": "Retail",
            "industry": "retail",
            "size": {"currency": "EUR", "amount_minor": 1_000_000},
            "potential": {"currency": "EUR", "amount_minor": 500_000},
        },
        headers=manager,
    )
    assert created.status_code == 201, created.text
    segment = created.json()
    assert created.headers["Location"] == f"/v1/market-segments/{segment['segment_id']}"
    duplicate = client.post(
        "/v1/market-segments",
        json={
            "territory_id": DACH,
            "period_code": "FY2026-Q3",
            "name": "RETAIL",
            "size": {"currency": "EUR", "amount_minor": 1},
            "potential": {"currency": "EUR", "amount_minor": 1},
        },
        headers=manager,
    )
    assert duplicate.status_code == 409, duplicate.text
    updated = client.put(
        f"/v1/market-segments/{segment['segment_id']}",
        json={
            "name": "Retail",
            "industry": "retail",
            "size": {"currency": "EUR", "amount_minor": 2_000_000},
            "potential": {"currency": "EUR", "amount_minor": 500_000},
            "version": 1,
        },
        headers=manager,
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == 2
    listed = client.get(f"/v1/market-segments?territory_id={DACH}&period=FY2026-Q3", headers=rep)
    assert [s["segment_id"] for s in listed.json()["segments"]] == [segment["segment_id"]]
    share = client.get(f"/v1/territories/{DACH}/market-share?period=FY2026-Q3", headers=rep)
    assert share.status_code == 200, share.text
    body = share.json()
    assert body["segments"][0]["share_bp"] == 1_250  # 250,000 / 2,000,000
    assert body["segments"][0]["potential_captured_bp"] == 5_000
    assert body["total_share_bp"] == 1_250
    hidden = client.get(f"/v1/territories/{DACH}/market-share?period=FY2026-Q3", headers=apac)
    assert hidden.status_code == 404
    bad = client.get(f"/v1/territories/{DACH}/market-share?period=Q3", headers=rep)
    assert bad.status_code == 400 and "period_code" in bad.text

    competitor = client.post(
        "/v1/competitors",
        json={"name": "Acme Inc.", "website": "www.acme.com", "strengths": ["Price"]},
        headers=manager,
    )
    assert competitor.status_code == 201, competitor.text
    acme = competitor.json()
    assert acme["website"] == "acme.com"
    refused = client.post("/v1/competitors", json={"name": "Globex"}, headers=rep)
    assert refused.status_code == 403
    entry = client.post(
        "/v1/intel",
        json={
            "competitor_id": acme["competitor_id"],
            "territory_id": DACH,
            "kind": "price_change",
            "title": "Acme cuts list prices",
            "details": "Twenty percent off for new logos",
            "observed_on": "2026-08-02",
        },
        headers=rep,
    )
    assert entry.status_code == 201, entry.text
    assert entry.json()["kind"] == "price_change"
    assert entry.json()["region"] == "EMEA"
    found = client.get("/v1/intel?q=PERCENT&kind=price_change", headers=manager).json()
    assert [e["intel_id"] for e in found["entries"]] == [entry.json()["intel_id"]]
    assert client.get("/v1/intel?q=percent", headers=apac).json()["entries"] == []
    future = client.post(
        "/v1/intel",
        json={
            "competitor_id": acme["competitor_id"],
            "region": "EMEA",
            "kind": "other",
            "title": "x",
            "observed_on": "2999-01-01",
        },
        headers=rep,
    )
    assert future.status_code == 400 and "observed_on" in future.text
    archived = client.post(f"/v1/competitors/{acme['competitor_id']}:archive", headers=manager)
    assert archived.status_code == 200 and archived.json()["archived"] is True
    assert client.get("/v1/competitors", headers=rep).json()["competitors"] == []
