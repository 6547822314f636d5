"""Activities over gRPC: exactly one target, scoping, tasks completed, events, lead contact."""

from __future__ import annotations

from collections.abc import Callable

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from salesops.pipeline.v1 import activities_pb2 as apb
from salesops.pipeline.v1 import pipeline_pb2, pipeline_pb2_grpc

from services.kit.db import Database
from services.kit.testing import caller
from services.pipeline.tests.test_opportunities_api import (
    APAC_DIRECTOR,
    DIRECTOR,
    MANAGER,
    REP,
    REP2,
    Sales,
    create_deal,
    envelopes,
    failure,
    field_violations,
    rule_violations,
    sales_stubs,
    seed_customer,
    seed_rep,
)


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    database = migrated("pipeline", database_url)
    seed_customer(database)
    seed_customer(database, "cus-2", owner_id="rep-2")
    seed_rep(database, "rep-1")
    seed_rep(database, "rep-2")
    return database


@pytest.fixture
def channel(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> grpc.Channel:
    return serve_api("pipeline", db)


@pytest.fixture
def sales(channel: grpc.Channel) -> Sales:
    return sales_stubs(channel)


def log(sales: Sales, who: list[tuple[str, str]] = REP, **fields: object) -> apb.Activity:
    request = apb.LogActivityRequest(
        type=fields.pop("type", apb.ACTIVITY_TYPE_CALL),  # type: ignore[arg-type]
        subject=fields.pop("subject", "intro call"),  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )
    return sales.activities.LogActivity(request, metadata=who).activity


def test_an_activity_links_to_exactly_one_record(sales: Sales) -> None:
    deal = create_deal(sales)
    for targets in ({}, {"customer_id": "cus-1", "opportunity_id": deal.opportunity_id}):
        error = failure(lambda targets=targets: log(sales, **targets))
        assert any("exactly one" in d for d in field_violations(error).values())
    bad = failure(lambda: log(sales, type=0, subject="", due_date="soon", customer_id="cus-1"))
    assert {"type", "subject", "due_date"} <= set(field_violations(bad))


def test_logging_on_a_deal_emits_the_event_and_lists_by_target(sales: Sales, db: Database) -> None:
    deal = create_deal(sales)
    when = Timestamp()
    when.FromSeconds(1_790_000_000)
    call = log(sales, opportunity_id=deal.opportunity_id, outcome="wants a demo", occur_time=when)
    assert call.status == apb.ACTIVITY_STATUS_COMPLETED and call.region == "EMEA"
    assert call.occur_time == when and call.owner_id == "rep-1"
    other = log(sales, type=apb.ACTIVITY_TYPE_EMAIL, customer_id="cus-1")
    listed = sales.activities.ListActivities(
        apb.ListActivitiesRequest(opportunity_id=deal.opportunity_id), metadata=REP
    ).activities
    assert [a.activity_id for a in listed] == [call.activity_id]
    mine = sales.activities.ListActivities(apb.ListActivitiesRequest(), metadata=REP).activities
    assert {a.activity_id for a in mine} == {call.activity_id, other.activity_id}
    event = envelopes(db, "pipeline.activity.logged")[0]
    assert event["payload"]["type"] == "call"
    assert event["payload"]["opportunity_id"] == deal.opportunity_id
    assert event["payload"]["status"] == "completed"
    assert event["payload"]["occurred_at"].startswith("2026-09-21T")
    both = failure(
        lambda: sales.activities.ListActivities(
            apb.ListActivitiesRequest(opportunity_id="x", customer_id="y"), metadata=REP
        )
    )
    assert "customer_id" in field_violations(both)


def test_a_task_stays_open_until_completed_with_an_outcome(sales: Sales, db: Database) -> None:
    task = log(
        sales,
        type=apb.ACTIVITY_TYPE_TASK,
        subject="send the security questionnaire",
        due_date="2027-02-01",
        customer_id="cus-1",
    )
    assert task.status == apb.ACTIVITY_STATUS_OPEN and task.due_date == "2027-02-01"
    assert not task.HasField("complete_time")
    open_tasks = sales.activities.ListActivities(
        apb.ListActivitiesRequest(type=apb.ACTIVITY_TYPE_TASK, status=apb.ACTIVITY_STATUS_OPEN),
        metadata=REP,
    ).activities
    assert [a.activity_id for a in open_tasks] == [task.activity_id]
    complete = apb.CompleteActivityRequest(activity_id=task.activity_id)
    assert "outcome" in field_violations(
        failure(lambda: sales.activities.CompleteActivity(complete, metadata=REP))
    )
    denied = failure(
        lambda: sales.activities.CompleteActivity(
            apb.CompleteActivityRequest(activity_id=task.activity_id, outcome="x"),
            metadata=caller("mgr-2", "manager", "EMEA"),
        )
    )
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    done = sales.activities.CompleteActivity(
        apb.CompleteActivityRequest(activity_id=task.activity_id, outcome="sent"), metadata=MANAGER
    ).activity
    assert done.status == apb.ACTIVITY_STATUS_COMPLETED and done.outcome == "sent"
    assert done.HasField("complete_time")
    (completed,) = envelopes(db, "pipeline.activity.completed")
    assert completed["payload"]["outcome"] == "sent"
    again = failure(
        lambda: sales.activities.CompleteActivity(
            apb.CompleteActivityRequest(activity_id=task.activity_id, outcome="again"),
            metadata=REP,
        )
    )
    assert rule_violations(again)[0].type == "STATE"


def test_activities_are_scoped(sales: Sales) -> None:
    deal = create_deal(sales)
    mine = log(sales, opportunity_id=deal.opportunity_id)
    # A rep cannot log on another rep's customer or deal: they do not exist for them.
    assert failure(lambda: log(sales, who=REP2, customer_id="cus-1")).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    assert failure(lambda: log(sales, who=REP2, opportunity_id=deal.opportunity_id)).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    get = apb.GetActivityRequest(activity_id=mine.activity_id)
    assert failure(lambda: sales.activities.GetActivity(get, metadata=REP2)).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    assert failure(lambda: sales.activities.GetActivity(get, metadata=APAC_DIRECTOR)).code() == (
        grpc.StatusCode.NOT_FOUND
    )
    assert sales.activities.GetActivity(get, metadata=DIRECTOR).activity == mine
    assert (
        sales.activities.ListActivities(
            apb.ListActivitiesRequest(), metadata=APAC_DIRECTOR
        ).activities
        == []
    )
    on_behalf = failure(lambda: log(sales, owner_id="rep-2", customer_id="cus-1"))
    assert "owner_id" in field_violations(on_behalf)


def test_a_call_on_a_lead_records_its_first_contact(sales: Sales, channel: grpc.Channel) -> None:
    leads = pipeline_pb2_grpc.PipelineServiceStub(channel)
    lead = leads.CreateLead(
        pipeline_pb2.CreateLeadRequest(
            region="EMEA",
            company_name="Initech",
            contact_name="Bill",
            contact_email="bill@initech.example",
            source="web",
            owner_id="rep-1",
        ),
        metadata=REP,
    ).lead
    assert not lead.HasField("contact_time")
    log(sales, type=apb.ACTIVITY_TYPE_TASK, lead_id=lead.lead_id, subject="prepare")
    untouched = leads.GetLead(pipeline_pb2.GetLeadRequest(lead_id=lead.lead_id), metadata=REP)
    assert not untouched.lead.HasField("contact_time")
    call = log(sales, lead_id=lead.lead_id, outcome="interested")
    contacted = leads.GetLead(pipeline_pb2.GetLeadRequest(lead_id=lead.lead_id), metadata=REP).lead
    assert contacted.HasField("contact_time") and contacted.contacted_by == "rep-1"
    assert contacted.contact_time == call.occur_time
