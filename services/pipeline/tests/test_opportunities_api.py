"""Opportunities over a real grpcio server, on SQLite and PostgreSQL.

The helpers at the top (stubs, callers, seeding the customer and rep copies,
reading rich errors and the outbox) are shared by the other sales-process
test modules.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf.field_mask_pb2 import FieldMask
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from prometheus_client import REGISTRY
from salesops.common.v1 import common_pb2
from salesops.pipeline.v1 import activities_pb2 as apb
from salesops.pipeline.v1 import activities_pb2_grpc, opportunities_pb2_grpc, quotes_pb2_grpc
from salesops.pipeline.v1 import opportunities_pb2 as pb
from salesops.pipeline.v1 import quotes_pb2 as qpb

from services.kit.db import Database
from services.kit.schema import outbox
from services.kit.testing import caller
from services.pipeline.api.opportunities import open_pipeline_value
from services.pipeline.models.copies import CustomerCopyRecord
from services.pipeline.models.reps import RepRecord

Metadata = list[tuple[str, str]]

REP = caller("rep-1", "rep", "EMEA")
REP2 = caller("rep-2", "rep", "EMEA")
MANAGER = caller("mgr-1", "manager", "EMEA")
OTHER_MANAGER = caller("mgr-2", "manager", "EMEA")
DIRECTOR = caller("dir-1", "director", "EMEA")
APAC_DIRECTOR = caller("dir-9", "director", "APAC")
ADMIN = caller("admin-1", "admin", "*")


@dataclass
class Sales:
    """The three sales-process services over one channel."""

    deals: opportunities_pb2_grpc.OpportunityServiceStub
    quotes: quotes_pb2_grpc.QuoteServiceStub
    activities: activities_pb2_grpc.ActivityServiceStub


def sales_stubs(channel: grpc.Channel) -> Sales:
    return Sales(
        opportunities_pb2_grpc.OpportunityServiceStub(channel),
        quotes_pb2_grpc.QuoteServiceStub(channel),
        activities_pb2_grpc.ActivityServiceStub(channel),
    )


def seed_customer(
    db: Database,
    customer_id: str = "cus-1",
    region: str = "EMEA",
    owner_id: str = "rep-1",
    name: str = "Acme GmbH",
) -> None:
    with db.transaction() as session:
        session.add(
            CustomerCopyRecord(
                customer_id=customer_id,
                region=region,
                name=name,
                owner_id=owner_id,
                merged_into="",
                known=True,
                source_occurred_at=datetime(2027, 1, 1, tzinfo=UTC),
            )
        )


def seed_rep(
    db: Database,
    rep_id: str,
    *,
    region: str = "EMEA",
    team_id: str = "team-1",
    manager_id: str = "mgr-1",
    status: str = "active",
) -> None:
    with db.transaction() as session:
        session.merge(
            RepRecord(
                rep_id=rep_id,
                name=rep_id,
                email=f"{rep_id}@example.com",
                region=region,
                team_id=team_id,
                manager_id=manager_id,
                role="rep",
                status=status,
                capacity=10,
                source_occurred_at=datetime(2027, 1, 1, tzinfo=UTC),
            )
        )


def eur(amount_minor: int, currency: str = "EUR") -> common_pb2.Money:
    return common_pb2.Money(currency=currency, amount_minor=amount_minor)


def line(
    product_line: str = "analytics", quantity: int = 1, unit: int = 100_000, currency: str = "EUR"
) -> pb.OpportunityLineItem:
    return pb.OpportunityLineItem(
        product_line=product_line, quantity=quantity, unit_price=eur(unit, currency)
    )


def future(days: int = 30) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def create_deal(sales: Sales, who: Metadata = REP, **fields: Any) -> pb.Opportunity:
    request = pb.CreateOpportunityRequest(
        customer_id=fields.pop("customer_id", "cus-1"),
        name=fields.pop("name", "Acme platform"),
        line_items=fields.pop("line_items", [line()]),
        expected_close_date=fields.pop("expected_close_date", future()),
        next_step=fields.pop("next_step", "send proposal"),
        **fields,
    )
    return sales.deals.CreateOpportunity(request, metadata=who).opportunity


def failure(call: Callable[[], Any]) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def rule_violations(error: grpc.RpcError) -> list[error_details_pb2.PreconditionFailure.Violation]:
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, error.details()
    status = rpc_status.from_call(error)
    failure_details = error_details_pb2.PreconditionFailure()
    assert status is not None and status.details[0].Unpack(failure_details)
    return list(failure_details.violations)


def field_violations(error: grpc.RpcError) -> dict[str, str]:
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
    status = rpc_status.from_call(error)
    bad = error_details_pb2.BadRequest()
    assert status is not None and status.details[0].Unpack(bad)
    return {v.field: v.description for v in bad.field_violations}


def envelopes(db: Database, event_type: str) -> list[dict[str, Any]]:
    with db.transaction() as session:
        return [
            json.loads(text)
            for text in session.scalars(
                sa.select(outbox.c.envelope)
                .where(outbox.c.type == event_type)
                .order_by(outbox.c.id)
            )
        ]


def event_types(db: Database) -> list[str]:
    with db.transaction() as session:
        return list(session.scalars(sa.select(outbox.c.type).order_by(outbox.c.id)))


def clear_gates(sales: Sales, pipeline_id: str = "new_business") -> None:
    """Give every open stage an empty gate, so a test moves deals freely."""
    pipeline = sales.deals.GetPipeline(
        pb.GetPipelineRequest(pipeline_id=pipeline_id), metadata=ADMIN
    ).pipeline
    for stage in pipeline.stages:
        if stage.kind == pb.STAGE_KIND_OPEN:
            sales.deals.SetStageGate(
                pb.SetStageGateRequest(stage_id=stage.stage_id, comment="tests"), metadata=ADMIN
            )


def accepted_quote(
    sales: Sales, opportunity_id: str, who: Metadata = REP, discount_bp: int = 0
) -> qpb.Quote:
    """A quote of the deal's lines, submitted (within authority) and accepted."""
    quote = sales.quotes.CreateQuote(
        qpb.CreateQuoteRequest(opportunity_id=opportunity_id, discount_bp=discount_bp),
        metadata=who,
    ).quote
    sales.quotes.SubmitQuote(qpb.SubmitQuoteRequest(quote_id=quote.quote_id), metadata=who)
    return sales.quotes.AcceptQuote(
        qpb.AcceptQuoteRequest(quote_id=quote.quote_id), metadata=who
    ).quote


