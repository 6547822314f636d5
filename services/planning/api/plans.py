"""PlanService: sales plans per org unit and fiscal period, their approval and versions.

Rules are in `domain.plans`. The plan's region is its org unit's; the
approver is the manager of the unit's parent (read from `org_units` with Core
constructs, so this area does not depend on the organisation's models) or a
director of the region. Approving emits `planning.plan.approved`. Activating
an amendment closes the version it amends; any other active plan of the same
unit and period is refused.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence

import grpc
import sqlalchemy as sa
from salesops.common.v1 import common_pb2
from salesops.events.v1 import planning_plan_events_pb2 as events
from salesops.planning.v1 import plans_pb2 as pb
from salesops.planning.v1 import plans_pb2_grpc
from sqlalchemy.orm import Session

from services.kit.concurrency import check_expected_version, unchecked_locks
from services.kit.config import Settings
from services.kit.db import Database, utcnow
from services.kit.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from services.kit.events import build_envelope
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import Caller, current_caller
from services.kit.outbox import OUTBOX_WRITTEN, record_event
from services.kit.pagination import Cursor, keyset_page
from services.kit.protos import audit_info, timestamp
from services.kit.rounding import BASIS_POINTS
from services.kit.schema import outbox
from services.planning.api.reviews import action_to_proto
from services.planning.domain import allocation
from services.planning.domain import plans as domain
from services.planning.domain.allocation import Method
from services.planning.domain.plans import Metric, PlanStatus
from services.planning.models.attainment import AllocationAdjustmentRecord
from services.planning.models.plans import AllocationRecord, PlanRecord, TargetRecord
from services.planning.models.reviews import actions_carried_into

STATUS_TO_PROTO = {
    PlanStatus.DRAFT: pb.PLAN_STATUS_DRAFT,
    PlanStatus.SUBMITTED: pb.PLAN_STATUS_SUBMITTED,
    PlanStatus.APPROVED: pb.PLAN_STATUS_APPROVED,
    PlanStatus.ACTIVE: pb.PLAN_STATUS_ACTIVE,
    PlanStatus.CLOSED: pb.PLAN_STATUS_CLOSED,
}
STATUS_FROM_PROTO = {value: key for key, value in STATUS_TO_PROTO.items()}
METRIC_FROM_PROTO = {
    pb.TARGET_METRIC_REVENUE: Metric.REVENUE,
    pb.TARGET_METRIC_UNITS: Metric.UNITS,
    pb.TARGET_METRIC_NEW_CUSTOMERS: Metric.NEW_CUSTOMERS,
    pb.TARGET_METRIC_MARKET_SHARE_BP: Metric.MARKET_SHARE_BP,
    pb.TARGET_METRIC_ACTIVITY_COUNT: Metric.ACTIVITY_COUNT,
}
METRIC_TO_PROTO = {value: key for key, value in METRIC_FROM_PROTO.items()}
METHOD_FROM_PROTO = {
    pb.ALLOCATION_METHOD_EQUAL: Method.EQUAL,
    pb.ALLOCATION_METHOD_WEIGHTS: Method.WEIGHTS,
    pb.ALLOCATION_METHOD_LAST_PERIOD_ACTUALS: Method.LAST_PERIOD_ACTUALS,
    pb.ALLOCATION_METHOD_MARKET_POTENTIAL: Method.MARKET_POTENTIAL,
}

# The organisation area's table, read without importing its models.
org_units = sa.table(
    "org_units",
    sa.column("unit_id", sa.String),
    sa.column("parent_id", sa.String),
    sa.column("region", sa.String),
    sa.column("manager_id", sa.String),
)
people = sa.table(
    "people",
    sa.column("rep_id", sa.String),
    sa.column("team_unit_id", sa.String),
    sa.column("status", sa.String),
)
UNIT, REP = "u:", "r:"


def _unit(session: Session, unit_id: str) -> sa.Row[tuple[str, str | None, str, str]] | None:
    return session.execute(
        sa.select(
            org_units.c.unit_id, org_units.c.parent_id, org_units.c.region, org_units.c.manager_id
        ).where(org_units.c.unit_id == unit_id)
    ).first()


def plan_to_proto(plan: PlanRecord, calendar: FiscalCalendar) -> pb.Plan:
    period = calendar.period(plan.period_code)
    return pb.Plan(
        plan_id=plan.plan_id,
        org_unit_id=plan.org_unit_id,
        region=plan.region,
        period=common_pb2.FiscalPeriod(
            code=period.code,
            starts_at=timestamp(period.starts_at),
            ends_at=timestamp(period.ends_at),
        ),
        strategy=plan.strategy,
        owner_id=plan.owner_id,
        currency=plan.currency,
        status=STATUS_TO_PROTO[PlanStatus(plan.status)],
        plan_version=plan.plan_version,
        previous_plan_id=plan.previous_plan_id or "",
        rejection_reason=plan.rejection_reason,
        approved_by=plan.approved_by,
        audit=audit_info(plan.created_at, plan.created_by, plan.updated_at, plan.updated_by),
        version=plan.version,
    )


def load_plan(session: Session, caller: Caller, plan_id: str, *, lock: bool = False) -> PlanRecord:
    """The plan if it exists for this caller (NotFound outside their regions)."""
    query = sa.select(PlanRecord).where(PlanRecord.plan_id == plan_id.strip())
    if lock:
        query = query.with_for_update()
    plan = session.scalars(query).first()
    if plan is None or not caller.can_read(plan.region):
        raise NotFound("plan", plan_id)
    if lock:
        check_expected_version(plan.version, f"plans/{plan.plan_id}")
    return plan


def _touch(plan: PlanRecord, caller: Caller, status: PlanStatus | None = None) -> None:
    if status is not None:
        plan.status = status.value
    plan.updated_at = utcnow()
    plan.updated_by = caller.subject
    plan.version += 1


def _value_fields(target: TargetRecord, value: int) -> dict[str, object]:
    if target.metric == Metric.REVENUE.value:
        return {"amount": common_pb2.Money(currency=target.currency, amount_minor=value)}
    return {"quantity": value}


def target_to_proto(target: TargetRecord) -> pb.Target:
    return pb.Target(
        target_id=target.target_id,
        plan_id=target.plan_id,
        metric=METRIC_TO_PROTO[Metric(target.metric)],
        product_line=target.product_line,
        audit=audit_info(
            target.created_at, target.created_by, target.updated_at, target.updated_by
        ),
        **_value_fields(target, target.value),  # type: ignore[arg-type]
    )


def org_tree(session: Session) -> dict[str, list[str]]:
    """Parent key -> child keys: units ("u:<id>") under units, active reps ("r:<id>") in teams."""
    children: dict[str, list[str]] = {}
    for unit_id, parent_id in session.execute(
        sa.select(org_units.c.unit_id, org_units.c.parent_id).where(
            org_units.c.parent_id.is_not(None)
        )
    ):
        children.setdefault(UNIT + parent_id, []).append(UNIT + unit_id)
    for rep_id, team_unit_id in session.execute(
        sa.select(people.c.rep_id, people.c.team_unit_id).where(people.c.status != "left")
    ):
        children.setdefault(UNIT + team_unit_id, []).append(REP + rep_id)
    for kids in children.values():
        kids.sort()
    return children


class TargetMixin:
    db: Database

    def AddTarget(
        self, request: pb.AddTargetRequest, context: grpc.ServicerContext
    ) -> pb.AddTargetResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            plan = load_plan(session, caller, request.plan_id, lock=True)
            caller.require_writer(plan.region)
            metric = METRIC_FROM_PROTO.get(request.metric)
            value = domain.validate_target(
                metric,
                plan_currency=plan.currency,
                amount_currency=request.amount.currency,
                amount_minor=request.amount.amount_minor,
                has_amount=request.HasField("amount"),
                quantity=request.quantity,
                product_line=request.product_line.strip(),
            )
            assert metric is not None
            domain.require_editable(plan.plan_id, PlanStatus(plan.status))
            now = utcnow()
            target = TargetRecord(
                target_id=str(uuid.uuid4()),
                plan_id=plan.plan_id,
                region=plan.region,
                metric=metric.value,
                value=value,
                currency=plan.currency if metric == Metric.REVENUE else "",
                product_line=request.product_line.strip(),
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
            )
            session.add(target)
            session.flush()
            return pb.AddTargetResponse(target=target_to_proto(target))

    def ListTargets(
        self, request: pb.ListTargetsRequest, context: grpc.ServicerContext
    ) -> pb.ListTargetsResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            plan = load_plan(session, caller, request.plan_id)
            targets, next_token = keyset_page(
                session,
                sa.select(TargetRecord).where(TargetRecord.plan_id == plan.plan_id),
                created=TargetRecord.created_at,
                key=TargetRecord.target_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={"plan_id": plan.plan_id},
                cursor_of=lambda t: Cursor(t.created_at, t.target_id),
            )
            return pb.ListTargetsResponse(
                targets=[target_to_proto(t) for t in targets],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def AllocateTarget(
        self, request: pb.AllocateTargetRequest, context: grpc.ServicerContext
    ) -> pb.AllocateTargetResponse:
        caller = current_caller()
        method = METHOD_FROM_PROTO.get(request.method)
        if method is None:
            raise InvalidArgument.of(
                "method", "is required: equal, weights, last_period_actuals or market_potential"
            )
        over_bp = request.over_allocation_bp or BASIS_POINTS
        allocation.validate_over_allocation(over_bp)
        if method == Method.EQUAL and request.weights:
            raise InvalidArgument.of("weights", "are only for the weighted methods, not equal")
        if method != Method.EQUAL and not request.weights:
            raise InvalidArgument.of("weights", f"are required for the {method.value} method")
        with self.db.transaction() as session:
            target = session.scalars(
                sa.select(TargetRecord).where(TargetRecord.target_id == request.target_id.strip())
            ).first()
            if target is None:
                raise NotFound("target", request.target_id)
            try:
                # The plan's lock guards its targets; If-Match would name the target.
                with unchecked_locks():
                    plan = load_plan(session, caller, target.plan_id, lock=True)
            except NotFound:
                raise NotFound("target", request.target_id) from None
            # A target keeps no version, so no If-Match can name one.
            check_expected_version(None, f"targets/{target.target_id}")
            caller.require_writer(plan.region)
            if PlanStatus(plan.status) == PlanStatus.CLOSED:
                raise FailedPrecondition.of(
                    "STATE", f"plans/{plan.plan_id}", "a closed plan's targets cannot be allocated"
                )
            root = UNIT + plan.org_unit_id
            tree = allocation.limit_depth(root, org_tree(session), request.depth)
            if not tree:
                raise FailedPrecondition.of(
                    "ALLOCATION",
                    f"org_units/{plan.org_unit_id}",
                    "the plan's unit has no child units or reps to allocate to",
                )
            label = {kid: kid[len(UNIT) :] for kids in tree.values() for kid in kids}
            by_id: dict[str, str] = {}
            for key, plain in sorted(label.items()):  # "u:" after "r:": a unit wins a clash
                by_id[plain] = key
            weights: dict[str, int] = {}
            unknown = [plain for plain in request.weights if plain not in by_id]
            if unknown:
                raise InvalidArgument(
                    [
                        FieldViolation(
                            f"weights[{plain}]", "is not a unit or rep being allocated to"
                        )
                        for plain in sorted(unknown)
                    ]
                )
            for plain, weight in request.weights.items():
                weights[by_id[plain]] = weight
            allocation.check_sibling_weights(tree, weights, label)
            amounts = allocation.allocate_tree(
                root, target.value, tree, weights, over_allocation_bp=over_bp
            )
            session.execute(
                sa.delete(AllocationRecord).where(AllocationRecord.target_id == target.target_id)
            )
            parent_of = {kid: parent for parent, kids in tree.items() for kid in kids}
            now = utcnow()
            shares: list[pb.TargetAllocation] = []
            rows: list[dict[str, object]] = []
            outbox_rows: list[dict[str, object]] = []
            # Written in two executemany batches (10,000 units: one round of inserts each),
            # each event exactly as record_event writes it.
            for key in sorted(parent_of, key=lambda k: (k.startswith(REP), k)):
                is_rep = key.startswith(REP)
                node_id = label[key]
                unit_id, rep_id = ("", node_id) if is_rep else (node_id, "")
                parent_unit = parent_of[key][len(UNIT) :]
                value = amounts[key]
                rows.append(
                    {
                        "allocation_id": str(uuid.uuid4()),
                        "target_id": target.target_id,
                        "plan_id": plan.plan_id,
                        "region": plan.region,
                        "unit_id": unit_id,
                        "rep_id": rep_id,
                        "parent_unit_id": parent_unit,
                        "value": value,
                        "method": method.value,
                        "over_allocation_bp": over_bp,
                        "created_at": now,
                        "created_by": caller.subject,
                    }
                )
                fields = _value_fields(target, value)
                shares.append(
                    pb.TargetAllocation(
                        unit_id=unit_id,
                        rep_id=rep_id,
                        parent_unit_id=parent_unit,
                        **fields,  # type: ignore[arg-type]
                    )
                )
                envelope = build_envelope(
                    "planning.target.allocated",
                    events.TargetAllocated(
                        target_id=target.target_id,
                        plan_id=plan.plan_id,
                        period_code=plan.period_code,
                        metric=target.metric,
                        unit_id=unit_id,
                        rep_id=rep_id,
                        product_line=target.product_line,
                        region=plan.region,
                        **fields,  # type: ignore[arg-type]
                    ),
                    region=plan.region,
                    caller=caller,
                )
                outbox_rows.append(
                    {
                        "event_id": envelope["event_id"],
                        "type": envelope["type"],
                        "region": plan.region,
                        "envelope": json.dumps(envelope, separators=(",", ":")),
                        "occurred_at": now,
                    }
                )
            session.execute(sa.insert(AllocationRecord), rows)
            session.execute(outbox.insert(), outbox_rows)
            session.info[OUTBOX_WRITTEN] = True
            return pb.AllocateTargetResponse(
                target=target_to_proto(target),
                allocations=shares,
                allocated_total=allocation.over_allocated(target.value, over_bp),
            )


# Roles that may edit a share of a target by hand (in their own regions).
ADJUSTER_ROLES = frozenset({"manager", "director", "admin"})


def _target_for(
    session: Session, caller: Caller, target_id: str, *, lock: bool = False
) -> tuple[TargetRecord, PlanRecord]:
    """The target and its plan, if the plan exists for this caller (NotFound otherwise)."""
    if not target_id.strip():
        raise InvalidArgument.of("target_id", "is required")
    target = session.get(TargetRecord, target_id.strip())
    if target is None:
        raise NotFound("target", target_id)
    try:
        plan = load_plan(session, caller, target.plan_id, lock=lock)
    except NotFound:
        raise NotFound("target", target_id) from None
    return target, plan


def _roll_up(session: Session, target: TargetRecord, plan: PlanRecord) -> list[pb.TargetRollUpLine]:
    rows = list(
        session.scalars(
            sa.select(AllocationRecord).where(AllocationRecord.target_id == target.target_id)
        )
    )
    over_bp = rows[0].over_allocation_bp if rows else BASIS_POINTS
    shares = [
        (
            REP + row.rep_id if row.rep_id else UNIT + row.unit_id,
            UNIT + row.parent_unit_id,
            row.value,
        )
        for row in rows
    ]
    lines = allocation.target_roll_up(UNIT + plan.org_unit_id, target.value, shares, over_bp)
    return [
        pb.TargetRollUpLine(
            unit_id=line.node[len(UNIT) :],
            amount=line.amount,
            children_sum=line.children_sum,
            expected_children_sum=line.expected_children_sum,
            difference=line.difference,
            adds_up=line.adds_up,
        )
        for line in lines
    ]


class AllocationEditMixin:
    """Bottom-up roll-up of a target's allocation, and editing one share by hand.

    Who may edit: a manager, director or admin writing in the plan's region,
    with a reason. When: as for `AllocateTarget`, on any plan but a closed
    one. The plan rules lock a plan's *content* (strategy, owner, targets)
    once submitted; the allocation is how a locked target is distributed,
    which `AllocateTarget` already changes on approved and active plans, so a
    hand edit follows the same rule rather than requiring an amendment.
    """

    db: Database

    def GetTargetRollUp(
        self, request: pb.GetTargetRollUpRequest, context: grpc.ServicerContext
    ) -> pb.GetTargetRollUpResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            target, plan = _target_for(session, caller, request.target_id)
            lines = _roll_up(session, target, plan)
            return pb.GetTargetRollUpResponse(
                target=target_to_proto(target),
                lines=lines,
                adds_up=all(line.adds_up for line in lines),
            )

    def AdjustAllocation(
        self, request: pb.AdjustAllocationRequest, context: grpc.ServicerContext
    ) -> pb.AdjustAllocationResponse:
        caller = current_caller()
        unit_id, rep_id = request.unit_id.strip(), request.rep_id.strip()
        with self.db.transaction() as session:
            target, plan = _target_for(session, caller, request.target_id, lock=True)
            value = allocation.validate_adjustment(
                allocation.AdjustmentInput(
                    unit_id=unit_id,
                    rep_id=rep_id,
                    reason=request.reason,
                    has_amount=request.HasField("amount"),
                    amount_currency=request.amount.currency,
                    amount_minor=request.amount.amount_minor,
                    quantity=request.quantity,
                ),
                money=target.metric == Metric.REVENUE.value,
                currency=target.currency,
            )
            caller.require_writer(plan.region)
            if not caller.roles & ADJUSTER_ROLES:
                raise PermissionDenied(
                    "only a manager or director of the region (or an admin) adjusts an allocation"
                )
            if PlanStatus(plan.status) == PlanStatus.CLOSED:
                raise FailedPrecondition.of(
                    "STATE", f"plans/{plan.plan_id}", "a closed plan's allocations cannot change"
                )
            record = session.scalars(
                sa.select(AllocationRecord)
                .where(
                    AllocationRecord.target_id == target.target_id,
                    AllocationRecord.unit_id == unit_id,
                    AllocationRecord.rep_id == rep_id,
                )
                .with_for_update()
            ).first()
            if record is None:
                raise NotFound("allocation", f"{target.target_id}/{rep_id or unit_id}")
            previous = record.value
            now = utcnow()
            record.value = value
            record.method = "manual"
            record.created_at = now
            record.created_by = caller.subject
            session.add(
                AllocationAdjustmentRecord(
                    adjustment_id=str(uuid.uuid4()),
                    allocation_id=record.allocation_id,
                    target_id=target.target_id,
                    region=plan.region,
                    unit_id=unit_id,
                    rep_id=rep_id,
                    previous_value=previous,
                    value=value,
                    reason=request.reason.strip(),
                    adjusted_at=now,
                    adjusted_by=caller.subject,
                )
            )
            fields = _value_fields(target, value)
            record_event(
                session,
                "planning.target.allocated",
                events.TargetAllocated(
                    target_id=target.target_id,
                    plan_id=plan.plan_id,
                    period_code=plan.period_code,
                    metric=target.metric,
                    unit_id=unit_id,
                    rep_id=rep_id,
                    product_line=target.product_line,
                    region=plan.region,
                    **fields,  # type: ignore[arg-type]
                ),
                region=plan.region,
                caller=caller,
            )
            session.flush()
            lines = _roll_up(session, target, plan)
            return pb.AdjustAllocationResponse(
                allocation=pb.TargetAllocation(
                    unit_id=unit_id,
                    rep_id=rep_id,
                    parent_unit_id=record.parent_unit_id,
                    **fields,  # type: ignore[arg-type]
                ),
                previous_value=previous,
                lines=lines,
                adds_up=all(line.adds_up for line in lines),
            )


class PlanServicer(TargetMixin, AllocationEditMixin, plans_pb2_grpc.PlanServiceServicer):
    def __init__(self, db: Database, calendar: FiscalCalendar | None = None) -> None:
        self.db = db
        self.calendar = calendar or FiscalCalendar(Settings.from_env().fiscal_year_start_month)

    def _reply(self, plan: PlanRecord) -> pb.Plan:
        return plan_to_proto(plan, self.calendar)

    def CreatePlan(
        self, request: pb.CreatePlanRequest, context: grpc.ServicerContext
    ) -> pb.CreatePlanResponse:
        caller = current_caller()
        caller.require_reader()
        period = domain.validate_plan(
            domain.PlanInput(
                org_unit_id=request.org_unit_id.strip(),
                period_code=request.period_code.strip(),
                strategy=request.strategy,
                owner_id=request.owner_id.strip(),
                currency=request.currency.strip(),
            ),
            self.calendar,
        )
        assert period is not None
        with self.db.transaction() as session:
            unit = _unit(session, request.org_unit_id.strip())
            if unit is None or not caller.can_read(unit.region):
                raise NotFound("org unit", request.org_unit_id)
            caller.require_writer(unit.region)
            now = utcnow()
            plan = PlanRecord(
                plan_id=str(uuid.uuid4()),
                org_unit_id=unit.unit_id,
                region=unit.region,
                period_code=period.code,
                strategy=request.strategy.strip(),
                owner_id=request.owner_id.strip(),
                currency=request.currency.strip(),
                status=PlanStatus.DRAFT.value,
                plan_version=1,
                previous_plan_id=None,
                rejection_reason="",
                approved_by="",
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
            )
            session.add(plan)
            session.flush()
            return pb.CreatePlanResponse(plan=self._reply(plan))

    def GetPlan(
        self, request: pb.GetPlanRequest, context: grpc.ServicerContext
    ) -> pb.GetPlanResponse:
        caller = current_caller()
        caller.require_reader()
        with self.db.transaction() as session:
            plan = load_plan(session, caller, request.plan_id)
            period = self.calendar.period(plan.period_code)
            carried = actions_carried_into(session, plan.org_unit_id, period.starts_at)
            today = utcnow().date()
            return pb.GetPlanResponse(
                plan=self._reply(plan),
                carried_actions=[action_to_proto(action, today) for action in carried],
            )

    def ListPlans(
        self, request: pb.ListPlansRequest, context: grpc.ServicerContext
    ) -> pb.ListPlansResponse:
        caller = current_caller()
        caller.require_reader()
        status = STATUS_FROM_PROTO.get(request.status) if request.status else None
        if request.status and status is None:
            raise InvalidArgument.of("status", "is not a plan status")
        region = request.region.strip().upper()
        period_code = request.period_code.strip()
        if period_code:
            period_code = self.calendar.period(period_code, "period_code").code
        unit_id = request.org_unit_id.strip()
        regions = caller.readable_regions(region)
        query = sa.select(PlanRecord)
        if regions is not None:
            query = query.where(PlanRecord.region.in_(sorted(regions)))
        if unit_id:
            query = query.where(PlanRecord.org_unit_id == unit_id)
        if period_code:
            query = query.where(PlanRecord.period_code == period_code)
        if status is not None:
            query = query.where(PlanRecord.status == status.value)
        with self.db.transaction() as session:
            plans, next_token = keyset_page(
                session,
                query,
                created=PlanRecord.created_at,
                key=PlanRecord.plan_id,
                requested_size=request.page.page_size,
                token=request.page.page_token,
                filters={
                    "region": region,
                    "org_unit_id": unit_id,
                    "period_code": period_code,
                    "status": status.value if status else "",
                },
                cursor_of=lambda p: Cursor(p.created_at, p.plan_id),
            )
            return pb.ListPlansResponse(
                plans=[self._reply(p) for p in plans],
                page=common_pb2.PageResponse(next_page_token=next_token),
            )

    def SubmitPlan(
        self, request: pb.SubmitPlanRequest, context: grpc.ServicerContext
    ) -> pb.SubmitPlanResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            plan = load_plan(session, caller, request.plan_id, lock=True)
            caller.require_writer(plan.region)
            domain.require_transition(plan.plan_id, PlanStatus(plan.status), PlanStatus.SUBMITTED)
            _touch(plan, caller, PlanStatus.SUBMITTED)
            return pb.SubmitPlanResponse(plan=self._reply(plan))

    def ApprovePlan(
        self, request: pb.ApprovePlanRequest, context: grpc.ServicerContext
    ) -> pb.ApprovePlanResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            plan = load_plan(session, caller, request.plan_id, lock=True)
            unit = _unit(session, plan.org_unit_id)
            parent = _unit(session, unit.parent_id) if unit is not None and unit.parent_id else None
            domain.require_approver(
                caller,
                parent_manager_id=parent.manager_id if parent is not None else None,
                region=plan.region,
                plan_id=plan.plan_id,
            )
            domain.require_transition(plan.plan_id, PlanStatus(plan.status), PlanStatus.APPROVED)
            plan.approved_by = caller.subject
            _touch(plan, caller, PlanStatus.APPROVED)
            record_event(
                session,
                "planning.plan.approved",
                events.PlanApproved(
                    plan_id=plan.plan_id,
                    org_unit_id=plan.org_unit_id,
                    region=plan.region,
                    period_code=plan.period_code,
                    currency=plan.currency,
                    plan_version=plan.plan_version,
                    previous_plan_id=plan.previous_plan_id or "",
                    approved_by=caller.subject,
                    owner_id=plan.owner_id,
                ),
                region=plan.region,
                caller=caller,
            )
            return pb.ApprovePlanResponse(plan=self._reply(plan))

    def RejectPlan(
        self, request: pb.RejectPlanRequest, context: grpc.ServicerContext
    ) -> pb.RejectPlanResponse:
        caller = current_caller()
        reason = domain.validate_reason(request.reason)
        with self.db.transaction() as session:
            plan = load_plan(session, caller, request.plan_id, lock=True)
            unit = _unit(session, plan.org_unit_id)
            parent = _unit(session, unit.parent_id) if unit is not None and unit.parent_id else None
            domain.require_approver(
                caller,
                parent_manager_id=parent.manager_id if parent is not None else None,
                region=plan.region,
                plan_id=plan.plan_id,
            )
            if PlanStatus(plan.status) != PlanStatus.SUBMITTED:
                domain.require_transition(plan.plan_id, PlanStatus(plan.status), PlanStatus.DRAFT)
            plan.rejection_reason = reason
            _touch(plan, caller, PlanStatus.DRAFT)
            return pb.RejectPlanResponse(plan=self._reply(plan))

    def ActivatePlan(
        self, request: pb.ActivatePlanRequest, context: grpc.ServicerContext
    ) -> pb.ActivatePlanResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            plan = load_plan(session, caller, request.plan_id, lock=True)
            caller.require_writer(plan.region)
            domain.require_transition(plan.plan_id, PlanStatus(plan.status), PlanStatus.ACTIVE)
            active = list(
                session.scalars(
                    sa.select(PlanRecord)
                    .where(
                        PlanRecord.org_unit_id == plan.org_unit_id,
                        PlanRecord.period_code == plan.period_code,
                        PlanRecord.status == PlanStatus.ACTIVE.value,
                    )
                    .with_for_update()
                )
            )
            # The version this plan amends gives way to it; any other active plan is refused.
            domain.require_single_active(
                plan.plan_id,
                plan.org_unit_id,
                plan.period_code,
                [p.plan_id for p in active if p.plan_id != plan.previous_plan_id],
            )
            for previous in active:
                _touch(previous, caller, PlanStatus.CLOSED)
            _touch(plan, caller, PlanStatus.ACTIVE)
            return pb.ActivatePlanResponse(plan=self._reply(plan))

    def ClosePlan(
        self, request: pb.ClosePlanRequest, context: grpc.ServicerContext
    ) -> pb.ClosePlanResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            plan = load_plan(session, caller, request.plan_id, lock=True)
            caller.require_writer(plan.region)
            domain.require_transition(plan.plan_id, PlanStatus(plan.status), PlanStatus.CLOSED)
            _touch(plan, caller, PlanStatus.CLOSED)
            return pb.ClosePlanResponse(plan=self._reply(plan))

    def AmendPlan(
        self, request: pb.AmendPlanRequest, context: grpc.ServicerContext
    ) -> pb.AmendPlanResponse:
        caller = current_caller()
        with self.db.transaction() as session:
            old = load_plan(session, caller, request.plan_id, lock=True)
            caller.require_writer(old.region)
            domain.require_amendable(old.plan_id, PlanStatus(old.status))
            if request.strategy:
                domain.validate_plan(
                    domain.PlanInput(
                        old.org_unit_id,
                        old.period_code,
                        request.strategy,
                        old.owner_id,
                        old.currency,
                    ),
                    self.calendar,
                )
            now = utcnow()
            plan = PlanRecord(
                plan_id=str(uuid.uuid4()),
                org_unit_id=old.org_unit_id,
                region=old.region,
                period_code=old.period_code,
                strategy=request.strategy.strip() or old.strategy,
                owner_id=old.owner_id,
                currency=old.currency,
                status=PlanStatus.DRAFT.value,
                plan_version=old.plan_version + 1,
                previous_plan_id=old.plan_id,
                rejection_reason="",
                approved_by="",
                created_at=now,
                created_by=caller.subject,
                updated_at=now,
                updated_by=caller.subject,
                version=1,
            )
            session.add(plan)
            session.flush()
            return pb.AmendPlanResponse(plan=self._reply(plan))


def register(server: grpc.Server, db: Database) -> Sequence[str]:
    """Add the PlanService to `server`; return its full name."""
    plans_pb2_grpc.add_PlanServiceServicer_to_server(PlanServicer(db), server)
    return [pb.DESCRIPTOR.services_by_name["PlanService"].full_name]
