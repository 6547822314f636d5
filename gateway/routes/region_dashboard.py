"""`GET /v1/regions/{region}/dashboard?period=`: a region's figures from every service at once.

Sections, fetched concurrently, each from the service that owns the figures:

- `plan_vs_actual` (planning): every org unit of the region with its
  attainment lines (target, actual, percent, pace) and every team rep's;
- `performers` (from the same figures): reps ranked by revenue attainment
  (percent of target; ties share a rank), the top and the bottom `k` where
  `k` is 3, or half the ranked reps when fewer than 6 (rounded down);
- `funnel` and `win_rate` (pipeline analytics): the funnel of the deals
  created in the period in one pipeline (`pipeline_id`, default
  `new_business`), and won / (won + lost) of the deals closed in it, by team;
- `forecast` (planning): the forecast roll-up of each top unit of the region
  (forecast, weighted pipeline and closed-won beside the revenue target);
- `overdue_cases` (pipeline): open or in-progress cases past their SLA due time;
- `certification_coverage` (training): per product line, the region's reps
  holding a valid certification of it;
- `trend` (pipeline analytics): deals won and their value per fiscal month of the period.

A section whose service is down or refuses is `null`, its status says why,
and its name is in `partial`; the answer is still 200. Managers, directors,
executives and admins read their regions' dashboards (a rep gets 403); a
region outside the caller's regions is 404.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field
from salesops.pipeline.v1 import analytics_pb2, cases_pb2
from salesops.planning.v1 import attainment_pb2, forecasts_pb2, organisation_pb2
from salesops.training.v1 import readiness_pb2

from gateway.auth import ReadingCaller
from gateway.composition import (
    MAX_PAGE_SIZE,
    ComposedView,
    Outcome,
    PeriodParam,
    collect,
    compose,
    derived,
    fiscal_period,
    gather_bounded,
    months_of,
    partial_sections,
    region_in_scope,
    require_managing_role,
    statuses,
)
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.attainment import AttainmentLine
from gateway.routes.cases import Case
from gateway.routes.contracts import Money
from gateway.routes.conventions import page_request
from gateway.routes.forecasts import ForecastRollUp
from gateway.routes.pipeline_analytics import FunnelStep, WinRate
from gateway.routes.readiness import CertificationCoverage
from gateway.settings import GatewaySettings
from gateway.upstreams import OpenUpstreams, Upstreams
from services.kit.fiscal import FiscalCalendar, FiscalPeriod
from services.kit.identity import Caller

VIEW = "region_dashboard"
DEFAULT_PIPELINE = "new_business"
MAX_PERFORMERS = 3
# Overdue cases listed one by one; the count covers them all.
MAX_LISTED_CASES = 50

router = APIRouter(prefix="/v1/regions", tags=["composed views"], responses=PROBLEM_RESPONSES)

RegionPath = Annotated[
    str,
    Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", description="A region code."),
]
PipelineParam = Annotated[
    str,
    Query(min_length=1, max_length=100, description="The pipeline whose funnel is shown."),
]


class UnitPlanVsActual(BaseModel):
    """One org unit of the region and its attainment lines (none without a target)."""

    unit_id: str
    code: str
    name: str
    kind: str
    parent_id: str
    lines: list[AttainmentLine]


class RepPlanVsActual(BaseModel):
    """One rep of a team of the region and their attainment lines."""

    rep_id: str
    team_unit_id: str
    lines: list[AttainmentLine]


class PlanVsActual(BaseModel):
    """Units top down (each level by code), then reps by team and id."""

    units: list[UnitPlanVsActual]
    reps: list[RepPlanVsActual]


class PerformerRank(BaseModel):
    """A rep's place by revenue attainment."""

    rank: int = Field(description="1 is best; ties share a rank (1, 1, 3).")
    rep_id: str
    team_unit_id: str
    target: Money | None
    actual: Money | None
    percent_bp: int
    status: str


class Performers(BaseModel):
    """Reps with a revenue target, best first; `top` and `bottom` (worst first) never overlap."""

    metric: str = "revenue"
    ranking: list[PerformerRank]
    top: list[PerformerRank]
    bottom: list[PerformerRank]


