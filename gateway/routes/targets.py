"""`/v1/plans/{plan_id}/targets` and `/v1/targets/{target_id}:allocate` (PlanService).

Targets measure revenue (Money in the plan's currency), units, new customers,
market share (basis points) or activity count, optionally per product line;
they are added to draft plans. `:allocate` splits a target of the plan's unit
down the org tree to child units and their reps, exactly in minor units
(largest remainder: children always sum to their parent), by equal split or
by weights (explicit, last period's actuals or market potential), with an
optional over-allocation (11000 bp = 110%) at the first level. It emits
`planning.target.allocated` per unit and rep.

`GET /v1/targets/{target_id}/roll-up` adds the allocation back up: per parent
unit, its amount against its children's sum, so hand edits that no longer
add up show. `:adjust-allocation` edits one unit's or rep's share by hand
(a manager, director or admin of the region, with a reason; not on a closed
plan) and emits `planning.target.allocated` for it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.planning.v1 import plans_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.contracts import Money, MoneyInput
from gateway.routes.conventions import (
    Audit,
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    page_request,
)
from gateway.routes.plans import PLANS, PlanId
from gateway.upstreams import OpenUpstreams

METRIC = EnumJson(pb.TargetMetric.DESCRIPTOR, "TARGET_METRIC_")
METHOD = EnumJson(pb.AllocationMethod.DESCRIPTOR, "ALLOCATION_METHOD_")
MetricName = METRIC.literal()
MetricInput = METRIC.filter_literal()

TargetId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The target's id.")
]

plan_targets_router = APIRouter(prefix=PLANS, tags=["targets"])
targets_router = APIRouter(prefix="/v1/targets", tags=["targets"])


class Target(ProtoModel):
    """A target of a plan."""

    target_id: str
    plan_id: str
    metric: MetricName  # type: ignore[valid-type]
    amount: Money | None = Field(description="Revenue targets only.")
    quantity: int = Field(description="Every metric but revenue.")
    product_line: str = Field(description="Empty: every product line.")
    audit: Audit | None


class TargetList(BaseModel):
    """One page of a plan's targets, newest first."""

    targets: list[Target]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class AddTargetRequest(BaseModel):
    """A target: revenue with an amount, any other metric with a quantity."""

    model_config = ConfigDict(extra="forbid")

    metric: MetricInput  # type: ignore[valid-type]
    amount: MoneyInput | None = None
    quantity: int = 0
    product_line: str = ""


class TargetAllocation(ProtoModel):
    """One unit's or rep's share."""

    unit_id: str
    rep_id: str
    parent_unit_id: str
    amount: Money | None
    quantity: int


