"""`/v1/penalties`: warnings and penalties for reps (IncentiveService, category penalty).

The same life as rewards (`gateway/routes/rewards.py`): proposed by a
manager above the rep or a director of the region, with a reason, evidence
and the violations it answers (`violation_ids`: open violations of the same
rep); approved by another director of the region (`:approve`: the penalty is
imposed, its violations are marked penalised, `performance.penalty.imposed`)
or rejected with a reason (`:reject`). A warning carries no amount; a
penalty is money or points, exactly one.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.performance.v1 import incentives_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.contracts import MoneyInput
from gateway.routes.conventions import PageSize, PageToken, RegionFilter, page_request
from gateway.routes.rewards import (
    KIND,
    STATUS,
    Incentive,
    IncentiveStatusFilter,
    add_decision_routes,
    list_incentives,
    proposal,
    propose,
)
from gateway.upstreams import OpenUpstreams

PENALTIES = "/v1/penalties"
router = APIRouter(prefix=PENALTIES, tags=["penalties"], responses=PROBLEM_RESPONSES)

PenaltyKind = Literal["warning", "penalty"]


class PenaltyList(BaseModel):
    """One page of penalties and warnings, newest first."""

    penalties: list[Incentive]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class NewPenalty(BaseModel):
    """A warning or a penalty to propose for a rep."""

    model_config = ConfigDict(extra="forbid")

    rep_id: str
    kind: PenaltyKind
    reason: str
    amount: MoneyInput | None = Field(default=None, description="A money penalty.")
    points: int = Field(default=0, ge=0, description="A points penalty.")
    evidence: list[str] = Field(default=[], description="Links or record ids.")
    violation_ids: list[str] = Field(default=[], description="Open violations of the same rep.")
    period_code: str = Field(default="", examples=["FY2027-Q1"])


@router.post("", status_code=201, summary="Propose a penalty or a warning")
async def propose_penalty(
    body: NewPenalty, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Incentive:
    """By a manager above the rep or a director of the region; a director decides it."""
    request = proposal(
        rep_id=body.rep_id,
        kind=body.kind,
        reason=body.reason,
        amount=body.amount,
        points=body.points,
        evidence=body.evidence,
        period_code=body.period_code,
        violation_ids=body.violation_ids,
    )
    penalty = await propose(upstreams, caller, request)
    response.headers["Location"] = f"{PENALTIES}/{penalty.incentive_id}"
    return penalty


@router.get("", summary="List penalties and warnings")
async def list_penalties(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    rep_id: Annotated[str, Query(description="Only this rep's.")] = "",
    kind: Annotated[PenaltyKind | None, Query(description="Only this kind.")] = None,
    status: Annotated[IncentiveStatusFilter | None, Query()] = None,
    period: Annotated[str, Query(description="Only those of this fiscal period.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> PenaltyList:
    """Penalties the caller sees (a rep: their own), newest first."""
    request = pb.ListIncentivesRequest(
        category=pb.INCENTIVE_CATEGORY_PENALTY,
        kind=pb.IncentiveKind.ValueType(KIND.from_json(kind) if kind else 0),
        status=pb.IncentiveStatus.ValueType(STATUS.from_json(status) if status else 0),
        rep_id=rep_id,
        period_code=period,
        region=region,
        page=page_request(page_size, page_token),
    )
    penalties, next_token = await list_incentives(upstreams, caller, request)
    return PenaltyList(penalties=penalties, next_page_token=next_token)


add_decision_routes(
    router,
    pb.INCENTIVE_CATEGORY_PENALTY,
    "penalty",
    "the penalty is imposed, its violations penalised and performance.penalty.imposed emitted",
)
