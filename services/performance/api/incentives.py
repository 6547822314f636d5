"""IncentiveService: rewards and penalties, proposed with evidence and decided by a director.

Rules are in `domain.incentives`. The rep is found in planning's directory
(`reps`): their region and team are the record's. A manager above the rep
(`fact_store.manager_chain`) or a director of the region proposes; another
director of the region approves (`performance.reward.granted` or
`performance.penalty.imposed`, with the violations a penalty answers marked
penalised in the same transaction) or rejects with a reason. Scope: a rep
sees their own, a manager their team's (`reps_managed_by`), directors,
executives and admins their regions'.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import TypeVar

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import performance_incentive_events_pb2 as events
from salesops.performance.v1 import incentives_pb2 as pb
from salesops.performance.v1 import incentives_pb2_grpc
from sqlalchemy.orm import InstrumentedAttribute, Session

from services.kit.config import Settings
from services.kit.db import Database, utcnow
from services.kit.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    RuleViolation,
    Validator,
)
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import Caller, current_caller
from services.kit.outbox import record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp
from services.kit.records import load_visible, where_equal
from services.performance.domain import incentives as domain
from services.performance.domain.incentives import (
    IncentiveCategory,
    IncentiveKind,
    IncentiveStatus,
    RepScope,
)
from services.performance.domain.inspections import ViolationStatus
from services.performance.models.fact_store import manager_chain, reps_managed_by
from services.performance.models.facts import RepRecord
from services.performance.models.incentives import IncentiveRecord
from services.performance.models.inspections import ViolationRecord

CATEGORY_TO_PROTO = {
    IncentiveCategory.REWARD: pb.INCENTIVE_CATEGORY_REWARD,
    IncentiveCategory.PENALTY: pb.INCENTIVE_CATEGORY_PENALTY,
}
CATEGORY_FROM_PROTO = {value: key for key, value in CATEGORY_TO_PROTO.items()}
KIND_TO_PROTO = {
    IncentiveKind.AWARD: pb.INCENTIVE_KIND_AWARD,
    IncentiveKind.BONUS: pb.INCENTIVE_KIND_BONUS,
    IncentiveKind.POINTS: pb.INCENTIVE_KIND_POINTS,
    IncentiveKind.WARNING: pb.INCENTIVE_KIND_WARNING,
    IncentiveKind.PENALTY: pb.INCENTIVE_KIND_PENALTY,
}
KIND_FROM_PROTO = {value: key for key, value in KIND_TO_PROTO.items()}
STATUS_TO_PROTO = {
    IncentiveStatus.PROPOSED: pb.INCENTIVE_STATUS_PROPOSED,
    IncentiveStatus.GRANTED: pb.INCENTIVE_STATUS_GRANTED,
    IncentiveStatus.IMPOSED: pb.INCENTIVE_STATUS_IMPOSED,
    IncentiveStatus.REJECTED: pb.INCENTIVE_STATUS_REJECTED,
}
STATUS_FROM_PROTO = {value: key for key, value in STATUS_TO_PROTO.items()}
T = TypeVar("T")
# How far up the manager chain a proposing manager may sit.
MANAGER_LEVELS = 10


def incentive_to_proto(record: IncentiveRecord) -> pb.Incentive:
    return pb.Incentive(
        incentive_id=record.incentive_id,
        category=CATEGORY_TO_PROTO[IncentiveCategory(record.category)],
        kind=KIND_TO_PROTO[IncentiveKind(record.kind)],
        rep_id=record.rep_id,
        team_id=record.team_id,
        region=record.region,
        period_code=record.period_code,
        reason=record.reason,
        amount=(
            common_pb2.Money(currency=record.currency, amount_minor=record.amount_minor)
            if record.currency
            else None
        ),
        points=record.points,
        evidence=record.evidence_list,
        violation_ids=record.violation_id_list,
        status=STATUS_TO_PROTO[IncentiveStatus(record.status)],
        proposed_by=record.proposed_by,
        decided_by=record.decided_by,
        decided_time=timestamp(record.decided_at),
        rejection_reason=record.rejection_reason,
        audit=audit_info(
            record.created_at, record.proposed_by, record.updated_at, record.updated_by
        ),
        version=record.version,
    )


def scope_of(session: Session, caller: Caller) -> RepScope:
    """The reps whose records the caller sees (a manager: their team, read from the directory)."""
    caller.require_reader()
    team = reps_managed_by(session, caller.subject) if domain.needs_team(caller) else set()
    return domain.rep_scope(caller, team)


def restrict_to_scope(
    query: sa.Select[tuple[T]],
    scope: RepScope,
    region_column: InstrumentedAttribute[str],
    rep_column: InstrumentedAttribute[str],
    region: str,
) -> sa.Select[tuple[T]]:
    """`query` narrowed to the caller's regions (and `region`, if given) and reps."""
    regions = scope.caller.readable_regions(region)
    if regions is not None:
        query = query.where(region_column.in_(sorted(regions)))
    if scope.reps is not None:
        query = query.where(rep_column.in_(sorted(scope.reps)))
    return query


