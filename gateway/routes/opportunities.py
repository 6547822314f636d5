"""`/v1/opportunities`: deals through their pipeline (OpportunityService).

Custom verbs move a deal: `:advance` (to the next or a named later stage;
every stage left must pass its gate, else 422 lists every unmet rule),
`:win` (from the accepted quote; answers with the signed contract), `:lose`
(a reason is required) and `:reassign` (a manager within their team, a
director in their regions). `PATCH` changes the fields present in the body.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response
from google.protobuf.field_mask_pb2 import FieldMask
from pydantic import BaseModel, ConfigDict, Field
from salesops.pipeline.v1 import opportunities_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.contracts import Contract, IsoDate, Money, MoneyInput
from gateway.routes.conventions import (
    Audit,
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.upstreams import OpenUpstreams, Upstreams
from services.kit.identity import Caller

OPPORTUNITY_STATUS = EnumJson(pb.OpportunityStatus.DESCRIPTOR, "OPPORTUNITY_STATUS_")
FORECAST_CATEGORY = EnumJson(pb.ForecastCategory.DESCRIPTOR, "FORECAST_CATEGORY_")
OpportunityStatusName = OPPORTUNITY_STATUS.literal()
OpportunityStatusFilter = OPPORTUNITY_STATUS.filter_literal()
ForecastCategoryName = FORECAST_CATEGORY.literal()

router = APIRouter(prefix="/v1/opportunities", tags=["opportunities"], responses=PROBLEM_RESPONSES)

# Ids never contain ":", which separates a custom verb (`{opportunity_id}:advance`).
OpportunityId = Annotated[
    str,
    Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The opportunity's id."),
]


class LineItem(ProtoModel):
    """A product line of a deal: quantity x unit price."""

    product_line: str
    quantity: int
    unit_price: Money | None
    amount: Money | None


class TeamMember(ProtoModel):
    """A person on the deal and their credit share."""

    rep_id: str
    role: str
    share_bp: int = Field(description="Basis points; a team's shares sum to exactly 10000.")


class Opportunity(ProtoModel):
    """A deal in progress, or closed."""

    opportunity_id: str
    region: str
    customer_id: str
    owner_id: str
    team_id: str = Field(description="The owner's team; empty when planning has not said.")
    pipeline_id: str
    stage_id: str
    stage_name: str
    name: str
    amount: Money | None = Field(description="Sum of the lines; after a win, the contract value.")
    expected_close_date: str
    next_step: str
    status: OpportunityStatusName  # type: ignore[valid-type]
    line_items: list[LineItem]
    competitors: list[str]
    team_members: list[TeamMember]
    probability_bp: int
    forecast_category: ForecastCategoryName  # type: ignore[valid-type]
    stage_enter_time: datetime | None
    close_time: datetime | None
    loss_reason: str
    lost_to_competitor: str
    version: int
    audit: Audit | None


class OpportunityList(BaseModel):
    """One page of opportunities, newest first."""

    opportunities: list[Opportunity]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class StageVisit(ProtoModel):
    """A stay of the deal in one stage."""

    stage_id: str
    stage_name: str
    enter_time: datetime | None
    exit_time: datetime | None = Field(description="Null while the deal is still there.")
    duration_seconds: int


class StageHistory(BaseModel):
    """The stages a deal went through, oldest first."""

    visits: list[StageVisit]


class Won(BaseModel):
    """The won deal and the contract signed from its accepted quote."""

    opportunity: Opportunity
    contract: Contract


class LineItemInput(BaseModel):
    """A product line: the amount is computed exactly as quantity x unit price."""

    model_config = ConfigDict(extra="forbid")

    product_line: str = Field(examples=["analytics"])
    quantity: int = Field(examples=[10])
    unit_price: MoneyInput

    def to_proto(self) -> pb.OpportunityLineItem:
        return pb.OpportunityLineItem(
            product_line=self.product_line,
            quantity=self.quantity,
            unit_price=self.unit_price.to_proto(),
        )


class TeamMemberInput(BaseModel):
    """A person on the deal; shares are basis points summing to 10000."""

    model_config = ConfigDict(extra="forbid")

    rep_id: str
    role: str = ""
    share_bp: int = Field(examples=[6000])

    def to_proto(self) -> pb.TeamMember:
        return pb.TeamMember(rep_id=self.rep_id, role=self.role, share_bp=self.share_bp)


class CreateOpportunityRequest(BaseModel):
    """A new deal for a known customer; the service checks the values."""

    model_config = ConfigDict(extra="forbid")

    customer_id: str
    name: str = Field(examples=["Acme analytics rollout"])
    pipeline_id: str = Field(default="", description='Defaults to "new_business".')
    owner_id: str = Field(default="", description="Defaults to the caller.")
    region: str = Field(default="", description="Defaults to the customer's region.")
    line_items: list[LineItemInput] = []
    currency: str = Field(default="", description="Required only when there are no line items.")
    expected_close_date: IsoDate = ""
    next_step: str = ""
    competitors: list[str] = []
    team_members: list[TeamMemberInput] = Field(
        [], description="Defaults to the owner with the whole credit."
    )


class UpdateOpportunityRequest(BaseModel):
    """The fields to change; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    expected_close_date: IsoDate | None = None
    next_step: str | None = None
    line_items: list[LineItemInput] | None = None
    competitors: list[str] | None = None
    team_members: list[TeamMemberInput] | None = None


