"""`/v1/disputes`: a rep's disputes of commission statement lines (CommissionService).

The statement's rep disputes a line with a reason (one open dispute per
line); `:resolve` by the rep's manager or a director of the region accepts or
rejects it with a comment. An accepted dispute with an amount adds an
adjustment line to the statement at once (a new statement version, and
`performance.commission.calculated`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict
from salesops.performance.v1 import commissions_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.contracts import Money, MoneyInput
from gateway.routes.conventions import (
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.upstreams import OpenUpstreams

DISPUTES = "/v1/disputes"
router = APIRouter(prefix=DISPUTES, tags=["disputes"], responses=PROBLEM_RESPONSES)

STATUS = EnumJson(pb.CommissionDisputeStatus.DESCRIPTOR, "COMMISSION_DISPUTE_STATUS_")

DisputeId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The dispute's id.")
]


class Dispute(ProtoModel):
    """A rep's dispute of one statement line, and its resolution."""

    dispute_id: str
    statement_id: str
    line_id: str
    rep_id: str
    region: str
    reason: str
    status: STATUS.literal()  # type: ignore[valid-type]
    resolution_comment: str
    adjustment: Money | None
    adjustment_line_id: str
    raised_at: datetime | None
    resolved_at: datetime | None
    resolved_by: str


class DisputeList(BaseModel):
    """One page of disputes, newest first."""

    disputes: list[Dispute]
    next_page_token: str


class RaiseDisputeRequest(BaseModel):
    """The line disputed and why."""

    model_config = ConfigDict(extra="forbid")

    line_id: str
    reason: str


class ResolveDisputeRequest(BaseModel):
    """The outcome, a comment, and an optional correction when accepting."""

    model_config = ConfigDict(extra="forbid")

    outcome: Literal["accepted", "rejected"]
    comment: str
    adjustment: MoneyInput | None = None


@router.post("", status_code=201, summary="Dispute a statement line")
async def dispute_statement_line(
    body: RaiseDisputeRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> Dispute:
    """Only the statement's rep disputes its lines."""
    request = pb.DisputeStatementLineRequest(line_id=body.line_id, reason=body.reason)
    response = await upstreams.call("performance", "DisputeStatementLine", request, caller)
    return Dispute.from_proto(response.dispute)


@router.get("", summary="List disputes")
async def list_disputes(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    status: Annotated[
        STATUS.filter_literal() | None,  # type: ignore[valid-type]
        Query(description="Only disputes in this status."),
    ] = None,
    rep_id: Annotated[str, Query(description="Only this rep's disputes.")] = "",
    statement_id: Annotated[str, Query(description="Only this statement's disputes.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> DisputeList:
    """Disputes in the caller's scope, newest first."""
    request = pb.ListDisputesRequest(
        status=pb.CommissionDisputeStatus.ValueType(STATUS.from_json(status) if status else 0),
        rep_id=rep_id,
        region=region,
        statement_id=statement_id,
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("performance", "ListDisputes", request, caller)
    return DisputeList(
        disputes=[Dispute.from_proto(d) for d in response.disputes],
        next_page_token=response.page.next_page_token,
    )


@router.post("/{dispute_id}:resolve", summary="Resolve a dispute")
async def resolve_dispute(
    dispute_id: DisputeId,
    body: ResolveDisputeRequest,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Dispute:
    """The rep's manager or a director of the region accepts or rejects it with a comment."""
    request = pb.ResolveDisputeRequest(
        dispute_id=dispute_id,
        outcome=pb.CommissionDisputeStatus.ValueType(STATUS.from_json(body.outcome)),
        comment=body.comment,
    )
    if body.adjustment is not None:
        request.adjustment.CopyFrom(body.adjustment.to_proto())
    response = await upstreams.call("performance", "ResolveDispute", request, caller)
    return Dispute.from_proto(response.dispute)
