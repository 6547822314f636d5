"""`GET /v1/reps/{rep_id}/overview?period=`: one rep at a glance, from every service at once.

Sections, each from its own service, fetched concurrently:

- `rep` (planning): who the rep is, their team and region;
- `pipeline` (pipeline): open opportunities, count, value and weighted value
  (amount x stage probability, rounded half up per deal) by stage and currency;
- `attainment` (planning): each target's target, actual, percent and pace for the period;
- `scorecard` (performance): the published scorecard of the period, else the live one;
- `commission` (performance): the rep's statements of the period as last
  calculated, and their total per currency (commission to date);
- `training` (training): the readiness index and the open enrollments
  (assigned, in progress or overdue).

A section whose service is down, or that the service refuses, is `null`, its
status says why, and its name is in `partial`: the answer is still 200. A rep
sees only their own overview; for anyone else the rep must be within their
scope, else 404 (the services check the scope again for every section).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any

import grpc
from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field
from salesops.performance.v1 import commissions_pb2, scorecards_pb2
from salesops.pipeline.v1 import opportunities_pb2
from salesops.planning.v1 import attainment_pb2, organisation_pb2
from salesops.training.v1 import enrollments_pb2, readiness_pb2

from gateway.auth import ReadingCaller
from gateway.composition import (
    MAX_PAGE_SIZE,
    ComposedView,
    PeriodParam,
    collect,
    compose,
    fiscal_period,
    partial_sections,
    statuses,
)
from gateway.problems import PROBLEM_RESPONSES, Problem
from gateway.routes.attainment import AttainmentLine
from gateway.routes.contracts import Money
from gateway.routes.conventions import page_request
from gateway.routes.plans import PlanPeriod
from gateway.routes.reps import Rep
from gateway.routes.scorecards import Scorecard
from gateway.settings import GatewaySettings
from gateway.upstreams import OpenUpstreams, Upstreams
from services.kit.fiscal import FiscalCalendar
from services.kit.identity import Caller
from services.kit.rounding import BASIS_POINTS, divide_half_up

VIEW = "rep_overview"
OPEN_ENROLLMENT_STATUSES = ("assigned", "in_progress", "overdue")

router = APIRouter(prefix="/v1/reps", tags=["composed views"], responses=PROBLEM_RESPONSES)

RepId = Annotated[
    str, Path(min_length=1, max_length=100, pattern=r"^[^:/]+$", description="The rep's id.")
]


class StagePipeline(BaseModel):
    """Open deals in one stage and currency."""

    stage_id: str
    stage_name: str
    probability_bp: int = Field(description="The stage's win probability, basis points.")
    opportunities: int
    amount: Money
    weighted: Money = Field(description="Sum of amount x probability, each deal rounded half up.")


class CurrencyPipeline(BaseModel):
    """Open deals in one currency."""

    opportunities: int
    amount: Money
    weighted: Money


class PipelineSummary(BaseModel):
    """The rep's open opportunities (whatever their expected close date)."""

    open_opportunities: int
    totals: list[CurrencyPipeline] = Field(description="One per currency, by currency code.")
    by_stage: list[StagePipeline] = Field(description="By stage probability, then stage, currency.")


class RepAttainment(BaseModel):
    """The rep's attainment lines for the period (empty without a target)."""

    period: PlanPeriod | None
    as_of: datetime | None
    lines: list[AttainmentLine]


class StatementSummary(BaseModel):
    """One commission statement, without its lines."""

    statement_id: str
    period_code: str
    total: Money | None
    attainment_bp: int
    version: int
    calculated_at: datetime | None


class CommissionToDate(BaseModel):
    """Commission of the period as last calculated."""

    totals: list[Money] = Field(description="Sum of the statements' totals, per currency.")
    statements: list[StatementSummary]


class OpenEnrollment(BaseModel):
    """A course the rep still has to finish."""

    enrollment_id: str
    course_id: str
    course_title: str
    status: str = Field(description="assigned, in_progress or overdue.")
    due_on: str
    progress_pct: int
    required: bool


class TrainingSummary(BaseModel):
    """Readiness against the role's skill profile, and what is still open."""

    readiness_index_bp: int = Field(description="Held / required skills; 0 without a profile.")
    has_profile: bool
    required_skills: int
    held_skills: int
    open_enrollments: list[OpenEnrollment]