class AdvanceRequest(BaseModel):
    """Where to: a later open stage of the pipeline, or the next one when empty."""

    model_config = ConfigDict(extra="forbid")

    target_stage_id: str = ""


class WinRequest(BaseModel):
    """The contract's terms; the accepted quote of the deal is used unless one is named."""

    model_config = ConfigDict(extra="forbid")

    quote_id: str = ""
    contract_start_date: IsoDate = Field(default="", description="Defaults to today.")
    signed_date: IsoDate = Field(default="", description="Defaults to today.")
    term_months: int = Field(default=0, ge=0, le=120, description="0 means 12.")


class LoseRequest(BaseModel):
    """Why the deal was lost, and to whom if known."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(examples=["price"])
    competitor: str = ""


class ReassignRequest(BaseModel):
    """The rep who owns the deal from now on."""

    model_config = ConfigDict(extra="forbid")

    new_owner_id: str


async def _opportunity_action(
    upstreams: Upstreams, caller: Caller, method: str, request: Any
) -> Opportunity:
    response = await upstreams.call("pipeline", method, request, caller)
    return Opportunity.from_proto(response.opportunity)


@router.post("", status_code=201, summary="Open an opportunity")
async def create_opportunity(
    body: CreateOpportunityRequest,
    response: Response,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Opportunity:
    """Open a deal in the first stage of its pipeline; `Location` points at it."""
    values = body.model_dump(exclude={"line_items", "team_members"})
    request = pb.CreateOpportunityRequest(
        **values,
        line_items=[item.to_proto() for item in body.line_items],
        team_members=[member.to_proto() for member in body.team_members],
    )
    opportunity = await _opportunity_action(upstreams, caller, "CreateOpportunity", request)
    response.headers["Location"] = f"{router.prefix}/{opportunity.opportunity_id}"
    return opportunity


@router.get("", summary="List opportunities")
async def list_opportunities(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    owner_id: Annotated[str, Query(description="Only deals this rep owns.")] = "",
    pipeline_id: Annotated[str, Query(description="Only deals of this pipeline.")] = "",
    stage_id: Annotated[str, Query(description="Only deals in this stage.")] = "",
    customer_id: Annotated[str, Query(description="Only deals of this customer.")] = "",
    status: Annotated[
        OpportunityStatusFilter | None,  # type: ignore[valid-type]
        Query(description="Only deals in this status."),
    ] = None,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> OpportunityList:
    """Deals in the caller's scope (a rep: owned or on the team), newest first."""
    request = pb.ListOpportunitiesRequest(
        region=region,
        owner_id=owner_id,
        pipeline_id=pipeline_id,
        stage_id=stage_id,
        customer_id=customer_id,
        status=pb.OpportunityStatus.ValueType(
            OPPORTUNITY_STATUS.from_json(status) if status else 0
        ),
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("pipeline", "ListOpportunities", request, caller)
    return OpportunityList(
        opportunities=[Opportunity.from_proto(o) for o in response.opportunities],
        next_page_token=response.page.next_page_token,
    )


@router.get("/{opportunity_id}", summary="Read an opportunity")
async def get_opportunity(
    opportunity_id: OpportunityId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> Opportunity:
    """A deal outside the caller's scope is 404, exactly as if it did not exist."""
    request = pb.GetOpportunityRequest(opportunity_id=opportunity_id)
    return await _opportunity_action(upstreams, caller, "GetOpportunity", request)


@router.patch("/{opportunity_id}", summary="Change an opportunity")
async def update_opportunity(
    opportunity_id: OpportunityId,
    body: UpdateOpportunityRequest,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Opportunity:
    """Change the fields present in the body (the owner, their manager or a director)."""
    present = sorted(body.model_fields_set)
    message = pb.Opportunity(
        opportunity_id=opportunity_id,
        name=body.name or "",
        expected_close_date=body.expected_close_date or "",
        next_step=body.next_step or "",
        line_items=[item.to_proto() for item in body.line_items or []],
        competitors=body.competitors or [],
        team_members=[member.to_proto() for member in body.team_members or []],
    )
    request = pb.UpdateOpportunityRequest(opportunity=message, update_mask=FieldMask(paths=present))
    return await _opportunity_action(upstreams, caller, "UpdateOpportunity", request)


@router.post("/{opportunity_id}:advance", summary="Advance an opportunity")
async def advance_opportunity(
    opportunity_id: OpportunityId,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: Annotated[AdvanceRequest | None, Body()] = None,
) -> Opportunity:
    """Move to the next (or a named later) open stage; 422 lists every unmet gate rule."""
    request = pb.AdvanceOpportunityRequest(
        opportunity_id=opportunity_id, target_stage_id=body.target_stage_id if body else ""
    )
    return await _opportunity_action(upstreams, caller, "AdvanceOpportunity", request)


@router.post("/{opportunity_id}:win", summary="Win an opportunity")
async def win_opportunity(
    opportunity_id: OpportunityId,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
    body: Annotated[WinRequest | None, Body()] = None,
) -> Won:
    """Close as won from the accepted quote and sign the contract (in the answer)."""
    body = body or WinRequest()
    request = pb.WinOpportunityRequest(opportunity_id=opportunity_id, **body.model_dump())
    response = await upstreams.call("pipeline", "WinOpportunity", request, caller)
    return Won(
        opportunity=Opportunity.from_proto(response.opportunity),
        contract=Contract.from_proto(response.contract),
    )


@router.post("/{opportunity_id}:lose", summary="Lose an opportunity")
async def lose_opportunity(
    opportunity_id: OpportunityId,
    body: LoseRequest,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Opportunity:
    """Close as lost; a reason is required, the competitor who won is optional."""
    request = pb.LoseOpportunityRequest(opportunity_id=opportunity_id, **body.model_dump())
    return await _opportunity_action(upstreams, caller, "LoseOpportunity", request)


@router.post("/{opportunity_id}:reassign", summary="Reassign an opportunity")
async def reassign_opportunity(
    opportunity_id: OpportunityId,
    body: ReassignRequest,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Opportunity:
    """Give the deal to another rep: a manager within their team, a director in their regions."""
    request = pb.ReassignOpportunityRequest(
        opportunity_id=opportunity_id, new_owner_id=body.new_owner_id
    )
    return await _opportunity_action(upstreams, caller, "ReassignOpportunity", request)


@router.get("/{opportunity_id}/stage-history", summary="An opportunity's stage history")
async def stage_history(
    opportunity_id: OpportunityId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> StageHistory:
    """Every stage the deal entered, with entry and exit times and the time spent there."""
    request = pb.ListOpportunityStageHistoryRequest(opportunity_id=opportunity_id)
    response = await upstreams.call("pipeline", "ListOpportunityStageHistory", request, caller)
    return StageHistory(visits=[StageVisit.from_proto(v) for v in response.visits])
