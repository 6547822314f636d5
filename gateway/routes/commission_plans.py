"""`/v1/commission-plans`: commission plans per role and region, versioned (CommissionService).

A manager, director or admin of the region drafts a plan: role (rep or
manager), effective dates, currency and rules (base rate, tiers by
attainment applied marginally or flat, a cap on payout or attainment,
SPIFFs per product line, KPI-threshold bonuses, a recoverable or
non-recoverable draw). `:approve` by a director or admin of the region who
did not draft it locks it; `:amend` drafts the next version, whose approval
ends the amended one the day before it starts. Approved versions of one role
and region never overlap. Rates are basis points of credited revenue.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.performance.v1 import commissions_pb2 as pb

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
from gateway.upstreams import OpenUpstreams, Upstreams
from services.kit.identity import Caller

PLANS = "/v1/commission-plans"
router = APIRouter(prefix=PLANS, tags=["commission plans"], responses=PROBLEM_RESPONSES)

ROLE = EnumJson(pb.CommissionRole.DESCRIPTOR, "COMMISSION_ROLE_")
TIER_MODE = EnumJson(pb.CommissionTierMode.DESCRIPTOR, "COMMISSION_TIER_MODE_")
CAP_KIND = EnumJson(pb.CommissionCapKind.DESCRIPTOR, "COMMISSION_CAP_KIND_")
STATUS = EnumJson(pb.CommissionPlanStatus.DESCRIPTOR, "COMMISSION_PLAN_STATUS_")

PlanId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The plan's id.")
]


class CommissionTier(BaseModel):
    """A band of attainment [from_bp, to_bp) of quota (to_bp 0 = no upper bound) and its rate."""

    model_config = ConfigDict(extra="forbid")

    from_bp: int = 0
    to_bp: int = 0
    rate_bp: int = 0
    name: str = ""


class CommissionSpiff(BaseModel):
    """An extra rate on one product line's credited revenue."""

    model_config = ConfigDict(extra="forbid")

    product_line: str
    rate_bp: int
    name: str = ""


class CommissionKpiBonus(BaseModel):
    """A fixed bonus (plan currency, minor units) when a KPI's score 0-100 reaches min_score."""

    model_config = ConfigDict(extra="forbid")

    kpi_code: str
    min_score: int
    amount_minor: int
    name: str = ""


class CommissionRules(BaseModel):
    """What a plan pays; rates in basis points of credited revenue."""

    model_config = ConfigDict(extra="forbid")

    base_rate_bp: int = 0
    tier_mode: TIER_MODE.literal() = "unspecified"  # type: ignore[valid-type]
    tiers: list[CommissionTier] = []
    cap_kind: CAP_KIND.literal() = Field(  # type: ignore[valid-type]
        default="unspecified", description="unspecified (no cap), payout or attainment."
    )
    cap_payout_minor: int = 0
    cap_attainment_bp: int = 0
    spiffs: list[CommissionSpiff] = []
    kpi_bonuses: list[CommissionKpiBonus] = []
    draw_minor: int = Field(default=0, description="Guaranteed minimum per period; 0 = none.")
    draw_recoverable: bool = False

    def to_proto(self) -> pb.CommissionRules:
        return pb.CommissionRules(
            base_rate_bp=self.base_rate_bp,
            tier_mode=pb.CommissionTierMode.ValueType(TIER_MODE.from_json(self.tier_mode)),
            tiers=[pb.CommissionTier(**t.model_dump()) for t in self.tiers],
            cap_kind=pb.CommissionCapKind.ValueType(CAP_KIND.from_json(self.cap_kind)),
            cap_payout_minor=self.cap_payout_minor,
            cap_attainment_bp=self.cap_attainment_bp,
            spiffs=[pb.CommissionSpiff(**s.model_dump()) for s in self.spiffs],
            kpi_bonuses=[pb.CommissionKpiBonus(**k.model_dump()) for k in self.kpi_bonuses],
            draw_minor=self.draw_minor,
            draw_recoverable=self.draw_recoverable,
        )


class CommissionRulesOut(ProtoModel):
    """A plan's rules as stored."""

    base_rate_bp: int
    tier_mode: TIER_MODE.literal()  # type: ignore[valid-type]
    tiers: list[CommissionTier]
    cap_kind: CAP_KIND.literal()  # type: ignore[valid-type]
    cap_payout_minor: int
    cap_attainment_bp: int
    spiffs: list[CommissionSpiff]
    kpi_bonuses: list[CommissionKpiBonus]
    draw_minor: int
    draw_recoverable: bool


class CommissionPlan(ProtoModel):
    """One version of a commission plan."""

    plan_id: str
    lineage_id: str = Field(description="The first version's id, shared by every version.")
    name: str
    role: ROLE.literal()  # type: ignore[valid-type]
    region: str
    currency: str
    effective_from: str
    effective_to: str = Field(description="Inclusive; empty means open-ended.")
    rules: CommissionRulesOut | None
    status: STATUS.literal()  # type: ignore[valid-type]
    plan_version: int
    previous_plan_id: str
    approved_by: str
    approved_at: datetime | None
    audit: Audit | None