def _category(value: int, field_name: str = "category") -> IncentiveCategory | None:
    if not value:
        return None
    category = CATEGORY_FROM_PROTO.get(pb.IncentiveCategory.ValueType(value))
    if category is None:
        raise InvalidArgument.of(field_name, "is not reward or penalty")
    return category


def _load(
    session: Session,
    caller: Caller,
    incentive_id: str,
    category: IncentiveCategory | None,
    *,
    for_update: bool = False,
) -> IncentiveRecord:
    scope = scope_of(session, caller)
    kind = category.value if category else "incentive"
    return load_visible(
        session,
        IncentiveRecord,
        incentive_id,
        kind=kind,
        field_name="incentive_id",
        visible=lambda r: (
            scope.sees(r.region, r.rep_id) and (category is None or r.category == category.value)
        ),
        for_update=for_update,
    )


def _answered_violations(
    session: Session, caller: Caller, rep_id: str, ids: Sequence[str], *, for_update: bool
) -> list[ViolationRecord]:
    """The violations a penalty answers: visible, the rep's own, and still open."""
    if not ids:
        return []
    query = sa.select(ViolationRecord).where(ViolationRecord.violation_id.in_(sorted(ids)))
    if for_update:
        query = query.with_for_update()
    rows = {v.violation_id: v for v in session.scalars(query)}
    missing = [i for i in ids if i not in rows or not caller.can_read(rows[i].region)]
    if missing:
        raise NotFound("violation", missing[0])
    problems = [
        RuleViolation(
            "VIOLATION_OF_ANOTHER_REP",
            f"violations/{v.violation_id}",
            f"the violation is attributed to '{v.rep_id or 'nobody'}', not to {rep_id}",
        )
        for v in rows.values()
        if v.rep_id != rep_id
    ] + [
        RuleViolation(
            "STATE",
            f"violations/{v.violation_id}",
            f"the violation is {v.status}; only an open violation is penalised",
        )
        for v in rows.values()
        if v.status != ViolationStatus.OPEN.value
    ]
    if problems:
        raise FailedPrecondition(problems)
    return [rows[i] for i in ids]