class FunnelSection(BaseModel):
    """How far the deals created in the period got, stage by stage."""

    pipeline_id: str
    cohort: int = Field(description="Deals created in the period.")
    steps: list[FunnelStep]


class WinRates(BaseModel):
    """Among deals closed in the period: the region's total and each team's."""

    total: WinRate
    by_team: list[WinRate]


class ForecastVsTarget(BaseModel):
    """The roll-up of each top unit of the region (one unless the region has several roots)."""

    units: list[ForecastRollUp]


class OverdueCase(BaseModel):
    """A case past its SLA due time."""

    case_id: str
    customer_id: str
    subject: str
    priority: str
    status: str
    assignee_id: str
    due_time: datetime | None


class OverdueCases(BaseModel):
    """Open or in-progress cases past their due time, most overdue first."""

    count: int
    cases: list[OverdueCase] = Field(description=f"At most {MAX_LISTED_CASES}.")


class CertificationCoverageSection(BaseModel):
    """Reps of the region and, per product line, how many hold a valid certification."""

    reps: int
    coverage: list[CertificationCoverage]


class TrendMonth(BaseModel):
    """Deals won in one fiscal month of the period."""

    period_code: str
    won: int
    won_value: list[Money] = Field(description="Per currency.")


class Trend(BaseModel):
    """Month by month across the period (one month for a monthly period)."""

    months: list[TrendMonth]


class RegionDashboard(ComposedView):
    """A region's dashboard; a missing section is null and listed in `partial`."""

    region: str
    period: str = Field(examples=["FY2027-Q1"])
    generated_at: datetime
    plan_vs_actual: PlanVsActual | None
    performers: Performers | None
    funnel: FunnelSection | None
    win_rate: WinRates | None
    forecast: ForecastVsTarget | None
    overdue_cases: OverdueCases | None
    certification_coverage: CertificationCoverageSection | None
    trend: Trend | None


def _revenue_line(lines: Sequence[AttainmentLine]) -> AttainmentLine | None:
    for line in lines:
        if line.metric == "revenue" and not line.product_line and line.target is not None:
            return line
    return None


