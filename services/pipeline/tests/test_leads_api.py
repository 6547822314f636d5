"""The pipeline api over a real grpcio server, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable

import grpc
import pytest
import sqlalchemy as sa
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from salesops.pipeline.v1 import pipeline_pb2 as pb
from salesops.pipeline.v1 import pipeline_pb2_grpc

from services.kit.db import Database
from services.kit.schema import outbox
from services.kit.testing import caller
from services.pipeline.tests.leads_support import create, outbox_types

Stub = pipeline_pb2_grpc.PipelineServiceStub


@pytest.fixture
def db(database_url: str, migrated: Callable[[str, str], Database]) -> Database:
    return migrated("pipeline", database_url)


@pytest.fixture
def stub(db: Database, serve_api: Callable[[str, Database], grpc.Channel]) -> Stub:
    return Stub(serve_api("pipeline", db))


def test_create_get_and_events(stub: Stub, db: Database) -> None:
    lead = create(stub, country="de")
    assert lead.status == pb.LEAD_STATUS_NEW
    assert lead.audit.created_by == "alice" and lead.country == "DE"
    # A manager's lead is routed; with no territories yet it waits in the queue.
    assert lead.owner_id == "" and not lead.HasField("assign_time")
    assert lead.assignment_reason == "unassigned: no territory in EMEA covers country DE"
    got = stub.GetLead(pb.GetLeadRequest(lead_id=lead.lead_id), metadata=caller()).lead
    assert got == lead
    assert outbox_types(db) == ["pipeline.lead.created"]


def test_an_explicit_owner_skips_routing_and_is_announced(stub: Stub, db: Database) -> None:
    lead = create(stub, owner_id="rep-9")
    assert lead.owner_id == "rep-9" and lead.assignment_reason == "assigned by alice"
    assert lead.HasField("assign_time")
    assert outbox_types(db) == ["pipeline.lead.created", "pipeline.lead.assigned"]


def test_qualify_then_convert_emits_the_conversion_with_contact_data(
    stub: Stub, db: Database
) -> None:
    lead = create(stub, contact_phone="+49 30 123456", contact_title="CFO", owner_id="rep-1")
    stub.QualifyLead(pb.QualifyLeadRequest(lead_id=lead.lead_id), metadata=caller())
    converted = stub.ConvertLead(pb.ConvertLeadRequest(lead_id=lead.lead_id), metadata=caller())
    assert converted.lead.status == pb.LEAD_STATUS_CONVERTED
    assert converted.lead.HasField("convert_time") and converted.lead.HasField("qualify_time")
    assert outbox_types(db) == [
        "pipeline.lead.created",
        "pipeline.lead.assigned",
        "pipeline.lead.qualified",
        "pipeline.lead.converted",
    ]
    with db.transaction() as session:
        envelope = json.loads(
            session.scalar(
                sa.select(outbox.c.envelope).where(outbox.c.type == "pipeline.lead.converted")
            )
        )
    assert envelope["region"] == "EMEA" and envelope["actor"] == "alice"
    assert envelope["schema_version"] == 1 and envelope["source"] == "pipeline"
    assert envelope["payload"]["contact_title"] == "CFO"
    assert envelope["payload"]["company_name"] == lead.company_name
    assert envelope["payload"]["owner_id"] == "rep-1"


def test_converting_an_unqualified_lead_fails_with_the_rule_and_writes_nothing(
    stub: Stub, db: Database
) -> None:
    lead = create(stub)
    with pytest.raises(grpc.RpcError) as caught:
        stub.ConvertLead(pb.ConvertLeadRequest(lead_id=lead.lead_id), metadata=caller())
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    status = rpc_status.from_call(caught.value)
    failure = error_details_pb2.PreconditionFailure()
    assert status is not None and status.details[0].Unpack(failure)
    assert failure.violations[0].subject == f"leads/{lead.lead_id}"
    assert outbox_types(db) == ["pipeline.lead.created"]
    assert stub.GetLead(pb.GetLeadRequest(lead_id=lead.lead_id), metadata=caller()).lead.status == (
        pb.LEAD_STATUS_NEW
    )


def test_invalid_input_names_each_field_and_writes_nothing(stub: Stub, db: Database) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        create(stub, company_name="", contact_email="not-an-email")
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(caught.value)
    bad_request = error_details_pb2.BadRequest()
    assert status is not None and status.details[0].Unpack(bad_request)
    assert {v.field for v in bad_request.field_violations} == {"company_name", "contact_email"}
    assert outbox_types(db) == []


def test_disqualify_requires_a_reason(stub: Stub) -> None:
    lead = create(stub)
    with pytest.raises(grpc.RpcError) as caught:
        stub.DisqualifyLead(pb.DisqualifyLeadRequest(lead_id=lead.lead_id), metadata=caller())
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    done = stub.DisqualifyLead(
        pb.DisqualifyLeadRequest(lead_id=lead.lead_id, reason="no budget"), metadata=caller()
    ).lead
    assert done.status == pb.LEAD_STATUS_DISQUALIFIED and done.disqualify_reason == "no budget"


def test_another_regions_lead_does_not_exist_for_the_caller(stub: Stub) -> None:
    lead = create(stub)
    apac = caller("bob", "manager", "APAC")
    for call, request in [
        (stub.GetLead, pb.GetLeadRequest(lead_id=lead.lead_id)),
        (stub.QualifyLead, pb.QualifyLeadRequest(lead_id=lead.lead_id)),
        (stub.ConvertLead, pb.ConvertLeadRequest(lead_id=lead.lead_id)),
    ]:
        with pytest.raises(grpc.RpcError) as caught:
            call(request, metadata=apac)
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    listed = stub.ListLeads(pb.ListLeadsRequest(), metadata=apac).leads
    assert lead.lead_id not in [item.lead_id for item in listed]
    assert stub.ListLeads(pb.ListLeadsRequest(region="EMEA"), metadata=apac).leads == []


def test_creating_in_a_region_the_caller_lacks_is_denied(stub: Stub) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        create(stub, who=caller("bob", "manager", "APAC"), region="EMEA")
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_a_rep_sees_only_their_own_leads_and_an_executive_reads_all(stub: Stub) -> None:
    mine = create(stub, who=caller("rep-1", "rep", "EMEA"))
    theirs = create(stub, who=caller("rep-2", "rep", "EMEA"))
    listed = stub.ListLeads(pb.ListLeadsRequest(), metadata=caller("rep-1", "rep", "EMEA")).leads
    assert [lead.lead_id for lead in listed] == [mine.lead_id]
    with pytest.raises(grpc.RpcError) as caught:
        stub.GetLead(
            pb.GetLeadRequest(lead_id=theirs.lead_id), metadata=caller("rep-1", "rep", "EMEA")
        )
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    executive = caller("ceo", "executive", "")
    assert len(stub.ListLeads(pb.ListLeadsRequest(), metadata=executive).leads) == 2
    with pytest.raises(grpc.RpcError) as caught:
        stub.QualifyLead(pb.QualifyLeadRequest(lead_id=mine.lead_id), metadata=executive)
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_a_rep_cannot_capture_a_lead_for_someone_else(stub: Stub) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        create(stub, who=caller("rep-1", "rep", "EMEA"), owner_id="rep-2")
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_the_platform_role_reads_no_business_records(stub: Stub) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub.ListLeads(pb.ListLeadsRequest(), metadata=caller("ops", "platform", "EMEA"))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_pages_cover_every_lead_once_and_filters_apply(stub: Stub) -> None:
    created = [create(stub, company_name=f"Company {i}") for i in range(7)]
    stub.QualifyLead(pb.QualifyLeadRequest(lead_id=created[0].lead_id), metadata=caller())
    seen: list[str] = []
    token = ""
    while True:
        page = stub.ListLeads(
            pb.ListLeadsRequest(page={"page_size": 3, "page_token": token}), metadata=caller()
        )
        seen += [lead.lead_id for lead in page.leads]
        token = page.page.next_page_token
        if not token:
            break
    assert seen == [lead.lead_id for lead in reversed(created)]  # newest first, none twice
    qualified = stub.ListLeads(
        pb.ListLeadsRequest(status=pb.LEAD_STATUS_QUALIFIED), metadata=caller()
    ).leads
    assert [lead.lead_id for lead in qualified] == [created[0].lead_id]


def test_a_page_token_is_bound_to_its_filters(stub: Stub) -> None:
    for i in range(3):
        create(stub, company_name=f"Company {i}")
    page = stub.ListLeads(pb.ListLeadsRequest(page={"page_size": 1}), metadata=caller())
    with pytest.raises(grpc.RpcError) as caught:
        stub.ListLeads(
            pb.ListLeadsRequest(
                status=pb.LEAD_STATUS_NEW, page={"page_token": page.page.next_page_token}
            ),
            metadata=caller(),
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.RpcError) as caught:
        stub.ListLeads(pb.ListLeadsRequest(page={"page_size": 501}), metadata=caller())
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "page.page_size" in (caught.value.details() or "")


def test_a_call_without_identity_is_unauthenticated(stub: Stub) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        stub.ListLeads(pb.ListLeadsRequest())
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
