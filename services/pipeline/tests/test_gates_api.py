"""Stage gates over gRPC: each kind of criterion blocks, lists every unmet rule, then passes.

Certifications arrive as training events through the real worker handlers
(`worker_factory`), in and out of order.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from nameko.testing.services import worker_factory
from salesops.pipeline.v1 import activities_pb2 as apb
from salesops.pipeline.v1 import opportunities_pb2 as pb
from salesops.pipeline.v1 import quotes_pb2 as qpb

from services.kit.db import Database
from services.pipeline.tests.test_opportunities_api import (
    ADMIN,
    DIRECTOR,
    REP,
    Sales,
    accepted_quote,
    advance,
    clear_gates,
    create_deal,
    failure,
    field_violations,
    line,
    log_meeting,
    rule_violations,
    sales_stubs,
    seed_customer,
    seed_rep,
)
from services.pipeline.worker import Worker

PROSPECTING = "new_business.prospecting"
DISCOVERY = "new_business.discovery"
SOLUTION = "new_business.solution"
NEGOTIATION = "new_business.negotiation"


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("pipeline", database_url)
    seed_customer(database)
    seed_rep(database, "rep-1")
    return database


@pytest.fixture
def sales(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Sales:
    stubs = sales_stubs(serve_api("pipeline", db))
    clear_gates(stubs)
    return stubs


@pytest.fixture
def worker(db: Database) -> Any:
    return worker_factory(Worker, db=db)


def set_gate(sales: Sales, stage_id: str, *criteria: pb.GateCriterion, comment: str = "") -> Any:
    return sales.deals.SetStageGate(
        pb.SetStageGateRequest(stage_id=stage_id, criteria=list(criteria), comment=comment),
        metadata=ADMIN,
    ).gate


def field(name: str) -> pb.GateCriterion:
    return pb.GateCriterion(required_field=pb.RequiredField(field=name))


def subjects(error: grpc.RpcError) -> list[str]:
    return [v.subject for v in rule_violations(error)]


def update(sales: Sales, opportunity_id: str, **values: Any) -> None:
    sales.deals.UpdateOpportunity(
        pb.UpdateOpportunityRequest(
            opportunity=pb.Opportunity(opportunity_id=opportunity_id, **values),
            update_mask=FieldMask(paths=list(values)),
        ),
        metadata=REP,
    )


def certification(
    kind: str,
    certification_id: str,
    *,
    product_line: str = "analytics",
    valid_until: str = "",
    occurred_at: str = "2027-01-05T10:00:00Z",
) -> dict[str, Any]:
    today = datetime.now(UTC).date()
    return {
        "event_id": str(uuid.uuid4()),
        "type": f"training.certification.{kind}",
        "schema_version": 1,
        "occurred_at": occurred_at,
        "source": "training",
        "region": "EMEA",
        "actor": "trainer",
        "correlation_id": "c-1",
        "payload": {
            "certification_id": certification_id,
            "rep_id": "rep-1",
            "region": "EMEA",
            "product_line": product_line,
            "valid_from": (today - timedelta(days=100)).isoformat(),
            "valid_until": valid_until or (today + timedelta(days=100)).isoformat(),
        },
    }


def test_required_fields_block_listing_every_missing_field_then_pass(sales: Sales) -> None:
    set_gate(sales, PROSPECTING, field("next_step"), field("competitors"), field("amount"))
    deal = create_deal(sales, next_step="", line_items=[], currency="EUR")
    error = failure(lambda: advance(sales, deal.opportunity_id))
    assert subjects(error) == [
        f"stages/{PROSPECTING}/field.next_step",
        f"stages/{PROSPECTING}/field.competitors",
        f"stages/{PROSPECTING}/field.amount",
    ]
    assert rule_violations(error)[0].type == "GATE"
    assert "fill in next_step before leaving Prospecting" in rule_violations(error)[0].description
    update(sales, deal.opportunity_id, next_step="demo", competitors=["Globex"])
    assert subjects(failure(lambda: advance(sales, deal.opportunity_id))) == [
        f"stages/{PROSPECTING}/field.amount"
    ]
    update(sales, deal.opportunity_id, line_items=[line()])
    assert advance(sales, deal.opportunity_id).stage_id == DISCOVERY


def test_required_activity_counts_completed_activities_with_an_outcome(sales: Sales) -> None:
    set_gate(
        sales,
        PROSPECTING,
        pb.GateCriterion(
            name="two-calls",
            required_activity=pb.RequiredActivity(
                activity_type=apb.ACTIVITY_TYPE_CALL, min_count=2, with_outcome=True
            ),
        ),
        pb.GateCriterion(
            required_activity=pb.RequiredActivity(activity_type=apb.ACTIVITY_TYPE_MEETING)
        ),
    )
    deal = create_deal(sales)
    error = failure(lambda: advance(sales, deal.opportunity_id))
    assert subjects(error) == [
        f"stages/{PROSPECTING}/two-calls",
        f"stages/{PROSPECTING}/activity.meeting",
    ]
    assert "log 2 call(s) with an outcome" in rule_violations(error)[0].description

    def call(outcome: str) -> None:
        sales.activities.LogActivity(
            apb.LogActivityRequest(
                type=apb.ACTIVITY_TYPE_CALL,
                subject="call",
                outcome=outcome,
                opportunity_id=deal.opportunity_id,
            ),
            metadata=REP,
        )

    call("interested")
    call("")  # no outcome: does not count
    log_meeting(sales, deal.opportunity_id, outcome="")  # counts: no outcome required
    error = failure(lambda: advance(sales, deal.opportunity_id))
    assert subjects(error) == [f"stages/{PROSPECTING}/two-calls"]
    assert "(found 1)" in rule_violations(error)[0].description
    call("budget confirmed")
    assert advance(sales, deal.opportunity_id).stage_id == DISCOVERY


def test_an_approved_quote_is_needed_to_leave_negotiation(sales: Sales) -> None:
    set_gate(sales, NEGOTIATION, pb.GateCriterion(approved_quote=pb.ApprovedQuote()))
    deal = create_deal(sales)
    advance(sales, deal.opportunity_id, target=NEGOTIATION)
    draft = sales.quotes.CreateQuote(
        qpb.CreateQuoteRequest(opportunity_id=deal.opportunity_id), metadata=REP
    ).quote
    win = pb.WinOpportunityRequest(opportunity_id=deal.opportunity_id)
    error = failure(lambda: sales.deals.WinOpportunity(win, metadata=REP))
    # Both the missing acceptance and the gate are listed, not only the first.
    assert sorted(subjects(error)) == [
        f"opportunities/{deal.opportunity_id}/quote",
        f"stages/{NEGOTIATION}/quote.approved",
    ]
    sales.quotes.SubmitQuote(qpb.SubmitQuoteRequest(quote_id=draft.quote_id), metadata=REP)
    sales.quotes.AcceptQuote(qpb.AcceptQuoteRequest(quote_id=draft.quote_id), metadata=REP)
    won = sales.deals.WinOpportunity(win, metadata=REP).opportunity
    assert won.status == pb.OPPORTUNITY_STATUS_WON


def test_accepted_only_quote_gate(sales: Sales) -> None:
    set_gate(
        sales, PROSPECTING, pb.GateCriterion(approved_quote=pb.ApprovedQuote(accepted_only=True))
    )
    deal = create_deal(sales)
    quote = sales.quotes.CreateQuote(
        qpb.CreateQuoteRequest(opportunity_id=deal.opportunity_id), metadata=REP
    ).quote
    sales.quotes.SubmitQuote(qpb.SubmitQuoteRequest(quote_id=quote.quote_id), metadata=REP)
    error = failure(lambda: advance(sales, deal.opportunity_id))
    assert subjects(error) == [f"stages/{PROSPECTING}/quote.accepted"]
    sales.quotes.AcceptQuote(qpb.AcceptQuoteRequest(quote_id=quote.quote_id), metadata=REP)
    assert advance(sales, deal.opportunity_id).stage_id == DISCOVERY


def test_owner_certification_for_every_product_line_from_training_events(
    sales: Sales, worker: Any
) -> None:
    set_gate(sales, PROSPECTING, pb.GateCriterion(owner_certification=pb.OwnerCertification()))
    deal = create_deal(sales, line_items=[line("analytics"), line("cloud"), line("support")])
    error = failure(lambda: advance(sales, deal.opportunity_id))
    assert [v.description for v in rule_violations(error)] == [
        f"the owner rep-1 needs a valid certification for '{product}' before the deal "
        "leaves Prospecting"
        for product in ("analytics", "cloud", "support")
    ]
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    assert worker.on_certification_granted(certification("granted", "c-an")) == "applied"
    worker.on_certification_granted(
        certification("granted", "c-cl", product_line="cloud", valid_until=yesterday)
    )
    worker.on_certification_granted(certification("granted", "c-su", product_line="support"))
    worker.on_certification_revoked(certification("revoked", "c-su", product_line="support"))
    error = failure(lambda: advance(sales, deal.opportunity_id))
    assert [v.description.split("'")[1] for v in rule_violations(error)] == ["cloud", "support"]
    worker.on_certification_granted(certification("granted", "c-cl2", product_line="cloud"))
    worker.on_certification_granted(certification("granted", "c-su2", product_line="support"))
    assert advance(sales, deal.opportunity_id).stage_id == DISCOVERY


def test_certification_events_out_of_order(sales: Sales, worker: Any) -> None:
    set_gate(sales, PROSPECTING, pb.GateCriterion(owner_certification=pb.OwnerCertification()))
    deal = create_deal(sales)
    # The revocation overtakes the grant: the late grant does not revive it.
    worker.on_certification_revoked(
        certification("revoked", "c-1", occurred_at="2027-02-01T00:00:00Z")
    )
    worker.on_certification_granted(
        certification("granted", "c-1", occurred_at="2027-01-01T00:00:00Z")
    )
    assert failure(lambda: advance(sales, deal.opportunity_id)).code() == (
        grpc.StatusCode.FAILED_PRECONDITION
    )
    # A late "expired" does not undo a newer renewal of the same certification.
    worker.on_certification_granted(
        certification("granted", "c-2", occurred_at="2027-03-01T00:00:00Z")
    )
    worker.on_certification_expired(
        certification("expired", "c-2", occurred_at="2027-02-01T00:00:00Z")
    )
    assert advance(sales, deal.opportunity_id).stage_id == DISCOVERY
    # A duplicate delivery is acknowledged and ignored.
    event = certification("expired", "c-2", occurred_at="2027-04-01T00:00:00Z")
    assert worker.on_certification_expired(event) == "applied"
    assert worker.on_certification_expired(event) == "duplicate"


def test_skipping_stages_checks_every_gate_on_the_way(sales: Sales) -> None:
    set_gate(sales, PROSPECTING, field("competitors"))
    set_gate(sales, DISCOVERY, pb.GateCriterion(approved_quote=pb.ApprovedQuote()))
    set_gate(sales, SOLUTION, field("competitors"))
    deal = create_deal(sales)
    error = failure(lambda: advance(sales, deal.opportunity_id, target=NEGOTIATION))
    assert subjects(error) == [
        f"stages/{PROSPECTING}/field.competitors",
        f"stages/{DISCOVERY}/quote.approved",
        f"stages/{SOLUTION}/field.competitors",
    ]
    # Only the stages left are checked: moving one stage needs only the first gate.
    update(sales, deal.opportunity_id, competitors=["Globex"])
    assert advance(sales, deal.opportunity_id).stage_id == DISCOVERY


def test_gates_are_versioned_and_evaluation_uses_the_current_version(sales: Sales) -> None:
    first = set_gate(sales, PROSPECTING, field("competitors"), comment="tighten")
    second = set_gate(sales, PROSPECTING, comment="relax")
    assert second.version == first.version + 1
    history = sales.deals.ListStageGateVersions(
        pb.ListStageGateVersionsRequest(stage_id=PROSPECTING), metadata=REP
    ).gates
    assert [g.version for g in history][:2] == [second.version, first.version]
    assert [g.comment for g in history][:2] == ["relax", "tighten"]
    old = sales.deals.GetStageGate(
        pb.GetStageGateRequest(stage_id=PROSPECTING, version=first.version), metadata=REP
    ).gate
    assert [c.required_field.field for c in old.criteria] == ["competitors"]
    current = sales.deals.GetStageGate(
        pb.GetStageGateRequest(stage_id=PROSPECTING), metadata=REP
    ).gate
    assert current.version == second.version and list(current.criteria) == []
    deal = create_deal(sales)
    assert advance(sales, deal.opportunity_id).stage_id == DISCOVERY
    third = set_gate(sales, DISCOVERY, field("competitors"))
    assert third.created_by == "admin-1"
    assert failure(lambda: advance(sales, deal.opportunity_id)).code() == (
        grpc.StatusCode.FAILED_PRECONDITION
    )


def test_only_an_admin_sets_gates_and_bad_criteria_are_named(sales: Sales) -> None:
    denied = failure(
        lambda: sales.deals.SetStageGate(
            pb.SetStageGateRequest(stage_id=PROSPECTING, criteria=[field("next_step")]),
            metadata=DIRECTOR,
        )
    )
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    bad = failure(
        lambda: set_gate(
            sales,
            PROSPECTING,
            field("colour"),
            pb.GateCriterion(name="x"),
            pb.GateCriterion(
                name="bad name!",
                required_activity=pb.RequiredActivity(activity_type=apb.ACTIVITY_TYPE_CALL),
            ),
        )
    )
    assert set(field_violations(bad)) == {
        "criteria[0].required_field.field",
        "criteria[1]",
        "criteria[2].name",
    }
    closed = failure(lambda: set_gate(sales, "new_business.closed_won", field("next_step")))
    assert "stage_id" in field_violations(closed)
    missing = failure(
        lambda: sales.deals.GetStageGate(pb.GetStageGateRequest(stage_id="nope"), metadata=REP)
    )
    assert missing.code() == grpc.StatusCode.NOT_FOUND


def test_the_default_gates_walk_a_deal_through_every_stage(
    db: Database, serve_api: Callable[[str, Database], grpc.Channel]
) -> None:
    sales = sales_stubs(serve_api("pipeline", db))  # the seeded gates, not cleared
    deal = create_deal(sales, expected_close_date="", next_step="")
    blocked = failure(lambda: advance(sales, deal.opportunity_id))
    assert subjects(blocked) == [f"stages/{PROSPECTING}/field.expected_close_date"]
    update(sales, deal.opportunity_id, expected_close_date="2099-12-31")
    advance(sales, deal.opportunity_id)
    assert subjects(failure(lambda: advance(sales, deal.opportunity_id))) == [
        f"stages/{DISCOVERY}/activity.meeting"
    ]
    log_meeting(sales, deal.opportunity_id)
    advance(sales, deal.opportunity_id)
    assert subjects(failure(lambda: advance(sales, deal.opportunity_id))) == [
        f"stages/{SOLUTION}/field.next_step"
    ]
    update(sales, deal.opportunity_id, next_step="negotiate terms")
    assert advance(sales, deal.opportunity_id).stage_id == NEGOTIATION
    accepted_quote(sales, deal.opportunity_id)
    won = sales.deals.WinOpportunity(
        pb.WinOpportunityRequest(opportunity_id=deal.opportunity_id), metadata=REP
    )
    assert won.opportunity.stage_id == "new_business.closed_won"
    assert won.contract.status == qpb.CONTRACT_STATUS_ACTIVE
