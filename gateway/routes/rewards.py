"""`/v1/rewards`: awards, bonuses and points for reps (IncentiveService, category reward).

A manager above the rep or a director of the rep's region proposes a reward
with a reason and evidence (links or record ids); a director of the region
who did not propose it approves it (`:approve`, the reward is granted and
`performance.reward.granted` emitted) or rejects it with a reason
(`:reject`). An award may carry a prize in money, a bonus is money, points
are a positive count. A rep reads their own rewards, a manager their team's,
directors and executives their regions'. Penalties have the same shape at
`/v1/penalties`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.performance.v1 import incentives_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.contracts import Money, MoneyInput
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

REWARDS = "/v1/rewards"
router = APIRouter(prefix=REWARDS, tags=["rewards"], responses=PROBLEM_RESPONSES)

CATEGORY = EnumJson(pb.IncentiveCategory.DESCRIPTOR, "INCENTIVE_CATEGORY_")
KIND = EnumJson(pb.IncentiveKind.DESCRIPTOR, "INCENTIVE_KIND_")
STATUS = EnumJson(pb.IncentiveStatus.DESCRIPTOR, "INCENTIVE_STATUS_")
IncentiveStatusName = STATUS.literal()
IncentiveStatusFilter = STATUS.filter_literal()
RewardKind = Literal["award", "bonus", "points"]

IncentiveId = Annotated[
    str,
    Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The record's id."),
]


class Incentive(ProtoModel):
    """A reward or a penalty for one rep, and its decision."""

    incentive_id: str
    category: CATEGORY.literal()  # type: ignore[valid-type]
    kind: KIND.literal()  # type: ignore[valid-type]
    rep_id: str
    team_id: str = Field(description="The rep's team when proposed.")
    region: str
    period_code: str = Field(description="The fiscal period it concerns; empty for none.")
    reason: str
    amount: Money | None = Field(description="Money of a bonus, a prize or a money penalty.")
    points: int
    evidence: list[str] = Field(description="Links or record ids that support it.")
    violation_ids: list[str] = Field(description="The violations a penalty answers.")
    status: IncentiveStatusName  # type: ignore[valid-type]
    proposed_by: str
    decided_by: str
    decided_time: datetime | None
    rejection_reason: str
    audit: Audit | None
    version: int


class RewardList(BaseModel):
    """One page of rewards, newest first."""

    rewards: list[Incentive]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class NewReward(BaseModel):
    """A reward to propose for a rep."""

    model_config = ConfigDict(extra="forbid")

    rep_id: str
    kind: RewardKind
    reason: str
    amount: MoneyInput | None = Field(default=None, description="A bonus; an award's prize.")
    points: int = Field(default=0, ge=0, description="Points rewards only.")
    evidence: list[str] = Field(default=[], description="Links or record ids (fact ids, ...).")
    period_code: str = Field(default="", examples=["FY2027-Q1"])


class Rejection(BaseModel):
    """Why a proposal is rejected."""

    model_config = ConfigDict(extra="forbid")

    reason: str


def proposal(
    *,
    rep_id: str,
    kind: str,
    reason: str,
    amount: MoneyInput | None,
    points: int,
    evidence: list[str],
    period_code: str,
    violation_ids: list[str] | None = None,
) -> pb.ProposeIncentiveRequest:
    """The proposal request of a reward or a penalty."""
    request = pb.ProposeIncentiveRequest(
        rep_id=rep_id,
        kind=pb.IncentiveKind.ValueType(KIND.from_json(kind)),
        reason=reason,
        points=points,
        evidence=evidence,
        violation_ids=violation_ids or [],
        period_code=period_code,
    )
    if amount is not None:
        request.amount.CopyFrom(amount.to_proto())
    return request


async def propose(
    upstreams: Upstreams, caller: Caller, request: pb.ProposeIncentiveRequest
) -> Incentive:
    reply = await upstreams.call("performance", "ProposeIncentive", request, caller)
    return Incentive.from_proto(reply.incentive)


async def list_incentives(
    upstreams: Upstreams, caller: Caller, request: pb.ListIncentivesRequest
) -> tuple[list[Incentive], str]:
    """One page of records and the next page's token."""
    reply = await upstreams.call("performance", "ListIncentives", request, caller)
    return [Incentive.from_proto(i) for i in reply.incentives], reply.page.next_page_token


