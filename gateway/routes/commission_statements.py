"""`/v1/commission-statements`: each rep's commission per fiscal period (CommissionService).

`:calculate` (a manager for their team, a director or admin for a region or
a rep) computes the statements of a period under the plan in effect on its
last day; recalculating appends adjustment lines and a new version rather
than rewriting anything. Every line says which credits, which tier, which
rate and which rule made it; the total is the sum of the lines. A rep reads
their own statements, a manager their team's, directors and executives their
regions'. Disputes on a line are at `/v1/disputes`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from salesops.performance.v1 import commissions_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.contracts import Money
from gateway.routes.conventions import (
    Audit,
    EnumJson,
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.routes.plans import PlanPeriod
from gateway.upstreams import OpenUpstreams

STATEMENTS = "/v1/commission-statements"
router = APIRouter(prefix=STATEMENTS, tags=["commission statements"], responses=PROBLEM_RESPONSES)

LINE_KIND = EnumJson(pb.CommissionLineKind.DESCRIPTOR, "COMMISSION_LINE_KIND_")

StatementId = Annotated[
    str,
    Path(min_length=1, max_length=200, pattern=r"^[^:/]+$", description="The statement's id."),
]


class LineExplanation(ProtoModel):
    """Why a line has its amount."""

    rule: str
    credit_ids: list[str]
    basis_minor: int = Field(description="What the rate applied to (credited revenue, ...).")
    rate_bp: int
    tier_from_bp: int
    tier_to_bp: int
    attainment_bp: int
    kpi_code: str
    kpi_score: int
    previous_amount_minor: int = Field(description="Adjustments: what the rule paid before.")
    dispute_id: str


class StatementLine(ProtoModel):
    """One line of a statement; lines are only ever appended."""

    line_id: str
    statement_id: str
    statement_version: int
    sequence: int
    kind: LINE_KIND.literal()  # type: ignore[valid-type]
    amount: Money | None
    explanation: LineExplanation | None
    description: str


class StatementVersion(ProtoModel):
    """A calculation (or an accepted dispute) that changed the statement."""

    version: int
    reason: str
    plan_id: str
    total: Money | None
    created_at: datetime | None
    created_by: str


class CommissionStatement(ProtoModel):
    """A rep's commission for a fiscal period."""

    statement_id: str
    rep_id: str
    region: str
    team_id: str
    period: PlanPeriod | None
    plan_id: str
    plan_version: int
    currency: str
    total: Money | None = Field(description="The sum of every line.")
    revenue: Money | None
    quota: Money | None
    attainment_bp: int
    draw_balance: Money | None
    version: int
    lines: list[StatementLine]
    calculated_at: datetime | None
    audit: Audit | None


class CommissionStatementDetail(CommissionStatement):
    versions: list[StatementVersion]


class CommissionStatementList(BaseModel):
    """One page of statements (without lines), newest first."""

    statements: list[CommissionStatement]
    next_page_token: str


class CalculateStatementsRequest(BaseModel):
    """The period, and either a region or one rep."""

    model_config = ConfigDict(extra="forbid")

    period_code: str = Field(examples=["FY2027-Q2"])
    region: str = ""
    rep_id: str = ""


class CalculatedStatement(ProtoModel):
    rep_id: str
    statement_id: str
    version: int
    total: Money | None
    previous_total: Money | None
    changed: bool


class SkippedRep(ProtoModel):
    rep_id: str
    reason: str


class CalculationResult(ProtoModel):
    """Each rep's statement after the run, and the reps it could not calculate."""

    statements: list[CalculatedStatement]
    skipped: list[SkippedRep]


@router.post(":calculate", summary="Calculate commission statements")
async def calculate_statements(
    body: CalculateStatementsRequest, caller: WritingCaller, upstreams: OpenUpstreams
) -> CalculationResult:
    """Calculate or recalculate a region's (or one rep's) statements for a period."""
    request = pb.CalculateStatementsRequest(
        period_code=body.period_code, region=body.region, rep_id=body.rep_id
    )
    response = await upstreams.call("performance", "CalculateStatements", request, caller)
    return CalculationResult.from_proto(response)


@router.get("", summary="List commission statements")
async def list_commission_statements(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    period: Annotated[str, Query(description="Only this fiscal period, e.g. FY2027-Q2.")] = "",
    rep_id: Annotated[str, Query(description="Only this rep's statements.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> CommissionStatementList:
    """Statements in the caller's scope, newest first, without their lines."""
    request = pb.ListCommissionStatementsRequest(
        period_code=period,
        region=region,
        rep_id=rep_id,
        page=page_request(page_size, page_token),
    )
    response = await upstreams.call("performance", "ListCommissionStatements", request, caller)
    return CommissionStatementList(
        statements=[CommissionStatement.from_proto(s) for s in response.statements],
        next_page_token=response.page.next_page_token,
    )


@router.get("/{statement_id}", summary="Read a commission statement")
async def get_commission_statement(
    statement_id: StatementId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> CommissionStatementDetail:
    """Every line, explained, and every version; outside the caller's scope it is 404."""
    response = await upstreams.call(
        "performance",
        "GetCommissionStatement",
        pb.GetCommissionStatementRequest(statement_id=statement_id),
        caller,
    )
    return CommissionStatementDetail(
        **CommissionStatement.from_proto(response.statement).model_dump(),
        versions=[StatementVersion.from_proto(v) for v in response.versions],
    )
