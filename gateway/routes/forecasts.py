"""`/v1/forecasts`: reps' forecasts per fiscal period, adjustments and roll-up (ForecastService).

A rep submits commit, best case and pipeline for a period (commit is part of
best case, so commit <= best case; pipeline is the open pipeline beyond best
case), all non-negative and in one currency; a manager of the rep's team (or
of a unit above it) may submit for them. Submitting again makes a new
version (`/versions` keeps them) and clears an earlier adjustment.
`:adjust` by the rep's manager or a director of the region sets adjusted
figures with a required reason; the rep's own stay beside them.
`/v1/forecasts:roll-up` sums forecasts, the weighted pipeline, the revenue
target and closed-won revenue over an org unit and each child unit and rep.
Reps see their own forecasts only; other regions' are 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from salesops.planning.v1 import forecasts_pb2 as pb

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
from gateway.routes.plans import PlanPeriod
from gateway.upstreams import OpenUpstreams

FORECAST_STATUS = EnumJson(pb.ForecastStatus.DESCRIPTOR, "FORECAST_STATUS_")
ForecastStatusName = FORECAST_STATUS.literal()
ForecastStatusFilter = FORECAST_STATUS.filter_literal()

FORECASTS = "/v1/forecasts"
forecasts_router = APIRouter(prefix=FORECASTS, tags=["forecasts"])

ForecastId = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^:]+$", description="The forecast's id.")
]
PeriodQuery = Annotated[str, Query(description="A fiscal period, e.g. FY2027-Q1.")]


class ForecastFigures(ProtoModel):
    """Commit, best case and pipeline, in one currency."""

    commit: Money | None
    best_case: Money | None
    pipeline: Money | None


class ForecastAdjustment(ProtoModel):
    """One adjustment: the figures, why, who and when, and the version it adjusted."""

    figures: ForecastFigures | None
    reason: str
    adjusted_by: str
    adjust_time: datetime | None
    forecast_version: int


class Forecast(ProtoModel):
    """A rep's forecast for one period: their latest figures and the adjusted ones."""

    forecast_id: str
    rep_id: str
    org_unit_id: str = Field(description="The rep's team when the latest version was submitted.")
    region: str
    period: PlanPeriod | None
    status: ForecastStatusName  # type: ignore[valid-type]
    submitted: ForecastFigures | None = Field(description="The rep's latest figures.")
    adjusted: ForecastFigures | None = Field(description="Null until a manager adjusts them.")
    notes: str
    forecast_version: int = Field(description="1 for the first submission; resubmissions count up.")
    adjustments: list[ForecastAdjustment] = Field(description="Every adjustment, newest first.")
    audit: Audit | None
    version: int


class ForecastList(BaseModel):
    """One page of forecasts, newest first."""

    forecasts: list[Forecast]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class ForecastVersion(ProtoModel):
    """One submitted version."""

    forecast_version: int
    figures: ForecastFigures | None
    notes: str
    submitted_by: str
    submit_time: datetime | None


class ForecastVersionList(BaseModel):
    """One page of a forecast's versions, newest first."""

    versions: list[ForecastVersion]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class SubmitForecastRequest(BaseModel):
    """A rep's call for a period that is not over."""

    model_config = ConfigDict(extra="forbid")

    period_code: str = Field(examples=["FY2027-Q1"])
    rep_id: str = Field(default="", description="Empty: the caller; a manager names a rep.")
    commit: MoneyInput
    best_case: MoneyInput
    pipeline: MoneyInput
    notes: str = ""


class AdjustForecastRequest(BaseModel):
    """Adjusted figures in the forecast's currency, and why."""

    model_config = ConfigDict(extra="forbid")

    commit: MoneyInput
    best_case: MoneyInput
    pipeline: MoneyInput
    reason: str


class PipelineByCategory(ProtoModel):
    """Open pipeline closing in the period, by the opportunities' forecast category."""

    pipeline: Money | None
    best_case: Money | None
    commit: Money | None
    omitted: Money | None


class RollUpFigures(ProtoModel):
    """A line's money figures in one currency."""

    currency: str
    submitted: ForecastFigures | None
    forecast: ForecastFigures | None = Field(description="Adjusted where present, else submitted.")
    weighted_pipeline: Money | None = Field(
        description="Sum of amount x probability per open opportunity, each rounded half up."
    )
    open_pipeline: PipelineByCategory | None
    closed_won: Money | None = Field(description="Booked in the period, minus cancellations.")
    open_opportunities: int


class RollUpLine(ProtoModel):
    """A rep, or a unit over its whole subtree."""

    org_unit_id: str
    rep_id: str
    name: str
    reps: int = Field(description="People (not left) in the subtree.")
    reps_submitted: int
    revenue_target: Money | None = Field(description="Null without an approved or active plan.")
    figures: list[RollUpFigures] = Field(description="One per currency, the target's first.")