def add_decision_routes(router: APIRouter, category: int, noun: str, approved: str) -> None:
    """`GET /{id}`, `POST /{id}:approve` and `POST /{id}:reject` of one category on `router`.

    Rewards and penalties share their life; the category keeps a record of
    the other one not found under this prefix.
    """
    of_category = pb.IncentiveCategory.ValueType(category)

    @router.get("/{incentive_id}", name=f"get_{noun}", summary=f"Read a {noun}")
    async def read(
        incentive_id: IncentiveId, caller: ReadingCaller, upstreams: OpenUpstreams
    ) -> Incentive:
        request = pb.GetIncentiveRequest(incentive_id=incentive_id, category=of_category)
        reply = await upstreams.call("performance", "GetIncentive", request, caller)
        return Incentive.from_proto(reply.incentive)

    @router.post(
        "/{incentive_id}:approve",
        name=f"approve_{noun}",
        summary=f"Approve a proposed {noun}",
        description=f"A director of the region other than the proposer; {approved}.",
    )
    async def approve(
        incentive_id: IncentiveId,
        caller: WritingCaller,
        upstreams: OpenUpstreams,
        body: EmptyBody = None,
    ) -> Incentive:
        request = pb.ApproveIncentiveRequest(incentive_id=incentive_id, category=of_category)
        reply = await upstreams.call("performance", "ApproveIncentive", request, caller)
        return Incentive.from_proto(reply.incentive)

    @router.post(
        "/{incentive_id}:reject",
        name=f"reject_{noun}",
        summary=f"Reject a proposed {noun}",
        description="A director of the region other than the proposer, with a reason.",
    )
    async def reject(
        incentive_id: IncentiveId,
        body: Rejection,
        caller: WritingCaller,
        upstreams: OpenUpstreams,
    ) -> Incentive:
        request = pb.RejectIncentiveRequest(
            incentive_id=incentive_id, category=of_category, reason=body.reason
        )
        reply = await upstreams.call("performance", "RejectIncentive", request, caller)
        return Incentive.from_proto(reply.incentive)


@router.post("", status_code=201, summary="Propose a reward")
async def propose_reward(
    body: NewReward, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
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
    )
    reward = await propose(upstreams, caller, request)
    response.headers["Location"] = f"{REWARDS}/{reward.incentive_id}"
    return reward


@router.get("", summary="List rewards")
async def list_rewards(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    rep_id: Annotated[str, Query(description="Only this rep's.")] = "",
    kind: Annotated[RewardKind | None, Query(description="Only this kind.")] = None,
    status: Annotated[IncentiveStatusFilter | None, Query()] = None,  # type: ignore[valid-type]
    period: Annotated[str, Query(description="Only those of this fiscal period.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> RewardList:
    """Rewards the caller sees (a rep: their own), newest first."""
    request = pb.ListIncentivesRequest(
        category=pb.INCENTIVE_CATEGORY_REWARD,
        kind=pb.IncentiveKind.ValueType(KIND.from_json(kind) if kind else 0),
        status=pb.IncentiveStatus.ValueType(STATUS.from_json(status) if status else 0),
        rep_id=rep_id,
        period_code=period,
        region=region,
        page=page_request(page_size, page_token),
    )
    rewards, next_token = await list_incentives(upstreams, caller, request)
    return RewardList(rewards=rewards, next_page_token=next_token)


add_decision_routes(
    router,
    pb.INCENTIVE_CATEGORY_REWARD,
    "reward",
    "the reward is granted and performance.reward.granted emitted",
)