class RepOverview(ComposedView):
    """A rep's overview; a missing section is null, named in `partial`, explained in `sections`."""

    rep_id: str
    period: str = Field(examples=["FY2027-Q1"])
    rep: Rep | None
    pipeline: PipelineSummary | None
    attainment: RepAttainment | None
    scorecard: Scorecard | None
    commission: CommissionToDate | None
    training: TrainingSummary | None


def summarise_pipeline(opportunities: Iterable[Any]) -> PipelineSummary:
    """Count, value and weighted value of open opportunities (protos) by stage and currency.

    Weighting is per deal, rounded half up, as planning's weighted pipeline does,
    so the figures here and in `/v1/weighted-pipeline` agree.
    """
    by_stage: dict[tuple[str, str], dict[str, Any]] = {}
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    count = 0
    for opp in opportunities:
        if opp.status != opportunities_pb2.OPPORTUNITY_STATUS_OPEN:
            continue
        count += 1
        currency = opp.amount.currency
        amount = opp.amount.amount_minor
        weighted = divide_half_up(amount * opp.probability_bp, BASIS_POINTS)
        stage = by_stage.setdefault(
            (opp.stage_id, currency),
            {
                "stage_id": opp.stage_id,
                "stage_name": opp.stage_name,
                "probability_bp": opp.probability_bp,
                "opportunities": 0,
                "amount": 0,
                "weighted": 0,
            },
        )
        stage["opportunities"] += 1
        stage["amount"] += amount
        stage["weighted"] += weighted
        total = totals[currency]
        total[0] += 1
        total[1] += amount
        total[2] += weighted
    stages = sorted(
        by_stage.items(), key=lambda item: (item[1]["probability_bp"], item[0][0], item[0][1])
    )
    return PipelineSummary(
        open_opportunities=count,
        totals=[
            CurrencyPipeline(
                opportunities=n,
                amount=Money(currency=currency, amount_minor=amount),
                weighted=Money(currency=currency, amount_minor=weighted),
            )
            for currency, (n, amount, weighted) in sorted(totals.items())
        ],
        by_stage=[
            StagePipeline(
                stage_id=values["stage_id"],
                stage_name=values["stage_name"],
                probability_bp=values["probability_bp"],
                opportunities=values["opportunities"],
                amount=Money(currency=currency, amount_minor=values["amount"]),
                weighted=Money(currency=currency, amount_minor=values["weighted"]),
            )
            for (_, currency), values in stages
        ],
    )


def money_totals(amounts: Iterable[Money | None]) -> list[Money]:
    """Sum amounts per currency, by currency code."""
    sums: dict[str, int] = defaultdict(int)
    for amount in amounts:
        if amount is not None:
            sums[amount.currency] += amount.amount_minor
    return [Money(currency=c, amount_minor=v) for c, v in sorted(sums.items())]


def _time(message: Any, field: str) -> datetime | None:
    return getattr(message, field).ToDatetime(tzinfo=UTC) if message.HasField(field) else None


async def _rep(upstreams: Upstreams, caller: Caller, rep_id: str) -> Rep:
    reply = await upstreams.call(
        "planning", "GetRep", organisation_pb2.GetRepRequest(rep_id=rep_id), caller
    )
    return Rep.from_proto(reply.rep)


async def _pipeline(upstreams: Upstreams, caller: Caller, rep_id: str) -> PipelineSummary:
    async def page(token: str) -> Any:
        request = opportunities_pb2.ListOpportunitiesRequest(
            owner_id=rep_id,
            status=opportunities_pb2.OPPORTUNITY_STATUS_OPEN,
            page=page_request(MAX_PAGE_SIZE, token),
        )
        return await upstreams.call("pipeline", "ListOpportunities", request, caller)

    return summarise_pipeline(await collect(page, lambda reply: list(reply.opportunities)))


async def _attainment(
    upstreams: Upstreams, caller: Caller, rep_id: str, period: str
) -> RepAttainment:
    request = attainment_pb2.GetAttainmentRequest(rep_id=rep_id, period_code=period)
    reply = await upstreams.call("planning", "GetAttainment", request, caller)
    return RepAttainment(
        period=PlanPeriod.from_proto(reply.period),
        as_of=_time(reply, "as_of"),
        lines=[AttainmentLine.from_proto(line) for line in reply.lines],
    )