class ForecastRollUp(ProtoModel):
    """The unit's total and each child unit and rep of it."""

    period: PlanPeriod | None
    total: RollUpLine | None
    children: list[RollUpLine]


@forecasts_router.post("", status_code=201, summary="Submit a forecast")
async def submit_forecast(
    body: SubmitForecastRequest, response: Response, caller: WritingCaller, upstreams: OpenUpstreams
) -> Forecast:
    """Submit (or resubmit, as a new version) a forecast; `Location` points at it."""
    request = pb.SubmitForecastRequest(
        period_code=body.period_code,
        rep_id=body.rep_id,
        commit=body.commit.to_proto(),
        best_case=body.best_case.to_proto(),
        pipeline=body.pipeline.to_proto(),
        notes=body.notes,
    )
    reply = await upstreams.call("planning", "SubmitForecast", request, caller)
    forecast = Forecast.from_proto(reply.forecast)
    response.headers["Location"] = f"{FORECASTS}/{forecast.forecast_id}"
    return forecast


@forecasts_router.get("", summary="List forecasts")
async def list_forecasts(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    period: Annotated[str, Query(description="Only this period, e.g. FY2027-Q1.")] = "",
    rep_id: Annotated[str, Query(description="Only this rep's forecasts.")] = "",
    org_unit_id: Annotated[str, Query(description="Only reps of this unit and below.")] = "",
    status: Annotated[
        ForecastStatusFilter | None,  # type: ignore[valid-type]
        Query(description="Only forecasts in this status."),
    ] = None,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> ForecastList:
    """Forecasts the caller may see (a rep: their own), newest first."""
    request = pb.ListForecastsRequest(
        period_code=period,
        rep_id=rep_id,
        org_unit_id=org_unit_id,
        region=region,
        status=pb.ForecastStatus.ValueType(FORECAST_STATUS.from_json(status) if status else 0),
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("planning", "ListForecasts", request, caller)
    return ForecastList(
        forecasts=[Forecast.from_proto(f) for f in reply.forecasts],
        next_page_token=reply.page.next_page_token,
    )


@forecasts_router.get(":roll-up", summary="Roll forecasts up an org unit")
async def forecast_roll_up(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    org_unit: Annotated[str, Query(min_length=1, description="The org unit's id.")],
    period: PeriodQuery,
) -> ForecastRollUp:
    """Submitted and adjusted forecasts, weighted pipeline, target and closed-won revenue."""
    request = pb.GetForecastRollUpRequest(org_unit_id=org_unit, period_code=period)
    reply = await upstreams.call("planning", "GetForecastRollUp", request, caller)
    return ForecastRollUp.from_proto(reply)


@forecasts_router.get("/{forecast_id}", summary="Read a forecast")
async def get_forecast(
    forecast_id: ForecastId, caller: ReadingCaller, upstreams: OpenUpstreams
) -> Forecast:
    """One forecast with its adjustments; another region's (or rep's) is 404."""
    request = pb.GetForecastRequest(forecast_id=forecast_id)
    reply = await upstreams.call("planning", "GetForecast", request, caller)
    return Forecast.from_proto(reply.forecast)


@forecasts_router.get("/{forecast_id}/versions", summary="List a forecast's versions")
async def list_forecast_versions(
    forecast_id: ForecastId,
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> ForecastVersionList:
    """Every version the rep submitted, newest first."""
    request = pb.ListForecastVersionsRequest(
        forecast_id=forecast_id, page=page_request(page_size, page_token)
    )
    reply = await upstreams.call("planning", "ListForecastVersions", request, caller)
    return ForecastVersionList(
        versions=[ForecastVersion.from_proto(v) for v in reply.versions],
        next_page_token=reply.page.next_page_token,
    )


@forecasts_router.post("/{forecast_id}:adjust", summary="Adjust a forecast")
async def adjust_forecast(
    forecast_id: ForecastId,
    body: AdjustForecastRequest,
    caller: WritingCaller,
    upstreams: OpenUpstreams,
) -> Forecast:
    """The rep's manager (or one above) or a director of the region; the reason is required."""
    request = pb.AdjustForecastRequest(
        forecast_id=forecast_id,
        commit=body.commit.to_proto(),
        best_case=body.best_case.to_proto(),
        pipeline=body.pipeline.to_proto(),
        reason=body.reason,
    )
    reply = await upstreams.call("planning", "AdjustForecast", request, caller)
    return Forecast.from_proto(reply.forecast)


router = APIRouter(responses=PROBLEM_RESPONSES)
router.include_router(forecasts_router)
