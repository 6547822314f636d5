"""`/v1/credits`: sales credits per contract, rep and product line (CreditService).

Credits come from `pipeline.contract.signed`: direct credits per the deal's
splits and product lines, and overlay credits of the same amount to the
managers above each credited rep (`from_rep_id` names the rep). A
cancellation within the clawback window adds a reversal of every credit
(negative, `reverses_credit_id`), credited on the cancellation day.

`GET /v1/credits` lists them newest first by `rep`, `contract`, `period` (the
credited day), `kind` (direct or overlay) and `region`.
`GET /v1/credits:summary?rep=<id>&period=FY2027-Q1` (or `team=<id>`) sums a
rep's or a team's credits of a period per currency: direct, overlay,
reversed and net, where net is exactly their sum.

Scope: reps see their own credits, managers those of the reps below them,
directors their regions; anything else is 404 or absent from the list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import grpc
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from salesops.performance.v1 import credits_pb2 as pb

from gateway.auth import ReadingCaller
from gateway.problems import PROBLEM_RESPONSES, FieldError, Problem
from gateway.routes.contracts import Money
from gateway.routes.conventions import (
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.routes.plans import PlanPeriod
from gateway.upstreams import OpenUpstreams

KIND = EnumJson(pb.SalesCreditKind.DESCRIPTOR, "SALES_CREDIT_KIND_")
KindName = KIND.literal()
KindFilter = KIND.filter_literal()

router = APIRouter(prefix="/v1/credits", tags=["credits"], responses=PROBLEM_RESPONSES)


class SalesCredit(ProtoModel):
    """One rep's credit for one product line of one contract, or its reversal."""

    credit_id: str
    contract_id: str
    opportunity_id: str
    customer_id: str
    region: str
    rep_id: str
    team_id: str
    kind: KindName  # type: ignore[valid-type]
    from_rep_id: str = Field(description="Overlay: the rep whose credit this rolls up from.")
    product_line: str = Field(description="Empty when the contract had no product lines.")
    share_bp: int = Field(description="The credited rep's split of the deal, basis points.")
    amount: Money | None = Field(description="Negative for a reversal.")
    quantity: int
    credited_date: str = Field(description="ISO 8601 day that puts it in a period.")
    reverses_credit_id: str = Field(description="A reversal: the credit it undoes.")
    event_id: str = Field(description="The event that produced the credit.")
    record_time: datetime | None


class SalesCreditList(BaseModel):
    """One page of credits, newest first."""

    credits: list[SalesCredit]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class SalesCreditTotals(ProtoModel):
    """One currency's credits: net = direct + overlay + reversed, exactly."""

    currency: str
    direct: Money | None
    overlay: Money | None
    reversed: Money | None = Field(description="Clawbacks, negative.")
    net: Money | None
    credit_count: int


class CreditSummary(ProtoModel):
    """A rep's or a team's credits of a period, per currency."""

    rep_id: str
    team_id: str
    period: PlanPeriod | None
    totals: list[SalesCreditTotals]


@router.get("", summary="List sales credits")
async def list_credits(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    rep: Annotated[str, Query(description="Only this rep's credits.")] = "",
    contract: Annotated[str, Query(description="Only this contract's credits.")] = "",
    period: Annotated[str, Query(description="Credited in FY2027, FY2027-Q1, ...")] = "",
    kind: Annotated[KindFilter | None, Query(description="direct or overlay.")] = None,  # type: ignore[valid-type]
    region: RegionFilter = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> SalesCreditList:
    """Credits the caller may see, newest first."""
    request = pb.ListCreditsRequest(
        rep_id=rep,
        contract_id=contract,
        period_code=period,
        kind=KIND.from_json(kind) if kind else 0,  # type: ignore[arg-type]
        region=region,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("performance", "ListCredits", request, caller)
    return SalesCreditList(
        credits=[SalesCredit.from_proto(c) for c in reply.credits],
        next_page_token=reply.page.next_page_token,
    )


@router.get(":summary", summary="A rep's or a team's credits of a period")
async def get_credit_summary(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    period: Annotated[str, Query(description="FY2027, FY2027-Q1 or FY2027-M03.")] = "",
    rep: Annotated[str, Query(description="A rep id (or give team).")] = "",
    team: Annotated[str, Query(description="A team id (or give rep).")] = "",
) -> CreditSummary:
    """Exactly one of rep and team; outside the caller's scope the subject is 404."""
    errors = []
    if not rep and not team:
        errors.append(FieldError(field="rep", description="give rep or team"))
    if rep and team:
        errors.append(FieldError(field="team", description="give rep or team, not both"))
    if not period:
        errors.append(FieldError(field="period", description="is required, e.g. FY2027-Q1"))
    if errors:
        raise Problem.of(
            grpc.StatusCode.INVALID_ARGUMENT,
            "; ".join(f"{e.field}: {e.description}" for e in errors),
            errors=errors,
        )
    request = pb.GetCreditSummaryRequest(rep_id=rep, team_id=team, period_code=period)
    reply = await upstreams.call("performance", "GetCreditSummary", request, caller)
    return CreditSummary.from_proto(reply)
