"""Capturing one lead through the real api: duplicates, score, routing and its reasons, the
unassigned queue, assignment, first contact, and the settings that drive them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from salesops.pipeline.v1 import pipeline_pb2 as pb

from services.kit.db import Database, utcnow
from services.kit.testing import caller
from services.pipeline.tests.leads_support import (
    T0,
    Stub,
    create,
    hire,
    leave,
    outbox_payloads,
    outbox_types,
    territory,
)

MANAGER = caller("mgr-1", "manager", "EMEA")
REP = caller("rep-1", "rep", "EMEA")


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("pipeline", database_url)


@pytest.fixture
def stub(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Stub:
    return Stub(serve_api("pipeline", db))


def refused(call: Callable[[], object], code: grpc.StatusCode) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    assert caught.value.code() == code, caught.value.details()
    return caught.value


# --- duplicates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "matched_on"),
    [
        ({"contact_email": "Jo.Doe@Acme.example"}, {"contact_email": " jo.doe@ACME.EXAMPLE"},
         "contact email"),
        ({"contact_phone": "+49 (30) 123-4567"}, {"contact_phone": "+49 30 1234567"},
         "contact phone"),
        ({"company_name": "Acme GmbH"}, {"company_name": "ACME, Inc."}, "company name"),
    ],
)  # fmt: skip
def test_a_likely_duplicate_is_refused_naming_the_open_lead(
    stub: Stub, db: Database, first: dict[str, str], second: dict[str, str], matched_on: str
) -> None:
    original = create(stub, MANAGER, **first)
    error = refused(lambda: create(stub, MANAGER, **second), grpc.StatusCode.ALREADY_EXISTS)
    assert original.lead_id in (error.details() or "")
    assert f"same {matched_on}" in (error.details() or "")
    status = rpc_status.from_call(error)
    resource = error_details_pb2.ResourceInfo()
    assert status is not None and status.details[0].Unpack(resource)
    assert (resource.resource_type, resource.resource_name) == ("lead", original.lead_id)
    assert outbox_types(db) == ["pipeline.lead.created"]  # nothing written for the refusal

    allowed = create(stub, MANAGER, allow_duplicate=True, **second)
    assert allowed.lead_id != original.lead_id


def test_closed_leads_and_other_regions_are_not_duplicates(stub: Stub) -> None:
    closed = create(stub, MANAGER, contact_email="jo@acme.example")
    stub.DisqualifyLead(
        pb.DisqualifyLeadRequest(lead_id=closed.lead_id, reason="no budget"), metadata=MANAGER
    )
    create(stub, MANAGER, contact_email="jo@acme.example")  # the closed lead is no obstacle
    both = caller("dir", "director", "EMEA,APAC")
    create(stub, both, region="APAC", contact_email="jo@acme.example")


# --- score -----------------------------------------------------------------------------


def test_the_lead_carries_its_score_and_reasons(stub: Stub) -> None:
    lead = create(
        stub,
        MANAGER,
        contact_title="VP Engineering",
        source="referral",
        industry="software",
        company_size="80",
        campaign="webinar-07",
    )
    assert lead.company_size == "50-249" and lead.campaign == "webinar-07"
    assert [(r.rule, r.points) for r in lead.score_reasons] == [
        ("has_email", 15),
        ("title:director", 20),
        ("source:referral", 20),
        ("industry:target", 15),
        ("company_size:50-249", 5),
        ("has_campaign", 5),
    ]
    assert lead.score == 80


# --- routing ---------------------------------------------------------------------------


def test_a_lead_goes_to_the_rep_with_the_most_spare_capacity(stub: Stub, db: Database) -> None:
    hire(db, "rep-a", capacity=20)
    hire(db, "rep-b", capacity=10)
    territory(db, "DACH-ENT", ["rep-a", "rep-b"], countries=("DE", "AT"), sizes=("250+",))
    for _ in range(12):
        create(stub, MANAGER, owner_id="rep-a")  # rep-a carries 12 open leads: 8 of 20 free
    lead = create(stub, MANAGER, country="DE", company_size="300")
    assert lead.owner_id == "rep-b"
    assert lead.territory_id == "DACH-ENT"
    assert lead.assignment_reason == "territory DACH-ENT: most spare capacity (10 of 10 free)"
    assigned = outbox_payloads(db, "pipeline.lead.assigned")[-1]
    assert assigned["owner_id"] == "rep-b" and assigned["territory_id"] == "DACH-ENT"
    assert assigned["reason"] == lead.assignment_reason and assigned["assigned_by"] == "mgr-1"


def test_round_robin_when_the_territory_says_so(stub: Stub, db: Database) -> None:
    for rep_id in ("rep-a", "rep-b", "rep-c"):
        hire(db, rep_id, capacity=50)
    territory(db, "NORDICS", ["rep-c", "rep-a", "rep-b"], countries=("SE", "NO"))
    admin = caller("root", "admin", "EMEA")
    routing = stub.SetLeadRoutingStrategy(
        pb.SetLeadRoutingStrategyRequest(
            territory_id="NORDICS", strategy=pb.LEAD_ROUTING_STRATEGY_ROUND_ROBIN
        ),
        metadata=admin,
    ).routing
    assert routing.strategy == pb.LEAD_ROUTING_STRATEGY_ROUND_ROBIN and routing.region == "EMEA"
    create(stub, MANAGER, owner_id="rep-a")  # more load on rep-a changes nothing in turns
    owners = [create(stub, MANAGER, country="SE").owner_id for _ in range(4)]
    assert owners == ["rep-a", "rep-b", "rep-c", "rep-a"]
    last = create(stub, MANAGER, country="NO")
    assert last.assignment_reason.startswith("territory NORDICS: round robin among 3 reps")


def test_a_left_rep_gets_no_leads_and_full_reps_send_leads_to_the_queue(
    stub: Stub, db: Database
) -> None:
    hire(db, "rep-a", capacity=1)
    hire(db, "rep-gone", capacity=100)
    territory(db, "FR", ["rep-a", "rep-gone"], countries=("FR",))
    leave(db, "rep-gone", at=T0 + timedelta(days=1))
    first = create(stub, MANAGER, country="FR")
    assert first.owner_id == "rep-a"
    second = create(stub, MANAGER, country="FR")
    assert second.owner_id == ""
    assert second.assignment_reason == (
        "unassigned: no active rep with spare capacity in territory FR"
    )


def test_a_reps_own_capture_stays_theirs(stub: Stub, db: Database) -> None:
    hire(db, "rep-a", capacity=100)
    territory(db, "ALL", ["rep-a"])
    lead = create(stub, REP)
    assert lead.owner_id == "rep-1"
    assert lead.assignment_reason == "captured by rep-1 (a rep owns the leads they capture)"


# --- the unassigned queue and assignment -----------------------------------------------


def test_the_unassigned_queue_is_for_managers_not_reps(stub: Stub) -> None:
    queued = create(stub, MANAGER, country="BR")
    owned = create(stub, MANAGER, owner_id="rep-1")
    queue = stub.ListLeads(pb.ListLeadsRequest(unassigned=True), metadata=MANAGER).leads
    assert [lead.lead_id for lead in queue] == [queued.lead_id]
    assert stub.ListLeads(pb.ListLeadsRequest(unassigned=True), metadata=REP).leads == []
    mine = stub.ListLeads(pb.ListLeadsRequest(), metadata=REP).leads
    assert [lead.lead_id for lead in mine] == [owned.lead_id]
    refused(
        lambda: stub.GetLead(pb.GetLeadRequest(lead_id=queued.lead_id), metadata=REP),
        grpc.StatusCode.NOT_FOUND,
    )
    other_region = caller("mgr-apac", "manager", "APAC")
    assert stub.ListLeads(pb.ListLeadsRequest(unassigned=True), metadata=other_region).leads == []


def test_a_manager_assigns_from_the_queue_and_the_event_says_so(stub: Stub, db: Database) -> None:
    queued = create(stub, MANAGER)
    stub.QualifyLead(pb.QualifyLeadRequest(lead_id=queued.lead_id), metadata=MANAGER)
    error = refused(
        lambda: stub.ConvertLead(pb.ConvertLeadRequest(lead_id=queued.lead_id), metadata=MANAGER),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    assert "assign it to a rep first" in (error.details() or "")

    assigned = stub.AssignLead(
        pb.AssignLeadRequest(lead_id=queued.lead_id, owner_id="rep-1", note="speaks Portuguese"),
        metadata=MANAGER,
    ).lead
    assert assigned.owner_id == "rep-1"
    assert assigned.assignment_reason == "assigned by mgr-1: speaks Portuguese"
    assert assigned.HasField("assign_time")
    event = outbox_payloads(db, "pipeline.lead.assigned")[-1]
    assert event["lead_id"] == queued.lead_id and event["owner_id"] == "rep-1"
    assert "previous_owner_id" not in event  # it had none
    assert stub.ListLeads(pb.ListLeadsRequest(unassigned=True), metadata=MANAGER).leads == []
    # Now the rep sees it, and it converts with its owner.
    assert stub.GetLead(pb.GetLeadRequest(lead_id=queued.lead_id), metadata=REP).lead.owner_id
    stub.ConvertLead(pb.ConvertLeadRequest(lead_id=queued.lead_id), metadata=MANAGER)


def test_who_may_assign_and_to_whom(stub: Stub, db: Database) -> None:
    lead = create(stub, REP)
    refused(
        lambda: stub.AssignLead(
            pb.AssignLeadRequest(lead_id=lead.lead_id, owner_id="rep-2"), metadata=REP
        ),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    refused(
        lambda: stub.AssignLead(
            pb.AssignLeadRequest(lead_id=lead.lead_id, owner_id="rep-2"),
            metadata=caller("mgr-apac", "manager", "APAC"),
        ),
        grpc.StatusCode.NOT_FOUND,
    )
    refused(
        lambda: stub.AssignLead(pb.AssignLeadRequest(lead_id=lead.lead_id), metadata=MANAGER),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    hire(db, "rep-gone", capacity=5)
    leave(db, "rep-gone", at=T0 + timedelta(days=1))
    error = refused(
        lambda: stub.AssignLead(
            pb.AssignLeadRequest(lead_id=lead.lead_id, owner_id="rep-gone"), metadata=MANAGER
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
    )
    assert "rep 'rep-gone' has left" in (error.details() or "")
    stub.DisqualifyLead(
        pb.DisqualifyLeadRequest(lead_id=lead.lead_id, reason="spam"), metadata=MANAGER
    )
    refused(
        lambda: stub.AssignLead(
            pb.AssignLeadRequest(lead_id=lead.lead_id, owner_id="rep-2"), metadata=MANAGER
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
    )


# --- first contact and the SLA policy --------------------------------------------------


def stamp(value: object) -> Timestamp:
    result = Timestamp()
    result.FromDatetime(value)  # type: ignore[arg-type]
    return result


def test_marking_the_first_contact(stub: Stub) -> None:
    lead = create(stub, REP)
    assert lead.sla_due_time.ToDatetime() - lead.audit.create_time.ToDatetime() == timedelta(
        hours=24
    )
    refused(
        lambda: stub.MarkLeadContacted(
            pb.MarkLeadContactedRequest(
                lead_id=lead.lead_id, contact_time=stamp(utcnow() + timedelta(hours=1))
            ),
            metadata=REP,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    contacted = stub.MarkLeadContacted(
        pb.MarkLeadContactedRequest(lead_id=lead.lead_id), metadata=REP
    ).lead
    assert contacted.HasField("contact_time") and contacted.contacted_by == "rep-1"
    again = stub.MarkLeadContacted(
        pb.MarkLeadContactedRequest(lead_id=lead.lead_id), metadata=MANAGER
    ).lead
    assert again.contact_time == contacted.contact_time and again.contacted_by == "rep-1"
    other = create(stub, caller("rep-2", "rep", "EMEA"))
    refused(
        lambda: stub.MarkLeadContacted(
            pb.MarkLeadContactedRequest(lead_id=other.lead_id), metadata=REP
        ),
        grpc.StatusCode.NOT_FOUND,
    )


def test_an_admin_sets_a_regions_sla_and_new_leads_follow_it(stub: Stub) -> None:
    admin = caller("root", "admin", "EMEA")
    listed = stub.ListLeadSlaPolicies(pb.ListLeadSlaPoliciesRequest(), metadata=MANAGER)
    assert (list(listed.policies), listed.default_hours) == ([], 24)
    refused(
        lambda: stub.SetLeadSlaPolicy(
            pb.SetLeadSlaPolicyRequest(region="EMEA", hours=4), metadata=MANAGER
        ),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    refused(
        lambda: stub.SetLeadSlaPolicy(
            pb.SetLeadSlaPolicyRequest(region="EMEA", hours=0), metadata=admin
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    refused(
        lambda: stub.SetLeadSlaPolicy(
            pb.SetLeadSlaPolicyRequest(region="APAC", hours=4), metadata=admin
        ),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    before = create(stub, MANAGER)
    policy = stub.SetLeadSlaPolicy(
        pb.SetLeadSlaPolicyRequest(region="emea", hours=4), metadata=admin
    ).policy
    assert (policy.region, policy.hours, policy.audit.updated_by) == ("EMEA", 4, "root")
    after = create(stub, MANAGER)
    due = after.sla_due_time.ToDatetime() - after.audit.create_time.ToDatetime()
    assert due == timedelta(hours=4)
    # A due time is fixed at capture.
    got = stub.GetLead(pb.GetLeadRequest(lead_id=before.lead_id), metadata=MANAGER).lead
    assert got.sla_due_time == before.sla_due_time
    listed = stub.ListLeadSlaPolicies(pb.ListLeadSlaPoliciesRequest(), metadata=MANAGER)
    assert [(p.region, p.hours) for p in listed.policies] == [("EMEA", 4)]
    apac = caller("mgr-apac", "manager", "APAC")
    assert not stub.ListLeadSlaPolicies(pb.ListLeadSlaPoliciesRequest(), metadata=apac).policies


def test_routing_strategy_needs_a_known_territory_and_the_right_role(
    stub: Stub, db: Database
) -> None:
    request = pb.SetLeadRoutingStrategyRequest(
        territory_id="DACH", strategy=pb.LEAD_ROUTING_STRATEGY_ROUND_ROBIN
    )
    director = caller("dir-1", "director", "EMEA")
    refused(
        lambda: stub.SetLeadRoutingStrategy(request, metadata=director), grpc.StatusCode.NOT_FOUND
    )
    territory(db, "DACH", [])
    refused(
        lambda: stub.SetLeadRoutingStrategy(request, metadata=MANAGER),
        grpc.StatusCode.PERMISSION_DENIED,
    )
    refused(
        lambda: stub.SetLeadRoutingStrategy(request, metadata=caller("dir-2", "director", "APAC")),
        grpc.StatusCode.NOT_FOUND,
    )
    refused(
        lambda: stub.SetLeadRoutingStrategy(
            pb.SetLeadRoutingStrategyRequest(territory_id="DACH"), metadata=director
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    routing = stub.SetLeadRoutingStrategy(request, metadata=director).routing
    assert routing.audit.updated_by == "dir-1"