def log_meeting(
    sales: Sales, opportunity_id: str, who: Metadata = REP, outcome: str = "ok"
) -> None:
    sales.activities.LogActivity(
        apb.LogActivityRequest(
            type=apb.ACTIVITY_TYPE_MEETING,
            subject="discovery meeting",
            outcome=outcome,
            opportunity_id=opportunity_id,
        ),
        metadata=who,
    )


def advance(
    sales: Sales, opportunity_id: str, who: Metadata = REP, target: str = ""
) -> pb.Opportunity:
    return sales.deals.AdvanceOpportunity(
        pb.AdvanceOpportunityRequest(opportunity_id=opportunity_id, target_stage_id=target),
        metadata=who,
    ).opportunity


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("pipeline", database_url)
    seed_customer(database)
    seed_rep(database, "rep-1")
    seed_rep(database, "rep-2")
    return database


@pytest.fixture
def sales(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Sales:
    return sales_stubs(serve_api("pipeline", db))


# --- pipelines ------------------------------------------------------------------------


def test_the_default_pipelines_are_seeded_with_ordered_stages(sales: Sales) -> None:
    pipelines = sales.deals.ListPipelines(pb.ListPipelinesRequest(), metadata=REP).pipelines
    by_id = {p.pipeline_id: p for p in pipelines}
    assert {"new_business", "renewal"} <= set(by_id)
    stages = by_id["new_business"].stages
    assert [(s.name, s.probability_bp) for s in stages] == [
        ("Prospecting", 1000),
        ("Discovery", 2000),
        ("Solution", 4000),
        ("Negotiation", 6000),
        ("Closed Won", 10000),
        ("Closed Lost", 0),
    ]
    assert [s.position for s in stages] == [1, 2, 3, 4, 5, 6]
    assert stages[3].forecast_category == pb.FORECAST_CATEGORY_COMMIT
    assert (stages[4].kind, stages[5].kind) == (pb.STAGE_KIND_WON, pb.STAGE_KIND_LOST)


def test_an_admin_creates_and_edits_a_pipeline_and_others_may_not(sales: Sales) -> None:
    request = pb.CreatePipelineRequest(
        name="Partner deals",
        kind="partner",
        region="EMEA",
        stages=[
            pb.StageInput(name="Qualify", probability_bp=2000),
            pb.StageInput(name="Commit", probability_bp=7000, forecast_category=3),
            pb.StageInput(name="Won", kind=pb.STAGE_KIND_WON),
            pb.StageInput(name="Lost", kind=pb.STAGE_KIND_LOST),
        ],
    )
    assert failure(lambda: sales.deals.CreatePipeline(request, metadata=DIRECTOR)).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    pipeline = sales.deals.CreatePipeline(request, metadata=ADMIN).pipeline
    assert [s.forecast_category for s in pipeline.stages] == [
        pb.FORECAST_CATEGORY_PIPELINE,
        pb.FORECAST_CATEGORY_COMMIT,
        pb.FORECAST_CATEGORY_CLOSED,
        pb.FORECAST_CATEGORY_OMITTED,
    ]
    assert pipeline.stages[2].probability_bp == 10000
    qualify, commit, won, lost = pipeline.stages
    updated = sales.deals.UpdatePipeline(
        pb.UpdatePipelineRequest(
            pipeline_id=pipeline.pipeline_id,
            name="Partner business",
            stages=[
                pb.StageInput(stage_id=qualify.stage_id, name="Qualify", probability_bp=1500),
                pb.StageInput(name="Propose", probability_bp=4000),
                pb.StageInput(stage_id=commit.stage_id, name="Commit", probability_bp=7000),
                pb.StageInput(stage_id=won.stage_id, name="Won", kind=pb.STAGE_KIND_WON),
                pb.StageInput(stage_id=lost.stage_id, name="Lost", kind=pb.STAGE_KIND_LOST),
            ],
        ),
        metadata=ADMIN,
    ).pipeline
    assert updated.name == "Partner business"
    assert [(s.name, s.position, s.probability_bp) for s in updated.stages[:3]] == [
        ("Qualify", 1, 1500),
        ("Propose", 2, 4000),
        ("Commit", 3, 7000),
    ]
    apac = sales.deals.ListPipelines(pb.ListPipelinesRequest(), metadata=APAC_DIRECTOR).pipelines
    assert pipeline.pipeline_id not in [p.pipeline_id for p in apac]


def test_bad_stage_lists_name_every_problem(sales: Sales) -> None:
    error = failure(
        lambda: sales.deals.CreatePipeline(
            pb.CreatePipelineRequest(
                name="Broken",
                kind="Broken Kind",
                stages=[
                    pb.StageInput(name="Won", kind=pb.STAGE_KIND_WON),
                    pb.StageInput(name="Open", probability_bp=12000),
                ],
            ),
            metadata=ADMIN,
        )
    )
    fields = field_violations(error)
    assert "stages[1].probability_bp" in fields
    assert "stages" in fields  # no lost stage; open after won


# --- creating and reading ----------------------------------------------------------------


def test_create_sums_lines_exactly_defaults_the_team_and_emits_created(
    sales: Sales, db: Database
) -> None:
    deal = create_deal(
        sales,
        line_items=[line("analytics", 3, 33_333), line("support", 7, 1_999)],
        competitors=["Globex", " globex ", "Initech"],
    )
    assert deal.amount == eur(3 * 33_333 + 7 * 1_999)
    assert [item.amount.amount_minor for item in deal.line_items] == [99_999, 13_993]
    assert deal.stage_id == "new_business.prospecting" and deal.stage_name == "Prospecting"
    assert deal.status == pb.OPPORTUNITY_STATUS_OPEN
    assert (deal.region, deal.owner_id, deal.team_id) == ("EMEA", "rep-1", "team-1")
    assert list(deal.competitors) == ["Globex", "Initech"]
    assert [(m.rep_id, m.share_bp) for m in deal.team_members] == [("rep-1", 10000)]
    assert deal.probability_bp == 1000 and deal.HasField("stage_enter_time")
    (created,) = envelopes(db, "pipeline.opportunity.created")
    assert created["payload"]["amount"] == {"currency": "EUR", "amount_minor": "113992"}
    assert created["payload"]["team_id"] == "team-1"


@pytest.mark.parametrize("shares", [(5000, 4999), (5000, 5001)])
def test_credit_splits_must_sum_to_exactly_10000(sales: Sales, db: Database, shares: Any) -> None:
    team = [
        pb.TeamMember(rep_id="rep-1", share_bp=shares[0]),
        pb.TeamMember(rep_id="rep-2", role="sales_engineer", share_bp=shares[1]),
    ]
    error = failure(lambda: create_deal(sales, team_members=team))
    assert "sum to exactly 10000" in field_violations(error)["team_members"]
    assert event_types(db) == []
    ok = create_deal(
        sales,
        team_members=[
            pb.TeamMember(rep_id="rep-1", share_bp=6000),
            pb.TeamMember(rep_id="rep-2", role="sales_engineer", share_bp=4000),
        ],
    )
    assert [(m.rep_id, m.role, m.share_bp) for m in ok.team_members] == [
        ("rep-1", "owner", 6000),
        ("rep-2", "sales_engineer", 4000),
    ]


def test_invalid_deals_name_every_field(sales: Sales, db: Database) -> None:
    error = failure(
        lambda: create_deal(
            sales,
            name="",
            line_items=[line(quantity=0), line(currency="USD")],
            expected_close_date="31/03/2027",
        )
    )
    fields = field_violations(error)
    assert {"name", "line_items[0].quantity", "line_items", "expected_close_date"} <= set(fields)
    no_currency = failure(lambda: create_deal(sales, line_items=[]))
    assert "currency" in field_violations(no_currency)


def test_the_customer_must_be_known_unmerged_and_in_scope(sales: Sales, db: Database) -> None:
    seed_customer(db, "cus-apac", region="APAC")
    for customer_id in ("cus-unknown", "cus-apac"):
        error = failure(lambda customer_id=customer_id: create_deal(sales, customer_id=customer_id))
        assert "customer_id" in field_violations(error)
    with db.transaction() as session:
        session.get(CustomerCopyRecord, "cus-1").merged_into = "cus-2"  # type: ignore[union-attr]
    error = failure(lambda: create_deal(sales))
    assert "merged into customer cus-2" in field_violations(error)["customer_id"]


def test_a_rep_opens_deals_only_for_themselves(sales: Sales) -> None:
    error = failure(lambda: create_deal(sales, owner_id="rep-2"))
    assert "owner_id" in field_violations(error)
    deal = create_deal(sales, who=MANAGER, owner_id="rep-2")
    assert deal.owner_id == "rep-2" and deal.audit.created_by == "mgr-1"
    other = failure(lambda: create_deal(sales, who=OTHER_MANAGER, owner_id="rep-2"))
    assert other.code() == grpc.StatusCode.PERMISSION_DENIED


def test_scoping_other_region_is_not_found_and_reps_see_their_own_or_team_deals(
    sales: Sales, db: Database
) -> None:
    mine = create_deal(sales)
    shared = create_deal(
        sales,
        who=REP2,
        team_members=[
            pb.TeamMember(rep_id="rep-2", share_bp=7000),
            pb.TeamMember(rep_id="rep-1", share_bp=3000),
        ],
    )
    theirs = create_deal(sales, who=REP2, name="Rep 2 only")
    listed = sales.deals.ListOpportunities(pb.ListOpportunitiesRequest(), metadata=REP)
    assert {o.opportunity_id for o in listed.opportunities} == {
        mine.opportunity_id,
        shared.opportunity_id,
    }
    for call in (
        lambda: sales.deals.GetOpportunity(
            pb.GetOpportunityRequest(opportunity_id=theirs.opportunity_id), metadata=REP
        ),
        lambda: advance(sales, theirs.opportunity_id, REP),
        lambda: sales.deals.GetOpportunity(
            pb.GetOpportunityRequest(opportunity_id=mine.opportunity_id), metadata=APAC_DIRECTOR
        ),
        lambda: sales.deals.LoseOpportunity(
            pb.LoseOpportunityRequest(opportunity_id=mine.opportunity_id, reason="x"),
            metadata=APAC_DIRECTOR,
        ),
    ):
        assert failure(call).code() == grpc.StatusCode.NOT_FOUND
    apac = sales.deals.ListOpportunities(
        pb.ListOpportunitiesRequest(region="EMEA"), metadata=APAC_DIRECTOR
    )
    assert list(apac.opportunities) == []
    # A team member reads the deal but does not edit it.
    edit = failure(
        lambda: sales.deals.UpdateOpportunity(
            pb.UpdateOpportunityRequest(
                opportunity=pb.Opportunity(opportunity_id=shared.opportunity_id, next_step="x"),
                update_mask=FieldMask(paths=["next_step"]),
            ),
            metadata=REP,
        )
    )
    assert edit.code() == grpc.StatusCode.PERMISSION_DENIED


def test_list_filters_and_pages(sales: Sales) -> None:
    first = create_deal(sales)
    second = create_deal(sales, name="Second")
    create_deal(sales, who=REP2)
    by_owner = sales.deals.ListOpportunities(
        pb.ListOpportunitiesRequest(owner_id="rep-1", page=common_pb2.PageRequest(page_size=1)),
        metadata=DIRECTOR,
    )
    assert [o.opportunity_id for o in by_owner.opportunities] == [second.opportunity_id]
    page_two = sales.deals.ListOpportunities(
        pb.ListOpportunitiesRequest(
            owner_id="rep-1",
            page=common_pb2.PageRequest(page_size=1, page_token=by_owner.page.next_page_token),
        ),
        metadata=DIRECTOR,
    )
    assert [o.opportunity_id for o in page_two.opportunities] == [first.opportunity_id]
    assert page_two.page.next_page_token == ""
    by_stage = sales.deals.ListOpportunities(
        pb.ListOpportunitiesRequest(
            stage_id="new_business.prospecting",
            pipeline_id="new_business",
            status=pb.OPPORTUNITY_STATUS_OPEN,
        ),
        metadata=DIRECTOR,
    )
    assert len(by_stage.opportunities) == 3
    won = sales.deals.ListOpportunities(
        pb.ListOpportunitiesRequest(status=pb.OPPORTUNITY_STATUS_WON), metadata=DIRECTOR
    )
    assert list(won.opportunities) == []


def test_update_changes_only_the_masked_fields(sales: Sales, db: Database) -> None:
    deal = create_deal(sales)
    updated = sales.deals.UpdateOpportunity(
        pb.UpdateOpportunityRequest(
            opportunity=pb.Opportunity(
                opportunity_id=deal.opportunity_id,
                name="ignored, not in the mask",
                next_step="call the CFO",
                line_items=[line("analytics", 2, 250_00)],
            ),
            update_mask=FieldMask(paths=["next_step", "line_items"]),
        ),
        metadata=REP,
    ).opportunity
    assert updated.name == deal.name
    assert updated.next_step == "call the CFO"
    assert updated.amount == eur(500_00)
    assert updated.version == deal.version + 1
    # Planning's copy hears of the new value (the next step is the pipeline's own).
    [edit] = envelopes(db, "pipeline.opportunity.updated")
    assert edit["payload"]["changed"] == ["amount"]
    assert edit["payload"]["amount"] == {"currency": "EUR", "amount_minor": "50000"}
    assert edit["payload"]["owner_id"] == deal.owner_id
    bad = failure(
        lambda: sales.deals.UpdateOpportunity(
            pb.UpdateOpportunityRequest(
                opportunity=pb.Opportunity(opportunity_id=deal.opportunity_id),
                update_mask=FieldMask(paths=["owner_id"]),
            ),
            metadata=REP,
        )
    )
    assert "update_mask" in field_violations(bad)
    # The manager of the owner's team edits; a manager of another team does not.
    sales.deals.UpdateOpportunity(
        pb.UpdateOpportunityRequest(
            opportunity=pb.Opportunity(opportunity_id=deal.opportunity_id, next_step="by mgr"),
            update_mask=FieldMask(paths=["next_step"]),
        ),
        metadata=MANAGER,
    )
    denied = failure(
        lambda: sales.deals.UpdateOpportunity(
            pb.UpdateOpportunityRequest(
                opportunity=pb.Opportunity(opportunity_id=deal.opportunity_id, next_step="no"),
                update_mask=FieldMask(paths=["next_step"]),
            ),
            metadata=OTHER_MANAGER,
        )
    )
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED


# --- moving --------------------------------------------------------------------------------


def test_advance_to_next_and_to_a_named_stage_keeps_history(sales: Sales, db: Database) -> None:
    clear_gates(sales)
    deal = create_deal(sales)
    moved = advance(sales, deal.opportunity_id)
    assert moved.stage_id == "new_business.discovery" and moved.probability_bp == 2000
    jumped = advance(sales, deal.opportunity_id, target="new_business.negotiation")
    assert jumped.stage_name == "Negotiation"
    assert jumped.forecast_category == pb.FORECAST_CATEGORY_COMMIT
    history = sales.deals.ListOpportunityStageHistory(
        pb.ListOpportunityStageHistoryRequest(opportunity_id=deal.opportunity_id), metadata=REP
    ).visits
    assert [v.stage_name for v in history] == ["Prospecting", "Discovery", "Negotiation"]
    assert history[0].HasField("exit_time") and not history[2].HasField("exit_time")
    assert all(v.duration_seconds >= 0 for v in history)
    changes = envelopes(db, "pipeline.opportunity.stage_changed")
    assert [(c["payload"]["from_stage_id"], c["payload"]["to_stage_id"]) for c in changes] == [
        ("new_business.prospecting", "new_business.discovery"),
        ("new_business.discovery", "new_business.negotiation"),
    ]
    back = failure(lambda: advance(sales, deal.opportunity_id, target="new_business.solution"))
    assert "only move forward" in rule_violations(back)[0].description
    closing = failure(lambda: advance(sales, deal.opportunity_id, target="new_business.closed_won"))
    assert "win it instead" in rule_violations(closing)[0].description
    last = failure(lambda: advance(sales, deal.opportunity_id))
    assert "last open stage" in rule_violations(last)[0].description


def test_lose_requires_a_reason_records_the_competitor_and_closes(
    sales: Sales, db: Database
) -> None:
    deal = create_deal(sales, competitors=["Globex"])
    error = failure(
        lambda: sales.deals.LoseOpportunity(
            pb.LoseOpportunityRequest(opportunity_id=deal.opportunity_id), metadata=REP
        )
    )
    assert "reason" in field_violations(error)
    lost = sales.deals.LoseOpportunity(
        pb.LoseOpportunityRequest(
            opportunity_id=deal.opportunity_id, reason="price", competitor="Initech"
        ),
        metadata=REP,
    ).opportunity
    assert lost.status == pb.OPPORTUNITY_STATUS_LOST
    assert lost.stage_id == "new_business.closed_lost" and lost.HasField("close_time")
    assert (lost.loss_reason, lost.lost_to_competitor) == ("price", "Initech")
    assert list(lost.competitors) == ["Globex", "Initech"]
    (event,) = envelopes(db, "pipeline.opportunity.lost")
    assert event["payload"]["reason"] == "price"
    assert event["payload"]["stage_id"] == "new_business.prospecting"
    again = failure(lambda: advance(sales, deal.opportunity_id))
    assert "only an open opportunity" in rule_violations(again)[0].description


# --- reassignment ------------------------------------------------------------------------------


def test_reassignment_rules(sales: Sales, db: Database) -> None:
    seed_rep(db, "rep-3", team_id="team-2", manager_id="mgr-2")
    seed_rep(db, "rep-apac", region="APAC", team_id="team-9", manager_id="mgr-9")
    seed_rep(db, "rep-gone", status="left")
    deal = create_deal(sales)

    def reassign(new_owner: str, who: Metadata) -> pb.Opportunity:
        return sales.deals.ReassignOpportunity(
            pb.ReassignOpportunityRequest(
                opportunity_id=deal.opportunity_id, new_owner_id=new_owner
            ),
            metadata=who,
        ).opportunity

    assert failure(lambda: reassign("rep-2", REP)).code() == grpc.StatusCode.PERMISSION_DENIED
    # A manager cannot move a deal into another manager's team, nor take one from it.
    assert failure(lambda: reassign("rep-3", MANAGER)).code() == grpc.StatusCode.PERMISSION_DENIED
    assert failure(lambda: reassign("rep-2", OTHER_MANAGER)).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    for unknown in ("nobody", "rep-gone", "rep-apac", "rep-1"):
        assert "new_owner_id" in field_violations(failure(lambda u=unknown: reassign(u, DIRECTOR)))
    moved = reassign("rep-2", MANAGER)
    assert (moved.owner_id, moved.team_id) == ("rep-2", "team-1")
    assert [(m.rep_id, m.share_bp) for m in moved.team_members] == [("rep-2", 10000)]
    across = reassign("rep-3", DIRECTOR)
    assert (across.owner_id, across.team_id) == ("rep-3", "team-2")
    told = envelopes(db, "pipeline.opportunity.updated")
    assert [(e["payload"]["owner_id"], e["payload"]["team_id"]) for e in told] == [
        ("rep-2", "team-1"),
        ("rep-3", "team-2"),
    ]
    assert {tuple(e["payload"]["changed"]) for e in told} == {("owner",)}
    # rep-1 no longer sees it
    lost_sight = failure(
        lambda: sales.deals.GetOpportunity(
            pb.GetOpportunityRequest(opportunity_id=deal.opportunity_id), metadata=REP
        )
    )
    assert lost_sight.code() == grpc.StatusCode.NOT_FOUND


def test_the_open_value_gauge_and_closed_deal_counter(sales: Sales, db: Database) -> None:
    clear_gates(sales)
    create_deal(sales, line_items=[line(unit=40_000)])
    deal = create_deal(sales, line_items=[line(unit=60_000)])
    before = REGISTRY.get_sample_value(
        "salesops_deals_closed_total", {"region": "EMEA", "outcome": "lost"}
    )
    sales.deals.LoseOpportunity(
        pb.LoseOpportunityRequest(opportunity_id=deal.opportunity_id, reason="timing"),
        metadata=REP,
    )
    after = REGISTRY.get_sample_value(
        "salesops_deals_closed_total", {"region": "EMEA", "outcome": "lost"}
    )
    assert (after or 0) - (before or 0) == 1
    assert open_pipeline_value(db) == [(("EMEA", "Prospecting", "EUR"), 40_000.0)]
