"""CaseService: after-sales service cases, their SLA policies and the overdue-cases gauge."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import pipeline_case_events_pb2 as events
from salesops.pipeline.v1 import cases_pb2 as pb
from salesops.pipeline.v1 import cases_pb2_grpc
from sqlalchemy.orm import Session

from services.kit import metrics
from services.kit.concurrency import check_expected_version
from services.kit.db import Database, utcnow
from services.kit.errors import InvalidArgument, NotFound, PermissionDenied, Validator
from services.kit.identity import Caller, current_caller
from services.kit.outbox import record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp
from services.pipeline.domain import cases as domain
from services.pipeline.domain.cases import CaseAction, CasePriority, CaseStatus, CaseType
from services.pipeline.models.cases import CaseRecord, CaseSlaPolicyRecord
from services.pipeline.models.contracts import ContractRecord
from services.pipeline.models.copies import CustomerCopyRecord

STATUS_TO_PROTO = {
    CaseStatus.OPEN: pb.CASE_STATUS_OPEN,
    CaseStatus.IN_PROGRESS: pb.CASE_STATUS_IN_PROGRESS,
    CaseStatus.RESOLVED: pb.CASE_STATUS_RESOLVED,
    CaseStatus.CLOSED: pb.CASE_STATUS_CLOSED,
}
STATUS_FROM_PROTO = {value: key for key, value in STATUS_TO_PROTO.items()}
PRIORITY_TO_PROTO = {
    CasePriority.URGENT: pb.CASE_PRIORITY_URGENT,
    CasePriority.HIGH: pb.CASE_PRIORITY_HIGH,
    CasePriority.NORMAL: pb.CASE_PRIORITY_NORMAL,
    CasePriority.LOW: pb.CASE_PRIORITY_LOW,
}
PRIORITY_FROM_PROTO = {value: key for key, value in PRIORITY_TO_PROTO.items()}
TYPE_TO_PROTO = {
    CaseType.INCIDENT: pb.CASE_TYPE_INCIDENT,
    CaseType.QUESTION: pb.CASE_TYPE_QUESTION,
    CaseType.COMPLAINT: pb.CASE_TYPE_COMPLAINT,
    CaseType.REQUEST: pb.CASE_TYPE_REQUEST,
}
TYPE_FROM_PROTO = {value: key for key, value in TYPE_TO_PROTO.items()}

# The policy table keeps one nullable column per priority.
_HOURS_COLUMN = {
    CasePriority.URGENT: "urgent_hours",
    CasePriority.HIGH: "high_hours",
    CasePriority.NORMAL: "normal_hours",
    CasePriority.LOW: "low_hours",
}
E = TypeVar("E", bound=StrEnum)


def case_to_proto(record: CaseRecord, now: datetime) -> pb.Case:
    """The proto of a case; `overdue` is evaluated at `now`."""
    status = CaseStatus(record.status)
    message = pb.Case(
        case_id=record.case_id,
        region=record.region,
        customer_id=record.customer_id,
        contract_id=record.contract_id,
        type=TYPE_TO_PROTO[CaseType(record.type)],
        priority=PRIORITY_TO_PROTO[CasePriority(record.priority)],
        status=STATUS_TO_PROTO[status],
        subject=record.subject,
        description=record.description,
        assignee_id=record.assignee_id,
        sla_hours=record.sla_hours,
        due_time=timestamp(record.due_at),
        overdue=domain.is_overdue(status, record.due_at, now),
        sla_breach_time=timestamp(record.sla_breached_at),
        start_time=timestamp(record.started_at),
        resolve_time=timestamp(record.resolved_at),
        resolved_by=record.resolved_by,
        resolution_note=record.resolution_note,
        close_time=timestamp(record.closed_at),
        reopen_count=record.reopen_count,
        reopen_reason=record.reopen_reason,
        audit=audit_info(
            record.created_at, record.created_by, record.updated_at, record.updated_by
        ),
    )
    if record.satisfaction_score is not None:
        message.satisfaction_score = record.satisfaction_score
    return message


def _load_for_caller(
    session: Session, caller: Caller, case_id: str, *, for_update: bool = False
) -> CaseRecord:
    """The case if it exists for this caller; NotFound otherwise (outside scope included)."""
    if not case_id.strip():
        raise InvalidArgument.of("case_id", "is required")
    record = session.get(CaseRecord, case_id.strip(), with_for_update=for_update)
    if record is None or not domain.case_readable(
        caller, record.region, record.assignee_id, record.created_by
    ):
        raise NotFound("case", case_id)
    if for_update:
        check_expected_version(record.version, f"cases/{record.case_id}")
    return record


def _overrides_of(policy: CaseSlaPolicyRecord | None) -> dict[CasePriority, int]:
    if policy is None:
        return {}
    return {
        priority: hours
        for priority, column in _HOURS_COLUMN.items()
        if (hours := getattr(policy, column)) is not None
    }


def sla_overrides(session: Session, region: str) -> dict[CasePriority, int]:
    """The resolution-hour overrides `region` sets (empty when it keeps the defaults)."""
    return _overrides_of(session.get(CaseSlaPolicyRecord, region))


def _policy_to_proto(region: str, policy: CaseSlaPolicyRecord | None) -> pb.CaseSlaPolicy:
    overrides = _overrides_of(policy)
    return pb.CaseSlaPolicy(
        region=region,
        targets=[
            pb.CaseSlaTarget(
                priority=PRIORITY_TO_PROTO[priority],
                resolution_hours=domain.resolution_hours(priority, overrides),
                overridden=priority in overrides,
            )
            for priority in CasePriority
        ],
        update_time=timestamp(policy.updated_at) if policy else None,
        updated_by=policy.updated_by if policy else "",
    )


def _filter(value: int, mapping: Mapping[Any, E], field_name: str) -> E | None:
    """A proto enum filter as its domain value (None when unspecified)."""
    if not value:
        return None
    if value not in mapping:
        raise InvalidArgument.of(field_name, f"{value} is not a known value")
    return mapping[value]


def _require_customer_and_contract(session: Session, new: domain.NewCase) -> None:
    """The customer must be known in the case's region (local copy), the contract theirs.

    Customers live in the customers service; the pipeline checks its local
    copy (fed by `customers.customer.*` events). A customer of another region
    gets the same answer as an unknown one, so nothing leaks across regions.
    """
    check = Validator()
    customer = session.get(CustomerCopyRecord, new.customer_id)
    if customer is None or not customer.known or customer.region != new.region:
        check.add("customer_id", f"is not a customer of region {new.region}")
    elif customer.merged_into:
        check.add(
            "customer_id",
            f"was merged into customer {customer.merged_into}; open the case for that one",
        )
    if new.contract_id:
        contract = session.get(ContractRecord, new.contract_id)
        if (
            contract is None
            or contract.region != new.region
            or contract.customer_id != new.customer_id
        ):
            check.add("contract_id", f"is not a contract of customer {new.customer_id}")
    check.raise_if_any()


def overdue_case_counts(
    db: Database, now: datetime | None = None
) -> list[tuple[tuple[str, str], float]]:
    """((region, priority), count) of cases open or in progress past their due time."""
    moment = now or utcnow()
    with db.engine.connect() as connection:
        rows = connection.execute(
            sa.select(CaseRecord.region, CaseRecord.priority, sa.func.count())
            .where(CaseRecord.status.in_(domain.ACTIVE_STATUS_VALUES), CaseRecord.due_at < moment)
            .group_by(CaseRecord.region, CaseRecord.priority)
            .order_by(CaseRecord.region, CaseRecord.priority)
        ).all()
    return [((region, priority), float(count)) for region, priority, count in rows]


class CaseServicer(cases_pb2_grpc.CaseServiceServicer):
    """After-sales cases: open, read, list, assign, start, resolve, close, reopen; SLA policy."""

    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    def OpenCase(
        self, request: pb.OpenCaseRequest, context: grpc.ServicerContext
    ) -> pb.OpenCaseResponse:
        caller = current_caller()
        new = domain.validate_new_case(
            region=request.region,
            customer_id=request.customer_id,
            contract_id=request.contract_id,
            type=TYPE_FROM_PROTO.get(request.type),
            priority=PRIORITY_FROM_PROTO.get(request.priority),
            subject=request.subject,
            description=request.description,
            assignee_id=request.assignee_id,
        )
        caller.require_writer(new.region)
        domain.require_rep_assigns_self(caller, new.assignee_id, "assignee_id")
        now = self.clock()
        with self.db.transaction() as session:
            _require_customer_and_contract(session, new)
            hours = domain.resolution_hours(new.priority, sla_overrides(session, new.region))
            record = CaseRecord(
                case_id=str(uuid.uuid4()),
                region=new.region,
                customer_id=new.customer_id,
                contract_id=new.contract_id,
                type=new.type.value,
                priority=new.priority.value,
                status=CaseStatus.OPEN.value,
                subject=new.subject,
                description=new.description,
                assignee_id=new.assignee_id,
                sla_hours=hours,
                due_at=domain.due_at(now, hours),
                resolved_by="",
                resolution_note="",
                reopen_count=0,
                reopen_reason="",
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
            )
            session.add(record)
            record_event(
                session,
                "pipeline.case.opened",
                events.CaseOpened(
                    case_id=record.case_id,
                    region=record.region,
                    customer_id=record.customer_id,
                    contract_id=record.contract_id,
                    priority=record.priority,
                    assignee_id=record.assignee_id,
                    type=record.type,
                    subject=record.subject,
                    due_time=timestamp(record.due_at),
                    opened_by=caller.subject,
                ),
                region=record.region,
                caller=caller,
            )
        return pb.OpenCaseResponse(case=case_to_proto(record, now))

    def GetCase(
        self, request: pb.GetCaseRequest, context: grpc.ServicerContext
    ) -> pb.GetCaseResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            record = _load_for_caller(session, caller, request.case_id)
            return pb.GetCaseResponse(case=case_to_proto(record, self.clock()))

    def ListCases(
        self, request: pb.ListCasesRequest, context: grpc.ServicerContext
    ) -> pb.ListCasesResponse:
        caller = current_caller()
        caller.require_reader()
        status = _filter(request.status, STATUS_FROM_PROTO, "status")
        priority = _filter(request.priority, PRIORITY_FROM_PROTO, "priority")
        regions = caller.readable_regions(request.region.strip().upper())
        now = self.clock()
        query = sa.select(CaseRecord)
        if regions is not None:
            query = query.where(CaseRecord.region.in_(sorted(regions)))
        if caller.own_records_only:
            query = query.where(
                sa.or_(
                    CaseRecord.assignee_id == caller.subject,
                    CaseRecord.created_by == caller.subject,
                )
            )
        if status is not None:
            query = query.where(CaseRecord.status == status.value)
        if priority is not None:
            query = query.where(CaseRecord.priority == priority.value)
        if request.assignee_id.strip():
            query = query.where(CaseRecord.assignee_id == request.assignee_id.strip())
        if request.customer_id.strip():
            query = query.where(CaseRecord.customer_id == request.customer_id.strip())
        if request.overdue:
            query = query.where(
                CaseRecord.status.in_(domain.ACTIVE_STATUS_VALUES), CaseRecord.due_at < now
            )
        filters = {
            "region": request.region.strip().upper(),
            "status": status.value if status else "",
            "priority": priority.value if priority else "",
            "assignee_id": request.assignee_id.strip(),
            "customer_id": request.customer_id.strip(),
            "overdue": "1" if request.overdue else "",
        }
        with self.db.transaction() as session:
            records, next_token = keyset_page(
                session,
                query,
                created=CaseRecord.created_at,
                key=CaseRecord.case_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters=filters,
                cursor_of=lambda record: Cursor(record.created_at, record.case_id),
            )
            return pb.ListCasesResponse(
                cases=[case_to_proto(record, now) for record in records],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def _act(
        self, case_id: str, change: Callable[[Session, Caller, CaseRecord, datetime], None]
    ) -> pb.Case:
        """Load the case for update in the caller's scope, apply `change`, stamp the audit."""
        caller = current_caller()
        now = self.clock()
        with self.db.transaction() as session:
            record = _load_for_caller(session, caller, case_id, for_update=True)
            caller.require_writer(record.region)
            change(session, caller, record, now)
            record.updated_at = now
            record.updated_by = caller.subject
            record.version += 1
        return case_to_proto(record, now)

    def AssignCase(
        self, request: pb.AssignCaseRequest, context: grpc.ServicerContext
    ) -> pb.AssignCaseResponse:
        assignee = domain.validate_assignee(request.assignee_id)

        def assign(session: Session, caller: Caller, record: CaseRecord, now: datetime) -> None:
            domain.require_rep_assigns_self(caller, assignee, "assignee_id")
            domain.require_assignable(record.case_id, CaseStatus(record.status))
            record.assignee_id = assignee

        return pb.AssignCaseResponse(case=self._act(request.case_id, assign))

    def StartCase(
        self, request: pb.StartCaseRequest, context: grpc.ServicerContext
    ) -> pb.StartCaseResponse:
        def start(session: Session, caller: Caller, record: CaseRecord, now: datetime) -> None:
            target = domain.require_action(
                record.case_id, CaseStatus(record.status), CaseAction.START
            )
            record.status = target.value
            record.started_at = now
            if not record.assignee_id:
                record.assignee_id = caller.subject

        return pb.StartCaseResponse(case=self._act(request.case_id, start))

    def ResolveCase(
        self, request: pb.ResolveCaseRequest, context: grpc.ServicerContext
    ) -> pb.ResolveCaseResponse:
        resolution = domain.validate_resolution(
            request.resolution_note,
            request.satisfaction_score if request.HasField("satisfaction_score") else None,
        )

        def resolve(session: Session, caller: Caller, record: CaseRecord, now: datetime) -> None:
            target = domain.require_action(
                record.case_id, CaseStatus(record.status), CaseAction.RESOLVE
            )
            record.status = target.value
            record.resolved_at = now
            record.resolved_by = caller.subject
            record.resolution_note = resolution.note
            record.satisfaction_score = resolution.satisfaction_score
            payload = events.CaseResolved(
                case_id=record.case_id,
                region=record.region,
                customer_id=record.customer_id,
                contract_id=record.contract_id,
                priority=record.priority,
                assignee_id=record.assignee_id,
                resolved_by=caller.subject,
                resolve_time=timestamp(now),
                within_sla=now <= record.due_at,
                type=record.type,
            )
            if resolution.satisfaction_score is not None:
                payload.satisfaction_score = resolution.satisfaction_score
            record_event(
                session, "pipeline.case.resolved", payload, region=record.region, caller=caller
            )

        return pb.ResolveCaseResponse(case=self._act(request.case_id, resolve))

    def CloseCase(
        self, request: pb.CloseCaseRequest, context: grpc.ServicerContext
    ) -> pb.CloseCaseResponse:
        def close(session: Session, caller: Caller, record: CaseRecord, now: datetime) -> None:
            target = domain.require_action(
                record.case_id, CaseStatus(record.status), CaseAction.CLOSE
            )
            record.status = target.value
            record.closed_at = now

        return pb.CloseCaseResponse(case=self._act(request.case_id, close))

    def ReopenCase(
        self, request: pb.ReopenCaseRequest, context: grpc.ServicerContext
    ) -> pb.ReopenCaseResponse:
        reason = domain.validate_reopen_reason(request.reason)

        def reopen(session: Session, caller: Caller, record: CaseRecord, now: datetime) -> None:
            target = domain.require_action(
                record.case_id, CaseStatus(record.status), CaseAction.REOPEN
            )
            record.status = target.value
            record.reopen_count += 1
            record.reopen_reason = reason
            # The resolution did not hold: the next one replaces it.
            record.resolved_at = None
            record.resolved_by = ""
            record.resolution_note = ""
            record.satisfaction_score = None

        return pb.ReopenCaseResponse(case=self._act(request.case_id, reopen))

    def GetCaseSlaPolicy(
        self, request: pb.GetCaseSlaPolicyRequest, context: grpc.ServicerContext
    ) -> pb.GetCaseSlaPolicyResponse:
        caller = current_caller()
        caller.require_reader()
        region, _ = domain.validate_sla_targets(request.region, [])
        if not caller.has_region(region):
            raise NotFound("case SLA policy", region)
        with self.db.transaction() as session:
            policy = session.get(CaseSlaPolicyRecord, region)
            return pb.GetCaseSlaPolicyResponse(policy=_policy_to_proto(region, policy))

    def UpdateCaseSlaPolicy(
        self, request: pb.UpdateCaseSlaPolicyRequest, context: grpc.ServicerContext
    ) -> pb.UpdateCaseSlaPolicyResponse:
        caller = current_caller()
        if "admin" not in caller.roles:
            raise PermissionDenied("only an admin may change a region's case SLA policy")
        region, overrides = domain.validate_sla_targets(
            request.region,
            [
                (PRIORITY_FROM_PROTO.get(target.priority), target.resolution_hours)
                for target in request.targets
            ],
        )
        caller.require_writer(region)
        now = self.clock()
        with self.db.transaction() as session:
            policy = session.get(CaseSlaPolicyRecord, region, with_for_update=True)
            # A policy keeps no version, so no If-Match can name one.
            check_expected_version(None, f"case-sla-policies/{region}")
            if policy is None:
                policy = CaseSlaPolicyRecord(region=region)
                session.add(policy)
            for priority, column in _HOURS_COLUMN.items():
                setattr(policy, column, overrides.get(priority))
            policy.updated_at = now
            policy.updated_by = caller.subject
        return pb.UpdateCaseSlaPolicyResponse(policy=_policy_to_proto(region, policy))


# The overdue gauge reads the database of the api registered last: one per
# process in production; tests start several apis in one process.
_gauge_db: list[Database] = []


def _read_overdue() -> Iterable[tuple[tuple[str, str], float]]:
    return overdue_case_counts(_gauge_db[-1]) if _gauge_db else []


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add CaseService to `server` and the `salesops_cases_overdue` gauge; return its name."""
    cases_pb2_grpc.add_CaseServiceServicer_to_server(CaseServicer(db), server)
    _gauge_db[:] = [db]
    metrics.register_query_gauge(
        "salesops_cases_overdue",
        "After-sales cases open or in progress past their resolution due time, "
        "by region and priority.",
        ["region", "priority"],
        _read_overdue,
    )
    return [pb.DESCRIPTOR.services_by_name["CaseService"].full_name]