class AllocateTargetRequest(BaseModel):
    """How to split the target down the tree."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["equal", "weights", "last_period_actuals", "market_potential"]
    weights: dict[str, int] = Field(
        default={},
        description="Positive integer weight per child unit or rep id; a group of siblings "
        "has a weight for every member or for none (then split equally).",
    )
    over_allocation_bp: int = Field(
        default=10_000, ge=10_000, le=50_000, description="10000 = 100%, 11000 = 110%."
    )
    depth: int = Field(default=0, ge=0, description="Levels below the unit; 0 = down to reps.")


class AllocationResult(ProtoModel):
    """The target and every unit's and rep's share."""

    target: Target | None
    allocations: list[TargetAllocation]
    allocated_total: int = Field(description="What the first level shares (over-allocated).")


@plan_targets_router.post("/{plan_id}/targets", status_code=201, summary="Add a target")
async def add_target(
    plan_id: PlanId,
    body: AddTargetRequest,
    response: Response,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Target:
    """Add a target to a draft plan; an approved plan is locked (a precondition problem)."""
    request = pb.AddTargetRequest(
        plan_id=plan_id,
        metric=pb.TargetMetric.ValueType(METRIC.from_json(body.metric)),
        amount=body.amount.to_proto() if body.amount else None,
        quantity=body.quantity,
        product_line=body.product_line,
    )
    reply = await upstreams.call("planning", "AddTarget", request, caller)
    response.headers["Location"] = f"{PLANS}/{plan_id}/targets"
    return Target.from_proto(reply.target)


@plan_targets_router.get("/{plan_id}/targets", summary="List a plan's targets")
async def list_targets(
    plan_id: PlanId,
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> TargetList:
    """The plan's targets, newest first; outside the caller's regions the plan is 404."""
    request = pb.ListTargetsRequest(plan_id=plan_id, page=page_request(page_size, page_token))
    reply = await upstreams.call("planning", "ListTargets", request, caller)
    return TargetList(
        targets=[Target.from_proto(t) for t in reply.targets],
        next_page_token=reply.page.next_page_token,
    )


@targets_router.post("/{target_id}:allocate", summary="Allocate a target down the org tree")
async def allocate_target(
    target_id: TargetId,
    body: AllocateTargetRequest,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> AllocationResult:
    """Exact shares for the child units and reps; replaces the target's previous allocation."""
    request = pb.AllocateTargetRequest(
        target_id=target_id,
        method=pb.AllocationMethod.ValueType(METHOD.from_json(body.method)),
        weights=body.weights,
        over_allocation_bp=body.over_allocation_bp,
        depth=body.depth,
    )
    reply = await upstreams.call("planning", "AllocateTarget", request, caller)
    return AllocationResult.from_proto(reply)


class TargetRollUpLine(ProtoModel):
    """One parent unit: its amount against the sum of its allocated children."""

    unit_id: str
    amount: int = Field(description="Minor units for revenue targets, else a count.")
    children_sum: int
    expected_children_sum: int = Field(description="The amount, over-allocated at level one.")
    difference: int = Field(description="children_sum - expected_children_sum.")
    adds_up: bool


class TargetRollUp(ProtoModel):
    """The target and every parent unit's line, in unit id order."""

    target: Target | None
    lines: list[TargetRollUpLine]
    adds_up: bool


class AdjustAllocationRequest(BaseModel):
    """Whose share (exactly one of unit_id and rep_id), the new value, and why."""

    model_config = ConfigDict(extra="forbid")

    unit_id: str = ""
    rep_id: str = ""
    amount: MoneyInput | None = Field(default=None, description="For revenue targets.")
    quantity: int = Field(default=0, description="For every other metric.")
    reason: str = Field(examples=["Key account moved to team B"])


class AdjustedAllocation(ProtoModel):
    """The share after the edit, its value before, and the roll-up after."""

    allocation: TargetAllocation | None
    previous_value: int
    lines: list[TargetRollUpLine]
    adds_up: bool


@targets_router.get("/{target_id}/roll-up", summary="Roll a target's allocation back up")
async def get_target_roll_up(
    target_id: TargetId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> TargetRollUp:
    """Per parent unit: amount, children's sum, what they should sum to, and whether they do."""
    request = pb.GetTargetRollUpRequest(target_id=target_id)
    reply = await upstreams.call("planning", "GetTargetRollUp", request, caller)
    return TargetRollUp.from_proto(reply)


@targets_router.post(
    "/{target_id}:adjust-allocation", summary="Change one unit's or rep's share by hand"
)
async def adjust_allocation(
    target_id: TargetId,
    body: AdjustAllocationRequest,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> AdjustedAllocation:
    """Managers, directors and admins of the plan's region, with a reason."""
    request = pb.AdjustAllocationRequest(
        target_id=target_id,
        unit_id=body.unit_id,
        rep_id=body.rep_id,
        amount=body.amount.to_proto() if body.amount else None,
        quantity=body.quantity,
        reason=body.reason,
    )
    reply = await upstreams.call("planning", "AdjustAllocation", request, caller)
    return AdjustedAllocation.from_proto(reply)


router = APIRouter(responses=PROBLEM_RESPONSES)
router.include_router(plan_targets_router)
router.include_router(targets_router)
