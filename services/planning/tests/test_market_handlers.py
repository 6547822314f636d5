"""Lost deals become `deal_lost` intelligence (the planning worker's handler, both databases)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from nameko.testing.services import worker_factory

from services.kit.db import Database, utcnow
from services.planning.models.market import CompetitorRecord, IntelEntryRecord
from services.planning.tests.market_support import db
from services.planning.worker import Worker

__all__ = ["db"]


@pytest.fixture
def worker(db: Database) -> Any:
    return worker_factory(Worker, db=db)


def add_competitor(db: Database, name: str, key: str, *, archived: bool = False) -> str:
    competitor_id = str(uuid.uuid4())
    now = utcnow()
    with db.transaction() as session:
        session.add(
            CompetitorRecord(
                competitor_id=competitor_id,
                name=name,
                name_key=key,
                website="",
                products="[]",
                strengths="[]",
                weaknesses="[]",
                notes="",
                archived=archived,
                created_at=now,
                created_by="mgr-region",
                updated_at=now,
                updated_by="mgr-region",
                version=1,
            )
        )
    return competitor_id


def lost(opportunity_id: str, competitor: str, **payload: Any) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "type": "pipeline.opportunity.lost",
        "schema_version": 1,
        "occurred_at": "2026-08-03T10:00:00Z",
        "source": "pipeline",
        "region": "EMEA",
        "actor": "rep-1",
        "correlation_id": "req-1",
        "payload": {
            "opportunity_id": opportunity_id,
            "region": "EMEA",
            "customer_id": "cust-1",
            "owner_id": "rep-1",
            "amount": {"currency": "EUR", "amount_minor": 1_250_000},
            "reason": "price",
            "competitor": competitor,
            **payload,
        },
    }


def entries(db: Database) -> list[IntelEntryRecord]:
    with db.transaction() as session:
        return list(session.scalars(sa.select(IntelEntryRecord).order_by(IntelEntryRecord.title)))


def test_a_deal_lost_to_a_known_competitor_is_recorded_once(worker: Any, db: Database) -> None:
    acme = add_competitor(db, "Acme Inc.", "acme")
    assert worker.market_on_opportunity_lost(lost("opp-1", "ACME GmbH")) == "applied"
    [entry] = entries(db)
    assert entry.competitor_id == acme
    assert (entry.kind, entry.region, entry.territory_id) == ("deal_lost", "EMEA", "")
    assert entry.title == "Deal lost to Acme Inc."
    assert "opp-1" in entry.details and "12,500.00 EUR" in entry.details
    assert "Reason: price" in entry.details
    assert entry.observed_at.date().isoformat() == "2026-08-03"
    assert entry.recorded_by == "rep-1"
    # A replay under another event id (the inbox does not know it) records nothing more.
    assert worker.market_on_opportunity_lost(lost("opp-1", "Acme")) == "applied"
    assert len(entries(db)) == 1


def test_unknown_or_missing_competitors_record_nothing(worker: Any, db: Database) -> None:
    add_competitor(db, "Acme", "acme")
    worker.market_on_opportunity_lost(lost("opp-2", "Initech"))
    worker.market_on_opportunity_lost(lost("opp-3", ""))
    assert entries(db) == []


def test_an_archived_competitor_still_gets_the_loss(worker: Any, db: Database) -> None:
    globex = add_competitor(db, "Globex", "globex", archived=True)
    worker.market_on_opportunity_lost(lost("opp-4", "globex"))
    assert [e.competitor_id for e in entries(db)] == [globex]