class IncentiveServicer(incentives_pb2_grpc.IncentiveServiceServicer):
    """Rewards and penalties of reps."""

    def __init__(self, db: Database, calendar: FiscalCalendar | None = None) -> None:
        self.db = db
        self.calendar = calendar or FiscalCalendar(Settings.from_env().fiscal_year_start_month)

    def ProposeIncentive(
        self, request: pb.ProposeIncentiveRequest, context: grpc.ServicerContext
    ) -> pb.ProposeIncentiveResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        rep_id = request.rep_id.strip()
        v.require("rep_id", rep_id, 100)
        period_code = request.period_code.strip()
        if period_code:
            try:
                period_code = self.calendar.period(period_code, "period_code").code
            except InvalidArgument as error:
                v.violations.extend(error.violations)
        proposal = domain.check_proposal(
            v,
            kind=KIND_FROM_PROTO.get(request.kind),
            reason=request.reason,
            currency=request.amount.currency.strip(),
            amount_minor=request.amount.amount_minor,
            has_amount=request.HasField("amount"),
            points=request.points,
            evidence=request.evidence,
            violation_ids=request.violation_ids,
        )
        v.raise_if_any()
        assert proposal is not None
        now = utcnow()
        with self.db.transaction() as session:
            rep = session.get(RepRecord, rep_id)
            if rep is None or not caller.has_region(rep.region):
                raise NotFound("rep", rep_id)
            caller.require_writer(rep.region)
            domain.require_proposer(
                caller.roles, caller.subject, rep_id, manager_chain(session, rep_id, MANAGER_LEVELS)
            )
            _answered_violations(session, caller, rep_id, proposal.violation_ids, for_update=False)
            record = IncentiveRecord(
                incentive_id=str(uuid.uuid4()),
                category=proposal.kind.category.value,
                kind=proposal.kind.value,
                region=rep.region,
                rep_id=rep_id,
                team_id=rep.team_id,
                period_code=period_code,
                reason=proposal.reason,
                currency=proposal.currency,
                amount_minor=proposal.amount_minor,
                points=proposal.points,
                evidence=json.dumps(list(proposal.evidence)),
                violation_ids=json.dumps(list(proposal.violation_ids)),
                status=IncentiveStatus.PROPOSED.value,
                proposed_by=caller.subject,
                decided_by="",
                decided_at=None,
                rejection_reason="",
                created_at=now,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
            )
            session.add(record)
            session.flush()
            return pb.ProposeIncentiveResponse(incentive=incentive_to_proto(record))

    def GetIncentive(
        self, request: pb.GetIncentiveRequest, context: grpc.ServicerContext
    ) -> pb.GetIncentiveResponse:
        caller = current_caller()
        category = _category(request.category)
        with self.db.transaction() as session:
            record = _load(session, caller, request.incentive_id, category)
            return pb.GetIncentiveResponse(incentive=incentive_to_proto(record))

    def ListIncentives(
        self, request: pb.ListIncentivesRequest, context: grpc.ServicerContext
    ) -> pb.ListIncentivesResponse:
        caller = current_caller()
        caller.require_reader()
        v = Validator()
        category = None
        try:
            category = _category(request.category)
        except InvalidArgument as error:
            v.violations.extend(error.violations)
        kind = KIND_FROM_PROTO.get(request.kind) if request.kind else None
        if request.kind and kind is None:
            v.add("kind", "is not an incentive kind")
        status = STATUS_FROM_PROTO.get(request.status) if request.status else None
        if request.status and status is None:
            v.add("status", "is not an incentive status")
        period_code = request.period_code.strip()
        if period_code:
            try:
                period_code = self.calendar.period(period_code, "period_code").code
            except InvalidArgument as error:
                v.violations.extend(error.violations)
        v.raise_if_any()
        region = request.region.strip().upper()
        rep_id = request.rep_id.strip()
        query = where_equal(
            sa.select(IncentiveRecord),
            [
                (IncentiveRecord.category, category.value if category else ""),
                (IncentiveRecord.kind, kind.value if kind else ""),
                (IncentiveRecord.status, status.value if status else ""),
                (IncentiveRecord.rep_id, rep_id),
                (IncentiveRecord.period_code, period_code),
            ],
        )
        with self.db.transaction() as session:
            scope = scope_of(session, caller)
            query = restrict_to_scope(
                query, scope, IncentiveRecord.region, IncentiveRecord.rep_id, region
            )
            records, next_token = keyset_page(
                session,
                query,
                created=IncentiveRecord.created_at,
                key=IncentiveRecord.incentive_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "category": category.value if category else "",
                    "kind": kind.value if kind else "",
                    "status": status.value if status else "",
                    "rep_id": rep_id,
                    "period": period_code,
                    "region": region,
                },
                cursor_of=lambda r: Cursor(r.created_at, r.incentive_id),
            )
            return pb.ListIncentivesResponse(
                incentives=[incentive_to_proto(r) for r in records],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def ApproveIncentive(
        self, request: pb.ApproveIncentiveRequest, context: grpc.ServicerContext
    ) -> pb.ApproveIncentiveResponse:
        caller = current_caller()
        category = _category(request.category)
        now = utcnow()
        with self.db.transaction() as session:
            record = _load(session, caller, request.incentive_id, category, for_update=True)
            caller.require_writer(record.region)
            domain.require_decider(caller.roles, caller.subject, record.proposed_by)
            domain.require_proposed(record.incentive_id, IncentiveStatus(record.status))
            kind = IncentiveKind(record.kind)
            answered = _answered_violations(
                session, caller, record.rep_id, record.violation_id_list, for_update=True
            )
            record.status = domain.approved_status(kind).value
            record.decided_by = caller.subject
            record.decided_at = now
            record.updated_at = now
            record.updated_by = caller.subject
            record.version += 1
            for violation in answered:
                violation.status = ViolationStatus.PENALISED.value
                violation.penalty_id = record.incentive_id
                violation.decided_by = caller.subject
                violation.decided_at = now
                violation.updated_at = now
                violation.version += 1
            amount = (
                common_pb2.Money(currency=record.currency, amount_minor=record.amount_minor)
                if record.currency
                else None
            )
            if kind.category is IncentiveCategory.REWARD:
                record_event(
                    session,
                    "performance.reward.granted",
                    events.RewardGranted(
                        incentive_id=record.incentive_id,
                        region=record.region,
                        rep_id=record.rep_id,
                        team_id=record.team_id,
                        kind=record.kind,
                        reason=record.reason,
                        amount=amount,
                        points=record.points,
                        period_code=record.period_code,
                        evidence=record.evidence_list,
                        proposed_by=record.proposed_by,
                        approved_by=caller.subject,
                    ),
                    region=record.region,
                    caller=caller,
                )
            else:
                record_event(
                    session,
                    "performance.penalty.imposed",
                    events.PenaltyImposed(
                        incentive_id=record.incentive_id,
                        region=record.region,
                        rep_id=record.rep_id,
                        team_id=record.team_id,
                        kind=record.kind,
                        reason=record.reason,
                        amount=amount,
                        points=record.points,
                        period_code=record.period_code,
                        evidence=record.evidence_list,
                        violation_ids=record.violation_id_list,
                        proposed_by=record.proposed_by,
                        approved_by=caller.subject,
                    ),
                    region=record.region,
                    caller=caller,
                )
            session.flush()
            return pb.ApproveIncentiveResponse(incentive=incentive_to_proto(record))

    def RejectIncentive(
        self, request: pb.RejectIncentiveRequest, context: grpc.ServicerContext
    ) -> pb.RejectIncentiveResponse:
        caller = current_caller()
        category = _category(request.category)
        reason = domain.check_rejection_reason(request.reason)
        now = utcnow()
        with self.db.transaction() as session:
            record = _load(session, caller, request.incentive_id, category, for_update=True)
            caller.require_writer(record.region)
            domain.require_decider(caller.roles, caller.subject, record.proposed_by)
            domain.require_proposed(record.incentive_id, IncentiveStatus(record.status))
            record.status = IncentiveStatus.REJECTED.value
            record.rejection_reason = reason
            record.decided_by = caller.subject
            record.decided_at = now
            record.updated_at = now
            record.updated_by = caller.subject
            record.version += 1
            session.flush()
            return pb.RejectIncentiveResponse(incentive=incentive_to_proto(record))


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the IncentiveService to `server`; return its full name."""
    incentives_pb2_grpc.add_IncentiveServiceServicer_to_server(IncentiveServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["IncentiveService"].full_name]
