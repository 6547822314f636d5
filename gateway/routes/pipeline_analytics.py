"""`/v1/pipeline-analytics/...`: funnel, win rate, deal metrics, time in stage, win/loss.

Read-only figures of PipelineAnalyticsService, computed when asked. Every
figure is an integer: counts, basis points (`_bp`, 10000 = 100 %) and money
in minor units, rounded half up where divided. `period` (FY2027, FY2027-Q1,
FY2027-M03) is required; the other filters narrow the deals covered. A rep's
figures are always their own; other regions never enter an aggregate. The
definitions are in the proto (`salesops/pipeline/v1/analytics.proto`).
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from fastapi import APIRouter, Depends, Query
from google.protobuf.message import Message
from pydantic import Field
from salesops.pipeline.v1 import analytics_pb2

from gateway.auth import ReadingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.contracts import Money
from gateway.routes.conventions import FiscalPeriod, ProtoModel, RegionFilter, proto_to_json
from gateway.upstreams import OpenUpstreams

router = APIRouter(
    prefix="/v1/pipeline-analytics", tags=["pipeline analytics"], responses=PROBLEM_RESPONSES
)

Period = Annotated[
    str,
    Query(
        min_length=1,
        max_length=20,
        description="Fiscal period: FY2027, FY2027-Q1 or FY2027-M03.",
        examples=["FY2027-Q1"],
    ),
]
TeamFilter = Annotated[str, Query(max_length=100, description="Only deals of this team.")]
OwnerFilter = Annotated[
    str, Query(max_length=100, description="Only deals of this rep (a rep sees only their own).")
]
PipelineFilter = Annotated[str, Query(max_length=100, description="Only deals in this pipeline.")]
GroupBy = Annotated[
    Literal["region", "team", "owner", "pipeline"] | None,
    Query(description="Also break the figure down by this dimension."),
]
_DIMENSIONS = {
    "region": analytics_pb2.ANALYTICS_DIMENSION_REGION,
    "team": analytics_pb2.ANALYTICS_DIMENSION_TEAM,
    "owner": analytics_pb2.ANALYTICS_DIMENSION_OWNER,
    "pipeline": analytics_pb2.ANALYTICS_DIMENSION_PIPELINE,
}


class AnalyticsFilter(ProtoModel):
    """The filters as applied (a rep's owner_id is their own)."""

    period: str
    region: str
    team_id: str
    owner_id: str
    pipeline_id: str


class FunnelStep(ProtoModel):
    """How many of the cohort reached a stage, and the conversion to the next stage."""

    stage_id: str
    name: str
    position: int
    kind: str = Field(description='"open" or "won".')
    reached: int
    conversion_to_next_bp: int | None = Field(
        description="reached(next) / reached(this) in bp; null for the last step or none reached."
    )


class Funnel(ProtoModel):
    """The funnel of the deals created in the period (the cohort) in one pipeline."""

    period: FiscalPeriod
    filter: AnalyticsFilter
    cohort: int = Field(description="Deals created in the period.")
    steps: list[FunnelStep]

    @classmethod
    def from_proto(cls, message: Message) -> Self:
        data = proto_to_json(message)
        for step, proto_step in zip(data["steps"], message.steps, strict=True):  # type: ignore[attr-defined]
            if not proto_step.HasField("conversion_to_next_bp"):
                step["conversion_to_next_bp"] = None
        return cls.model_validate(data)


class WinRate(ProtoModel):
    """Won and lost deals and won / (won + lost) in bp (0 when none closed)."""

    key: str = Field(description="The group (region, team, rep or pipeline); empty for the total.")
    won: int
    lost: int
    win_rate_bp: int


class WinRateReport(ProtoModel):
    """Win rate among the deals closed in the period."""

    period: FiscalPeriod
    filter: AnalyticsFilter
    total: WinRate
    groups: list[WinRate]


class DealSize(ProtoModel):
    """Deals won in one currency: their total and mean amount."""

    currency: str
    won: int
    total: Money
    average: Money


class DealMetrics(ProtoModel):
    """Size and cycle length of the deals won by one group."""

    key: str = Field(description="The group (region, team, rep or pipeline); empty for the total.")
    won: int
    deal_sizes: list[DealSize]
    average_cycle_days: int = Field(description="Mean days from creation to close.")


class DealMetricsReport(ProtoModel):
    """Average deal size per currency and cycle length of the deals won in the period."""

    period: FiscalPeriod
    filter: AnalyticsFilter
    total: DealMetrics
    groups: list[DealMetrics]


class StageDuration(ProtoModel):
    """Mean hours deals spent in a stage, over the stays that ended in the period."""

    pipeline_id: str
    stage_id: str
    name: str
    position: int
    stays: int
    average_hours: int


class TimeInStageReport(ProtoModel):
    """Time in stage, by pipeline and stage position."""

    period: FiscalPeriod
    filter: AnalyticsFilter
    stages: list[StageDuration]


class LossReason(ProtoModel):
    """Lost deals that gave one reason, and their share of all losses in bp."""

    reason: str
    lost: int
    share_bp: int


class CompetitorOutcome(ProtoModel):
    """Closed deals with a competitor present, and how they ended."""

    competitor: str
    deals: int
    won: int
    lost: int
    win_rate_bp: int
    lost_to: int = Field(description="Deals lost to this competitor.")


class WinLossReport(ProtoModel):
    """Win/loss by loss reason and by competitor among the deals closed in the period."""

    period: FiscalPeriod
    filter: AnalyticsFilter
    won: int
    lost: int
    loss_reasons: list[LossReason]
    competitors: list[CompetitorOutcome]


def _filters(
    period: str, region: str, team_id: str, owner_id: str, pipeline_id: str
) -> analytics_pb2.AnalyticsFilter:
    return analytics_pb2.AnalyticsFilter(
        period=period, region=region, team_id=team_id, owner_id=owner_id, pipeline_id=pipeline_id
    )


async def _query_filters(
    period: Period,
    region: RegionFilter = "",
    team_id: TeamFilter = "",
    owner_id: OwnerFilter = "",
    pipeline_id: PipelineFilter = "",
) -> analytics_pb2.AnalyticsFilter:
    """FastAPI dependency: the filters every figure but the funnel takes."""
    return _filters(period, region, team_id, owner_id, pipeline_id)


Filters = Annotated[analytics_pb2.AnalyticsFilter, Depends(_query_filters)]


def _dimension(group_by: str | None) -> analytics_pb2.AnalyticsDimension.ValueType:
    return _DIMENSIONS[group_by] if group_by else analytics_pb2.ANALYTICS_DIMENSION_UNSPECIFIED


@router.get("/funnel", summary="Funnel and stage conversion of a pipeline")
async def get_funnel(
    period: Period,
    pipeline_id: Annotated[str, Query(min_length=1, max_length=100, description="The pipeline.")],
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    team_id: TeamFilter = "",
    owner_id: OwnerFilter = "",
) -> Funnel:
    """For the deals created in the period: how many reached each stage, and the conversions."""
    request = analytics_pb2.GetFunnelRequest(
        filter=_filters(period, region, team_id, owner_id, pipeline_id)
    )
    return Funnel.from_proto(await upstreams.call("pipeline", "GetFunnel", request, caller))


@router.get("/win-rate", summary="Win rate")
async def get_win_rate(
    filters: Filters, caller: ReadingCaller, upstreams: OpenUpstreams, group_by: GroupBy = None
) -> WinRateReport:
    """won / (won + lost) among the deals closed in the period, in total and per group."""
    request = analytics_pb2.GetWinRateRequest(filter=filters, group_by=_dimension(group_by))
    return WinRateReport.from_proto(await upstreams.call("pipeline", "GetWinRate", request, caller))


@router.get("/deal-metrics", summary="Average deal size and cycle length")
async def get_deal_metrics(
    filters: Filters, caller: ReadingCaller, upstreams: OpenUpstreams, group_by: GroupBy = None
) -> DealMetricsReport:
    """Mean amount per currency and mean days to close of the deals won in the period."""
    request = analytics_pb2.GetDealMetricsRequest(filter=filters, group_by=_dimension(group_by))
    return DealMetricsReport.from_proto(
        await upstreams.call("pipeline", "GetDealMetrics", request, caller)
    )


@router.get("/time-in-stage", summary="Time in stage")
async def get_time_in_stage(
    filters: Filters, caller: ReadingCaller, upstreams: OpenUpstreams
) -> TimeInStageReport:
    """Mean hours per stage over the stays that ended in the period."""
    request = analytics_pb2.GetTimeInStageRequest(filter=filters)
    return TimeInStageReport.from_proto(
        await upstreams.call("pipeline", "GetTimeInStage", request, caller)
    )


@router.get("/win-loss", summary="Win/loss by reason and by competitor")
async def get_win_loss(
    filters: Filters, caller: ReadingCaller, upstreams: OpenUpstreams
) -> WinLossReport:
    """Losses per reason and won/lost deals per competitor, among the deals closed in the period."""
    request = analytics_pb2.GetWinLossBreakdownRequest(filter=filters)
    return WinLossReport.from_proto(
        await upstreams.call("pipeline", "GetWinLossBreakdown", request, caller)
    )
