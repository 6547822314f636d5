"""`/v1/leaderboards`: reps ranked by their scorecards, per team or region (ScorecardService).

Ranked by the weighted total (`kpi=total`, the default) or one KPI's score;
ties share a rank (1, 1, 3) and are listed by rep id. Each rep's figure is
their published scorecard, else a live preview. A team's leaderboard is
visible to its members and to managers and above of the region; a region's
to managers and above.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field
from salesops.performance.v1 import scorecards_pb2 as pb

from gateway.auth import ReadingCaller
from gateway.problems import PROBLEM_RESPONSES
from gateway.routes.conventions import ProtoModel
from gateway.upstreams import OpenUpstreams

router = APIRouter(prefix="/v1/leaderboards", tags=["leaderboards"], responses=PROBLEM_RESPONSES)


class LeaderboardEntry(ProtoModel):
    """One rep's place."""

    rank: int = Field(description="Ties share a rank.")
    rep_id: str
    team_id: str
    points: int = Field(description="total_points for the total, else the KPI's score 0-100.")
    value: int = Field(description="The KPI's value; the total score for the total.")
    published: bool


class Leaderboard(ProtoModel):
    """The ranked reps of a team or region for a period."""

    period_code: str
    kpi_code: str
    scope: str = Field(description="team or region.")
    scope_id: str
    entries: list[LeaderboardEntry]


@router.get("", summary="Rank a team's or a region's reps")
async def get_leaderboard(
    caller: ReadingCaller,
    upstreams: OpenUpstreams,
    period: Annotated[str, Query(description="A fiscal period code.")],
    team_id: Annotated[str, Query(description="Exactly one of team_id and region.")] = "",
    region: Annotated[str, Query(description="Exactly one of team_id and region.")] = "",
    kpi: Annotated[str, Query(description="A KPI code, or total.")] = "total",
) -> Leaderboard:
    """Best first."""
    request = pb.GetLeaderboardRequest(
        period_code=period, team_id=team_id, region=region, kpi_code=kpi
    )
    reply = await upstreams.call("performance", "GetLeaderboard", request, caller)
    return Leaderboard.from_proto(reply)
