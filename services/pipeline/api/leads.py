"""The pipeline gRPC API: protos in, domain rules, database, events out."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

import grpc
import sqlalchemy as sa
from google.protobuf.message import Message
from salesops.common.v1 import common_pb2
from salesops.events.v1 import pipeline_events_pb2 as events
from salesops.pipeline.v1 import pipeline_pb2 as pb
from salesops.pipeline.v1 import pipeline_pb2_grpc
from sqlalchemy.orm import Session

from services.kit import metrics
from services.kit.db import Database, utcnow
from services.kit.errors import InvalidArgument, NotFound
from services.kit.identity import Caller, current_caller
from services.kit.outbox import record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp
from services.pipeline.domain import leads as domain
from services.pipeline.domain.leads import LeadStatus
from services.pipeline.models.leads import LeadRecord

STATUS_TO_PROTO = {
    LeadStatus.NEW: pb.LEAD_STATUS_NEW,
    LeadStatus.QUALIFIED: pb.LEAD_STATUS_QUALIFIED,
    LeadStatus.DISQUALIFIED: pb.LEAD_STATUS_DISQUALIFIED,
    LeadStatus.CONVERTED: pb.LEAD_STATUS_CONVERTED,
}
STATUS_FROM_PROTO = {value: key for key, value in STATUS_TO_PROTO.items()}


def lead_to_proto(lead: LeadRecord) -> pb.Lead:
    return pb.Lead(
        lead_id=lead.lead_id,
        region=lead.region,
        company_name=lead.company_name,
        contact_name=lead.contact_name,
        contact_email=lead.contact_email,
        contact_phone=lead.contact_phone,
        contact_title=lead.contact_title,
        country=lead.country,
        industry=lead.industry,
        source=lead.source,
        status=STATUS_TO_PROTO[LeadStatus(lead.status)],
        owner_id=lead.owner_id,
        disqualify_reason=lead.disqualify_reason,
        qualify_time=timestamp(lead.qualified_at),
        convert_time=timestamp(lead.converted_at),
        audit=audit_info(lead.created_at, lead.created_by, lead.updated_at, lead.updated_by),
    )


def _load_for_caller(
    session: Session, caller: Caller, lead_id: str, *, for_update: bool = False
) -> LeadRecord:
    """The lead if it exists for this caller; NotFound otherwise (outside scope included)."""
    if not lead_id.strip():
        raise InvalidArgument.of("lead_id", "is required")
    lead = session.get(LeadRecord, lead_id, with_for_update=for_update)
    if lead is None or not caller.can_read(lead.region, lead.owner_id):
        raise NotFound("lead", lead_id)
    return lead


def _move(caller: Caller, lead: LeadRecord, target: LeadStatus) -> None:
    caller.require_writer(lead.region)
    domain.require_transition(lead.lead_id, LeadStatus(lead.status), target)
    now = utcnow()
    lead.status = target.value
    lead.updated_at = now
    lead.updated_by = caller.subject
    lead.version += 1
    if target is LeadStatus.QUALIFIED:
        lead.qualified_at = now
    elif target is LeadStatus.CONVERTED:
        lead.converted_at = now


class PipelineServicer(pipeline_pb2_grpc.PipelineServiceServicer):
    """Leads: capture, read, list, qualify, disqualify, convert."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def CreateLead(
        self, request: pb.CreateLeadRequest, context: grpc.ServicerContext
    ) -> pb.CreateLeadResponse:
        caller = current_caller()
        new = domain.validate_new_lead(
            region=request.region,
            company_name=request.company_name,
            contact_name=request.contact_name,
            contact_email=request.contact_email,
            contact_phone=request.contact_phone,
            contact_title=request.contact_title,
            country=request.country,
            industry=request.industry,
            source=request.source,
            owner_id=request.owner_id or caller.subject,
        )
        caller.require_writer(new.region)
        if caller.own_records_only and new.owner_id != caller.subject:
            raise InvalidArgument.of("owner_id", "a rep can only capture leads they own")
        now = utcnow()
        lead = LeadRecord(
            lead_id=str(uuid.uuid4()),
            status=LeadStatus.NEW.value,
            disqualify_reason="",
            created_at=now,
            created_by=caller.subject,
            updated_at=now,
            updated_by=caller.subject,
            version=1,
            **vars(new),
        )
        with self.db.transaction() as session:
            session.add(lead)
            record_event(
                session,
                "pipeline.lead.created",
                events.LeadCreated(
                    lead_id=lead.lead_id,
                    region=lead.region,
                    company_name=lead.company_name,
                    source=lead.source,
                    owner_id=lead.owner_id,
                ),
                region=lead.region,
                caller=caller,
            )
        metrics.LEADS_CREATED.labels(lead.region).inc()
        return pb.CreateLeadResponse(lead=lead_to_proto(lead))

    def GetLead(
        self, request: pb.GetLeadRequest, context: grpc.ServicerContext
    ) -> pb.GetLeadResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            return pb.GetLeadResponse(
                lead=lead_to_proto(_load_for_caller(session, caller, request.lead_id))
            )

    def ListLeads(
        self, request: pb.ListLeadsRequest, context: grpc.ServicerContext
    ) -> pb.ListLeadsResponse:
        caller = current_caller()
        caller.require_reader()
        status = STATUS_FROM_PROTO.get(request.status) if request.status else None
        if request.status and status is None:
            raise InvalidArgument.of("status", "is not a lead status")
        regions = caller.readable_regions(request.region.strip().upper())
        query = sa.select(LeadRecord)
        if regions is not None:
            query = query.where(LeadRecord.region.in_(sorted(regions)))
        if status is not None:
            query = query.where(LeadRecord.status == status.value)
        if caller.own_records_only:
            query = query.where(LeadRecord.owner_id == caller.subject)
        with self.db.transaction() as session:
            leads, next_token = keyset_page(
                session,
                query,
                created=LeadRecord.created_at,
                key=LeadRecord.lead_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"region": request.region, "status": status.value if status else ""},
                cursor_of=lambda lead: Cursor(lead.created_at, lead.lead_id),
            )
            return pb.ListLeadsResponse(
                leads=[lead_to_proto(lead) for lead in leads],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def _act(
        self,
        lead_id: str,
        target: LeadStatus,
        event_type: str,
        payload: Callable[[LeadRecord, Caller], Message],
        extra: Callable[[LeadRecord], None] | None = None,
    ) -> pb.Lead:
        """Move a lead to `target` and record `event_type`, in one transaction."""
        caller = current_caller()
        with self.db.transaction() as session:
            lead = _load_for_caller(session, caller, lead_id, for_update=True)
            _move(caller, lead, target)
            if extra is not None:
                extra(lead)
            record_event(
                session, event_type, payload(lead, caller), region=lead.region, caller=caller
            )
        return lead_to_proto(lead)

    def QualifyLead(
        self, request: pb.QualifyLeadRequest, context: grpc.ServicerContext
    ) -> pb.QualifyLeadResponse:
        lead = self._act(
            request.lead_id,
            LeadStatus.QUALIFIED,
            "pipeline.lead.qualified",
            lambda lead, caller: events.LeadQualified(
                lead_id=lead.lead_id, region=lead.region, qualified_by=caller.subject
            ),
        )
        return pb.QualifyLeadResponse(lead=lead)

    def DisqualifyLead(
        self, request: pb.DisqualifyLeadRequest, context: grpc.ServicerContext
    ) -> pb.DisqualifyLeadResponse:
        reason = domain.validate_disqualify_reason(request.reason)

        def keep_reason(lead: LeadRecord) -> None:
            lead.disqualify_reason = reason

        lead = self._act(
            request.lead_id,
            LeadStatus.DISQUALIFIED,
            "pipeline.lead.disqualified",
            lambda lead, caller: events.LeadDisqualified(
                lead_id=lead.lead_id, region=lead.region, reason=reason
            ),
            keep_reason,
        )
        return pb.DisqualifyLeadResponse(lead=lead)

    def ConvertLead(
        self, request: pb.ConvertLeadRequest, context: grpc.ServicerContext
    ) -> pb.ConvertLeadResponse:
        lead = self._act(
            request.lead_id,
            LeadStatus.CONVERTED,
            "pipeline.lead.converted",
            lambda lead, caller: events.LeadConverted(
                lead_id=lead.lead_id,
                region=lead.region,
                company_name=lead.company_name,
                contact_name=lead.contact_name,
                contact_email=lead.contact_email,
                contact_phone=lead.contact_phone,
                contact_title=lead.contact_title,
                country=lead.country,
                industry=lead.industry,
                owner_id=lead.owner_id,
            ),
        )
        metrics.LEADS_CONVERTED.labels(lead.region).inc()
        return pb.ConvertLeadResponse(lead=lead)


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the pipeline servicers to `server`; return their full service names."""
    pipeline_pb2_grpc.add_PipelineServiceServicer_to_server(PipelineServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["PipelineService"].full_name]
