"""ActivityService: calls, meetings, visits, emails and tasks on a lead, deal or customer.

An activity takes its region from what it is linked to, and exists for a
caller who sees that record (a rep: their own activities, or any on a record
they see). Logging a call, meeting, visit or email on a lead records the
lead's first contact (the leads area's SLA clock stops there).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import pipeline_sales_events_pb2 as events
from salesops.pipeline.v1 import activities_pb2 as pb
from salesops.pipeline.v1 import activities_pb2_grpc
from sqlalchemy.orm import Session

from services.kit.concurrency import check_expected_version
from services.kit.db import Database, utcnow
from services.kit.errors import InvalidArgument, NotFound, PermissionDenied
from services.kit.identity import Caller, current_caller
from services.kit.outbox import record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp
from services.kit.records import where_equal
from services.pipeline.api.opportunities import (
    ACTIVITY_TYPE_FROM_PROTO,
    ACTIVITY_TYPE_TO_PROTO,
    load_opportunity,
    rep_view,
)
from services.pipeline.domain import activities as domain
from services.pipeline.domain import opportunities as deal_rules
from services.pipeline.domain.activities import ActivityStatus, ActivityType
from services.pipeline.domain.opportunities import iso
from services.pipeline.models.activities import ActivityRecord
from services.pipeline.models.copies import CustomerCopyRecord
from services.pipeline.models.lead_store import mark_lead_contacted
from services.pipeline.models.leads import LeadRecord

STATUS_TO_PROTO = {
    ActivityStatus.OPEN: pb.ACTIVITY_STATUS_OPEN,
    ActivityStatus.COMPLETED: pb.ACTIVITY_STATUS_COMPLETED,
}
STATUS_FROM_PROTO = {value: key for key, value in STATUS_TO_PROTO.items()}
# Kinds of activity that are a contact with a lead (a task is not).
CONTACTS = frozenset(
    {ActivityType.CALL, ActivityType.MEETING, ActivityType.VISIT, ActivityType.EMAIL}
)
OPEN_LEAD_STATUSES = frozenset({"new", "qualified"})


def activity_to_proto(record: ActivityRecord) -> pb.Activity:
    """The Activity proto of a row."""
    return pb.Activity(
        activity_id=record.activity_id,
        region=record.region,
        type=ACTIVITY_TYPE_TO_PROTO[record.type],
        subject=record.subject,
        outcome=record.outcome,
        owner_id=record.owner_id,
        lead_id=record.lead_id or "",
        opportunity_id=record.opportunity_id or "",
        customer_id=record.customer_id or "",
        due_date=iso(record.due_date),
        status=STATUS_TO_PROTO[ActivityStatus(record.status)],
        occur_time=timestamp(record.occurred_at),
        complete_time=timestamp(record.completed_at),
        audit=audit_info(
            record.created_at, record.created_by, record.updated_at, record.updated_by
        ),
    )


def _rfc3339(value: datetime | None) -> str:
    return value.isoformat().replace("+00:00", "Z") if value else ""


def _target_region(session: Session, caller: Caller, kind: str, target_id: str) -> str:
    """The region of the record an activity is linked to; NotFound when the caller lacks it."""
    if kind == "opportunity":
        return load_opportunity(session, caller, target_id).region
    if kind == "lead":
        lead = session.get(LeadRecord, target_id)
        if lead is None or not caller.can_read(lead.region, lead.owner_id):
            raise NotFound("lead", target_id)
        return lead.region
    customer = session.get(CustomerCopyRecord, target_id)
    if customer is None or not customer.known or not caller.can_read(customer.region):
        raise NotFound("customer", target_id)
    if caller.own_records_only and customer.owner_id != caller.subject:
        raise NotFound("customer", target_id)
    if customer.merged_into:
        raise InvalidArgument.of(
            "customer_id", f"was merged into customer {customer.merged_into}; use that one"
        )
    return customer.region


def _target_of(record: ActivityRecord) -> tuple[str, str]:
    if record.lead_id:
        return "lead", record.lead_id
    if record.opportunity_id:
        return "opportunity", record.opportunity_id
    return "customer", record.customer_id or ""


def _visible(session: Session, caller: Caller, record: ActivityRecord) -> bool:
    if not caller.can_read(record.region):
        return False
    if not caller.own_records_only or record.owner_id == caller.subject:
        return True
    try:
        _target_region(session, caller, *_target_of(record))
    except (NotFound, InvalidArgument):
        return False
    return True


def _load(
    session: Session, caller: Caller, activity_id: str, *, for_update: bool = False
) -> ActivityRecord:
    if not activity_id.strip():
        raise InvalidArgument.of("activity_id", "is required")
    record = session.get(ActivityRecord, activity_id, with_for_update=for_update)
    if record is None or not _visible(session, caller, record):
        raise NotFound("activity", activity_id)
    if for_update:
        check_expected_version(record.version, f"activities/{activity_id}")
    return record


class ActivityServicer(activities_pb2_grpc.ActivityServiceServicer):
    """Log, read, list and complete activities."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def LogActivity(
        self, request: pb.LogActivityRequest, context: grpc.ServicerContext
    ) -> pb.LogActivityResponse:
        caller = current_caller()
        new = domain.validate_new_activity(
            type=ACTIVITY_TYPE_FROM_PROTO.get(request.type, ""),
            subject=request.subject,
            outcome=request.outcome,
            owner_id=request.owner_id or caller.subject,
            due_date=request.due_date,
            lead_id=request.lead_id,
            opportunity_id=request.opportunity_id,
            customer_id=request.customer_id,
        )
        if caller.own_records_only and new.owner_id != caller.subject:
            raise InvalidArgument.of("owner_id", "a rep logs only their own activities")
        now = utcnow()
        occurred = (
            request.occur_time.ToDatetime(tzinfo=UTC) if request.HasField("occur_time") else now
        )
        with self.db.transaction() as session:
            region = _target_region(session, caller, new.target_kind, new.target_id)
            caller.require_writer(region)
            status = new.status
            record = ActivityRecord(
                activity_id=str(uuid.uuid4()),
                region=region,
                type=new.type.value,
                subject=new.subject,
                outcome=new.outcome,
                owner_id=new.owner_id,
                lead_id=new.target_id if new.target_kind == "lead" else None,
                opportunity_id=new.target_id if new.target_kind == "opportunity" else None,
                customer_id=new.target_id if new.target_kind == "customer" else None,
                due_date=new.due_date,
                status=status.value,
                occurred_at=occurred,
                completed_at=now if status is ActivityStatus.COMPLETED else None,
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
            )
            session.add(record)
            if new.target_kind == "lead" and new.type in CONTACTS:
                lead = session.get(LeadRecord, new.target_id, with_for_update=True)
                if (
                    lead is not None
                    and lead.status in OPEN_LEAD_STATUSES
                    and lead.created_at <= occurred <= now
                ):
                    mark_lead_contacted(lead, new.owner_id, occurred, now)
            record_event(
                session,
                "pipeline.activity.logged",
                events.ActivityLogged(
                    activity_id=record.activity_id,
                    region=region,
                    type=record.type,
                    owner_id=record.owner_id,
                    lead_id=record.lead_id or "",
                    opportunity_id=record.opportunity_id or "",
                    customer_id=record.customer_id or "",
                    subject=record.subject,
                    outcome=record.outcome,
                    due_date=iso(record.due_date),
                    status=record.status,
                    occurred_at=_rfc3339(occurred),
                ),
                region=region,
                caller=caller,
            )
        return pb.LogActivityResponse(activity=activity_to_proto(record))

    def GetActivity(
        self, request: pb.GetActivityRequest, context: grpc.ServicerContext
    ) -> pb.GetActivityResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            return pb.GetActivityResponse(
                activity=activity_to_proto(_load(session, caller, request.activity_id))
            )

    def ListActivities(
        self, request: pb.ListActivitiesRequest, context: grpc.ServicerContext
    ) -> pb.ListActivitiesResponse:
        caller = current_caller()
        caller.require_reader()
        targets = [
            (kind, column, value.strip())
            for kind, column, value in (
                ("lead", ActivityRecord.lead_id, request.lead_id),
                ("opportunity", ActivityRecord.opportunity_id, request.opportunity_id),
                ("customer", ActivityRecord.customer_id, request.customer_id),
            )
            if value.strip()
        ]
        if len(targets) > 1:
            raise InvalidArgument.of(
                targets[1][0] + "_id", "filter by at most one of lead, opportunity and customer"
            )
        type_ = ACTIVITY_TYPE_FROM_PROTO.get(request.type, "") if request.type else ""
        if request.type and not type_:
            raise InvalidArgument.of("type", "is not an activity type")
        status = STATUS_FROM_PROTO.get(request.status) if request.status else None
        if request.status and status is None:
            raise InvalidArgument.of("status", "is not an activity status")
        region = request.region.strip().upper()
        regions = caller.readable_regions(region)
        query = sa.select(ActivityRecord)
        if regions is not None:
            query = query.where(ActivityRecord.region.in_(sorted(regions)))
        filters = {
            "region": region,
            "target": ":".join(targets[0][::2]) if targets else "",
            "owner_id": request.owner_id.strip(),
            "type": type_,
            "status": status.value if status else "",
        }
        query = where_equal(
            query,
            [
                (ActivityRecord.owner_id, filters["owner_id"]),
                (ActivityRecord.type, type_),
                (ActivityRecord.status, filters["status"]),
            ],
        )
        with self.db.transaction() as session:
            if targets:
                kind, column, value = targets[0]
                _target_region(session, caller, kind, value)
                query = query.where(column == value)
            elif caller.own_records_only:
                query = query.where(ActivityRecord.owner_id == caller.subject)
            records, next_token = keyset_page(
                session,
                query,
                created=ActivityRecord.created_at,
                key=ActivityRecord.activity_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters=filters,
                cursor_of=lambda a: Cursor(a.created_at, a.activity_id),
            )
            return pb.ListActivitiesResponse(
                activities=[activity_to_proto(r) for r in records],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def CompleteActivity(
        self, request: pb.CompleteActivityRequest, context: grpc.ServicerContext
    ) -> pb.CompleteActivityResponse:
        caller = current_caller()
        now = utcnow()
        with self.db.transaction() as session:
            record = _load(session, caller, request.activity_id, for_update=True)
            caller.require_writer(record.region)
            owner = rep_view(session, record.owner_id)
            if not deal_rules.may_manage_deal(
                caller.roles, caller.subject, record.owner_id, owner.manager_id if owner else None
            ):
                raise PermissionDenied(
                    f"only {record.owner_id}, their manager or a director completes this task"
                )
            outcome = domain.validate_completion(
                record.activity_id, ActivityStatus(record.status), request.outcome
            )
            record.status = ActivityStatus.COMPLETED.value
            record.outcome = outcome
            record.completed_at = now
            record.updated_at, record.updated_by = now, caller.subject
            record.version += 1
            record_event(
                session,
                "pipeline.activity.completed",
                events.ActivityCompleted(
                    activity_id=record.activity_id,
                    region=record.region,
                    type=record.type,
                    owner_id=record.owner_id,
                    lead_id=record.lead_id or "",
                    opportunity_id=record.opportunity_id or "",
                    customer_id=record.customer_id or "",
                    outcome=outcome,
                    completed_at=_rfc3339(now),
                ),
                region=record.region,
                caller=caller,
            )
        return pb.CompleteActivityResponse(activity=activity_to_proto(record))


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the ActivityService to `server`; return its full name."""
    activities_pb2_grpc.add_ActivityServiceServicer_to_server(ActivityServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["ActivityService"].full_name]
