"""`pipeline.case.*` events through the worker: the case copy and CSAT from resolved cases."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from nameko.testing.services import worker_factory

from services.customers.models.accounts import CustomerRecord
from services.customers.models.satisfaction import CaseCopyRecord, SurveyResponseRecord
from services.customers.models.satisfaction_store import health_inputs
from services.customers.worker import Worker
from services.kit.db import Database, utcnow
from services.kit.schema import dead_letters

from .satisfaction_support import envelope, events_of, open_account


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("customers", database_url)


@pytest.fixture
def worker(db: Database) -> Any:
    return worker_factory(Worker, db=db)


def iso(hours_from_now: float) -> str:
    return (utcnow() + timedelta(hours=hours_from_now)).isoformat().replace("+00:00", "Z")


def opened(case_id: str, customer_id: str, due_in_hours: float = 24) -> dict[str, Any]:
    return envelope(
        "pipeline.case.opened",
        {
            "case_id": case_id,
            "region": "EMEA",
            "customer_id": customer_id,
            "priority": "high",
            "due_time": iso(due_in_hours),
        },
    )


def resolved(case_id: str, customer_id: str, score: int | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "case_id": case_id,
        "region": "EMEA",
        "customer_id": customer_id,
        "priority": "high",
        "resolve_time": "2027-01-05T09:30:00Z",
        "within_sla": True,
    }
    if score is not None:
        payload["satisfaction_score"] = score
    return envelope("pipeline.case.resolved", payload)


def breached(case_id: str, customer_id: str) -> dict[str, Any]:
    return envelope(
        "pipeline.case.sla_breached",
        {
            "case_id": case_id,
            "region": "EMEA",
            "customer_id": customer_id,
            "priority": "high",
            "due_time": iso(-1),
            "status": "open",
        },
    )


def csat_responses(db: Database) -> list[SurveyResponseRecord]:
    with db.transaction() as session:
        return list(
            session.scalars(sa.select(SurveyResponseRecord).order_by(SurveyResponseRecord.score))
        )


def cases_of(db: Database, customer_id: str) -> tuple[int, int]:
    with db.transaction() as session:
        inputs = health_inputs(session, [customer_id], utcnow())[customer_id]
    return inputs.open_cases, inputs.overdue_cases


def test_a_resolution_with_a_score_is_one_csat_response(worker: Any, db: Database) -> None:
    customer = open_account(worker, db, "Acme", owner_id="rep-1")
    event = resolved("case-1", customer, score=4)
    assert worker.satisfaction_on_case_resolved(event) == "applied"
    assert worker.satisfaction_on_case_resolved(event) == "duplicate"
    (response,) = csat_responses(db)
    assert (response.kind, response.score, response.channel, response.source) == (
        "csat",
        4,
        "case",
        "case",
    )
    assert (response.case_id, response.customer_id, response.region) == ("case-1", customer, "EMEA")
    assert response.responded_at.isoformat() == "2027-01-05T09:30:00+00:00"
    assert response.source_event_id == event["event_id"]
    (recorded,) = events_of(db, "customers.satisfaction.recorded")
    assert recorded["payload"]["owner_id"] == "rep-1"
    assert (recorded["payload"]["source"], recorded["payload"]["case_id"]) == ("case", "case-1")
    assert recorded["actor"] == "system"


def test_the_same_event_replayed_elsewhere_records_nothing_twice(worker: Any, db: Database) -> None:
    from services.customers.handlers.pipeline_cases import resolve_case

    customer = open_account(worker, db, "Acme")
    event = resolved("case-1", customer, score=5)
    worker.satisfaction_on_case_resolved(event)
    with db.transaction() as session:
        assert resolve_case(session, event) is None  # the response keeps the event id
    assert len(csat_responses(db)) == 1
    # A case resolved again (after a reopen) is a new event and a new answer.
    worker.satisfaction_on_case_resolved(resolved("case-1", customer, score=2))
    assert [r.score for r in csat_responses(db)] == [2, 5]


def test_a_resolution_without_a_score_records_no_response(worker: Any, db: Database) -> None:
    customer = open_account(worker, db, "Acme")
    worker.satisfaction_on_case_opened(opened("case-1", customer))
    assert worker.satisfaction_on_case_resolved(resolved("case-1", customer)) == "applied"
    assert csat_responses(db) == []
    assert events_of(db, "customers.satisfaction.recorded") == []
    assert cases_of(db, customer) == (0, 0)


def test_a_score_outside_1_to_5_is_parked_without_a_partial_write(
    worker: Any, db: Database
) -> None:
    customer = open_account(worker, db, "Acme")
    assert worker.satisfaction_on_case_resolved(resolved("case-1", customer, 9)) == "dead_lettered"
    assert csat_responses(db) == []
    with db.transaction() as session:
        assert session.get(CaseCopyRecord, "case-1") is None
        (error,) = session.scalars(sa.select(dead_letters.c.error))
    assert "MalformedEvent" in error and "not 9" in error


def test_open_and_overdue_cases_from_the_events_in_any_order(worker: Any, db: Database) -> None:
    customer = open_account(worker, db, "Acme")
    worker.satisfaction_on_case_opened(opened("on-time", customer, due_in_hours=24))
    worker.satisfaction_on_case_opened(opened("late", customer, due_in_hours=-2))
    worker.satisfaction_on_case_sla_breached(breached("breached", customer))
    assert cases_of(db, customer) == (3, 2)
    # The resolution arrives before the opening: the case stays resolved.
    worker.satisfaction_on_case_resolved(resolved("early", customer))
    worker.satisfaction_on_case_opened(opened("early", customer))
    worker.satisfaction_on_case_resolved(resolved("late", customer))
    assert cases_of(db, customer) == (2, 1)
    with db.transaction() as session:
        early = session.get(CaseCopyRecord, "early")
        assert early is not None and early.resolved_at is not None
        assert early.due_at is not None and early.priority == "high"


def test_a_score_for_an_account_not_known_yet_is_kept(worker: Any, db: Database) -> None:
    unknown = str(uuid.uuid4())
    worker.satisfaction_on_case_resolved(resolved("case-9", unknown, score=3))
    (response,) = csat_responses(db)
    assert (response.customer_id, response.region) == (unknown, "EMEA")
    (recorded,) = events_of(db, "customers.satisfaction.recorded")
    assert "owner_id" not in recorded["payload"]  # protobuf-JSON leaves out empty strings


def test_an_event_about_a_merged_account_lands_on_the_survivor(worker: Any, db: Database) -> None:
    survivor = open_account(worker, db, "Acme")
    merged = open_account(worker, db, "ACME Ltd")
    with db.transaction() as session:
        session.execute(
            sa.update(CustomerRecord)
            .where(CustomerRecord.customer_id == merged)
            .values(merged_into=survivor, status="merged")
        )
    worker.satisfaction_on_case_opened(opened("late", merged, due_in_hours=-1))
    worker.satisfaction_on_case_resolved(resolved("other", merged, score=5))
    (response,) = csat_responses(db)
    assert response.customer_id == survivor
    assert cases_of(db, survivor) == (1, 1) and cases_of(db, merged) == (0, 0)