async def _scorecard(upstreams: Upstreams, caller: Caller, rep_id: str, period: str) -> Scorecard:
    request = scorecards_pb2.GetScorecardRequest(rep_id=rep_id, period_code=period)
    reply = await upstreams.call("performance", "GetScorecard", request, caller)
    return Scorecard.from_proto(reply.scorecard)


async def _commission(
    upstreams: Upstreams, caller: Caller, rep_id: str, period: str
) -> CommissionToDate:
    async def page(token: str) -> Any:
        request = commissions_pb2.ListCommissionStatementsRequest(
            rep_id=rep_id,
            period_code=period,
            page=page_request(MAX_PAGE_SIZE, token),
        )
        return await upstreams.call("performance", "ListCommissionStatements", request, caller)

    statements = [
        StatementSummary(
            statement_id=s.statement_id,
            period_code=s.period.code,
            total=Money.from_proto(s.total) if s.HasField("total") else None,
            attainment_bp=s.attainment_bp,
            version=s.version,
            calculated_at=_time(s, "calculated_at"),
        )
        for s in await collect(page, lambda reply: list(reply.statements))
    ]
    return CommissionToDate(totals=money_totals(s.total for s in statements), statements=statements)


async def _training(upstreams: Upstreams, caller: Caller, rep_id: str) -> TrainingSummary:
    async def page(token: str) -> Any:
        request = enrollments_pb2.ListEnrollmentsRequest(
            rep_id=rep_id, page=page_request(MAX_PAGE_SIZE, token)
        )
        return await upstreams.call("training", "ListEnrollments", request, caller)

    readiness_request = readiness_pb2.GetRepReadinessRequest(rep_id=rep_id)
    readiness, enrollments = await asyncio.gather(
        upstreams.call("training", "GetRepReadiness", readiness_request, caller),
        collect(page, lambda reply: list(reply.enrollments)),
    )
    index = readiness.readiness
    return TrainingSummary(
        readiness_index_bp=index.readiness_index_bp,
        has_profile=index.has_profile,
        required_skills=index.required_skills,
        held_skills=index.held_skills,
        open_enrollments=[
            OpenEnrollment(
                enrollment_id=e.enrollment_id,
                course_id=e.course_id,
                course_title=e.course_title,
                status=e.status,
                due_on=e.due_on,
                progress_pct=e.progress_pct,
                required=e.required,
            )
            for e in enrollments
            if e.status in OPEN_ENROLLMENT_STATUSES
        ],
    )


def _not_found(rep_id: str) -> Problem:
    return Problem.of(grpc.StatusCode.NOT_FOUND, f"rep '{rep_id}' was not found")


@router.get("/{rep_id}/overview", summary="A rep's overview: pipeline, attainment, pay, training")
async def rep_overview(
    request: Request,
    rep_id: RepId,
    period: PeriodParam,
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
) -> RepOverview:
    """Every section from its own service, concurrently; a missing one is null and in `partial`."""
    settings: GatewaySettings = request.app.state.settings
    code = fiscal_period(FiscalCalendar(settings.base.fiscal_year_start_month), period).code
    if caller.own_records_only and rep_id != caller.subject:
        raise _not_found(rep_id)  # a rep's colleagues do not exist for them
    outcomes = await compose(
        VIEW,
        {
            "rep": _rep(upstreams, caller, rep_id),
            "pipeline": _pipeline(upstreams, caller, rep_id),
            "attainment": _attainment(upstreams, caller, rep_id, code),
            "scorecard": _scorecard(upstreams, caller, rep_id, code),
            "commission": _commission(upstreams, caller, rep_id, code),
            "training": _training(upstreams, caller, rep_id),
        },
    )
    # Planning owns the people: when it says the rep is not in the caller's
    # scope, nothing else is shown either.
    if outcomes["rep"].status.status == "not_found":
        raise _not_found(rep_id)
    return RepOverview(
        rep_id=rep_id,
        period=code,
        partial=partial_sections(outcomes),
        sections=statuses(outcomes),
        **{name: outcome.value for name, outcome in outcomes.items()},
    )
