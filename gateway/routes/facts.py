"""`/v1/facts`: the performance fact store, so every number can be traced to its events.

Each fact is one thing another service reported, as the KPIs, commissions
and inspections read it: a contract signed or cancelled (per split rep and
product line), a new customer, an opportunity won or lost, an activity done,
a lead SLA breach, an approved quote's discount (with the approver's
authority), a satisfaction answer, a course completed, a certification
granted or lapsed. Each names the event that produced it (`event_id`,
`event_type`).

`GET /v1/facts` lists them newest first by `rep`, `kind` and `period` (the
day it happened). Scope as for credits: reps their own, managers the reps
below them, directors their regions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from salesops.performance.v1 import credits_pb2 as pb

from gateway.auth import ReadingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.contracts import Money
from gateway.routes.conventions import PageSize, PageToken, ProtoModel, page_request
from gateway.upstreams import OpenUpstreams

router = APIRouter(prefix="/v1/facts", tags=["facts"], responses=PROBLEM_RESPONSES)


class PerformanceFact(ProtoModel):
    """One fact, as the event that produced it reported it."""

    fact_id: str
    event_id: str
    event_type: str = Field(examples=["pipeline.contract.signed"])
    kind: str = Field(examples=["contract_signed"])
    region: str
    rep_id: str = Field(description="Empty for a fact of nobody (an unassigned lead's breach).")
    team_id: str
    subject_id: str = Field(description="The contract, customer, opportunity, ... it is about.")
    occurred_date: str
    occur_time: datetime | None
    amount: Money | None
    quantity: int
    value_bp: int
    score: int
    product_line: str
    detail: str
    approver_role: str
    approver_authority_bp: int
    approver_unlimited: bool
    record_time: datetime | None


class PerformanceFactList(BaseModel):
    """One page of facts, newest first."""

    facts: list[PerformanceFact]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


@router.get("", summary="List performance facts")
async def list_facts(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    rep: Annotated[str, Query(description="Only this rep's facts.")] = "",
    kind: Annotated[str, Query(description="contract_signed, activity, ...")] = "",
    period: Annotated[str, Query(description="Happened in FY2027, FY2027-Q1, ...")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> PerformanceFactList:
    """Facts the caller may see, newest first."""
    request = pb.ListFactsRequest(
        rep_id=rep, kind=kind, period_code=period, page=page_request(page_size, page_token)
    )
    reply = await upstreams.call("performance", "ListFacts", request, caller)
    return PerformanceFactList(
        facts=[PerformanceFact.from_proto(f) for f in reply.facts],
        next_page_token=reply.page.next_page_token,
    )
