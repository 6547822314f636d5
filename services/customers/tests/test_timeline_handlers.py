"""The timeline fed by pipeline events (nameko handlers, real database, SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from services.customers.models.accounts import CustomerRecord
from services.customers.models.timeline import TimelineEntryRecord
from services.customers.tests.contacts_support import count, db, pipeline_event, worker
from services.kit.db import Database, utcnow
from services.kit.schema import dead_letters, processed_events

EUR = {"currency": "EUR", "amount_minor": 1_200_000}

__all__ = ["db", "worker"]


def entries(db: Database, *where: Any) -> list[TimelineEntryRecord]:
    with db.transaction() as session:
        return list(
            session.scalars(
                sa.select(TimelineEntryRecord)
                .where(*where)
                .order_by(TimelineEntryRecord.occurred_at, TimelineEntryRecord.created_at)
            )
        )


# (handler, event type, payload, kind, action, ref_type, summary)
EVENTS: list[tuple[str, str, dict[str, Any], str, str, str, str]] = [
    (
        "timeline_activity_logged",
        "pipeline.activity.logged",
        {
            "activity_id": "act-1",
            "type": "meeting",
            "owner_id": "rep-7",
            "customer_id": "cus-1",
            "subject": "Quarterly review",
            "outcome": "renewal likely",
            "status": "completed",
            "occurred_at": "2027-01-20T15:30:00Z",
        },
        "activity",
        "logged",
        "activity",
        "Meeting: Quarterly review (outcome: renewal likely)",
    ),
    (
        "timeline_opportunity_created",
        "pipeline.opportunity.created",
        {"opportunity_id": "opp-1", "customer_id": "cus-1", "name": "Rollout", "amount": EUR},
        "opportunity",
        "created",
        "opportunity",
        "Opportunity opened: Rollout (12,000.00 EUR)",
    ),
    (
        "timeline_opportunity_stage_changed",
        "pipeline.opportunity.stage_changed",
        {"opportunity_id": "opp-9", "to_stage_name": "Proposal", "probability_bp": 5000},
        "opportunity",
        "stage_changed",
        "opportunity",
        "Opportunity moved to Proposal (50% probability)",
    ),
    (
        "timeline_opportunity_won",
        "pipeline.opportunity.won",
        {
            "opportunity_id": "opp-2",
            "customer_id": "cus-1",
            "amount": EUR,
            "won_date": "2027-02-01",
        },
        "opportunity",
        "won",
        "opportunity",
        "Opportunity won (12,000.00 EUR, signed 2027-02-01)",
    ),
    (
        "timeline_opportunity_lost",
        "pipeline.opportunity.lost",
        {"opportunity_id": "opp-3", "customer_id": "cus-1", "reason": "price"},
        "opportunity",
        "lost",
        "opportunity",
        "Opportunity lost (reason: price)",
    ),
    (
        "timeline_contract_signed",
        "pipeline.contract.signed",
        {
            "contract_id": "con-1",
            "opportunity_id": "opp-2",
            "customer_id": "cus-1",
            "value": EUR,
            "term_months": 12,
            "start_date": "2027-02-01",
            "end_date": "2028-01-31",
        },
        "contract",
        "signed",
        "contract",
        "Contract signed (12,000.00 EUR, 12 months, 2027-02-01 to 2028-01-31)",
    ),
    (
        "timeline_contract_cancelled",
        "pipeline.contract.cancelled",
        {"contract_id": "con-1", "customer_id": "cus-1", "reason": "merger"},
        "contract",
        "cancelled",
        "contract",
        "Contract cancelled (reason: merger)",
    ),
    (
        "timeline_case_opened",
        "pipeline.case.opened",
        {
            "case_id": "case-1",
            "customer_id": "cus-1",
            "priority": "high",
            "type": "incident",
            "subject": "Invoices missing",
            "opened_by": "agent-1",
        },
        "case",
        "opened",
        "case",
        "Case opened: Invoices missing (high priority incident)",
    ),
    (
        "timeline_case_resolved",
        "pipeline.case.resolved",
        {
            "case_id": "case-2",
            "customer_id": "cus-1",
            "within_sla": True,
            "satisfaction_score": 5,
            "resolved_by": "agent-1",
            "resolve_time": "2027-02-03T08:00:00Z",
        },
        "case",
        "resolved",
        "case",
        "Case resolved (within its SLA, satisfaction 5/5)",
    ),
]


@pytest.mark.parametrize(
    ("handler", "event_type", "payload", "kind", "action", "ref_type", "summary"),
    EVENTS,
    ids=[event[1] for event in EVENTS],
)
def test_each_pipeline_event_becomes_one_entry(
    worker: Any,
    db: Database,
    handler: str,
    event_type: str,
    payload: dict[str, Any],
    kind: str,
    action: str,
    ref_type: str,
    summary: str,
) -> None:
    event = pipeline_event(event_type, {"region": "emea", **payload})
    assert getattr(worker, handler)(event) == "applied"
    [entry] = entries(db)
    assert (entry.kind, entry.action, entry.ref_type, entry.summary) == (
        kind,
        action,
        ref_type,
        summary,
    )
    assert entry.region == "EMEA" and entry.source_event_id == event["event_id"]
    expected_customer = None if event_type.endswith("stage_changed") else "cus-1"
    assert entry.customer_id == expected_customer
    if event_type == "pipeline.activity.logged":
        # The activity's own time and its owner, not the envelope's.
        assert entry.occurred_at == datetime(2027, 1, 20, 15, 30, tzinfo=UTC)
        assert entry.actor == "rep-7"
    elif event_type == "pipeline.case.resolved":
        assert entry.occurred_at == datetime(2027, 2, 3, 8, 0, tzinfo=UTC)
    else:
        assert entry.occurred_at == datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def test_a_redelivered_or_replayed_event_never_adds_a_second_entry(
    worker: Any, db: Database
) -> None:
    event = pipeline_event(
        "pipeline.case.opened", {"case_id": "case-1", "customer_id": "cus-1", "subject": "x"}
    )
    assert worker.timeline_case_opened(event) == "applied"
    assert worker.timeline_case_opened(event) == "duplicate"
    # Even once the inbox has forgotten it (a replay after its rows were pruned).
    with db.transaction() as session:
        session.execute(processed_events.delete())
    assert worker.timeline_case_opened(event) == "applied"
    assert count(db, TimelineEntryRecord.__table__) == 1


def test_an_event_for_an_account_not_in_the_archive_yet_is_kept(worker: Any, db: Database) -> None:
    event = pipeline_event(
        "pipeline.opportunity.lost",
        {"opportunity_id": "opp-1", "customer_id": "cus-later", "reason": "timing"},
    )
    assert worker.timeline_opportunity_lost(event) == "applied"
    with db.transaction() as session:
        assert session.get(CustomerRecord, "cus-later") is None
    assert [e.customer_id for e in entries(db)] == ["cus-later"]


def test_entries_of_an_opportunity_wait_for_its_customer_then_follow_it(
    worker: Any, db: Database
) -> None:
    moved = pipeline_event(
        "pipeline.opportunity.stage_changed",
        {"opportunity_id": "opp-1", "to_stage_name": "Demo"},
        occurred_at="2027-02-02T09:00:00Z",
    )
    call = pipeline_event(
        "pipeline.activity.logged",
        {"activity_id": "act-1", "type": "call", "opportunity_id": "opp-1", "subject": "Demo"},
        occurred_at="2027-02-03T09:00:00Z",
    )
    worker.timeline_opportunity_stage_changed(moved)
    worker.timeline_activity_logged(call)
    assert [e.customer_id for e in entries(db)] == [None, None]
    created = pipeline_event(
        "pipeline.opportunity.created",
        {"opportunity_id": "opp-1", "customer_id": "cus-1", "name": "Rollout"},
        occurred_at="2027-02-01T09:00:00Z",
    )
    worker.timeline_opportunity_created(created)
    assert [e.customer_id for e in entries(db)] == ["cus-1"] * 3
    # Later events of the opportunity take its customer and its name.
    won = pipeline_event(
        "pipeline.opportunity.stage_changed",
        {"opportunity_id": "opp-1", "to_stage_name": "Negotiation"},
        occurred_at="2027-02-04T09:00:00Z",
    )
    worker.timeline_opportunity_stage_changed(won)
    latest = entries(db)[-1]
    assert latest.customer_id == "cus-1"
    assert latest.summary == "Opportunity Rollout moved to Negotiation"


def test_events_about_no_customer_are_ignored_and_broken_ones_parked(
    worker: Any, db: Database
) -> None:
    on_lead = pipeline_event(
        "pipeline.activity.logged",
        {"activity_id": "act-1", "type": "call", "lead_id": "lead-1", "subject": "Intro"},
    )
    assert worker.timeline_activity_logged(on_lead) == "applied"
    no_customer = pipeline_event("pipeline.case.opened", {"case_id": "case-1"})
    assert worker.timeline_case_opened(no_customer) == "applied"
    assert count(db, TimelineEntryRecord.__table__) == 0
    broken = pipeline_event(
        "pipeline.activity.logged", {"customer_id": "cus-1", "subject": "no id"}
    )
    assert worker.timeline_activity_logged(broken) == "dead_lettered"
    assert count(db, TimelineEntryRecord.__table__) == 0
    with db.transaction() as session:
        error = session.scalar(sa.select(dead_letters.c.error))
    assert "activity_id" in str(error)


def test_an_entry_is_recorded_when_it_arrives_but_dated_when_it_happened(
    worker: Any, db: Database
) -> None:
    before = utcnow()
    worker.timeline_opportunity_lost(
        pipeline_event(
            "pipeline.opportunity.lost",
            {"opportunity_id": "opp-1", "customer_id": "cus-1"},
            occurred_at="2026-12-24T18:00:00+01:00",
        )
    )
    [entry] = entries(db)
    assert entry.occurred_at == datetime(2026, 12, 24, 17, 0, tzinfo=UTC)
    assert entry.created_at >= before
