"""PipelineService: leads. Capture (one or in bulk), read, list, move, assign, contact;
the regions' first-contact SLAs and the territories' routing strategies.

Protos in, domain rules, database and outbox, protos out. Capture goes
through `LeadIntake` (models/lead_store.py) for one lead as for an import of
thousands, so duplicates, scoring and routing never differ between the two.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC

import grpc
import sqlalchemy as sa
from google.protobuf.message import Message
from salesops.common.v1 import common_pb2
from salesops.events.v1 import pipeline_events_pb2 as events
from salesops.pipeline.v1 import pipeline_pb2 as pb
from salesops.pipeline.v1 import pipeline_pb2_grpc
from sqlalchemy.orm import Session

from services.kit import metrics
from services.kit.concurrency import check_expected_version
from services.kit.config import Settings
from services.kit.db import Database, utcnow
from services.kit.errors import (
    AlreadyExists,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from services.kit.identity import WRITER_ROLES, Caller, current_caller
from services.kit.outbox import record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp
from services.kit.records import load_visible
from services.pipeline.domain import leads as domain
from services.pipeline.domain.lead_routing import RoutingStrategy
from services.pipeline.domain.leads import LeadStatus, NewLead
from services.pipeline.models.lead_store import (
    IntakeResult,
    IntakeRow,
    LeadIntake,
    departed_reps,
    mark_lead_contacted,
)
from services.pipeline.models.leads import (
    LeadRecord,
    LeadSlaPolicyRecord,
    TerritoryLeadRoutingRecord,
)
from services.pipeline.models.reps import TerritoryRecord

STATUS_TO_PROTO = {
    LeadStatus.NEW: pb.LEAD_STATUS_NEW,
    LeadStatus.QUALIFIED: pb.LEAD_STATUS_QUALIFIED,
    LeadStatus.DISQUALIFIED: pb.LEAD_STATUS_DISQUALIFIED,
    LeadStatus.CONVERTED: pb.LEAD_STATUS_CONVERTED,
}
STATUS_FROM_PROTO = {value: key for key, value in STATUS_TO_PROTO.items()}
STRATEGY_TO_PROTO = {
    RoutingStrategy.MOST_SPARE_CAPACITY: pb.LEAD_ROUTING_STRATEGY_MOST_SPARE_CAPACITY,
    RoutingStrategy.ROUND_ROBIN: pb.LEAD_ROUTING_STRATEGY_ROUND_ROBIN,
}
STRATEGY_FROM_PROTO = {value: key for key, value in STRATEGY_TO_PROTO.items()}

# Rows per transaction of an import: big enough that the per-batch queries
# (duplicates, routing state) cost little per row, small enough to keep locks short.
IMPORT_BATCH_ROWS = 2000
# Rows per ImportLeads call. It keeps the one response within gRPC's default
# 4 MiB receive limit even when every row is invalid; split bigger files.
MAX_IMPORT_ROWS = 10_000
# Who may give a lead to a rep, from the unassigned queue or from another rep.
ASSIGNER_ROLES = frozenset({"manager", "director", "admin"})
# Who may change how a territory hands out leads.
ROUTING_ADMIN_ROLES = frozenset({"director", "admin"})


def lead_to_proto(lead: LeadRecord) -> pb.Lead:
    """The proto of a lead record."""
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
        campaign=lead.campaign,
        company_size=lead.company_size,
        score=lead.score,
        score_reasons=[
            pb.LeadScoreReason(rule=reason["rule"], points=reason["points"])
            for reason in json.loads(lead.score_reasons or "[]")
        ],
        assignment_reason=lead.assignment_reason,
        territory_id=lead.territory_id,
        assign_time=timestamp(lead.assigned_at),
        contact_time=timestamp(lead.contacted_at),
        contacted_by=lead.contacted_by,
        sla_due_time=timestamp(lead.sla_due_at),
        sla_breach_time=timestamp(lead.sla_breached_at),
    )


def _load_for_caller(
    session: Session, caller: Caller, lead_id: str, *, for_update: bool = False
) -> LeadRecord:
    """The lead if it exists for this caller; NotFound otherwise (outside scope included)."""
    return load_visible(
        session,
        LeadRecord,
        lead_id,
        kind="lead",
        field_name="lead_id",
        visible=lambda lead: caller.can_read(lead.region, lead.owner_id),
        for_update=for_update,
    )


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


def _require_any_role(caller: Caller, roles: frozenset[str], action: str) -> None:
    if not caller.roles & roles:
        raise PermissionDenied(
            f"role(s) {', '.join(sorted(caller.roles)) or 'none'} may not {action}; "
            f"needs one of {', '.join(sorted(roles))}"
        )


def _new_lead(request: pb.CreateLeadRequest | pb.LeadImportRow, caller: Caller) -> NewLead:
    """Validate a lead request and the caller's right to capture it.

    InvalidArgument names the bad fields; PermissionDenied says the caller may
    not write the lead's region (an import turns it into that row's problem).
    """
    lead = domain.validate_new_lead(
        region=request.region,
        company_name=request.company_name,
        contact_name=request.contact_name,
        contact_email=request.contact_email,
        contact_phone=request.contact_phone,
        contact_title=request.contact_title,
        country=request.country,
        industry=request.industry,
        source=request.source,
        campaign=request.campaign,
        company_size=request.company_size,
        owner_id=request.owner_id,
    )
    caller.require_writer(lead.region)
    if caller.own_records_only and lead.owner_id not in ("", caller.subject):
        raise InvalidArgument.of("owner_id", "a rep can only capture leads they own")
    return lead


def _fill_result(slot: pb.LeadImportResult, result: IntakeResult) -> None:
    """Write what became of a row into its (already numbered) result."""
    if result.record is not None:
        slot.created.lead_id = result.record["lead_id"]
        slot.created.owner_id = result.record["owner_id"]
    elif result.duplicate is not None:
        slot.duplicate.duplicate_of_lead_id = result.duplicate.lead_id
        slot.duplicate.matched_on = result.duplicate.matched_on
        slot.duplicate.duplicate_of_row_number = result.duplicate.row_number
    else:
        _fill_invalid(slot, result.violations)


def _fill_invalid(slot: pb.LeadImportResult, violations: Sequence[FieldViolation]) -> None:
    for violation in violations:
        slot.invalid.violations.add(field=violation.field, description=violation.description)


def _count_created(results: Sequence[IntakeResult]) -> None:
    for result in results:
        if result.record is not None:
            metrics.LEADS_CREATED.labels(result.record["region"]).inc()


def _policy_to_proto(policy: LeadSlaPolicyRecord) -> pb.LeadSlaPolicy:
    return pb.LeadSlaPolicy(
        region=policy.region,
        hours=policy.hours,
        audit=audit_info(
            policy.created_at, policy.created_by, policy.updated_at, policy.updated_by
        ),
    )


class PipelineServicer(pipeline_pb2_grpc.PipelineServiceServicer):
    """Leads: capture, import, read, list, qualify, disqualify, convert, assign, contact."""

    def __init__(self, db: Database, *, default_sla_hours: int) -> None:
        self.db = db
        self.default_sla_hours = default_sla_hours

    # --- capture --------------------------------------------------------------------

    def CreateLead(
        self, request: pb.CreateLeadRequest, context: grpc.ServicerContext
    ) -> pb.CreateLeadResponse:
        caller = current_caller()
        lead = _new_lead(request, caller)
        intake = LeadIntake(self.db, caller, self.default_sla_hours)
        (result,) = intake.capture(
            [IntakeRow(1, lead, allow_duplicate=request.allow_duplicate)], utcnow()
        )
        if result.violations:
            raise InvalidArgument(result.violations)
        if result.duplicate is not None:
            raise AlreadyExists(
                "lead",
                result.duplicate.lead_id,
                f"{result.duplicate.describe()}; set allow_duplicate to capture it anyway",
            )
        assert result.record is not None
        _count_created([result])
        return pb.CreateLeadResponse(lead=lead_to_proto(LeadRecord(**result.record)))

    def ImportLeads(
        self, request_iterator: Iterator[pb.ImportLeadsRequest], context: grpc.ServicerContext
    ) -> pb.ImportLeadsResponse:
        caller = current_caller()
        # A caller who may write nothing is refused as a whole, before any row.
        _require_any_role(caller, WRITER_ROLES, "capture leads")
        intake = LeadIntake(self.db, caller, self.default_sla_hours)
        # Results are added to the response as rows arrive and filled in when
        # their batch is written: thousands of them, so never copied.
        response = pb.ImportLeadsResponse()
        pending: list[tuple[pb.LeadImportResult, IntakeRow]] = []

        def flush() -> None:
            captured = intake.capture([row for _, row in pending], utcnow())
            for (slot, _row), result in zip(pending, captured, strict=True):
                _fill_result(slot, result)
            _count_created(captured)
            pending.clear()

        rows = (row for request in request_iterator for row in request.rows)
        for arrival, request in enumerate(rows, start=1):
            slot = response.results.add(row_number=request.row_number or arrival)
            if arrival > MAX_IMPORT_ROWS:
                # The rest of the stream is still read, so every row gets its answer.
                limit = (
                    f"an import takes at most {MAX_IMPORT_ROWS} rows; "
                    "send the rest in another import"
                )
                _fill_invalid(slot, [FieldViolation("row", limit)])
                continue
            try:
                lead = _new_lead(request, caller)
            except InvalidArgument as invalid:
                _fill_invalid(slot, invalid.violations)
                continue
            except PermissionDenied as denied:
                # A row for a region the caller lacks is that row's problem, not the file's.
                _fill_invalid(slot, [FieldViolation("region", denied.message)])
                continue
            pending.append((slot, IntakeRow(slot.row_number, lead, request.allow_duplicate)))
            if len(pending) >= IMPORT_BATCH_ROWS:
                flush()
        if pending:
            flush()
        outcomes = Counter(result.WhichOneof("outcome") for result in response.results)
        response.created_count = outcomes["created"]
        response.duplicate_count = outcomes["duplicate"]
        response.invalid_count = outcomes["invalid"]
        return response

    # --- reading ----------------------------------------------------------------------

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
        if request.unassigned:
            # The queue holds leads still to be worked; a closed lead needs no owner.
            query = query.where(
                LeadRecord.owner_id == "",
                LeadRecord.status.in_(sorted(s.value for s in domain.OPEN_STATUSES)),
            )
        if caller.own_records_only:
            # A rep's list is their own leads: the unassigned queue is the managers'.
            query = query.where(LeadRecord.owner_id == caller.subject)
        filters = {
            "region": request.region,
            "status": status.value if status else "",
            "unassigned": "yes" if request.unassigned else "",
        }
        with self.db.transaction() as session:
            leads, next_token = keyset_page(
                session,
                query,
                created=LeadRecord.created_at,
                key=LeadRecord.lead_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters=filters,
                cursor_of=lambda lead: Cursor(lead.created_at, lead.lead_id),
            )
            return pb.ListLeadsResponse(
                leads=[lead_to_proto(lead) for lead in leads],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    # --- moving -----------------------------------------------------------------------

    def _act(
        self,
        lead_id: str,
        target: LeadStatus,
        event_type: str,
        payload: Callable[[LeadRecord, Caller], Message],
        extra: Callable[[LeadRecord], None] | None = None,
        precondition: Callable[[LeadRecord], None] | None = None,
    ) -> pb.Lead:
        """Move a lead to `target` and record `event_type`, in one transaction."""
        caller = current_caller()
        with self.db.transaction() as session:
            lead = _load_for_caller(session, caller, lead_id, for_update=True)
            if precondition is not None:
                caller.require_writer(lead.region)
                precondition(lead)
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
        def has_owner(lead: LeadRecord) -> None:
            # The state machine's rule first, so a closed lead says it is closed.
            domain.require_transition(lead.lead_id, LeadStatus(lead.status), LeadStatus.CONVERTED)
            domain.require_owner_to_convert(lead.lead_id, lead.owner_id)

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
            precondition=has_owner,
        )
        metrics.LEADS_CONVERTED.labels(lead.region).inc()
        return pb.ConvertLeadResponse(lead=lead)

    # --- assignment and contact -------------------------------------------------------

    def AssignLead(
        self, request: pb.AssignLeadRequest, context: grpc.ServicerContext
    ) -> pb.AssignLeadResponse:
        caller = current_caller()
        owner, note = domain.validate_assignment(request.owner_id, request.note)
        with self.db.transaction() as session:
            lead = _load_for_caller(session, caller, request.lead_id, for_update=True)
            caller.require_writer(lead.region)
            _require_any_role(caller, ASSIGNER_ROLES, "assign leads")
            domain.require_open(lead.lead_id, LeadStatus(lead.status), "assigned")
            if owner in departed_reps(session, [owner]):
                raise FailedPrecondition(
                    [
                        RuleViolation(
                            type="POLICY",
                            subject=f"reps/{owner}",
                            description=f"rep '{owner}' has left; assign the lead to an active rep",
                        )
                    ]
                )
            if owner != lead.owner_id:
                previous = lead.owner_id
                now = utcnow()
                lead.owner_id = owner
                lead.assignment_reason = domain.assignment_reason(caller.subject, note)
                lead.territory_id = ""
                lead.assigned_at = now
                lead.updated_at = now
                lead.updated_by = caller.subject
                lead.version += 1
                record_event(
                    session,
                    "pipeline.lead.assigned",
                    events.LeadAssigned(
                        lead_id=lead.lead_id,
                        region=lead.region,
                        owner_id=owner,
                        previous_owner_id=previous,
                        reason=lead.assignment_reason,
                        assigned_by=caller.subject,
                    ),
                    region=lead.region,
                    caller=caller,
                )
        return pb.AssignLeadResponse(lead=lead_to_proto(lead))

    def MarkLeadContacted(
        self, request: pb.MarkLeadContactedRequest, context: grpc.ServicerContext
    ) -> pb.MarkLeadContactedResponse:
        caller = current_caller()
        contact_time = (
            request.contact_time.ToDatetime(tzinfo=UTC)
            if request.HasField("contact_time")
            else None
        )
        with self.db.transaction() as session:
            lead = _load_for_caller(session, caller, request.lead_id, for_update=True)
            caller.require_writer(lead.region)
            domain.require_open(lead.lead_id, LeadStatus(lead.status), "marked contacted")
            now = utcnow()
            at = domain.validate_contact_time(contact_time, captured_at=lead.created_at, now=now)
            mark_lead_contacted(lead, caller.subject, at, now)
        return pb.MarkLeadContactedResponse(lead=lead_to_proto(lead))

    # --- configuration ----------------------------------------------------------------

    def SetLeadSlaPolicy(
        self, request: pb.SetLeadSlaPolicyRequest, context: grpc.ServicerContext
    ) -> pb.SetLeadSlaPolicyResponse:
        caller = current_caller()
        region = request.region.strip().upper()
        if not domain.REGION_PATTERN.match(region):
            raise InvalidArgument.of("region", "must be a region code such as EMEA or CN-EAST")
        hours = domain.validate_sla_hours(request.hours)
        _require_any_role(caller, frozenset({"admin"}), "set lead SLA policies")
        caller.require_writer(region)
        now = utcnow()
        with self.db.transaction() as session:
            policy = session.get(LeadSlaPolicyRecord, region, with_for_update=True)
            # A policy keeps no version, so no If-Match can name one.
            check_expected_version(None, f"lead-sla-policies/{region}")
            if policy is None:
                policy = LeadSlaPolicyRecord(
                    region=region, created_at=now, created_by=caller.subject
                )
                session.add(policy)
            policy.hours = hours
            policy.updated_at = now
            policy.updated_by = caller.subject
        return pb.SetLeadSlaPolicyResponse(policy=_policy_to_proto(policy))

    def ListLeadSlaPolicies(
        self, request: pb.ListLeadSlaPoliciesRequest, context: grpc.ServicerContext
    ) -> pb.ListLeadSlaPoliciesResponse:
        caller = current_caller()
        caller.require_reader()
        regions = caller.readable_regions(request.region.strip().upper())
        query = sa.select(LeadSlaPolicyRecord)
        if regions is not None:
            query = query.where(LeadSlaPolicyRecord.region.in_(sorted(regions)))
        with self.db.transaction() as session:
            policies, next_token = keyset_page(
                session,
                query,
                created=LeadSlaPolicyRecord.created_at,
                key=LeadSlaPolicyRecord.region,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"region": request.region},
                cursor_of=lambda policy: Cursor(policy.created_at, policy.region),
            )
            return pb.ListLeadSlaPoliciesResponse(
                policies=[_policy_to_proto(policy) for policy in policies],
                default_hours=self.default_sla_hours,
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def SetLeadRoutingStrategy(
        self, request: pb.SetLeadRoutingStrategyRequest, context: grpc.ServicerContext
    ) -> pb.SetLeadRoutingStrategyResponse:
        caller = current_caller()
        strategy = STRATEGY_FROM_PROTO.get(request.strategy)
        if strategy is None:
            raise InvalidArgument.of(
                "strategy", "must be LEAD_ROUTING_STRATEGY_MOST_SPARE_CAPACITY or _ROUND_ROBIN"
            )
        territory_id = request.territory_id.strip()
        if not territory_id:
            raise InvalidArgument.of("territory_id", "is required")
        with self.db.transaction() as session:
            territory = session.get(TerritoryRecord, territory_id)
            if territory is None or not caller.can_read(territory.region):
                raise NotFound("territory", territory_id)
            caller.require_writer(territory.region)
            _require_any_role(caller, ROUTING_ADMIN_ROLES, "set a territory's lead routing")
            routing = session.get(TerritoryLeadRoutingRecord, territory_id, with_for_update=True)
            # A routing keeps no version, so no If-Match can name one.
            check_expected_version(None, f"lead-routing/{territory_id}")
            if routing is None:
                routing = TerritoryLeadRoutingRecord(territory_id=territory_id, last_rep_id="")
                session.add(routing)
            routing.strategy = strategy.value
            routing.updated_at = utcnow()
            routing.updated_by = caller.subject
            region = territory.region
        return pb.SetLeadRoutingStrategyResponse(
            routing=pb.TerritoryLeadRouting(
                territory_id=territory_id,
                region=region,
                strategy=STRATEGY_TO_PROTO[strategy],
                audit=common_pb2.AuditInfo(
                    update_time=timestamp(routing.updated_at), updated_by=routing.updated_by
                ),
            )
        )


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the pipeline servicers to `server`; return their full service names.

    Reads SALESOPS_LEAD_SLA_HOURS; an invalid value stops the start naming it.
    """
    default_hours = domain.default_sla_hours(Settings.from_env().env)
    pipeline_pb2_grpc.add_PipelineServiceServicer_to_server(
        PipelineServicer(db, default_sla_hours=default_hours), server
    )
    return [pb.DESCRIPTOR.services_by_name["PipelineService"].full_name]