def rank_performers(reps: Sequence[RepPlanVsActual], limit: int = MAX_PERFORMERS) -> Performers:
    """Rank reps with a revenue target by percent of it, then actual, then id."""
    rows = [(rep, line) for rep in reps if (line := _revenue_line(rep.lines)) is not None]
    rows.sort(
        key=lambda row: (
            -row[1].percent_bp,
            -(row[1].actual.amount_minor if row[1].actual else 0),
            row[0].rep_id,
        )
    )
    ranking: list[PerformerRank] = []
    for position, (rep, line) in enumerate(rows, start=1):
        tied = ranking and ranking[-1].percent_bp == line.percent_bp
        ranking.append(
            PerformerRank(
                rank=ranking[-1].rank if tied else position,
                rep_id=rep.rep_id,
                team_unit_id=rep.team_unit_id,
                target=line.target,
                actual=line.actual,
                percent_bp=line.percent_bp,
                status=line.status,
            )
        )
    k = min(limit, len(ranking) // 2) if len(ranking) > 1 else len(ranking)
    return Performers(
        ranking=ranking,
        top=ranking[:k],
        bottom=list(reversed(ranking[len(ranking) - k :])) if len(ranking) > 1 else [],
    )


def top_down(units: Sequence[Any]) -> list[Any]:
    """Org units (protos) ordered from the region's roots down, each level by code."""
    ids = {unit.unit_id for unit in units}
    children: dict[str, list[Any]] = {}
    roots = []
    for unit in units:
        if unit.parent_id in ids:
            children.setdefault(unit.parent_id, []).append(unit)
        else:
            roots.append(unit)
    ordered: list[Any] = []
    level = sorted(roots, key=lambda u: u.code)
    while level:
        ordered += level
        level = sorted(
            (child for unit in level for child in children.get(unit.unit_id, [])),
            key=lambda u: u.code,
        )
    return ordered


async def _region_units(upstreams: Upstreams, caller: Caller, region: str) -> list[Any]:
    async def page(token: str) -> Any:
        request = organisation_pb2.ListOrgUnitsRequest(
            region=region, page=page_request(MAX_PAGE_SIZE, token)
        )
        return await upstreams.call("planning", "ListOrgUnits", request, caller)

    return top_down(await collect(page, lambda reply: list(reply.units)))


async def _plan_vs_actual(
    upstreams: Upstreams, caller: Caller, units: asyncio.Future[list[Any]], period: str
) -> PlanVsActual:
    region_units = await units
    replies = await gather_bounded(
        upstreams.call(
            "planning",
            "GetAttainment",
            attainment_pb2.GetAttainmentRequest(org_unit_id=unit.unit_id, period_code=period),
            caller,
        )
        for unit in region_units
    )
    reps: list[RepPlanVsActual] = []
    rows = []
    for unit, reply in zip(region_units, replies, strict=True):
        rows.append(
            UnitPlanVsActual(
                unit_id=unit.unit_id,
                code=unit.code,
                name=unit.name,
                kind=unit.kind,
                parent_id=unit.parent_id,
                lines=[AttainmentLine.from_proto(line) for line in reply.lines],
            )
        )
        reps += [
            RepPlanVsActual(
                rep_id=child.rep_id,
                team_unit_id=unit.unit_id,
                lines=[AttainmentLine.from_proto(line) for line in child.lines],
            )
            for child in reply.children
            if child.rep_id
        ]
    reps.sort(key=lambda rep: (rep.team_unit_id, rep.rep_id))
    return PlanVsActual(units=rows, reps=reps)


async def _funnel(
    upstreams: Upstreams, caller: Caller, region: str, period: str, pipeline_id: str
) -> FunnelSection:
    request = analytics_pb2.GetFunnelRequest(
        filter=analytics_pb2.AnalyticsFilter(period=period, region=region, pipeline_id=pipeline_id)
    )
    reply = await upstreams.call("pipeline", "GetFunnel", request, caller)
    # An unset conversion (the last step, or none reached) is null, not 0.
    steps = [FunnelStep.from_proto(step) for step in reply.steps]
    return FunnelSection(pipeline_id=pipeline_id, cohort=reply.cohort, steps=steps)


async def _win_rate(upstreams: Upstreams, caller: Caller, region: str, period: str) -> WinRates:
    request = analytics_pb2.GetWinRateRequest(
        filter=analytics_pb2.AnalyticsFilter(period=period, region=region),
        group_by=analytics_pb2.ANALYTICS_DIMENSION_TEAM,
    )
    reply = await upstreams.call("pipeline", "GetWinRate", request, caller)
    return WinRates(
        total=WinRate.from_proto(reply.total),
        by_team=[WinRate.from_proto(group) for group in reply.groups],
    )


async def _forecast(
    upstreams: Upstreams, caller: Caller, units: asyncio.Future[list[Any]], period: str
) -> ForecastVsTarget:
    region_units = await units
    ids = {unit.unit_id for unit in region_units}
    roots = [unit for unit in region_units if unit.parent_id not in ids]
    replies = await gather_bounded(
        upstreams.call(
            "planning",
            "GetForecastRollUp",
            forecasts_pb2.GetForecastRollUpRequest(org_unit_id=root.unit_id, period_code=period),
            caller,
        )
        for root in roots
    )
    return ForecastVsTarget(units=[ForecastRollUp.from_proto(reply) for reply in replies])


async def _overdue_cases(upstreams: Upstreams, caller: Caller, region: str) -> OverdueCases:
    async def page(token: str) -> Any:
        request = cases_pb2.ListCasesRequest(
            region=region, overdue=True, page=page_request(MAX_PAGE_SIZE, token)
        )
        return await upstreams.call("pipeline", "ListCases", request, caller)

    cases = [Case.from_proto(case) for case in await collect(page, lambda r: list(r.cases))]
    far = datetime.max.replace(tzinfo=UTC)
    cases.sort(key=lambda case: (case.due_time or far, case.case_id))
    return OverdueCases(
        count=len(cases),
        cases=[
            OverdueCase(
                case_id=case.case_id,
                customer_id=case.customer_id,
                subject=case.subject,
                priority=case.priority,
                status=case.status,
                assignee_id=case.assignee_id,
                due_time=case.due_time,
            )
            for case in cases[:MAX_LISTED_CASES]
        ],
    )


async def _certification_coverage(
    upstreams: Upstreams, caller: Caller, region: str
) -> CertificationCoverageSection:
    request = readiness_pb2.GetRegionReadinessRequest(region=region)
    reply = await upstreams.call("training", "GetRegionReadiness", request, caller)
    return CertificationCoverageSection(
        reps=reply.figures.reps,
        coverage=[CertificationCoverage.from_proto(line) for line in reply.figures.coverage],
    )


async def _trend(
    upstreams: Upstreams, caller: Caller, region: str, months: Sequence[FiscalPeriod]
) -> Trend:
    replies = await gather_bounded(
        upstreams.call(
            "pipeline",
            "GetDealMetrics",
            analytics_pb2.GetDealMetricsRequest(
                filter=analytics_pb2.AnalyticsFilter(period=month.code, region=region)
            ),
            caller,
        )
        for month in months
    )
    return Trend(
        months=[
            TrendMonth(
                period_code=month.code,
                won=reply.total.won,
                won_value=[Money.from_proto(size.total) for size in reply.total.deal_sizes],
            )
            for month, reply in zip(months, replies, strict=True)
        ]
    )


async def build_dashboard(
    upstreams: Upstreams,
    caller: Caller,
    settings: GatewaySettings,
    region: str,
    period: str,
    pipeline_id: str = DEFAULT_PIPELINE,
) -> RegionDashboard:
    """The dashboard of `region` for `period`, as the caller may see it (the report's data too)."""
    require_managing_role(caller, "region dashboard")
    code = region_in_scope(caller, region)
    calendar = FiscalCalendar(settings.base.fiscal_year_start_month)
    fiscal = fiscal_period(calendar, period)
    # One read of the region's units serves two sections.
    units = asyncio.ensure_future(_region_units(upstreams, caller, code))
    try:
        outcomes: dict[str, Outcome] = await compose(
            VIEW,
            {
                "plan_vs_actual": _plan_vs_actual(upstreams, caller, units, fiscal.code),
                "funnel": _funnel(upstreams, caller, code, fiscal.code, pipeline_id),
                "win_rate": _win_rate(upstreams, caller, code, fiscal.code),
                "forecast": _forecast(upstreams, caller, units, fiscal.code),
                "overdue_cases": _overdue_cases(upstreams, caller, code),
                "certification_coverage": _certification_coverage(upstreams, caller, code),
                "trend": _trend(upstreams, caller, code, months_of(calendar, fiscal)),
            },
        )
    finally:
        units.cancel()  # a no-op once done; never left running if a section raised
    plan = outcomes["plan_vs_actual"]
    ordered = {
        "plan_vs_actual": plan,
        "performers": derived(plan, lambda value: rank_performers(value.reps)),
        **{name: outcome for name, outcome in outcomes.items() if name != "plan_vs_actual"},
    }
    return RegionDashboard(
        region=code,
        period=fiscal.code,
        generated_at=datetime.now(UTC),
        partial=partial_sections(ordered),
        sections=statuses(ordered),
        **{name: outcome.value for name, outcome in ordered.items()},
    )


@router.get("/{region}/dashboard", summary="A region's dashboard: plan, funnel, forecast, people")
async def region_dashboard(
    request: Request,
    region: RegionPath,
    period: PeriodParam,
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    pipeline_id: PipelineParam = DEFAULT_PIPELINE,
) -> RegionDashboard:
    """Every section from its own service, concurrently; a missing one is null and in `partial`."""
    settings: GatewaySettings = request.app.state.settings
    return await build_dashboard(upstreams, caller, settings, region, period, pipeline_id)
