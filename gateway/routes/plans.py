"""`/v1/plans`: sales plans per org unit and fiscal period (PlanService, planning service).

Status: draft -> submitted -> approved -> active -> closed. `:submit` sends a
draft for approval; `:approve` by the manager of the unit's parent unit or a
director of the region locks it (emits `planning.plan.approved`); `:reject`
returns it to draft with a reason; `:activate` makes an approved plan the
unit's active plan for the period (one at a time; an amendment replaces the
version it amends); `:amend` makes the next version as a draft and keeps the
old one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.planning.v1 import plans_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import (
    Audit,
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.routes.leads import EmptyBody
from gateway.routes.reviews import ImprovementAction
from gateway.upstreams import OpenUpstreams, Upstreams
from services.kit.identity import Caller

PLAN_STATUS = EnumJson(pb.PlanStatus.DESCRIPTOR, "PLAN_STATUS_")
PlanStatusName = PLAN_STATUS.literal()
PlanStatusFilter = PLAN_STATUS.filter_literal()

PLANS = "/v1/plans"
plans_router = APIRouter(prefix=PLANS, tags=["plans"])

PlanId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The plan's id.")
]


class PlanPeriod(ProtoModel):
    """The plan's fiscal period: start inclusive, end exclusive (UTC)."""

    code: str
    starts_at: datetime | None
    ends_at: datetime | None


class Plan(ProtoModel):
    """One version of a sales plan."""

    plan_id: str
    org_unit_id: str
    region: str
    period: PlanPeriod | None
    strategy: str
    owner_id: str
    currency: str
    status: PlanStatusName  # type: ignore[valid-type]
    plan_version: int = Field(description="1 for the first version; amendments count up.")
    previous_plan_id: str = Field(description="The version this one amends.")
    rejection_reason: str
    approved_by: str
    audit: Audit | None
    version: int


class PlanList(BaseModel):
    """One page of plans, newest first."""

    plans: list[Plan]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class CreatePlanRequest(BaseModel):
    """A draft plan for an org unit and fiscal period."""

    model_config = ConfigDict(extra="forbid")

    org_unit_id: str
    period_code: str = Field(examples=["FY2027-Q1"], description="FY2027, FY2027-Q1, FY2027-M03.")
    strategy: str = ""
    owner_id: str
    currency: str = Field(examples=["EUR"])


class RejectPlanRequest(BaseModel):
    """Why the plan goes back to draft (required)."""

    model_config = ConfigDict(extra="forbid")

    reason: str


class AmendPlanRequest(BaseModel):
    """The new version's strategy; left out, the old one is kept."""

    model_config = ConfigDict(extra="forbid")

    strategy: str = ""


async def _plan_action(upstreams: Upstreams, caller: Caller, method: str, request: Any) -> Plan:
    response = await upstreams.call("planning", method, request, caller)
    return Plan.from_proto(response.plan)


@plans_router.post("", status_code=201, summary="Draft a plan")
async def create_plan(
    body: CreatePlanRequest, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Plan:
    """Draft a plan for an org unit in the caller's regions; `Location` points at it."""
    request = pb.CreatePlanRequest(
        org_unit_id=body.org_unit_id,
        period_code=body.period_code,
        strategy=body.strategy,
        owner_id=body.owner_id,
        currency=body.currency,
    )
    plan = await _plan_action(upstreams, caller, "CreatePlan", request)
    response.headers["Location"] = f"{PLANS}/{plan.plan_id}"
    return plan


@plans_router.get("", summary="List plans")
async def list_plans(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    org_unit_id: Annotated[str, Query(description="Only this unit's plans.")] = "",
    period: Annotated[str, Query(description="Only plans for this period, e.g. FY2027-Q1.")] = "",
    status: Annotated[
        PlanStatusFilter | None,  # type: ignore[valid-type]
        Query(description="Only plans in this status, for example active."),
    ] = None,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> PlanList:
    """Plans in the caller's regions, newest first."""
    request = pb.ListPlansRequest(
        region=region,
        org_unit_id=org_unit_id,
        period_code=period,
        status=pb.PlanStatus.ValueType(PLAN_STATUS.from_json(status) if status else 0),
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("planning", "ListPlans", request, caller)
    return PlanList(
        plans=[Plan.from_proto(p) for p in response.plans],
        next_page_token=response.page.next_page_token,
    )


class PlanDetail(Plan):
    """A plan version with the improvement actions it carries from earlier periods' reviews."""

    carried_actions: list[ImprovementAction] = Field(
        default=[],
        description="Open actions of the unit's reviews of earlier periods, soonest due first.",
    )


@plans_router.get("/{plan_id}", summary="Read a plan")
async def get_plan(plan_id: PlanId, caller: ReadingCaller, upstreams: OpenUpstreams) -> PlanDetail:
    """One plan version and what it carries over; outside the caller's regions it is 404."""
    response = await upstreams.call(
        "planning", "GetPlan", pb.GetPlanRequest(plan_id=plan_id), caller
    )
    plan = Plan.from_proto(response.plan)
    return PlanDetail(
        **plan.model_dump(),
        carried_actions=[ImprovementAction.from_proto(a) for a in response.carried_actions],
    )


@plans_router.post("/{plan_id}:submit", summary="Submit a plan for approval")
async def submit_plan(
    plan_id: PlanId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> Plan:
    """Only a draft; it is locked while submitted."""
    request = pb.SubmitPlanRequest(plan_id=plan_id)
    return await _plan_action(upstreams, caller, "SubmitPlan", request)


@plans_router.post("/{plan_id}:approve", summary="Approve a plan")
async def approve_plan(
    plan_id: PlanId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> Plan:
    """The parent unit's manager or a director of the region; the plan is then locked."""
    request = pb.ApprovePlanRequest(plan_id=plan_id)
    return await _plan_action(upstreams, caller, "ApprovePlan", request)


@plans_router.post("/{plan_id}:reject", summary="Reject a plan")
async def reject_plan(
    plan_id: PlanId, body: RejectPlanRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> Plan:
    """Return a submitted plan to draft; the reason is required."""
    request = pb.RejectPlanRequest(plan_id=plan_id, reason=body.reason)
    return await _plan_action(upstreams, caller, "RejectPlan", request)


@plans_router.post("/{plan_id}:activate", summary="Activate a plan")
async def activate_plan(
    plan_id: PlanId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> Plan:
    """An approved plan becomes its unit's active plan for the period (one at a time)."""
    request = pb.ActivatePlanRequest(plan_id=plan_id)
    return await _plan_action(upstreams, caller, "ActivatePlan", request)


@plans_router.post("/{plan_id}:close", summary="Close a plan")
async def close_plan(
    plan_id: PlanId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> Plan:
    """An approved or active plan is closed."""
    request = pb.ClosePlanRequest(plan_id=plan_id)
    return await _plan_action(upstreams, caller, "ClosePlan", request)


@plans_router.post("/{plan_id}:amend", status_code=201, summary="Amend a plan")
async def amend_plan(
    plan_id: PlanId,
    response: Response,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: Annotated[AmendPlanRequest | None, Body()] = None,
) -> Plan:
    """Draft the next version of an approved or active plan (returned); the old one is kept."""
    request = pb.AmendPlanRequest(plan_id=plan_id, strategy=body.strategy if body else "")
    plan = await _plan_action(upstreams, caller, "AmendPlan", request)
    response.headers["Location"] = f"{PLANS}/{plan.plan_id}"
    return plan


router = APIRouter(responses=PROBLEM_RESPONSES)
router.include_router(plans_router)
