"""The case SLA watch at fixed instants: a breach is recorded and emitted once per case."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from nameko.testing.services import worker_factory
from salesops.pipeline.v1 import cases_pb2 as pb
from salesops.pipeline.v1 import cases_pb2_grpc

from services.kit import metrics
from services.kit.db import Database
from services.kit.schema import outbox
from services.kit.testing import caller
from services.pipeline.handlers.case_sla import record_case_sla_breaches
from services.pipeline.tests.test_cases_api import seed_case_references
from services.pipeline.worker import Worker

MANAGER = caller("mgr-1", "manager", "EMEA")


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("pipeline", database_url)
    seed_case_references(database)
    return database


@pytest.fixture
def stub(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Any:
    return cases_pb2_grpc.CaseServiceStub(serve_api("pipeline", db))


def open_case(stub: Any, priority: int, region: str = "EMEA") -> pb.Case:
    request = pb.OpenCaseRequest(
        region=region,
        customer_id="cus-1" if region == "EMEA" else "cus-apac",
        contract_id="con-9" if region == "EMEA" else "",
        type=pb.CASE_TYPE_INCIDENT,
        priority=priority,
        subject="Portal down",
        assignee_id="rep-1",
    )
    who = MANAGER if region == "EMEA" else caller("m", "manager", region)
    return stub.OpenCase(request, metadata=who).case


def breaches(db: Database) -> list[dict[str, Any]]:
    with db.transaction() as session:
        rows = session.scalars(
            sa.select(outbox.c.envelope)
            .where(outbox.c.type == "pipeline.case.sla_breached")
            .order_by(outbox.c.id)
        )
        return [json.loads(row) for row in rows]


def due(case: pb.Case) -> datetime:
    return case.due_time.ToDatetime(tzinfo=UTC)


def counted(region: str, priority: str) -> float:
    return metrics.CASE_SLA_BREACHES.labels(region, priority)._value.get()


def test_a_breach_is_recorded_once_at_the_due_time_and_counted(stub: Any, db: Database) -> None:
    urgent = open_case(stub, pb.CASE_PRIORITY_URGENT)
    high = open_case(stub, pb.CASE_PRIORITY_HIGH)
    counted_before = counted("EMEA", "urgent")

    assert record_case_sla_breaches(db, due(urgent)) == []  # at the due instant: not yet
    just_after = due(urgent) + timedelta(seconds=1)
    (breached,) = record_case_sla_breaches(db, just_after)
    assert breached.case_id == urgent.case_id and breached.priority == "urgent"
    assert record_case_sla_breaches(db, just_after + timedelta(hours=1)) == []  # once
    assert counted("EMEA", "urgent") == counted_before + 1

    (event,) = breaches(db)
    assert event["region"] == "EMEA" and event["actor"] == "system"
    assert event["payload"] == {
        "case_id": urgent.case_id,
        "region": "EMEA",
        "customer_id": "cus-1",
        "contract_id": "con-9",
        "priority": "urgent",
        "assignee_id": "rep-1",
        "due_time": urgent.due_time.ToJsonString(),
        "status": "open",
    }
    got = stub.GetCase(pb.GetCaseRequest(case_id=urgent.case_id), metadata=MANAGER).case
    assert got.sla_breach_time.ToDatetime(tzinfo=UTC) == just_after

    # The high-priority case breaches a day after opening, also once.
    (later,) = record_case_sla_breaches(db, due(high) + timedelta(minutes=5))
    assert later.case_id == high.case_id
    assert len(breaches(db)) == 2


def test_resolved_cases_do_not_breach_and_a_reopened_breached_case_does_not_breach_again(
    stub: Any, db: Database
) -> None:
    resolved_in_time = open_case(stub, pb.CASE_PRIORITY_URGENT)
    stub.StartCase(pb.StartCaseRequest(case_id=resolved_in_time.case_id), metadata=MANAGER)
    stub.ResolveCase(
        pb.ResolveCaseRequest(case_id=resolved_in_time.case_id, resolution_note="done"),
        metadata=MANAGER,
    )
    in_progress = open_case(stub, pb.CASE_PRIORITY_URGENT)
    stub.StartCase(pb.StartCaseRequest(case_id=in_progress.case_id), metadata=MANAGER)
    late = due(in_progress) + timedelta(hours=1)
    (breached,) = record_case_sla_breaches(db, late)
    assert breached.case_id == in_progress.case_id
    assert breaches(db)[0]["payload"]["status"] == "in_progress"

    # Resolved late, then reopened: the case is overdue again but was breached already.
    stub.ResolveCase(
        pb.ResolveCaseRequest(case_id=in_progress.case_id, resolution_note="done"),
        metadata=MANAGER,
    )
    stub.ReopenCase(
        pb.ReopenCaseRequest(case_id=in_progress.case_id, reason="again"), metadata=MANAGER
    )
    assert record_case_sla_breaches(db, late + timedelta(days=30)) == []
    assert len(breaches(db)) == 1


def test_a_case_resolved_in_time_then_reopened_after_its_due_time_breaches_then(
    stub: Any, db: Database
) -> None:
    case = open_case(stub, pb.CASE_PRIORITY_URGENT)
    stub.StartCase(pb.StartCaseRequest(case_id=case.case_id), metadata=MANAGER)
    stub.ResolveCase(
        pb.ResolveCaseRequest(case_id=case.case_id, resolution_note="done"), metadata=MANAGER
    )
    after_due = due(case) + timedelta(hours=2)
    assert record_case_sla_breaches(db, after_due) == []
    stub.ReopenCase(pb.ReopenCaseRequest(case_id=case.case_id, reason="again"), metadata=MANAGER)
    (breached,) = record_case_sla_breaches(db, after_due)
    assert breached.case_id == case.case_id


def test_many_overdue_cases_are_recorded_in_batches(
    stub: Any, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.pipeline.handlers import case_sla

    monkeypatch.setattr(case_sla, "BATCH_SIZE", 2)
    cases = [open_case(stub, pb.CASE_PRIORITY_URGENT) for _ in range(5)]
    apac = open_case(stub, pb.CASE_PRIORITY_LOW, region="APAC")
    late = max(due(c) for c in cases) + timedelta(seconds=1)
    recorded = record_case_sla_breaches(db, late)
    assert sorted(b.case_id for b in recorded) == sorted(c.case_id for c in cases)
    assert apac.case_id not in {b.case_id for b in recorded}  # a week to go
    assert record_case_sla_breaches(db, late) == []
    assert len(breaches(db)) == 5


def test_the_worker_timer_runs_the_scan(stub: Any, db: Database) -> None:
    case = open_case(stub, pb.CASE_PRIORITY_URGENT)
    with db.transaction() as session:
        from services.pipeline.models.cases import CaseRecord

        session.execute(
            sa.update(CaseRecord)
            .where(CaseRecord.case_id == case.case_id)
            .values(due_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    worker = worker_factory(Worker, db=db)
    assert worker.watch_case_slas() == 1
    assert worker.watch_case_slas() == 0
    assert [e["payload"]["case_id"] for e in breaches(db)] == [case.case_id]
