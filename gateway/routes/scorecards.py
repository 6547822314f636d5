"""`/v1/scorecards`: KPI scorecards per rep and fiscal period (ScorecardService).

`GET /v1/scorecards/{rep_id}/{period}` is the published scorecard, else a live
preview computed now (`?preview=true` forces the preview): each KPI's value,
target, thresholds, score 0-100, weight and weighted points (score x
weight_bp, in ten-thousandths of a point), and the total, which is their sum.
`POST /v1/scorecards:publish` publishes a closed period's scorecards for a
region (directors) or a team (its managers): stored, immutable, and announced
by `performance.scorecard.published`; a KPI worse than its floor emits
`performance.gap.detected` once (`:detect-gaps` looks at a running period's
live scorecards now). `GET /v1/scorecards` lists published ones.
A rep sees their own, a manager the reps below them, directors their regions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from salesops.performance.v1 import scorecards_pb2 as pb

from gateway.auth import ReadingCaller, WritingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import (
    PageSize,
    PageToken,
    ProtoModel,
    RegionFilter,
    page_request,
)
from gateway.upstreams import OpenUpstreams

SCORECARDS = "/v1/scorecards"
router = APIRouter(prefix=SCORECARDS, tags=["scorecards"], responses=PROBLEM_RESPONSES)

RepId = Annotated[
    str, Path(min_length=1, max_length=100, pattern=r"^[^:/]+$", description="The rep's id.")
]
PeriodCode = Annotated[
    str, Path(min_length=1, max_length=16, description="A fiscal period code, e.g. FY2027-Q1.")
]


class ScorecardLine(ProtoModel):
    """One KPI of a scorecard."""

    kpi_code: str
    name: str
    source: str
    direction: str
    unit: str = Field(description="minor_units, count, basis_points or csat_hundredths.")
    currency: str
    value: int
    target: int
    floor: int = Field(description="The value scoring 0 points.")
    stretch: int = Field(description="The value scoring 100 points.")
    score: int
    weight_bp: int
    weighted_points: int = Field(description="score x weight_bp (ten-thousandths of a point).")
    scored: bool = Field(description="False: no target or no data (score 0, no gap).")
    skill_area: str
    note: str


class Scorecard(ProtoModel):
    """A rep's scorecard for a fiscal period: published, or a live preview."""

    scorecard_id: str = Field(description="Empty for a live preview.")
    rep_id: str
    region: str
    team_id: str
    role: str
    period_code: str
    kpi_set_id: str
    lines: list[ScorecardLine]
    total_points: int = Field(description="The sum of the lines' weighted points.")
    total_score: int = Field(description="total_points as a whole score 0-100 (half up).")
    published: bool
    published_time: datetime | None
    published_by: str
    computed_time: datetime | None


class ScorecardList(BaseModel):
    """One page of published scorecards, newest first."""

    scorecards: list[Scorecard]
    next_page_token: str = Field(description="Pass back as page_token; empty on the last page.")


class Publication(BaseModel):
    """A closed period, and exactly one of a region and a team."""

    model_config = ConfigDict(extra="forbid")

    period_code: str = Field(examples=["FY2027-Q1"])
    region: str = ""
    team_id: str = ""


class Published(BaseModel):
    """What a publication stored, and whom it found published already."""

    scorecards: list[Scorecard]
    already_published: list[str]


@router.get("", summary="List published scorecards")
async def list_scorecards(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    region: RegionFilter = "",
    period: Annotated[str, Query(description="Only this period's.")] = "",
    team_id: Annotated[str, Query(description="Only this team's.")] = "",
    rep_id: Annotated[str, Query(description="Only this rep's.")] = "",
    page_size: PageSize = None,
    page_token: PageToken = "",
) -> ScorecardList:
    """Published scorecards the caller may see, newest first."""
    request = pb.ListScorecardsRequest(
        period_code=period,
        region=region,
        team_id=team_id,
        rep_id=rep_id,
        page=page_request(page_size, page_token),
    )
    reply = await upstreams.call("performance", "ListScorecards", request, caller)
    return ScorecardList(
        scorecards=[Scorecard.from_proto(s) for s in reply.scorecards],
        next_page_token=reply.page.next_page_token,
    )


@router.post(":publish", summary="Publish a closed period's scorecards")
async def publish_scorecards(
    body: Publication, caller: WritingCaller, upstreams: OpenUpstreams
) -> Published:
    """At or after the period's close (422 before); each published once, immutable."""
    request = pb.PublishScorecardsRequest(
        period_code=body.period_code, region=body.region, team_id=body.team_id
    )
    reply = await upstreams.call("performance", "PublishScorecards", request, caller)
    return Published(
        scorecards=[Scorecard.from_proto(s) for s in reply.scorecards],
        already_published=list(reply.already_published),
    )


class GapScan(BaseModel):
    """A running period and a region."""

    model_config = ConfigDict(extra="forbid")

    period_code: str = Field(examples=["FY2027-Q1"])
    region: str


class DetectedGap(ProtoModel):
    """A KPI worse than its floor (pro-rated for a running total)."""

    rep_id: str
    kpi_code: str
    value: int
    threshold: int
    skill_area: str


class DetectedGaps(ProtoModel):
    """The gaps newly found (each rep x KPI x period once)."""

    gaps: list[DetectedGap]


@router.post(":detect-gaps", summary="Look for KPI gaps now (directors)")
async def detect_gaps(
    body: GapScan, caller: WritingCaller, upstreams: OpenUpstreams
) -> DetectedGaps:
    """A running period's live scorecards of a region; the worker does it daily too."""
    request = pb.DetectGapsRequest(period_code=body.period_code, region=body.region)
    reply = await upstreams.call("performance", "DetectGaps", request, caller)
    return DetectedGaps.from_proto(reply)


@router.get("/{rep_id}/{period_code}", summary="Read a rep's scorecard")
async def get_scorecard(
    rep_id: RepId,
    period_code: PeriodCode,
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    preview: Annotated[bool, Query(description="A live preview even when published.")] = False,
) -> Scorecard:
    """The published scorecard, else a live preview computed now."""
    request = pb.GetScorecardRequest(rep_id=rep_id, period_code=period_code, preview=preview)
    reply = await upstreams.call("performance", "GetScorecard", request, caller)
    return Scorecard.from_proto(reply.scorecard)