class CommissionPlanDetail(CommissionPlan):
    """A plan version and every version of the same plan, first first."""

    versions: list[CommissionPlan]


class CommissionPlanList(BaseModel):
    """One page of plan versions, newest first."""

    plans: list[CommissionPlan]
    next_page_token: str


class CreateCommissionPlanRequest(BaseModel):
    """A draft plan."""

    model_config = ConfigDict(extra="forbid")

    name: str
    role: ROLE.filter_literal()  # type: ignore[valid-type]
    region: str
    currency: str = Field(examples=["EUR"])
    effective_from: str = Field(examples=["2027-01-01"])
    effective_to: str = ""
    rules: CommissionRules


class AmendCommissionPlanRequest(BaseModel):
    """The next version: what is left out is kept from the amended version."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    effective_from: str = ""
    effective_to: str = ""
    rules: CommissionRules | None = None


async def _plan(upstreams: Upstreams, caller: Caller, method: str, request: Any) -> CommissionPlan:
    response = await upstreams.call("performance", method, request, caller)
    return CommissionPlan.from_proto(response.plan)


@router.post("", status_code=201, summary="Draft a commission plan")
async def create_commission_plan(
    body: CreateCommissionPlanRequest,
    response: Response,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> CommissionPlan:
    """A draft for a role and region; `Location` points at it."""
    request = pb.CreateCommissionPlanRequest(
        name=body.name,
        role=pb.CommissionRole.ValueType(ROLE.from_json(body.role)),
        region=body.region,
        currency=body.currency,
        effective_from=body.effective_from,
        effective_to=body.effective_to,
        rules=body.rules.to_proto(),
    )
    plan = await _plan(upstreams, caller, "CreateCommissionPlan", request)
    response.headers["Location"] = f"{PLANS}/{plan.plan_id}"
    return plan


@router.get("", summary="List commission plans")
async def list_commission_plans(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    role: Annotated[
        ROLE.filter_literal() | None,  # type: ignore[valid-type]
        Query(description="Only plans for this role."),
    ] = None,
    status: Annotated[
        STATUS.filter_literal() | None,  # type: ignore[valid-type]
        Query(description="Only plans in this status."),
    ] = None,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> CommissionPlanList:
    """Plan versions of the caller's regions, newest first."""
    request = pb.ListCommissionPlansRequest(
        region=region,
        role=pb.CommissionRole.ValueType(ROLE.from_json(role) if role else 0),
        status=pb.CommissionPlanStatus.ValueType(STATUS.from_json(status) if status else 0),
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("performance", "ListCommissionPlans", request, caller)
    return CommissionPlanList(
        plans=[CommissionPlan.from_proto(p) for p in response.plans],
        next_page_token=response.page.next_page_token,
    )


@router.get("/{plan_id}", summary="Read a commission plan and its versions")
async def get_commission_plan(
    plan_id: PlanId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> CommissionPlanDetail:
    """One version and every version of the plan; outside the caller's regions it is 404."""
    response = await upstreams.call(
        "performance", "GetCommissionPlan", pb.GetCommissionPlanRequest(plan_id=plan_id), caller
    )
    return CommissionPlanDetail(
        **CommissionPlan.from_proto(response.plan).model_dump(),
        versions=[CommissionPlan.from_proto(v) for v in response.versions],
    )


@router.post("/{plan_id}:approve", summary="Approve a commission plan")
async def approve_commission_plan(
    plan_id: PlanId, caller: WritingCaller, upstreams: OpenUpstreams, body: EmptyBody = None
) -> CommissionPlan:
    """A director or admin of the region, not the author; the plan is locked from then on."""
    request = pb.ApproveCommissionPlanRequest(plan_id=plan_id)
    return await _plan(upstreams, caller, "ApproveCommissionPlan", request)


@router.post("/{plan_id}:amend", status_code=201, summary="Amend a commission plan")
async def amend_commission_plan(
    plan_id: PlanId,
    response: Response,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: Annotated[AmendCommissionPlanRequest | None, Body()] = None,
) -> CommissionPlan:
    """Draft the next version of an approved plan (returned)."""
    amend = body or AmendCommissionPlanRequest()
    request = pb.AmendCommissionPlanRequest(
        plan_id=plan_id,
        name=amend.name,
        effective_from=amend.effective_from,
        effective_to=amend.effective_to,
    )
    if amend.rules is not None:
        request.rules.CopyFrom(amend.rules.to_proto())
    plan = await _plan(upstreams, caller, "AmendCommissionPlan", request)
    response.headers["Location"] = f"{PLANS}/{plan.plan_id}"
    return plan
