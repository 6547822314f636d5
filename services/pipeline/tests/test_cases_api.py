"""CaseService over a real grpcio server, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from prometheus_client import REGISTRY
from salesops.pipeline.v1 import cases_pb2 as pb
from salesops.pipeline.v1 import cases_pb2_grpc

from services.kit.db import Database
from services.kit.schema import outbox
from services.kit.testing import caller
from services.pipeline.models.cases import CaseRecord
from services.pipeline.models.contracts import ContractRecord
from services.pipeline.models.copies import CustomerCopyRecord

Stub = cases_pb2_grpc.CaseServiceStub
MANAGER = caller("mgr-1", "manager", "EMEA")
ADMIN = caller("adm-1", "admin", "EMEA")


def seed_case_references(db: Database) -> None:
    """Write the records cases refer to, as customers' events and the sales process leave them.

    Customers in the local copy: cus-1 and cus-2 in EMEA, cus-apac in APAC,
    cus-old merged into cus-1; contract con-9 of cus-1.
    """
    now = datetime(2027, 1, 4, tzinfo=UTC)
    with db.transaction() as session:
        for customer_id, region, merged_into in [
            ("cus-1", "EMEA", ""),
            ("cus-2", "EMEA", ""),
            ("cus-apac", "APAC", ""),
            ("cus-old", "EMEA", "cus-1"),
        ]:
            session.add(
                CustomerCopyRecord(
                    customer_id=customer_id,
                    region=region,
                    name=customer_id,
                    owner_id="rep-1",
                    merged_into=merged_into,
                    known=True,
                    source_occurred_at=now,
                )
            )
        session.add(
            ContractRecord(
                contract_id="con-9",
                region="EMEA",
                opportunity_id="opp-1",
                quote_id="quo-1",
                customer_id="cus-1",
                owner_id="rep-1",
                value_minor=1_200_000,
                currency="EUR",
                start_date=now.date(),
                end_date=now.date().replace(year=2028),
                term_months=12,
                signed_date=now.date(),
                status="active",
                cancel_reason="",
                renews_contract_id="",
                renewed_by_contract_id="",
                created_at=now,
                created_by="rep-1",
                updated_at=now,
                updated_by="rep-1",
                version=1,
            )
        )


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("pipeline", database_url)
    seed_case_references(database)
    return database


@pytest.fixture
def stub(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Stub:
    return Stub(serve_api("pipeline", db))


def open_case(stub: Stub, who: list[tuple[str, str]] | None = None, **fields: Any) -> pb.Case:
    region = fields.pop("region", "EMEA")
    request = pb.OpenCaseRequest(
        region=region,
        customer_id=fields.pop("customer_id", "cus-apac" if region == "APAC" else "cus-1"),
        type=fields.pop("type", pb.CASE_TYPE_INCIDENT),
        priority=fields.pop("priority", pb.CASE_PRIORITY_HIGH),
        subject=fields.pop("subject", "Invoice portal down"),
        **fields,
    )
    return stub.OpenCase(request, metadata=who or MANAGER).case


def outbox_events(db: Database, event_type: str | None = None) -> list[dict[str, Any]]:
    query = sa.select(outbox.c.envelope).order_by(outbox.c.id)
    if event_type:
        query = query.where(outbox.c.type == event_type)
    with db.transaction() as session:
        return [json.loads(raw) for raw in session.scalars(query)]


def failure(call: Callable[[], object]) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def rule_of(error: grpc.RpcError) -> str:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    details = error_details_pb2.PreconditionFailure()
    assert status is not None and status.details[0].Unpack(details)
    return str(details.violations[0].description)


def fields_of(error: grpc.RpcError) -> set[str]:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    details = error_details_pb2.BadRequest()
    assert status is not None and status.details[0].Unpack(details)
    return {v.field for v in details.field_violations}


def test_open_sets_the_due_time_and_emits_case_opened(stub: Stub, db: Database) -> None:
    case = open_case(stub, contract_id="con-9", assignee_id="rep-1", description="since 9:00")
    assert case.status == pb.CASE_STATUS_OPEN and case.region == "EMEA"
    assert case.sla_hours == 24 and not case.overdue
    opened = case.audit.create_time.ToDatetime(tzinfo=UTC)
    assert case.due_time.ToDatetime(tzinfo=UTC) - opened == timedelta(hours=24)
    assert not case.HasField("satisfaction_score") and not case.HasField("sla_breach_time")
    assert stub.GetCase(pb.GetCaseRequest(case_id=case.case_id), metadata=MANAGER).case == case
    (event,) = outbox_events(db)
    assert event["type"] == "pipeline.case.opened" and event["actor"] == "mgr-1"
    assert event["payload"] == {
        "case_id": case.case_id,
        "region": "EMEA",
        "customer_id": "cus-1",
        "contract_id": "con-9",
        "priority": "high",
        "assignee_id": "rep-1",
        "type": "incident",
        "subject": "Invoice portal down",
        "due_time": case.due_time.ToJsonString(),
        "opened_by": "mgr-1",
    }


@pytest.mark.parametrize(
    ("priority", "hours"),
    [
        (pb.CASE_PRIORITY_URGENT, 4),
        (pb.CASE_PRIORITY_HIGH, 24),
        (pb.CASE_PRIORITY_NORMAL, 72),
        (pb.CASE_PRIORITY_LOW, 168),
    ],
)
def test_due_time_follows_the_default_sla_of_each_priority(
    stub: Stub, priority: int, hours: int
) -> None:
    case = open_case(stub, priority=priority)
    opened = case.audit.create_time.ToDatetime(tzinfo=UTC)
    assert case.sla_hours == hours
    assert case.due_time.ToDatetime(tzinfo=UTC) - opened == timedelta(hours=hours)


def test_a_region_override_applies_to_new_cases_of_that_region_only(stub: Stub) -> None:
    before = open_case(stub, priority=pb.CASE_PRIORITY_URGENT)
    policy = stub.UpdateCaseSlaPolicy(
        pb.UpdateCaseSlaPolicyRequest(
            region="emea",
            targets=[
                pb.CaseSlaTarget(priority=pb.CASE_PRIORITY_URGENT, resolution_hours=2),
                pb.CaseSlaTarget(priority=pb.CASE_PRIORITY_LOW, resolution_hours=336),
            ],
        ),
        metadata=ADMIN,
    ).policy
    assert policy.region == "EMEA" and policy.updated_by == "adm-1"
    assert [(t.priority, t.resolution_hours, t.overridden) for t in policy.targets] == [
        (pb.CASE_PRIORITY_URGENT, 2, True),
        (pb.CASE_PRIORITY_HIGH, 24, False),
        (pb.CASE_PRIORITY_NORMAL, 72, False),
        (pb.CASE_PRIORITY_LOW, 336, True),
    ]
    urgent = open_case(stub, priority=pb.CASE_PRIORITY_URGENT)
    assert urgent.sla_hours == 2
    assert urgent.due_time.ToDatetime() - urgent.audit.create_time.ToDatetime() == timedelta(
        hours=2
    )
    assert open_case(stub, priority=pb.CASE_PRIORITY_LOW).sla_hours == 336
    assert open_case(stub, priority=pb.CASE_PRIORITY_HIGH).sla_hours == 24
    apac = caller("mgr-2", "manager", "APAC")
    assert open_case(stub, apac, region="APAC", priority=pb.CASE_PRIORITY_URGENT).sla_hours == 4
    # A case keeps the SLA it opened with.
    got = stub.GetCase(pb.GetCaseRequest(case_id=before.case_id), metadata=MANAGER).case
    assert got.sla_hours == 4 and got.due_time == before.due_time
    # PUT replaces: priorities left out go back to the defaults.
    reset = stub.UpdateCaseSlaPolicy(
        pb.UpdateCaseSlaPolicyRequest(region="EMEA"), metadata=ADMIN
    ).policy
    assert [t.resolution_hours for t in reset.targets] == [4, 24, 72, 168]
    read = stub.GetCaseSlaPolicy(pb.GetCaseSlaPolicyRequest(region="EMEA"), metadata=MANAGER)
    assert read.policy == reset


def test_only_an_admin_of_the_region_changes_the_sla_policy(stub: Stub) -> None:
    request = pb.UpdateCaseSlaPolicyRequest(
        region="EMEA",
        targets=[pb.CaseSlaTarget(priority=pb.CASE_PRIORITY_URGENT, resolution_hours=1)],
    )
    for who in (MANAGER, caller("adm-2", "admin", "APAC")):
        error = failure(lambda who=who: stub.UpdateCaseSlaPolicy(request, metadata=who))
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    bad = pb.UpdateCaseSlaPolicyRequest(
        region="EMEA",
        targets=[
            pb.CaseSlaTarget(priority=pb.CASE_PRIORITY_URGENT, resolution_hours=0),
            pb.CaseSlaTarget(priority=pb.CASE_PRIORITY_URGENT, resolution_hours=3),
        ],
    )
    error = failure(lambda: stub.UpdateCaseSlaPolicy(bad, metadata=ADMIN))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert fields_of(error) == {"targets[0].resolution_hours", "targets[1].priority"}
    error = failure(
        lambda: stub.GetCaseSlaPolicy(pb.GetCaseSlaPolicyRequest(region="APAC"), metadata=MANAGER)
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND


def act(stub: Stub, action: str, case_id: str, who: list[tuple[str, str]] | None = None) -> pb.Case:
    """Run one status action on a case with valid input."""
    metadata = who or MANAGER
    if action == "start":
        return stub.StartCase(pb.StartCaseRequest(case_id=case_id), metadata=metadata).case
    if action == "resolve":
        request = pb.ResolveCaseRequest(case_id=case_id, resolution_note="cleared the cache")
        return stub.ResolveCase(request, metadata=metadata).case
    if action == "close":
        return stub.CloseCase(pb.CloseCaseRequest(case_id=case_id), metadata=metadata).case
    if action == "reopen":
        request = pb.ReopenCaseRequest(case_id=case_id, reason="broke again")
        return stub.ReopenCase(request, metadata=metadata).case
    raise AssertionError(action)


# How to bring a fresh case to each status.
PATHS = {
    pb.CASE_STATUS_OPEN: [],
    pb.CASE_STATUS_IN_PROGRESS: ["start"],
    pb.CASE_STATUS_RESOLVED: ["start", "resolve"],
    pb.CASE_STATUS_CLOSED: ["start", "resolve", "close"],
}
LEGAL = {
    (pb.CASE_STATUS_OPEN, "start"): pb.CASE_STATUS_IN_PROGRESS,
    (pb.CASE_STATUS_IN_PROGRESS, "resolve"): pb.CASE_STATUS_RESOLVED,
    (pb.CASE_STATUS_RESOLVED, "close"): pb.CASE_STATUS_CLOSED,
    (pb.CASE_STATUS_RESOLVED, "reopen"): pb.CASE_STATUS_IN_PROGRESS,
}


def test_every_legal_and_illegal_move_through_the_api(stub: Stub, db: Database) -> None:
    for status, path in PATHS.items():
        for action in ("start", "resolve", "close", "reopen"):
            case = open_case(stub)
            for step in path:
                act(stub, step, case.case_id)
            events_before = len(outbox_events(db))
            if (status, action) in LEGAL:
                moved = act(stub, action, case.case_id)
                assert moved.status == LEGAL[status, action], (status, action)
                continue
            error = failure(lambda case=case, action=action: act(stub, action, case.case_id))
            assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, (status, action)
            assert "cannot be" in rule_of(error) and "only a case that is" in rule_of(error)
            assert len(outbox_events(db)) == events_before  # nothing written
            got = stub.GetCase(pb.GetCaseRequest(case_id=case.case_id), metadata=MANAGER).case
            assert got.status == status


def test_the_life_of_a_case_stamps_each_step(stub: Stub, db: Database) -> None:
    case = open_case(stub)
    started = act(stub, "start", case.case_id, caller("mgr-2", "manager", "EMEA"))
    assert started.assignee_id == "mgr-2"  # an unassigned case goes to whoever starts it
    assert started.HasField("start_time")
    resolved = stub.ResolveCase(
        pb.ResolveCaseRequest(
            case_id=case.case_id, resolution_note=" restarted the job ", satisfaction_score=4
        ),
        metadata=MANAGER,
    ).case
    assert resolved.status == pb.CASE_STATUS_RESOLVED and resolved.satisfaction_score == 4
    assert resolved.resolved_by == "mgr-1" and resolved.resolution_note == "restarted the job"
    reopened = act(stub, "reopen", case.case_id)
    assert reopened.reopen_count == 1 and reopened.reopen_reason == "broke again"
    assert not reopened.HasField("satisfaction_score") and not reopened.HasField("resolve_time")
    assert reopened.due_time == case.due_time  # reopening does not restart the SLA clock
    act(stub, "resolve", case.case_id)
    closed = act(stub, "close", case.case_id)
    assert closed.status == pb.CASE_STATUS_CLOSED and closed.HasField("close_time")
    assert closed.audit.updated_by == "mgr-1" and closed.audit.created_by == "mgr-1"
    resolutions = outbox_events(db, "pipeline.case.resolved")
    assert len(resolutions) == 2
    first = resolutions[0]["payload"]
    assert first["satisfaction_score"] == 4 and first["within_sla"] is True
    assert first["customer_id"] == "cus-1" and first["region"] == "EMEA"
    assert first["resolved_by"] == "mgr-1" and first["assignee_id"] == "mgr-2"
    assert "satisfaction_score" not in resolutions[1]["payload"]  # none given the second time


@pytest.mark.parametrize("score", [0, 6, -3])
def test_a_satisfaction_score_outside_one_to_five_is_refused_and_nothing_changes(
    stub: Stub, db: Database, score: int
) -> None:
    case = open_case(stub)
    act(stub, "start", case.case_id)
    request = pb.ResolveCaseRequest(
        case_id=case.case_id, resolution_note="done", satisfaction_score=score
    )
    error = failure(lambda: stub.ResolveCase(request, metadata=MANAGER))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert fields_of(error) == {"satisfaction_score"}
    no_note = pb.ResolveCaseRequest(case_id=case.case_id, satisfaction_score=5)
    assert fields_of(failure(lambda: stub.ResolveCase(no_note, metadata=MANAGER))) == {
        "resolution_note"
    }
    got = stub.GetCase(pb.GetCaseRequest(case_id=case.case_id), metadata=MANAGER).case
    assert got.status == pb.CASE_STATUS_IN_PROGRESS
    assert outbox_events(db, "pipeline.case.resolved") == []


def test_invalid_cases_name_every_field(stub: Stub, db: Database) -> None:
    request = pb.OpenCaseRequest(region="EMEA", customer_id="bad id", subject="")
    error = failure(lambda: stub.OpenCase(request, metadata=MANAGER))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert fields_of(error) == {"customer_id", "type", "priority", "subject"}
    assert outbox_events(db) == []


@pytest.mark.parametrize(
    ("customer_id", "contract_id", "fields", "says"),
    [
        ("cus-unknown", "", {"customer_id"}, "is not a customer of region EMEA"),
        # Another region's customer looks exactly like an unknown one.
        ("cus-apac", "", {"customer_id"}, "is not a customer of region EMEA"),
        ("cus-old", "", {"customer_id"}, "was merged into customer cus-1"),
        ("cus-2", "con-9", {"contract_id"}, "is not a contract of customer cus-2"),
        ("cus-1", "con-none", {"contract_id"}, "is not a contract of customer cus-1"),
        ("cus-unknown", "con-9", {"customer_id", "contract_id"}, "is not a customer"),
    ],
)
def test_the_customer_must_be_known_in_the_region_and_the_contract_theirs(
    stub: Stub, db: Database, customer_id: str, contract_id: str, fields: set[str], says: str
) -> None:
    error = failure(lambda: open_case(stub, customer_id=customer_id, contract_id=contract_id))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert fields_of(error) == fields and says in (error.details() or "")
    assert outbox_events(db) == []


def test_assignment_rules(stub: Stub) -> None:
    case = open_case(stub)
    assigned = stub.AssignCase(
        pb.AssignCaseRequest(case_id=case.case_id, assignee_id="rep-1"), metadata=MANAGER
    ).case
    assert assigned.assignee_id == "rep-1"
    rep = caller("rep-1", "rep", "EMEA")
    # The assignee (a rep) now sees it, but may not hand it to someone else.
    error = failure(
        lambda: stub.AssignCase(
            pb.AssignCaseRequest(case_id=case.case_id, assignee_id="rep-2"), metadata=rep
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    reassigned = stub.AssignCase(
        pb.AssignCaseRequest(case_id=case.case_id, assignee_id="rep-2"), metadata=MANAGER
    ).case
    assert reassigned.assignee_id == "rep-2"
    error = failure(lambda: stub.GetCase(pb.GetCaseRequest(case_id=case.case_id), metadata=rep))
    assert error.code() == grpc.StatusCode.NOT_FOUND  # no longer theirs
    act(stub, "start", case.case_id)
    act(stub, "resolve", case.case_id)
    error = failure(
        lambda: stub.AssignCase(
            pb.AssignCaseRequest(case_id=case.case_id, assignee_id="rep-1"), metadata=MANAGER
        )
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "cannot be assigned" in rule_of(error)
    error = failure(
        lambda: stub.AssignCase(pb.AssignCaseRequest(case_id=case.case_id), metadata=MANAGER)
    )
    assert fields_of(error) == {"assignee_id"}


def test_scope_reps_managers_other_regions_and_executives(stub: Stub) -> None:
    rep1 = caller("rep-1", "rep", "EMEA")
    opened_by_rep = open_case(stub, rep1)
    assigned_to_rep = open_case(stub, assignee_id="rep-1")
    someone_elses = open_case(stub, assignee_id="rep-2")
    apac_case = open_case(stub, caller("mgr-2", "manager", "APAC"), region="APAC")
    listed = stub.ListCases(pb.ListCasesRequest(), metadata=rep1).cases
    assert {c.case_id for c in listed} == {opened_by_rep.case_id, assigned_to_rep.case_id}
    error = failure(
        lambda: stub.GetCase(pb.GetCaseRequest(case_id=someone_elses.case_id), metadata=rep1)
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
    # A rep may not open a case for someone else either.
    error = failure(lambda: open_case(stub, rep1, assignee_id="rep-2"))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    manager_sees = stub.ListCases(pb.ListCasesRequest(), metadata=MANAGER).cases
    assert apac_case.case_id not in {c.case_id for c in manager_sees} and len(manager_sees) == 3
    assert stub.ListCases(pb.ListCasesRequest(region="APAC"), metadata=MANAGER).cases == []
    for call in (
        lambda: stub.GetCase(pb.GetCaseRequest(case_id=apac_case.case_id), metadata=MANAGER),
        lambda: act(stub, "start", apac_case.case_id),
        lambda: stub.AssignCase(
            pb.AssignCaseRequest(case_id=apac_case.case_id, assignee_id="x"), metadata=MANAGER
        ),
    ):
        assert failure(call).code() == grpc.StatusCode.NOT_FOUND
    error = failure(lambda: open_case(stub, region="APAC"))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    executive = caller("ceo", "executive", "")
    assert len(stub.ListCases(pb.ListCasesRequest(), metadata=executive).cases) == 4
    error = failure(lambda: act(stub, "start", apac_case.case_id, executive))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    error = failure(
        lambda: stub.ListCases(pb.ListCasesRequest(), metadata=caller("ops", "platform", "EMEA"))
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


def make_overdue(db: Database, case_id: str, hours_ago: int = 1) -> None:
    with db.transaction() as session:
        session.execute(
            sa.update(CaseRecord)
            .where(CaseRecord.case_id == case_id)
            .values(due_at=datetime.now(UTC) - timedelta(hours=hours_ago))
        )


def test_filters_overdue_and_the_gauge(stub: Stub, db: Database) -> None:
    late_urgent = open_case(stub, priority=pb.CASE_PRIORITY_URGENT, customer_id="cus-2")
    late_started = open_case(stub, priority=pb.CASE_PRIORITY_URGENT, assignee_id="rep-1")
    act(stub, "start", late_started.case_id)
    late_but_resolved = open_case(stub, priority=pb.CASE_PRIORITY_LOW)
    act(stub, "start", late_but_resolved.case_id)
    act(stub, "resolve", late_but_resolved.case_id)
    on_time = open_case(stub, priority=pb.CASE_PRIORITY_URGENT)
    late_apac = open_case(stub, caller("m", "manager", "APAC"), region="APAC")
    for case in (late_urgent, late_started, late_but_resolved, late_apac):
        make_overdue(db, case.case_id)

    def ids(**filters: Any) -> list[str]:
        request = pb.ListCasesRequest(**filters)
        return [c.case_id for c in stub.ListCases(request, metadata=MANAGER).cases]

    assert ids(overdue=True) == [late_started.case_id, late_urgent.case_id]  # newest first
    listed = stub.ListCases(pb.ListCasesRequest(overdue=True), metadata=MANAGER).cases
    assert all(c.overdue for c in listed)
    got = stub.GetCase(pb.GetCaseRequest(case_id=on_time.case_id), metadata=MANAGER).case
    assert not got.overdue
    assert ids(status=pb.CASE_STATUS_RESOLVED) == [late_but_resolved.case_id]
    assert ids(priority=pb.CASE_PRIORITY_LOW) == [late_but_resolved.case_id]
    assert ids(assignee_id="rep-1") == [late_started.case_id]
    assert ids(customer_id="cus-2") == [late_urgent.case_id]
    assert ids(overdue=True, status=pb.CASE_STATUS_OPEN) == [late_urgent.case_id]

    def sample(region: str, priority: str) -> float | None:
        return REGISTRY.get_sample_value(
            "salesops_cases_overdue", {"region": region, "priority": priority}
        )

    assert sample("EMEA", "urgent") == 2
    assert sample("APAC", "high") == 1
    assert sample("EMEA", "low") is None  # resolved cases are not overdue


def test_pages_cover_every_case_once_and_tokens_are_bound_to_filters(stub: Stub) -> None:
    created = [open_case(stub, subject=f"Case {i}") for i in range(5)]
    seen: list[str] = []
    token = ""
    while True:
        page = stub.ListCases(
            pb.ListCasesRequest(page={"page_size": 2, "page_token": token}), metadata=MANAGER
        )
        seen += [c.case_id for c in page.cases]
        token = page.page.next_page_token
        if not token:
            break
    assert seen == [c.case_id for c in reversed(created)]
    first = stub.ListCases(pb.ListCasesRequest(page={"page_size": 1}), metadata=MANAGER)
    error = failure(
        lambda: stub.ListCases(
            pb.ListCasesRequest(overdue=True, page={"page_token": first.page.next_page_token}),
            metadata=MANAGER,
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
