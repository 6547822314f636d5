"""The first-contact SLA watch at fixed instants: each overdue lead is announced once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from nameko.testing.services import worker_factory
from prometheus_client import REGISTRY

from services.kit.db import Database, utcnow
from services.kit.identity import Caller
from services.pipeline.domain import leads as domain
from services.pipeline.handlers.lead_sla import record_lead_sla_breaches
from services.pipeline.models.lead_store import IntakeRow, LeadIntake, mark_lead_contacted
from services.pipeline.models.leads import LeadRecord, LeadSlaPolicyRecord
from services.pipeline.tests.leads_support import T0, lead_fields, outbox_payloads
from services.pipeline.worker import Worker

MANAGER = Caller("mgr-1", frozenset({"manager"}), frozenset({"EMEA", "APAC"}))


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("pipeline", database_url)


def capture(db: Database, at: Any, **overrides: Any) -> LeadRecord:
    fields = lead_fields(**overrides)
    fields.pop("allow_duplicate", None)
    lead = domain.validate_new_lead(**fields)
    (result,) = LeadIntake(db, MANAGER, default_sla_hours=24).capture([IntakeRow(1, lead)], at)
    assert result.record is not None
    return LeadRecord(**result.record)


def breaches_counted(region: str) -> float:
    value = REGISTRY.get_sample_value("salesops_lead_sla_breaches_total", {"region": region})
    return value or 0.0


def test_overdue_leads_are_breached_once_at_a_fixed_clock(db: Database) -> None:
    with db.transaction() as session:
        session.add(
            LeadSlaPolicyRecord(
                region="EMEA",
                hours=4,
                created_at=T0,
                created_by="root",
                updated_at=T0,
                updated_by="root",
            )
        )
    emea = capture(db, T0, owner_id="rep-1")
    contacted = capture(db, T0)
    closed = capture(db, T0)
    apac = capture(db, T0, region="APAC")
    assert emea.sla_due_at == T0 + timedelta(hours=4)
    assert apac.sla_due_at == T0 + timedelta(hours=24)
    with db.transaction() as session:
        record = session.get(LeadRecord, contacted.lead_id)
        assert record is not None
        assert mark_lead_contacted(record, "rep-1", T0 + timedelta(hours=1), T0)
        gone = session.get(LeadRecord, closed.lead_id)
        assert gone is not None
        gone.status = domain.LeadStatus.DISQUALIFIED.value
    counted_before = breaches_counted("EMEA")

    assert record_lead_sla_breaches(db, T0 + timedelta(hours=4)) == []  # due is not overdue
    first = record_lead_sla_breaches(db, T0 + timedelta(hours=4, seconds=1))
    assert [lead.lead_id for lead in first] == [emea.lead_id]
    assert record_lead_sla_breaches(db, T0 + timedelta(hours=5)) == []  # once per lead
    later = record_lead_sla_breaches(db, T0 + timedelta(hours=25))
    assert [lead.lead_id for lead in later] == [apac.lead_id]

    events = outbox_payloads(db, "pipeline.lead.sla_breached")
    assert [e["lead_id"] for e in events] == [emea.lead_id, apac.lead_id]
    assert events[0] == {
        "lead_id": emea.lead_id,
        "region": "EMEA",
        "owner_id": "rep-1",
        "due_time": "2027-01-04T13:00:00Z",
        "sla_hours": 4,
    }
    assert breaches_counted("EMEA") == counted_before + 1
    with db.transaction() as session:
        breached_at = session.scalar(
            sa.select(LeadRecord.sla_breached_at).where(LeadRecord.lead_id == emea.lead_id)
        )
    assert breached_at == T0 + timedelta(hours=4, seconds=1)


def test_many_overdue_leads_are_recorded_in_short_batches(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.pipeline.handlers import lead_sla

    monkeypatch.setattr(lead_sla, "BATCH_SIZE", 2)
    ids = {capture(db, T0).lead_id for _ in range(5)}
    breached = record_lead_sla_breaches(db, T0 + timedelta(days=2))
    assert {lead.lead_id for lead in breached} == ids


def test_the_worker_timer_scans_with_the_current_time(db: Database) -> None:
    overdue = capture(db, utcnow() - timedelta(days=2))
    capture(db, utcnow())
    worker = worker_factory(Worker, db=db)
    assert worker.scan_lead_slas() == 1
    assert worker.scan_lead_slas() == 0
    assert [e["lead_id"] for e in outbox_payloads(db, "pipeline.lead.sla_breached")] == [
        overdue.lead_id
    ]
